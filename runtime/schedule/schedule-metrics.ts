/**
 * @module schedule/schedule-metrics
 * The runs of the schedules this process fires (in-process schedules under `podfn serve`, every
 * schedule under `podfn dev`), for `/metrics`: `podfn_schedule_runs_total{function,schedule,outcome}`
 * — every outcome of every schedule from 0, so `increase()` sees the first failure — and
 * `podfn_schedule_last_success_timestamp_seconds{function,schedule}` (0 until one succeeds), as
 * kube-state-metrics' `kube_cronjob_status_last_successful_time` is for a CronJob: alert on
 * `time() - podfn_schedule_last_success_timestamp_seconds > ...` where a schedule must succeed
 * that often. Only the Lease holder runs schedules: sum over replicas, or take the max.
 */
import type { RunOutcome } from "../cron/exit-codes.js";
import { escapeLabel } from "../prometheus-text.js";

/** How a run ended, or a tick skipped (`Forbid` with a run going, `startingDeadlineSeconds` past). */
export type ScheduleRunOutcome = RunOutcome | "skipped";

/** The outcome label values, in the logs' words with `_` for spaces. */
const OUTCOMES: readonly ScheduleRunOutcome[] = ["succeeded", "failed", "invalid input", "forbidden", "timed out", "kube unavailable", "aborted", "skipped"];


interface ScheduleSeries {
  labels: string;
  counts: number[];
  lastSuccessSeconds: number;
}

/**
 * The schedule runs of one process, as a metrics section.
 *
 * @example
 * const metrics = new ScheduleRunMetrics();
 * metrics.declare("cleanup", "nightly");
 * metrics.record("cleanup", "nightly", "succeeded", Date.now());
 */
export class ScheduleRunMetrics {
  readonly #series = new Map<string, ScheduleSeries>();

  /** Adds a schedule's series (at 0) if it has none; returns it. */
  declare(fn: string, schedule: string): ScheduleSeries {
    const key = `${fn}\n${schedule}`;
    let series = this.#series.get(key);
    if (!series) this.#series.set(key, (series = { labels: `function="${escapeLabel(fn)}",schedule="${escapeLabel(schedule)}"`, counts: OUTCOMES.map(() => 0), lastSuccessSeconds: 0 }));
    return series;
  }

  /** Counts one run (or skipped tick) of a schedule; a success at `atMs` (ms since the epoch) is its last. */
  record(fn: string, schedule: string, outcome: ScheduleRunOutcome, atMs: number): void {
    const series = this.declare(fn, schedule);
    series.counts[OUTCOMES.indexOf(outcome)]!++;
    if (outcome === "succeeded") series.lastSuccessSeconds = atMs / 1000;
  }

  render(out: string[]): void {
    if (this.#series.size === 0) return;
    out.push("# HELP podfn_schedule_runs_total Runs of the schedules this process fires, by outcome (skipped: a tick not run).", "# TYPE podfn_schedule_runs_total counter");
    for (const { labels, counts } of this.#series.values()) {
      OUTCOMES.forEach((outcome, i) => out.push(`podfn_schedule_runs_total{${labels},outcome="${outcome.replace(/ /g, "_")}"} ${counts[i]}`));
    }
    out.push("# HELP podfn_schedule_last_success_timestamp_seconds When a run of the schedule last succeeded here, in seconds since the epoch (0: never).", "# TYPE podfn_schedule_last_success_timestamp_seconds gauge");
    for (const { labels, lastSuccessSeconds } of this.#series.values()) out.push(`podfn_schedule_last_success_timestamp_seconds{${labels}} ${lastSuccessSeconds}`);
  }
}
