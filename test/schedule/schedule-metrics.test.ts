/**
 * The runs of the schedules a process fires are on /metrics: every outcome of every schedule from
 * 0, each run and skipped tick counted under its outcome, and the time of the last success (0
 * until one), so a schedule that stopped succeeding can be alerted on.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Scheduler } from "../../runtime/schedule/scheduler.js";
import { ScheduleRunMetrics } from "../../runtime/schedule/schedule-metrics.js";
import { fakeKube } from "../cron/fake-kube.js";
import { captureLogs, loaded } from "./helpers.js";

const T0 = Date.parse("2025-01-01T10:00:30Z");
const MINUTE = 60_000;

/** The rendered series, by metric name and labels. */
function series(metrics: ScheduleRunMetrics): Map<string, number> {
  const out: string[] = [];
  metrics.render(out);
  return new Map(out.filter((l) => !l.startsWith("#")).map((l) => [l.slice(0, l.lastIndexOf(" ")), Number(l.slice(l.lastIndexOf(" ") + 1))]));
}

test("each run is counted under its outcome, a skipped tick as skipped, and a success sets the last success time", async () => {
  let calls = 0;
  let release!: () => void;
  const fn = loaded({
    name: "tidy",
    schedule: { cron: "* * * * *", name: "often", mode: "in-process", concurrencyPolicy: "Forbid" },
    handler: async () => {
      calls++;
      if (calls === 1) throw new Error("broken on purpose");
      if (calls === 2) await new Promise<void>((resolve) => (release = resolve));
      return {};
    },
  });
  const metrics = new ScheduleRunMetrics();
  const scheduler = new Scheduler({ functions: [fn], kube: fakeKube().kube, logger: captureLogs().logger, metrics });
  const labels = 'function="tidy",schedule="often"';
  const before = series(metrics);
  assert.equal(before.get(`podfn_schedule_runs_total{${labels},outcome="failed"}`), 0, "every outcome is there from the start");
  assert.equal(before.get(`podfn_schedule_runs_total{${labels},outcome="kube_unavailable"}`), 0);
  assert.equal(before.get(`podfn_schedule_last_success_timestamp_seconds{${labels}}`), 0);

  scheduler.start(T0);
  scheduler.tick(T0 + MINUTE);
  await scheduler.idle();
  assert.equal(series(metrics).get(`podfn_schedule_runs_total{${labels},outcome="failed"}`), 1);

  scheduler.tick(T0 + 2 * MINUTE);
  scheduler.tick(T0 + 3 * MINUTE); // the second run still going: Forbid skips this tick
  assert.equal(series(metrics).get(`podfn_schedule_runs_total{${labels},outcome="skipped"}`), 1);
  const beforeSuccess = Date.now() / 1000;
  release();
  await scheduler.idle();
  const after = series(metrics);
  assert.equal(after.get(`podfn_schedule_runs_total{${labels},outcome="succeeded"}`), 1);
  const last = after.get(`podfn_schedule_last_success_timestamp_seconds{${labels}}`)!;
  assert.ok(last >= beforeSuccess && last <= Date.now() / 1000, `last success ${last}`);
});

test("a process firing no schedule renders no schedule series", () => {
  assert.equal(series(new ScheduleRunMetrics()).size, 0);
});
