import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { Scheduler } from "../../runtime/schedule/scheduler.js";
import type { Trigger } from "../../runtime/function.js";
import { fakeKube } from "../cron/fake-kube.js";
import { captureLogs, loaded, until } from "./helpers.js";

const T0 = Date.parse("2025-01-01T10:00:30Z");
const MINUTE = 60_000;

/** A function on `* * * * *` whose runs wait until released; records each run's trigger, input and signal. */
function gated(concurrencyPolicy: "Allow" | "Forbid" | "Replace", mode: "cronjob" | "in-process" = "in-process") {
  const runs: { trigger: Trigger; input: unknown; signal: AbortSignal; release: () => void }[] = [];
  const fn = loaded({
    name: `gated-${concurrencyPolicy.toLowerCase()}`,
    schedule: { cron: "* * * * *", name: "every", concurrencyPolicy, mode, input: { n: 1 } },
    timeoutMs: 600_000,
    input: z.object({ n: z.number() }),
    handler: ({ trigger, input, signal }) =>
      new Promise<string>((resolve, reject) => {
        runs.push({ trigger, input, signal, release: () => resolve("done") });
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      }),
  });
  return { fn, runs };
}

test("fires a schedule when it is due, with the schedule trigger and input, and logs its outcome and duration", async () => {
  const { fn, runs } = gated("Forbid");
  const { logger, lines } = captureLogs();
  const scheduler = new Scheduler({ functions: [fn], kube: fakeKube().kube, logger });
  scheduler.start(T0);
  assert.equal(scheduler.nextDue(), Date.parse("2025-01-01T10:01:00Z"));
  scheduler.tick(T0 + 10_000);
  assert.equal(runs.length, 0, "not due yet");
  scheduler.tick(scheduler.nextDue());
  await until(() => runs.length === 1);
  assert.deepEqual(runs[0]!.trigger, { type: "schedule", schedule: "every", scheduledAt: new Date("2025-01-01T10:01:00Z") });
  assert.deepEqual(runs[0]!.input, { n: 1 });
  runs[0]!.release();
  await scheduler.idle();
  const line = lines.find((l) => l.outcome === "succeeded");
  assert.equal(line?.fn, fn.name);
  assert.equal(line?.schedule, "every");
  assert.equal(typeof line?.durationMs, "number");
});

test("Forbid skips a tick while the previous run is still going", async () => {
  const { fn, runs } = gated("Forbid");
  const { logger, lines } = captureLogs();
  const scheduler = new Scheduler({ functions: [fn], kube: fakeKube().kube, logger });
  scheduler.start(T0);
  scheduler.tick(T0 + MINUTE);
  await until(() => runs.length === 1);
  scheduler.tick(T0 + 2 * MINUTE);
  assert.ok(lines.some((l) => l.outcome === "skipped"));
  runs[0]!.release();
  await scheduler.idle();
  scheduler.tick(T0 + 3 * MINUTE);
  await until(() => runs.length === 2);
  runs[1]!.release();
  await scheduler.idle();
});

test("Forbid: a run that timed out while its handler still runs (ignoring its signal) counts as running until the handler ends (another timeoutMs at most)", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let started = 0;
  const fn = loaded({ name: "stubborn", timeoutMs: 1000, schedule: { cron: "* * * * *", name: "every", concurrencyPolicy: "Forbid", mode: "in-process" }, handler: () => (started++, gate) });
  const { logger, lines } = captureLogs();
  const scheduler = new Scheduler({ functions: [fn], kube: fakeKube().kube, logger });
  scheduler.start(T0);
  scheduler.tick(T0 + MINUTE);
  await until(() => lines.some((l) => l.outcome === "timed out") && lines.some((l) => typeof l.msg === "string" && l.msg.startsWith("the timed-out handler still runs")), "the timeout");
  scheduler.tick(T0 + 2 * MINUTE);
  assert.equal(started, 1, "the next tick did not start beside the running handler");
  assert.ok(lines.some((l) => l.outcome === "skipped"));
  release();
  await scheduler.idle();
  scheduler.tick(T0 + 3 * MINUTE);
  await until(() => started === 2, "the tick after the handler ended");
  await scheduler.idle();
});

test("Replace aborts the previous run before starting the next", async () => {
  const { fn, runs } = gated("Replace");
  const { logger, lines } = captureLogs();
  const scheduler = new Scheduler({ functions: [fn], kube: fakeKube().kube, logger });
  scheduler.start(T0);
  scheduler.tick(T0 + MINUTE);
  await until(() => runs.length === 1);
  scheduler.tick(T0 + 2 * MINUTE);
  await until(() => runs.length === 2);
  assert.equal(runs[0]!.signal.aborted, true);
  assert.equal(runs[1]!.signal.aborted, false);
  runs[1]!.release();
  await scheduler.idle();
  assert.ok(lines.some((l) => l.outcome === "aborted"));
});

test("Allow lets runs overlap", async () => {
  const { fn, runs } = gated("Allow");
  const scheduler = new Scheduler({ functions: [fn], kube: fakeKube().kube, logger: captureLogs().logger });
  scheduler.start(T0);
  scheduler.tick(T0 + MINUTE);
  scheduler.tick(T0 + 2 * MINUTE);
  await until(() => runs.length === 2);
  assert.equal(runs[0]!.signal.aborted, false);
  for (const run of runs) run.release();
  await scheduler.idle();
});

test("missed fire times fire once, then the next is planned after now", async () => {
  const { fn, runs } = gated("Allow");
  const scheduler = new Scheduler({ functions: [fn], kube: fakeKube().kube, logger: captureLogs().logger });
  scheduler.start(T0);
  scheduler.tick(T0 + 10 * MINUTE);
  await until(() => runs.length === 1);
  assert.equal(scheduler.nextDue(), Date.parse("2025-01-01T10:11:00Z"));
  // The run caught up late says which tick it is: the latest missed (10:10), not the clock's 10:10:30.
  assert.deepEqual(runs[0]!.trigger, { type: "schedule", schedule: "every", scheduledAt: new Date("2025-01-01T10:10:00Z") });
  runs[0]!.release();
  await scheduler.idle();
});

test("startingDeadlineSeconds: a tick later than that after its latest fire time is skipped (logged), as the CronJob controller skips it", async () => {
  const runs: string[] = [];
  const fn = loaded({ name: "nightly", schedule: { cron: "0 2 * * *", name: "n", mode: "in-process", startingDeadlineSeconds: 60 }, handler: () => void runs.push("ran") });
  const logs = captureLogs();
  const scheduler = new Scheduler({ functions: [fn], kube: fakeKube().kube, logger: logs.logger });
  scheduler.start(Date.parse("2025-01-01T01:00:00Z"));
  scheduler.tick(Date.parse("2025-01-01T02:45:00Z"));
  await scheduler.idle();
  assert.equal(runs.length, 0, "45 minutes late: skipped");
  assert.ok(logs.lines.some((r) => r.outcome === "skipped" && r.lateSeconds === 2700), "the skip is logged with how late it was");
  assert.equal(scheduler.nextDue(), Date.parse("2025-01-02T02:00:00Z"));
  scheduler.tick(Date.parse("2025-01-02T02:00:30Z"));
  await scheduler.idle();
  assert.deepEqual(runs, ["ran"], "30 s late: within the deadline");
  // Several fire times missed: judged by the latest, which may still be within the deadline.
  const often = loaded({ name: "often", schedule: { cron: "*/5 * * * *", name: "o", mode: "in-process", startingDeadlineSeconds: 120 }, handler: () => void runs.push("often") });
  const again = new Scheduler({ functions: [often], kube: fakeKube().kube, logger: captureLogs().logger });
  again.start(Date.parse("2025-01-01T10:00:00Z"));
  again.tick(Date.parse("2025-01-01T10:31:00Z"));
  await again.idle();
  assert.deepEqual(runs, ["ran", "often"], "10:30 was missed by a minute only");
  // A stall of a day on an every-minute schedule: the latest tick is within the deadline.
  const minutely = loaded({ name: "minutely", schedule: { cron: "* * * * *", name: "m", mode: "in-process", startingDeadlineSeconds: 120 }, handler: () => void runs.push("minutely") });
  const stalled = new Scheduler({ functions: [minutely], kube: fakeKube().kube, logger: captureLogs().logger });
  stalled.start(Date.parse("2025-01-01T00:00:00Z"));
  stalled.tick(Date.parse("2025-01-01T20:00:30Z"));
  await stalled.idle();
  assert.deepEqual(runs, ["ran", "often", "minutely"]);
});

test("the filter chooses which schedules fire", () => {
  const inProcess = gated("Forbid", "in-process").fn;
  const cronJob = gated("Allow", "cronjob").fn;
  const scheduler = new Scheduler({ functions: [inProcess, cronJob], kube: fakeKube().kube, logger: captureLogs().logger, filter: (entry) => entry.mode === "in-process" });
  assert.equal(scheduler.size, 1);
});

test("stop aborts the runs in flight and waits for them", async () => {
  const { fn, runs } = gated("Forbid");
  const { logger, lines } = captureLogs();
  const scheduler = new Scheduler({ functions: [fn], kube: fakeKube().kube, logger });
  scheduler.start(T0);
  scheduler.tick(T0 + MINUTE);
  await until(() => runs.length === 1);
  await scheduler.stop(new DOMException("shutdown", "AbortError"));
  assert.equal(runs[0]!.signal.aborted, true);
  assert.ok(lines.some((l) => l.outcome === "aborted"));
});

test("stop waits for a run ignoring its aborted signal what is left of its timeoutMs, stopWaitMs at most (10 minutes by default), then goes on without it", async () => {
  let started = false;
  const deaf = loaded({ name: "deaf", timeoutMs: 3_600_000, schedule: { cron: "* * * * *", mode: "in-process" }, handler: () => ((started = true), new Promise(() => {})) });
  const { logger, lines } = captureLogs();
  const scheduler = new Scheduler({ functions: [deaf], kube: fakeKube().kube, logger, stopWaitMs: 50 });
  scheduler.start(T0);
  scheduler.tick(T0 + MINUTE);
  await until(() => started, "the run");
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([scheduler.stop(new DOMException("shutdown", "AbortError")).then(() => "stopped"), new Promise((resolve) => (timer = setTimeout(resolve, 5000, "still waiting")))]);
  clearTimeout(timer);
  assert.equal(stopped, "stopped");
  assert.ok(lines.some((l) => l.outcome === "aborted" && /no longer waited for/.test(String(l.msg))), JSON.stringify(lines));
});

test("started again after a stop (a leadership won back), its runs are not given up stopWaitMs after they start: the earlier stop does not carry over", async () => {
  // Each run ends on its own, 4 × stopWaitMs after it starts: before that, a stop that carried
  // over would have given it up ("no longer waited for").
  const stopWaitMs = 50;
  let started = 0;
  const slow = loaded({ name: "slow", timeoutMs: 3_600_000, schedule: { cron: "* * * * *", mode: "in-process" }, handler: () => ((started += 1), new Promise<void>((resolve) => setTimeout(resolve, 4 * stopWaitMs))) });
  const { logger, lines } = captureLogs();
  const scheduler = new Scheduler({ functions: [slow], kube: fakeKube().kube, logger, stopWaitMs });
  scheduler.start(T0);
  await scheduler.stop(new DOMException("leadership lost", "AbortError"));
  scheduler.start(T0 + MINUTE);
  scheduler.tick(T0 + 2 * MINUTE);
  await until(() => started === 1, "the run of the second term");
  await until(() => lines.some((l) => l.fn === "slow" && typeof l.outcome === "string"), "the run's outcome");
  assert.deepEqual(lines.filter((l) => l.fn === "slow" && typeof l.outcome === "string").map((l) => l.outcome), ["succeeded"], JSON.stringify(lines));
  await scheduler.stop(new DOMException("shutdown", "AbortError"));
});

test("a failing run and a forbidden one are logged with their outcome (a failure with its stack)", async () => {
  const fail = loaded({ name: "fails", schedule: { cron: "* * * * *", mode: "in-process" }, handler: () => { throw new Error("boom"); } });
  const denied = loaded({
    name: "denied",
    schedule: { cron: "* * * * *", mode: "in-process" },
    handler: async ({ kube }) => kube.configMaps.create({ metadata: { name: "x" } }),
  });
  const { logger, lines } = captureLogs();
  const scheduler = new Scheduler({ functions: [fail, denied], kube: fakeKube({ forbidCreateAs: "system:serviceaccount:default:podfn-http" }).kube, logger });
  scheduler.start(T0);
  scheduler.tick(T0 + MINUTE);
  await scheduler.idle();
  const failed = lines.find((l) => l.fn === "fails" && l.outcome === "failed");
  assert.match(String(failed?.msg), /boom/);
  assert.match(String((failed?.err as { stack?: string } | undefined)?.stack), /Error: boom\n\s+at /, "the failure's stack is logged");
  assert.match(String(lines.find((l) => l.fn === "denied" && l.outcome === "forbidden")?.msg), /verbs: \["create"\]/);
});

test("a schedule that can never fire (0 0 31 2 *) is loaded and never fires", () => {
  let fired = 0;
  const fn = loaded({ name: "never", schedule: { cron: "0 0 31 2 *", mode: "in-process" }, handler: () => void fired++ });
  const scheduler = new Scheduler({ functions: [fn], kube: fakeKube().kube, logger: captureLogs().logger });
  scheduler.start(T0);
  assert.equal(scheduler.nextDue(), Infinity);
  scheduler.tick(T0 + 400 * 24 * 60 * MINUTE);
  assert.equal(fired, 0);
});
