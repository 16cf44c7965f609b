/**
 * @module test/watch/helpers
 * What the watch tests share: the emulated cluster's admin client for the file, and running one
 * function's watches with their log lines and call counters at hand.
 */
import { before } from "node:test";
import { clusterForFile } from "../helpers/cluster-clients.js";
import type { KubeClient } from "../../runtime/kube/api.js";
import type { LoadedFunction, Trigger } from "../../runtime/function.js";
import { runWatches, type RunWatchesOptions } from "../../runtime/watch/watcher.js";
import { WatchCallMetrics } from "../../runtime/metrics.js";
import { captureLogs } from "../schedule/helpers.js";

/** The trigger of a watch call. */
export type Watched = Extract<Trigger, { type: "watch" }>;

/**
 * The admin client of an emulated cluster the file starts (in its `before` hook) and stops.
 * Call it at the top of a test file; the getter inside tests.
 */
export function adminForFile(namespace = "default"): () => KubeClient {
  const { client } = clusterForFile(namespace);
  let admin: KubeClient | undefined;
  before(async () => {
    admin = await client();
  });
  return () => admin!;
}

/**
 * Runs `fn`'s watches as `kube` (with `options`), its log lines in `lines`; `counted()` gives
 * the `podfn_watch_calls_total` lines; `stop()` aborts them and waits for their calls.
 */
export function runWatched(fn: LoadedFunction, kube: KubeClient, options: Partial<Omit<RunWatchesOptions, "functions" | "kube" | "logger" | "metrics">> = {}) {
  const stop = new AbortController();
  const { logger, lines } = captureLogs();
  const metrics = new WatchCallMetrics();
  const done = runWatches({ functions: [fn], kube, logger, metrics, ...options }, stop.signal);
  const counted = (): string[] => {
    const out: string[] = [];
    metrics.render(out);
    return out.filter((l) => l.startsWith("podfn_watch_calls_total{"));
  };
  return { lines, counted, done, stop: () => (stop.abort(), done) };
}
