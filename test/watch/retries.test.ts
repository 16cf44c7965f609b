/**
 * A watch call that fails is made again: after a pause, up to the watch's `retries`, with the
 * same event and object, unless a newer change of the object is queued by then (it wakes the
 * pause, and its call has the newer object). What another try cannot change (invalid input, a
 * denied request) is not retried, nor a call that timed out (its handler may still run);
 * `retries: 0` never retries. The pause holds no concurrency slot.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject } from "../../runtime/kube/api.js";
import { KeyedCallQueue } from "../../runtime/watch/keyed-queue.js";
import type { FunctionDefinition } from "../../runtime/function.js";
import { InputError } from "../../runtime/errors.js";
import { loaded, until } from "../schedule/helpers.js";
import { adminForFile, runWatched, type Watched } from "./helpers.js";

const admin = adminForFile();

/** Runs `definition`'s watch (as the admin: RBAC is not what this file is about), retry pauses of `retryMs`. */
function watching(definition: Omit<FunctionDefinition, "handler">, handler: (trigger: Watched) => Promise<void> | void, retryMs: number) {
  const fn = loaded({
    ...definition,
    async handler({ trigger }) {
      if (trigger.type === "watch") await handler(trigger);
    },
  });
  return runWatched(fn, admin(), { restartDelayMs: () => 50, retryDelayMs: () => retryMs });
}

const configMap = (name: string, label: string, data: Record<string, string> = {}) => ({ apiVersion: "v1" as const, kind: "ConfigMap" as const, metadata: { name, labels: { retries: label } }, data });
const nameOf = (t: Watched) => (t.object as KubeObject).metadata!.name!;

test("a failed call is made again after each pause until it succeeds; each try is logged and counted", async () => {
  let tries = 0;
  const run = watching({ name: "flaky", watch: { resource: "configmaps", labelSelector: "retries=flaky", retries: 3 } }, () => {
    if (++tries < 3) throw new Error(`try ${tries} broke`);
  }, 10);
  await admin().configMaps.create(configMap("flaky", "flaky"));
  await until(() => run.lines.some((l) => l.msg === "watch call succeeded"), "the third try to succeed", 10_000);
  assert.equal(tries, 3);
  const failures = run.lines.filter((l) => l.outcome === "failed").map((l) => String(l.msg));
  assert.deepEqual(failures, [
    "watch call failed: the handler failed: try 1 broke; trying again in 10 ms (retry 1 of 3)",
    "watch call failed: the handler failed: try 2 broke; trying again in 10 ms (retry 2 of 3)",
  ]);
  assert.equal(run.lines.find((l) => l.msg === "watch call succeeded")!.retry, 2);
  assert.deepEqual(run.counted(), [
    'podfn_watch_calls_total{function="flaky",watch="configmaps",event="ADDED",outcome="error"} 2',
    'podfn_watch_calls_total{function="flaky",watch="configmaps",event="ADDED",outcome="success"} 1',
  ]);
  await run.stop();
});

test("when the retries run out the last failure says nothing more is tried; retries: 0 never retries", async () => {
  for (const retries of [2, 0]) {
    let tries = 0;
    const label = `out-${retries}`;
    const run = watching({ name: "broken", watch: { resource: "configmaps", labelSelector: `retries=${label}`, retries } }, () => {
      tries++;
      throw new Error("always broken");
    }, 5);
    await admin().configMaps.create(configMap(label, label));
    await until(() => run.lines.filter((l) => l.outcome === "failed").length === retries + 1, `${retries + 1} tries`, 10_000);
    const last = run.lines.filter((l) => l.outcome === "failed").at(-1)!;
    assert.equal(last.msg, `watch call failed: the handler failed: always broken${retries > 0 ? `; no retries left (${retries} made)` : ""}`, "no retry announced");
    await run.stop();
    assert.equal(tries, retries + 1);
  }
});

test("a newer change of the object ends a pending retry at once; its call has the newer object", async () => {
  const calls: [string, string | undefined][] = [];
  const run = watching({ name: "superseded", watch: { resource: "configmaps", labelSelector: "retries=newer", retries: 5 } }, (t) => {
    const data = (t.object as KubeObject & { data?: Record<string, string> }).data;
    calls.push([t.event, data?.v]);
    if (data?.v === "1") throw new Error("v1 cannot be handled");
  }, 600_000);
  await admin().configMaps.create(configMap("newer", "newer", { v: "1" }));
  await until(() => run.lines.some((l) => l.retryInMs === 600_000), "the failure, with a retry ten minutes away", 10_000);
  await admin().configMaps.patch("newer", { data: { v: "2" } });
  await until(() => calls.length === 2, "the newer change's call", 10_000);
  assert.deepEqual(calls, [["ADDED", "1"], ["MODIFIED", "2"]]);
  assert.ok(run.lines.some((l) => l.msg === "watch call not made again: a newer change of the object is queued" && l.object === "default/newer"));
  await run.stop();
});

test("what another try cannot change (invalid input) is not retried", async () => {
  let tries = 0;
  const run = watching({ name: "invalid", watch: { resource: "configmaps", labelSelector: "retries=invalid", retries: 5 } }, () => {
    tries++;
    throw new InputError("the object is not what this function takes", [{ path: "data.v", message: "required" }]);
  }, 5);
  await admin().configMaps.create(configMap("invalid", "invalid"));
  await until(() => run.lines.some((l) => l.outcome === "invalid input"), "the call", 10_000);
  await run.stop();
  assert.equal(tries, 1);
  assert.equal(run.lines.filter((l) => l.outcome === "invalid input").length, 1);
});

test("a call that timed out is not retried: its handler may still be running", async () => {
  let tries = 0;
  let finished = false;
  const run = watching({ name: "deaf", timeoutMs: 100, watch: { resource: "configmaps", labelSelector: "retries=deaf", retries: 3 } }, async () => {
    tries++;
    // Ignores its signal: runs on past the timeout.
    await new Promise((resolve) => setTimeout(resolve, 600));
    finished = true;
  }, 5);
  await admin().configMaps.create(configMap("deaf", "deaf"));
  await until(() => finished, "the deaf handler to end", 10_000);
  const timedOut = run.lines.filter((l) => l.outcome === "timed out");
  assert.equal(timedOut.length, 1);
  assert.doesNotMatch(String(timedOut[0]!.msg), /trying again/);
  await run.stop();
  assert.equal(tries, 1, "no try beside the one still running");
});

test("shutdown ends a pending retry at once, without another try", async () => {
  const seen: string[] = [];
  const run = watching({ name: "stopped", watch: { resource: "configmaps", labelSelector: "retries=stopped", retries: 5 } }, (t) => {
    seen.push(nameOf(t));
    throw new Error("fails");
  }, 600_000);
  await admin().configMaps.create(configMap("stopped", "stopped"));
  await until(() => run.lines.some((l) => l.retryInMs === 600_000), "a retry ten minutes away", 10_000);
  await run.stop();
  assert.deepEqual(seen, ["stopped"]);
  assert.ok(run.lines.some((l) => l.msg === "watch call not made again: the watch stopped" && l.object === "default/stopped"), "the dropped retry is said");
});

test("KeyedCallQueue: a pausing call holds no slot, and a call pushed for its key wakes it, superseded", async () => {
  const queue = new KeyedCallQueue(1);
  const order: string[] = [];
  const stop = new AbortController();
  let superseded: boolean | undefined;
  await queue.push("a", async (place) => {
    order.push("a1 fails");
    await place.pause(600_000, stop.signal);
    superseded = place.superseded();
    order.push("a1 woken");
  });
  await queue.push("b", async () => void order.push("b1 runs in the slot a1 gave up"));
  await until(() => order.length === 2, "b1 while a1 pauses");
  await queue.push("a", async () => void order.push("a2"));
  await queue.idle();
  assert.deepEqual(order, ["a1 fails", "b1 runs in the slot a1 gave up", "a1 woken", "a2"]);
  assert.equal(superseded, true);
});
