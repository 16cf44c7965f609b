/**
 * @module watch/watcher
 * Runs functions' `watch` triggers: one informer-like watch per trigger (`kube.resource().watch()`:
 * existing objects first as `ADDED`, then every change, resumed and re-listed as needed), each
 * event of the kinds the trigger names becoming a call through `invoke()` with the trigger
 * `{type: "watch", watch, event, object}`. Calls about one object run one at a time, in the
 * order of their events; calls about different objects run side by side, up to the trigger's
 * `concurrency` (the watch waits for a free slot before reading on). A call that fails is
 * logged, not retried: the next change calls again. A watch that fails for good (403: a missing
 * permission) is logged and started again after a growing pause (up to a minute), listing
 * again. On shutdown the watches stop, the calls in flight are aborted and awaited.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { LoadedFunction, LoadedWatch, WatchEventName } from "../function.js";
import type { KubeClient, KubeObject } from "../kube/api.js";
import { invoke } from "../invoke.js";
import { exitCodeFor, outcomeOf } from "../cron/exit-codes.js";

export interface RunWatchesOptions {
  functions: readonly LoadedFunction[];
  kube: KubeClient;
  logger: Logger;
  /** Pause before restarting a watch that failed for good, after `n` failures in a row (ms). Default: 1 s doubling to 60 s. */
  restartDelayMs?: (n: number) => number;
}

/** Calls queued by object: one at a time per key, at most `limit` running in all. */
export class KeyedCallQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly inflight = new Set<Promise<void>>();
  private running = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  /** Waits for a free slot, then queues `task` (which must not reject) behind the last one about `key`. */
  async push(key: string, task: () => Promise<void>): Promise<void> {
    while (this.running >= this.limit) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.running++;
    const done: Promise<void> = (this.tails.get(key) ?? Promise.resolve()).then(task).finally(() => {
      this.running--;
      this.waiters.shift()?.();
      if (this.tails.get(key) === done) this.tails.delete(key);
      this.inflight.delete(done);
    });
    this.tails.set(key, done);
    this.inflight.add(done);
  }

  /** Settles when every queued call has. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all(this.inflight);
  }
}

const keyOf = (object: KubeObject) => `${object.metadata?.namespace ?? ""}/${object.metadata?.name ?? ""}`;

const defaultRestartDelay = (n: number) => Math.min(60_000, 1000 * 2 ** (n - 1));

/** One call for one event, one log line: info when it succeeds, an error when it fails. */
async function call(fn: LoadedFunction, watch: LoadedWatch, event: WatchEventName, object: KubeObject, options: RunWatchesOptions, signal: AbortSignal): Promise<void> {
  const requestId = randomUUID();
  const log = options.logger.child({ fn: fn.name, watch: watch.name, event, object: keyOf(object), requestId });
  const started = performance.now();
  try {
    await invoke({ fn, input: {}, trigger: { type: "watch", watch: watch.name, event, object }, requestId, dryRun: false, kube: options.kube, logger: options.logger, signal });
    log.info({ outcome: "succeeded", durationMs: Math.round(performance.now() - started) }, "watch call succeeded");
  } catch (error) {
    const decision = exitCodeFor({ error });
    const outcome = outcomeOf(decision, signal.aborted);
    // A handler's own failure carries its stack and cause: the log is all it leaves.
    log.error({ outcome, durationMs: Math.round(performance.now() - started), ...(outcome === "failed" ? { err: error } : {}) }, `watch call ${outcome}: ${decision.message}`);
  }
}

/** Runs one watch of one function until `signal` aborts. */
async function runWatch(fn: LoadedFunction, watch: LoadedWatch, options: RunWatchesOptions, signal: AbortSignal): Promise<void> {
  const log = options.logger.child({ fn: fn.name, watch: watch.name });
  const queue = new KeyedCallQueue(watch.concurrency);
  const client = options.kube.resource({ ...watch.type, kind: "" });
  const wanted = new Set<string>(watch.events);
  const restartDelay = options.restartDelayMs ?? defaultRestartDelay;
  let failures = 0;
  while (!signal.aborted) {
    try {
      const where = { resource: watch.type.resource, namespace: watch.namespace ?? (watch.type.namespaced ? options.kube.namespace : undefined) };
      let listed = false;
      const events = client.watch({
        onList(objects) {
          // The first list: from now on every change comes as it happens.
          if (!listed) log.info({ ...where, objects }, `watching ${watch.name} for ${fn.name} (${objects} listed)`);
          listed = true;
        },
        ...(watch.namespace !== undefined ? { namespace: watch.namespace } : {}),
        ...(watch.labelSelector !== undefined ? { labelSelector: watch.labelSelector } : {}),
        ...(watch.fieldSelector !== undefined ? { fieldSelector: watch.fieldSelector } : {}),
        signal,
      });
      for await (const { type, object } of events) {
        failures = 0;
        if (!wanted.has(type)) continue;
        await queue.push(keyOf(object), () => call(fn, watch, type as WatchEventName, object, options, signal));
      }
    } catch (error) {
      if (signal.aborted) break;
      failures++;
      const delayMs = restartDelay(failures);
      log.error({ err: error, restartInMs: delayMs }, `the watch of ${watch.name} for ${fn.name} failed: ${(error as Error).message}; starting it again in ${Math.round(delayMs / 1000)} s`);
      await sleep(delayMs, undefined, { signal }).catch(() => undefined);
    }
  }
  await queue.idle();
}

/**
 * Run every watch of `functions` until `signal` aborts; resolves once the calls in flight
 * (aborted by the signal) have settled.
 *
 * @example
 * await runWatches({ functions, kube, logger }, shutdown);
 */
export async function runWatches(options: RunWatchesOptions, signal: AbortSignal): Promise<void> {
  const runs = options.functions.flatMap((fn) => fn.watches.map((watch) => runWatch(fn, watch, options, signal)));
  await Promise.all(runs);
}
