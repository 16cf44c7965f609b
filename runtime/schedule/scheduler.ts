/**
 * @module schedule/scheduler
 * Fires scheduled functions in this process (`podfn dev` for every schedule, `podfn serve` for
 * `mode: "in-process"` ones), through `invoke()` with the trigger
 * `{type: "schedule", schedule}`, one log line per run with its outcome and duration (counted
 * on `/metrics` too, when given `metrics`: schedule/schedule-metrics). Other
 * work that runs only on the leader (the watches) comes along as `alongside`.
 * `concurrencyPolicy` is honoured per schedule: `Forbid` skips a tick while the previous run is
 * going, `Replace` aborts it first, `Allow` overlaps. With `leaderElection`, only the Lease
 * holder fires, and its runs are aborted the moment it loses the Lease; each tick is recorded in
 * the Lease before it runs (schedule/tick-record), and a tick the Lease records is not run again
 * by the next leader, whatever its clock.
 *
 * The clock is the `Scheduler` class's `tick(now)`; `runSchedules` (schedule/run-schedules)
 * only adds waiting and the leader election, so tests drive `tick` with any time they like.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { LoadedFunction } from "../function.js";
import type { KubeClient } from "../kube/api.js";
import { invoke } from "../invoke.js";
import { exitCodeFor, outcomeOf } from "../cron/exit-codes.js";
import { nextFireTime } from "./cron.js";
import { ABORT_GRACE_MS, settledOrGrace } from "../signals.js";
import { STOPPED_CALL_WAIT_MS, abandonAfterAbort } from "../lifecycle.js";
import { setMaxListeners } from "node:events";
import type { ScheduleRunMetrics } from "./schedule-metrics.js";
import { tickKey, type TickClaim, type TickLedger } from "./tick-record.js";

export type ScheduleEntry = LoadedFunction["schedules"][number];

export interface SchedulerOptions {
  functions: LoadedFunction[];
  kube: KubeClient;
  logger: Logger;
  /** Which schedules to fire. Default: all. */
  filter?: (entry: ScheduleEntry, fn: LoadedFunction) => boolean;
  /** Where each run's outcome is counted (`/metrics`). Default: nowhere. */
  metrics?: ScheduleRunMetrics;
  /** The longest `stop()` waits for a run it aborted (ms), whatever is left of its `timeoutMs`. Default: `STOPPED_CALL_WAIT_MS` (10 minutes). */
  stopWaitMs?: number;
}

/** How a scheduled run ended, as logged. */
export type { RunOutcome } from "../cron/exit-codes.js";

interface Slot {
  fn: LoadedFunction;
  entry: ScheduleEntry;
  next: number;
  running: Set<AbortController>;
}

/** When `entry` next fires after `now` (ms); `Infinity` for a schedule that never fires (`0 0 31 2 *`). */
function nextTime(entry: ScheduleEntry, now: number): number {
  return nextFireTime(entry, new Date(now))?.getTime() ?? Infinity;
}

/** The latest fire time of `entry` at or before `now`, from `due` (a fire time at or before it): the tick a run due since `due` stands for. */
function latestFireTime(entry: ScheduleEntry, due: number, now: number): number {
  let latest = due;
  for (let next = nextTime(entry, due); next <= now; next = nextTime(entry, next)) latest = next;
  return latest;
}

/** Why a tick a leader meant to fire was not, as logged; a tick recorded already is logged at info (the last leader ran it). */
const UNCLAIMED: Record<Exclude<TickClaim, "claimed">, string> = {
  fired: "skipped a tick: the scheduler Lease records it as fired already, by the last leader",
  "not-holder": "skipped a tick: the scheduler Lease names another holder",
  failed: "skipped a tick: it could not be recorded in the scheduler Lease (the next leader could run it again)",
};

/**
 * The schedules of some functions and their in-flight runs; `tick(now)` fires what is due.
 *
 * @example
 * const scheduler = new Scheduler({ functions, kube, logger });
 * scheduler.start(Date.now());
 * scheduler.tick(Date.now());
 */
export class Scheduler {
  private readonly slots: Slot[];
  private readonly inflight = new Set<Promise<void>>();
  /**
   * Aborted by `stop()`: a run still going `stopWaitMs` later is given up (not by a `Replace`'s
   * abort). Each `start()` after a stop (a leadership term won back) gets a new one: the runs of
   * a new term must not be given up for the stop of the last.
   */
  private stopping!: AbortController;
  private abandon!: ReturnType<typeof abandonAfterAbort>;
  /** The term's record of fired ticks (a leader's); none without election. */
  private ticks: TickLedger | undefined;
  /** The record's key of each schedule this scheduler fires: a record written keeps their entries. */
  private readonly keys: ReadonlySet<string>;

  constructor(private readonly options: SchedulerOptions) {
    const filter = options.filter ?? (() => true);
    this.slots = options.functions.flatMap((fn) => fn.schedules.filter((entry) => filter(entry, fn)).map((entry) => ({ fn, entry, next: Infinity, running: new Set<AbortController>() })));
    for (const slot of this.slots) options.metrics?.declare(slot.fn.name, slot.entry.name);
    this.keys = new Set(this.slots.map((slot) => tickKey(slot.fn.name, slot.entry.name)));
    this.resetStop();
  }

  private resetStop(): void {
    this.stopping = new AbortController();
    // Every run in flight listens to it: as many as the schedules' policies let run.
    setMaxListeners(0, this.stopping.signal);
    this.abandon = abandonAfterAbort(this.stopping.signal, this.options.stopWaitMs ?? STOPPED_CALL_WAIT_MS);
  }

  /** Number of schedules this scheduler fires. */
  get size(): number {
    return this.slots.length;
  }

  /**
   * Plan every schedule's first fire time after `now` (ms); after a `stop()`, a new term whose
   * runs that stop does not concern. With `ticks` (a leader's term), each tick is claimed there
   * before it runs, and one claimed already is not run; a tick missed since the last one the
   * Lease records (no replica led) is due at once.
   */
  start(now: number, ticks?: TickLedger): void {
    if (this.stopping.signal.aborted) this.resetStop();
    this.ticks = ticks;
    const recorded = ticks?.recorded() ?? {};
    for (const slot of this.slots) {
      slot.next = nextTime(slot.entry, now);
      // Ticks that fell while no replica led (a failover): the latest is due now, as a CronJob
      // runs its latest missed schedule (within startingDeadlineSeconds, checked by tick).
      const last = recorded[tickKey(slot.fn.name, slot.entry.name)];
      const missed = last === undefined ? Infinity : nextTime(slot.entry, last);
      if (missed <= now) {
        slot.next = missed;
        this.logFor(slot).info({ lastScheduled: new Date(last!).toISOString() }, "a tick fell while no replica led: the latest one missed is run now, as a CronJob runs its latest missed schedule");
      }
    }
  }

  /** When the next schedule is due (ms); `Infinity` with no schedules. */
  nextDue(): number {
    return Math.min(...this.slots.map((s) => s.next));
  }

  /**
   * Fire every schedule due at `now` (once, however many fire times were missed) and plan its
   * next time. With `startingDeadlineSeconds`, a run whose latest missed time is older than that
   * is skipped, as the CronJob controller skips it (the process stalled, the leader took over late).
   */
  tick(now: number): void {
    const due: [Slot, number][] = [];
    for (const slot of this.slots) {
      if (slot.next > now) continue;
      const deadline = slot.entry.startingDeadlineSeconds;
      const missed = slot.next;
      slot.next = nextTime(slot.entry, now);
      // Run if a fire time falls within the deadline before now (the controller's rule): one search.
      if (deadline !== undefined && nextTime(slot.entry, now - deadline * 1000 - 1) > now) {
        const lateSeconds = Math.round((now - missed) / 1000);
        this.options.metrics?.record(slot.fn.name, slot.entry.name, "skipped", now);
        this.logFor(slot).warn({ outcome: "skipped", lateSeconds }, `skipped a tick: no fire time within startingDeadlineSeconds (${deadline}) before now; the first missed was ${lateSeconds} s ago`);
        continue;
      }
      due.push([slot, latestFireTime(slot.entry, missed, now)]);
    }
    if (due.length > 0) this.fireTicks(due, now);
  }

  /**
   * Fire each slot's tick scheduled at the time given; with a ledger, once it has recorded the
   * ticks (together: one write of the Lease), so that no other leader fires them too. A tick
   * Forbid skips (fire says so) is recorded as well: the record holds the ticks a leader handled,
   * and the next leader must not take one it skipped for a tick missed while no replica led, and
   * run it as it takes over. `now`: the scheduler's clock, by which the record's entries of
   * schedules this process does not have age (dropped once a day old: schedule/tick-record).
   */
  private fireTicks(due: readonly [Slot, number][], now: number): void {
    const { ticks } = this;
    if (!ticks) {
      for (const [slot, scheduledAt] of due) this.fire(slot, scheduledAt);
      return;
    }
    const stopping = this.stopping.signal;
    const claiming: Promise<void> = ticks
      .claim(
        due.map(([slot, scheduledAt]) => ({ key: tickKey(slot.fn.name, slot.entry.name), scheduledAt })),
        { schedules: this.keys, now },
        stopping,
      )
      .then((claims) => {
        if (!stopping.aborted) return due.forEach(([slot, scheduledAt], i) => this.afterClaim(slot, scheduledAt, claims[i]!));
        // Recorded as the term ended: the next leader will not run it either, so say so.
        due.forEach(([slot, scheduledAt], i) => {
          if (claims[i] === "claimed") this.logFor(slot).warn({ outcome: "skipped", scheduled: new Date(scheduledAt).toISOString() }, "skipped a tick: the leadership ended as it was recorded in the scheduler Lease, and the next leader will not run it");
        });
      })
      .finally(() => void this.inflight.delete(claiming));
    this.inflight.add(claiming);
  }

  /** Fire a claimed tick; say why another was not. */
  private afterClaim(slot: Slot, scheduledAt: number, claim: TickClaim): void {
    if (claim === "claimed") return this.fire(slot, scheduledAt);
    const log = this.logFor(slot);
    const scheduled = new Date(scheduledAt).toISOString();
    if (claim === "fired") return log.info({ outcome: "skipped", scheduled }, UNCLAIMED.fired);
    this.options.metrics?.record(slot.fn.name, slot.entry.name, "skipped", Date.now());
    log.warn({ outcome: "skipped", scheduled }, UNCLAIMED[claim]);
  }

  /** Abort every run in flight (with `reason`) and wait until they have all settled. */
  async stop(reason: unknown): Promise<void> {
    this.stopping.abort(reason);
    for (const slot of this.slots) for (const run of slot.running) run.abort(reason);
    await Promise.all(this.inflight);
  }

  /** Settles when every run in flight has. */
  async idle(): Promise<void> {
    await Promise.all(this.inflight);
  }

  /** The lines about one schedule carry its function and its name. */
  private logFor(slot: Slot) {
    return this.options.logger.child({ fn: slot.fn.name, schedule: slot.entry.name });
  }

  /** Run `slot`'s function for its tick scheduled at `scheduledAt` (ms; the trigger's `scheduledAt`, later than now for a caught-up tick). */
  private fire(slot: Slot, scheduledAt: number): void {
    const { fn, entry } = slot;
    const log = this.logFor(slot);
    if (slot.running.size > 0 && entry.concurrencyPolicy === "Forbid") {
      this.options.metrics?.record(fn.name, entry.name, "skipped", Date.now());
      log.warn({ outcome: "skipped" }, "skipped a tick: the previous run is still going (concurrencyPolicy Forbid)");
      return;
    }
    if (entry.concurrencyPolicy === "Replace") {
      for (const run of slot.running) run.abort(new DOMException("replaced by the next scheduled run", "AbortError"));
    }
    const { metrics } = this.options;
    const controller = new AbortController();
    slot.running.add(controller);
    const started = performance.now();
    // A handler still running after its timeout (it ignores its signal): the run is not over.
    let lingering: Promise<void> | undefined;
    const run = invoke({
      fn,
      input: entry.input,
      trigger: { type: "schedule", schedule: entry.name, scheduledAt: new Date(scheduledAt) },
      requestId: randomUUID(),
      dryRun: false,
      kube: this.options.kube,
      logger: this.options.logger,
      signal: controller.signal,
      abandon: this.abandon,
      onTimeout: (settled) => void (lingering = settled),
    }).then(
      () => {
        metrics?.record(fn.name, entry.name, "succeeded", Date.now());
        log.info({ outcome: "succeeded", durationMs: Math.round(performance.now() - started) }, "scheduled run succeeded");
      },
      (error: unknown) => {
        const decision = exitCodeFor({ error });
        const outcome = outcomeOf(decision, controller.signal.aborted);
        metrics?.record(fn.name, entry.name, outcome, Date.now());
        // A handler's own failure carries its stack and cause: the log is all it leaves.
        log.error({ outcome, durationMs: Math.round(performance.now() - started), ...(outcome === "failed" ? { err: error } : {}) }, `scheduled run ${outcome}: ${decision.message}`);
      },
    );
    // Counted as running until its handler ends (Forbid skips the ticks meanwhile): another
    // timeoutMs at most, and 2 s more at most once stopped.
    const tracked = run.then(async function outlive() {
      if (!lingering) return;
      log.warn("the timed-out handler still runs (it ignores its signal): the run counts as running until it ends, another timeoutMs at most");
      if (!(await settledOrGrace(lingering, controller.signal, ABORT_GRACE_MS, fn.timeoutMs)) && !controller.signal.aborted) {
        log.error("the timed-out handler still runs after twice its timeout: the run no longer counts as running (make the handler stop when its signal aborts)");
      }
    }).finally(() => {
      slot.running.delete(controller);
      this.inflight.delete(tracked);
    });
    this.inflight.add(tracked);
  }
}
