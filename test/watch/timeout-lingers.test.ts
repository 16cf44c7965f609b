/**
 * A watch call that times out while its handler still runs (it ignores its signal): the
 * object's next call waits for that handler to end, so calls about one object do not overlap —
 * for another `timeoutMs` at most (a handler that never ends must not stop the object's calls,
 * nor the watch, for good); a stop waits for it at most 2 s more.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { setImmediate as turn } from "node:timers/promises";
import type { KubeObject, WatchEvent, WatchOptions } from "../../runtime/kube/api.js";
import { runWatches } from "../../runtime/watch/watcher.js";
import { captureLogs, loaded, until } from "../schedule/helpers.js";

const cm = (rv: string): KubeObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: "default", name: "a", resourceVersion: rv } }) as KubeObject;

/** A kube whose watch yields `a` as ADDED, then as MODIFIED once `modify()` is called. */
function scriptedKube() {
  let modify!: () => void;
  const modified = new Promise<void>((resolve) => (modify = resolve));
  const kube = {
    namespace: "default",
    resource: () => ({
      async *watch(options: WatchOptions<KubeObject>): AsyncGenerator<WatchEvent<KubeObject>> {
        yield { type: "ADDED", object: cm("1") };
        options.onProgress?.("1");
        options.onList?.(1, "1");
        // As the real watch: a stop ends it wherever it waits.
        const stopped = new Promise<void>((resolve) => options.signal!.addEventListener("abort", () => resolve(), { once: true }));
        await Promise.race([modified, stopped]);
        if (options.signal!.aborted) return;
        yield { type: "MODIFIED", object: cm("2") };
        await stopped;
      },
    }),
  };
  return { kube: kube as never, modify };
}

test("the object's next call waits for a handler that outlived its timeout", async () => {
  const { kube, modify } = scriptedKube();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const log: string[] = [];
  let running = 0;
  const fn = loaded({
    name: "slow",
    timeoutMs: 1000,
    watch: { resource: "configmaps" },
    async handler({ trigger }) {
      if (trigger.type !== "watch") return;
      running++;
      log.push(`start ${trigger.event} (${running} running)`);
      if (trigger.event === "ADDED") {
        modify();
        await gate; // ignores its signal
      }
      running--;
      log.push(`end ${trigger.event}`);
    },
  });
  const stop = new AbortController();
  const { logger, lines } = captureLogs();
  const done = runWatches({ functions: [fn], kube, logger }, stop.signal);
  try {
    await until(() => lines.some((l) => l.msg === "the timed-out handler still runs (it ignores its signal): the object's next call waits for it, another timeoutMs at most"), "the timeout", 10_000);
    for (let i = 0; i < 20; i++) await turn();
    assert.deepEqual(log, ["start ADDED (1 running)"], "MODIFIED has not started beside the running handler");
    release();
    await until(() => log.includes("end MODIFIED"), "the next call, once the handler ended", 10_000);
    assert.deepEqual(log, ["start ADDED (1 running)", "end ADDED", "start MODIFIED (1 running)", "end MODIFIED"]);
  } finally {
    release();
    stop.abort();
    await done;
  }
});

test("a handler that never ends holds its object's turn another timeoutMs, then the next call starts beside it, with an error", async () => {
  const { kube, modify } = scriptedKube();
  const log: string[] = [];
  const fn = loaded({
    name: "hung",
    timeoutMs: 100,
    watch: { resource: "configmaps" },
    async handler({ trigger }) {
      if (trigger.type !== "watch") return;
      log.push(`start ${trigger.event}`);
      if (trigger.event === "ADDED") {
        modify();
        await new Promise(() => {}); // never ends, ignores its signal
      }
    },
  });
  const stop = new AbortController();
  const { logger, lines } = captureLogs();
  const done = runWatches({ functions: [fn], kube, logger }, stop.signal);
  try {
    await until(() => log.includes("start MODIFIED"), "the next call, once the hold is over", 10_000);
    assert.ok(lines.some((l) => l.level === "error" && l.msg === "the timed-out handler still runs after twice its timeout: the object's next call starts beside it (make the handler stop when its signal aborts)"));
  } finally {
    stop.abort();
    await done;
  }
});

test("a stop waits for a handler that outlived its timeout 2 s at most", async () => {
  const { kube } = scriptedKube();
  const fn = loaded({ name: "stuck", timeoutMs: 3000, watch: { resource: "configmaps", events: ["ADDED"] }, handler: () => new Promise<void>(() => {}) });
  const stop = new AbortController();
  const { logger, lines } = captureLogs();
  const done = runWatches({ functions: [fn], kube, logger }, stop.signal);
  await until(() => lines.some((l) => typeof l.msg === "string" && l.msg.startsWith("the timed-out handler still runs")), "the timeout", 10_000);
  const stopped = performance.now();
  stop.abort();
  await done;
  const ms = performance.now() - stopped;
  assert.ok(ms >= 1900 && ms < 10_000, `stopped after ${Math.round(ms)} ms`);
});

test("a stop waits for a call still within its timeoutMs what is left of it, stopWaitMs at most (10 minutes by default), then goes on without it", async () => {
  const { kube } = scriptedKube();
  let started = false;
  const fn = loaded({ name: "deaf", timeoutMs: 3_600_000, watch: { resource: "configmaps", events: ["ADDED"] }, handler: () => ((started = true), new Promise<void>(() => {})) });
  const stop = new AbortController();
  const { logger, lines } = captureLogs();
  const done = runWatches({ functions: [fn], kube, logger, stopWaitMs: 50 }, stop.signal);
  await until(() => started, "the call", 10_000);
  stop.abort();
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([done.then(() => "stopped"), new Promise((resolve) => (timer = setTimeout(resolve, 5000, "still waiting")))]);
  clearTimeout(timer);
  assert.equal(stopped, "stopped");
  assert.ok(lines.some((l) => l.outcome === "aborted" && /no longer waited for/.test(String(l.msg))), JSON.stringify(lines));
});
