/**
 * Where a failed watch resumes: from the last complete list's version or the last change's,
 * never from an item of a list cut short. A list's items are not in version order, and a list
 * that failed midway has not delivered the rest: resuming from its last item's version could
 * skip older changes of objects on the pages never read, and replay a change older than a state
 * already called for.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runWatches } from "../../runtime/watch/watcher.js";
import { watchResource } from "../../runtime/kube/watch.js";
import { kubeApiError } from "../../runtime/kube/errors.js";
import type { KubeObject } from "../../runtime/kube/api.js";
import { captureLogs, loaded, until } from "../schedule/helpers.js";

const cm = (name: string, rv: string): KubeObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: "default", name, resourceVersion: rv } }) as KubeObject;
const status = (code: number, reason: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code, reason, message: reason });
const fail = (code: number, reason: string) => kubeApiError(code, status(code, reason), { method: "GET", path: "/api/v1/namespaces/default/configmaps" });

test("a list after a 410 that fails on its second page: the watch resumes from the last complete list, not from a listed item", async () => {
  // The server keeps changes after 25: a watch from an older version is 410 Expired.
  const history = [
    { type: "MODIFIED", object: cm("e", "25") },
    { type: "ADDED", object: cm("c", "30") },
    { type: "MODIFIED", object: cm("d", "40") },
    { type: "MODIFIED", object: cm("d", "45") },
  ];
  const watchedFrom: string[] = [];
  let lists = 0;
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const context = {
    namespace: "default",
    dryRun: false,
    signals: [],
    logger: quiet,
    transport: {
      async pause(ms: number) {
        await new Promise((r) => setTimeout(r, ms));
      },
      async stream({ query, signal }: { query: Record<string, unknown>; signal: AbortSignal }) {
        const from = Number(query.resourceVersion);
        watchedFrom.push(String(from));
        // The first watch, from the first list's 20: expired (what starts the list that fails).
        if (from < 25) throw fail(410, "Expired");
        const lines = from >= 50 ? [] : history.filter((e) => Number(e.object.metadata!.resourceVersion) > from);
        return {
          body: (async function* () {
            for (const line of lines) yield `${JSON.stringify(line)}\n`;
            await new Promise((r) => signal.addEventListener("abort", r));
          })(),
        };
      },
    },
  };
  const listPage = async () => {
    lists++;
    if (lists === 1) return { metadata: { resourceVersion: "20" }, items: [cm("a", "10"), cm("d", "15"), cm("e", "12")] };
    // The list after the 410: its first page (items in no version order), then a refusal.
    if (lists === 2) return { metadata: { continue: "page-2" }, items: [cm("d", "45"), cm("c", "30")] };
    if (lists === 3) throw fail(403, "Forbidden");
    return { metadata: { resourceVersion: "50" }, items: [cm("a", "10"), cm("d", "45"), cm("c", "30"), cm("e", "25")] };
  };
  const type = { group: "", version: "v1", resource: "configmaps", namespaced: true, kind: "ConfigMap" };
  const kube = { namespace: "default", resource: () => ({ watch: (options: object) => watchResource(context as never, type, listPage as never, options) }) };
  const seen: string[] = [];
  const fn = loaded({ name: "r", watch: { resource: "configmaps" }, handler: ({ trigger }) => void (trigger.type === "watch" && seen.push(`${trigger.event} ${trigger.object.metadata!.name}@${trigger.object.metadata!.resourceVersion}`)) });
  const stop = new AbortController();
  const { logger } = captureLogs();
  const done = runWatches({ functions: [fn], kube: kube as never, logger, restartDelayMs: () => 5 }, stop.signal);
  try {
    await until(() => watchedFrom.includes("50"), "the watch from the complete list's version", 10_000);
  } finally {
    stop.abort();
    await done;
  }
  // Resumed from 20 (the last complete list), expired, listed in full: e's change at 25 is
  // called for, d's at 40 is never replayed after its 45.
  assert.deepEqual(watchedFrom, ["20", "20", "50"]);
  assert.deepEqual(seen, ["ADDED a@10", "ADDED d@15", "ADDED e@12", "MODIFIED d@45", "ADDED c@30", "MODIFIED e@25"]);
});
