/**
 * RequeueTimers on their own: a REQUEUE that fired and gave way to a newer change's call is
 * queued again when that call fails (it decided nothing), not when it succeeds (it decided), and
 * not after the watch's end.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { requeueAfter } from "../../runtime/function.js";
import type { KubeObject } from "../../runtime/kube/api.js";
import { RequeueTimers } from "../../runtime/watch/requeue.js";
import { createLogger } from "../../runtime/log.js";
import { FakeClock } from "./fake-clock.js";

const log = createLogger({ level: "silent" });
const object: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "ns", uid: "u1" } };
const failed = { object, failure: { outcome: "failed" as const, message: "boom" } };

function timers() {
  const clock = new FakeClock();
  const due: number[] = [];
  const requeue = new RequeueTimers(clock, () => true, (_key, _object, token) => due.push(token));
  // The first call asks 30 s; the timer fires: the REQUEUE is due (and, superseded, not taken).
  requeue.ended("ns/x", "ADDED", { object, result: requeueAfter(30) }, log);
  clock.advance(30_000);
  assert.equal(due.length, 1);
  return { clock, due, requeue };
}

test("a due REQUEUE is queued again when the newer change's call fails, and made once", () => {
  const { due, requeue } = timers();
  requeue.ended("ns/x", "MODIFIED", failed, log);
  assert.deepEqual(due, [due[0], due[0]], "queued again with the same token");
  assert.equal(requeue.take("ns/x", due[0]!), true);
  assert.equal(requeue.take("ns/x", due[0]!), false, "made once however often it was queued");
});

test("a due REQUEUE is not made after a newer call that succeeded, nor after the watch's end", () => {
  const first = timers();
  first.requeue.ended("ns/x", "MODIFIED", { object, result: undefined }, log);
  assert.equal(first.requeue.take("ns/x", first.due[0]!), false);
  const second = timers();
  second.requeue.stop();
  second.requeue.ended("ns/x", "MODIFIED", failed, log);
  assert.equal(second.due.length, 1);
});
