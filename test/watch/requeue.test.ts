/**
 * A watch call's `requeueAfter` (`requeueAfter(s)`, `condition({ requeueAfter })`): the object
 * is called again after the delay as `REQUEUE`, with its latest state; a later call about it that
 * succeeds replaces the timer (or cancels it, asking none); its deletion and the watch's end
 * cancel it; a delay out of bounds is a clear error. On the emulated cluster, the timers on a
 * fake clock (real ones in one test).
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { condition, requeueAfter, type WatchCallEvent, type WatchEventName } from "../../runtime/function.js";
import type { KubeObject } from "../../runtime/kube/api.js";
import { RequeueAfterError } from "../../runtime/watch/requeue-after.js";
import type { WatchClock } from "../../runtime/watch/watch-clock.js";
import { loaded, until } from "../schedule/helpers.js";
import { FakeClock } from "./fake-clock.js";
import { adminForFile, runWatched } from "./helpers.js";

const admin = adminForFile();

interface Seen {
  event: WatchCallEvent;
  name: string;
  step: string | undefined;
}

type Data = Record<string, string> | undefined;

/**
 * Watches ConfigMaps labelled `requeue=<label>` for `events` on `clock`; each call is recorded,
 * then `answer` (given the event and the object's data) is what the handler returns.
 */
function watching(t: TestContext, label: string, events: WatchEventName[], answer: (event: WatchCallEvent, data: Data, name: string) => unknown, options: { clock?: WatchClock; concurrency?: number; retries?: number; coalesce?: boolean; onCall?: (seen: Seen) => Promise<void> } = {}) {
  const seen: Seen[] = [];
  const fn = loaded({
    name: "requeuer",
    watch: { resource: "configmaps", labelSelector: `requeue=${label}`, events, ...(options.concurrency ? { concurrency: options.concurrency } : {}), ...(options.retries !== undefined ? { retries: options.retries } : {}), ...(options.coalesce ? { coalesce: true } : {}) },
    async handler({ trigger }) {
      if (trigger.type !== "watch") return;
      const object = trigger.object as KubeObject & { data?: Record<string, string> };
      const call = { event: trigger.event, name: object.metadata!.name!, step: object.data?.step };
      seen.push(call);
      await options.onCall?.(call);
      return answer(trigger.event, object.data, call.name) as void;
    },
  });
  const run = runWatched(fn, admin(), options.clock ? { clock: options.clock } : {});
  t.after(async () => {
    await run.stop();
    await admin().configMaps.deleteCollection({ labelSelector: `requeue=${label}` });
  });
  return { seen, ...run };
}

const configMap = (name: string, label: string, data: Record<string, string>) => ({ apiVersion: "v1" as const, kind: "ConfigMap" as const, metadata: { name, labels: { requeue: label } }, data });
const calls = (seen: Seen[], name: string) => seen.filter((s) => s.name === name).map((s) => `${s.event} ${s.step ?? ""}`.trim());

test("a call that asks requeueAfter is made again after the delay, as REQUEUE with the object's latest state, counted and logged as any call", async (t) => {
  const clock = new FakeClock();
  const run = watching(t, "again", ["ADDED"], (event, _data, name) => (event === "ADDED" && name === "a" ? requeueAfter(30) : undefined), { clock });
  await admin().configMaps.create(configMap("a", "again", { step: "0" }));
  await until(() => clock.pending().length === 1, "a's timer", 10_000);
  assert.equal(clock.pending()[0]!.ms, 30_000);
  // A change events leaves out calls nothing; the object created next is a barrier: its ADDED
  // comes after that change on the one stream, so the watch knows a's newer state by then.
  await admin().configMaps.patch("a", { data: { step: "1" } });
  await admin().configMaps.create(configMap("barrier", "again", {}));
  await until(() => run.seen.some((s) => s.name === "barrier"), "the barrier's call", 10_000);
  assert.deepEqual(calls(run.seen, "a"), ["ADDED 0"]);

  clock.advance(29_999);
  clock.advance(1);
  await until(() => calls(run.seen, "a").length === 2, "a's REQUEUE call", 10_000);
  assert.deepEqual(calls(run.seen, "a"), ["ADDED 0", "REQUEUE 1"]);
  // The REQUEUE call asked nothing: no timer.
  assert.deepEqual(clock.pending(), []);
  await until(() => run.lines.some((l) => l.event === "REQUEUE" && l.msg === "watch call succeeded"), "the REQUEUE call's log line", 10_000);
  assert.ok(run.counted().some((l) => /^podfn_watch_calls_total\{function="requeuer",watch="configmaps",event="REQUEUE",outcome="success"\} 1$/.test(l)), run.counted().join("\n"));
});

test("a newer change's call replaces the pending timer (one per object); a call that asks none cancels it", async (t) => {
  const clock = new FakeClock();
  // ADDED and MODIFIED calls ask the delay in data.delay, if any; a REQUEUE asks none.
  const run = watching(t, "newer", ["ADDED", "MODIFIED"], (event, data) => (event !== "REQUEUE" && data?.delay ? condition({ requeueAfter: Number(data.delay) }) : undefined), { clock });
  await admin().configMaps.create(configMap("b", "newer", { step: "0", delay: "60" }));
  await until(() => clock.pending().length === 1, "the ADDED call's timer", 10_000);
  const first = clock.pending()[0]!;
  assert.equal(first.ms, 60_000);

  await admin().configMaps.patch("b", { data: { step: "1", delay: "10" } });
  await until(() => first.cancelled, "the first timer replaced", 10_000);
  assert.deepEqual(clock.pending().map((p) => p.ms), [10_000], "one timer: the newer call's");

  clock.advance(10_000);
  await until(() => calls(run.seen, "b").length === 3, "the REQUEUE call", 10_000);
  // Past the first timer's time too: it was replaced, so it calls nothing.
  clock.advance(60_000);
  assert.equal(first.fired, false);
  assert.deepEqual(calls(run.seen, "b"), ["ADDED 0", "MODIFIED 1", "REQUEUE 1"]);

  await admin().configMaps.patch("b", { data: { step: "2", delay: "20" } });
  await until(() => clock.pending().length === 1, "the next change's timer", 10_000);
  const third = clock.pending()[0]!;
  await admin().configMaps.patch("b", { data: { step: "3", delay: "" } });
  await until(() => third.cancelled, "the timer cancelled by a call that asks none", 10_000);
  assert.deepEqual(clock.pending(), []);
  assert.deepEqual(calls(run.seen, "b"), ["ADDED 0", "MODIFIED 1", "REQUEUE 1", "MODIFIED 2", "MODIFIED 3"]);
});

test("an object's deletion cancels its timer: no REQUEUE call for it", async (t) => {
  const clock = new FakeClock();
  const run = watching(t, "gone", ["ADDED", "DELETED"], (event) => (event === "ADDED" ? requeueAfter(30) : undefined), { clock });
  await admin().configMaps.create(configMap("c", "gone", { step: "0" }));
  await until(() => clock.pending().length === 1, "c's timer", 10_000);
  const timer = clock.pending()[0]!;
  await admin().configMaps.delete("c");
  await until(() => timer.cancelled, "c's timer cancelled", 10_000);
  await until(() => calls(run.seen, "c").length === 2, "c's DELETED call", 10_000);
  clock.advance(30_000);
  assert.equal(timer.fired, false);
  assert.deepEqual(calls(run.seen, "c"), ["ADDED 0", "DELETED 0"]);
});

test("the watch's end cancels every timer at once (a week's too), and a timer firing late calls nothing", async (t) => {
  const clock = new FakeClock();
  const run = watching(t, "stop", ["ADDED"], () => requeueAfter(604_800), { clock });
  await admin().configMaps.create(configMap("d", "stop", { step: "0" }));
  await until(() => clock.pending().length === 1, "d's timer", 10_000);
  const timer = clock.pending()[0]!;
  assert.equal(timer.ms, 604_800_000);
  await run.stop();
  assert.equal(timer.cancelled, true);
  // As if the timer had fired just as the watch stopped: nothing is queued, nothing called.
  timer.fire();
  await run.done;
  assert.deepEqual(calls(run.seen, "d"), ["ADDED 0"]);
  assert.ok(!run.lines.some((l) => l.event === "REQUEUE"));
});

test("with the real clock: requeueAfter(0.05) calls again 50 ms later", async (t) => {
  let asked = 0;
  const run = watching(t, "real", ["ADDED"], (event) => (event === "ADDED" || asked++ < 1 ? requeueAfter(0.05) : undefined));
  await admin().configMaps.create(configMap("e", "real", { step: "0" }));
  await until(() => calls(run.seen, "e").length === 3, "two REQUEUE calls", 10_000);
  assert.deepEqual(calls(run.seen, "e"), ["ADDED 0", "REQUEUE 0", "REQUEUE 0"]);
});

test("a REQUEUE call waits for a slot: it does not run beside the watch's concurrency", async (t) => {
  const clock = new FakeClock();
  let inFlight = 0;
  let most = 0;
  let requeued!: () => void;
  const requeueStarted = new Promise<void>((resolve) => (requeued = resolve));
  const run = watching(t, "slots", ["ADDED"], (event, _data, name) => (event === "ADDED" && name === "f" ? requeueAfter(30) : undefined), {
    clock,
    concurrency: 1,
    async onCall(call) {
      inFlight++;
      most = Math.max(most, inFlight);
      if (call.event === "REQUEUE") requeued();
      // The other object's call holds the only slot until the REQUEUE starts (it must not), 300 ms at most.
      if (call.name === "held") await Promise.race([requeueStarted, sleep(300)]);
      inFlight--;
    },
  });
  await admin().configMaps.create(configMap("f", "slots", { step: "0" }));
  await until(() => clock.pending().length === 1, "f's timer", 10_000);
  await admin().configMaps.create(configMap("held", "slots", {}));
  await until(() => run.seen.some((s) => s.name === "held"), "the held call", 10_000);
  clock.advance(30_000);
  await until(() => calls(run.seen, "f").length === 2, "f's REQUEUE call", 10_000);
  assert.equal(most, 1, "one call at a time");
  assert.deepEqual(run.seen.map((s) => `${s.event} ${s.name}`), ["ADDED f", "ADDED held", "REQUEUE f"]);
});

test("a delay out of bounds is a RequeueAfterError naming requeueAfter; in a watch call, the call fails with it and sets no timer", async (t) => {
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 604_801, "30" as unknown as number]) {
    assert.throws(
      () => requeueAfter(bad),
      (error: unknown) => error instanceof RequeueAfterError && error.code === "invalid_requeue_after" && error.message.startsWith("requeueAfter must be"),
      String(bad),
    );
    assert.throws(() => condition({ reason: "Waiting", requeueAfter: bad }), RequeueAfterError);
  }
  assert.match(String((() => { try { requeueAfter(604_801); } catch (e) { return (e as Error).message; } })()), /at most 604800 \(seconds: a week\), got 604801/);
  assert.equal(requeueAfter(0.5).requeueAfter, 0.5);
  assert.equal(requeueAfter(604_800).requeueAfter, 604_800);

  const clock = new FakeClock();
  const run = watching(t, "bad", ["ADDED"], () => requeueAfter(-5), { clock, retries: 0 });
  await admin().configMaps.create(configMap("g", "bad", { step: "0" }));
  await until(() => run.lines.some((l) => l.level === "error" && l.event === "ADDED"), "the failed call's line", 10_000);
  const failed = run.lines.find((l) => l.level === "error" && l.event === "ADDED")!;
  assert.match(String(failed.msg), /^watch call failed: the handler failed: requeueAfter must be above 0 \(seconds\), got -5/);
  assert.deepEqual(clock.timers, []);
});

test("a timer that fires while a call about the object runs queues its REQUEUE behind it: not made if that call succeeds (it decided again), made if it fails", async (t) => {
  const clock = new FakeClock();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const run = watching(t, "busy", ["ADDED", "MODIFIED"], (event, data) => {
    if (event === "ADDED") return requeueAfter(30);
    if (event === "MODIFIED" && data?.fail) throw new Error("the MODIFIED call fails");
    return undefined;
  }, {
    clock,
    retries: 0,
    async onCall(call) {
      if (call.event === "MODIFIED") await gate;
    },
  });
  await admin().configMaps.create(configMap("ok", "busy", { step: "0" }));
  await admin().configMaps.create(configMap("fails", "busy", { step: "0" }));
  await until(() => clock.pending().length === 2, "both timers", 10_000);
  await admin().configMaps.patch("ok", { data: { step: "1" } });
  await admin().configMaps.patch("fails", { data: { step: "1", fail: "yes" } });
  await until(() => calls(run.seen, "ok").length === 2 && calls(run.seen, "fails").length === 2, "both MODIFIED calls, held", 10_000);
  clock.advance(30_000);
  release();
  await until(() => run.lines.some((l) => l.object === "default/ok" && l.msg === "requeue not made: a call about the object succeeded since the timer fired (it decided again)"), "ok's REQUEUE given up", 10_000);
  await until(() => calls(run.seen, "fails").length === 3, "fails' REQUEUE call", 10_000);
  assert.deepEqual(calls(run.seen, "ok"), ["ADDED 0", "MODIFIED 1"]);
  assert.deepEqual(calls(run.seen, "fails"), ["ADDED 0", "MODIFIED 1", "REQUEUE 1"]);
});

test("with coalesce, a change queued ahead of a REQUEUE that is not made (a call succeeded since its timer fired) is still called: the change is not lost to it", async (t) => {
  const clock = new FakeClock();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const run = watching(t, "ahead", ["ADDED", "MODIFIED"], (event, _data, name) => (event === "ADDED" && name === "a" ? requeueAfter(30) : undefined), {
    clock,
    coalesce: true,
    async onCall(call) {
      if (call.name === "a" && call.step === "1") await gate;
    },
  });
  await admin().configMaps.create(configMap("a", "ahead", { step: "0" }));
  await until(() => clock.pending().length === 1, "a's timer", 10_000);
  await admin().configMaps.patch("a", { data: { step: "1" } });
  await until(() => calls(run.seen, "a").length === 2, "the MODIFIED call, held", 10_000);
  await admin().configMaps.patch("a", { data: { step: "2" } });
  // Once another object's call ran, a's second change is queued behind its held call.
  await admin().configMaps.create(configMap("marker", "ahead", { step: "0" }));
  await until(() => calls(run.seen, "marker").length === 1, "marker's call", 10_000);
  // The timer fires while the MODIFIED call runs: its REQUEUE is queued behind the second change.
  clock.advance(30_000);
  release();
  await until(() => run.lines.some((l) => l.object === "default/a" && l.msg === "requeue not made: a call about the object succeeded since the timer fired (it decided again)"), "a's REQUEUE given up", 10_000);
  await until(() => calls(run.seen, "a").length === 3, "the second change's call", 2_000).catch(() => undefined);
  assert.deepEqual(calls(run.seen, "a"), ["ADDED 0", "MODIFIED 1", "MODIFIED 2"]);
});
