/**
 * @module schedule/run-schedules
 * Runs a `Scheduler` on the clock: waits for the next due schedule (at most `maxWaitMs`, so
 * clock jumps and far-off schedules are handled) and fires it, until stopped; with
 * `leaderElection`, only while this process holds the Lease, each leadership term given the
 * Lease's record of fired ticks (schedule/tick-record). What runs only where the schedules fire
 * (the watches) comes along as `alongside`.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { runLeaderElection, type LeaderElectionOptions } from "./leader.js";
import { Scheduler, type SchedulerOptions } from "./scheduler.js";
import type { TickLedger } from "./tick-record.js";

export interface RunSchedulesOptions extends SchedulerOptions {
  /** Fire only while holding this Lease. Default: no election (fire unconditionally). */
  leaderElection?: Omit<LeaderElectionOptions, "kube" | "logger" | "onStartedLeading" | "onStoppedLeading">;
  /** With `leaderElection`: told when this process starts (`true`) and stops (`false`) leading. */
  onLeadership?: (leading: boolean) => void;
  /** The clock (ms since the epoch). Default `Date.now`. */
  now?: () => number;
  /** Longest single wait between checks (ms), so clock jumps and far-off schedules are handled. Default 60000. */
  maxWaitMs?: number;
  /** Other work that runs where the schedules fire (while leading, with election): the watches. Settles when its signal aborts. */
  alongside?: (active: AbortSignal) => Promise<void>;
}

/** Wait for due schedules and fire them until `active` aborts, then abort and await the runs. */
async function fireUntil(scheduler: Scheduler, active: AbortSignal, now: () => number, maxWaitMs: number, ticks?: TickLedger): Promise<void> {
  scheduler.start(now(), ticks);
  while (!active.aborted) {
    const wait = Math.min(Math.max(0, scheduler.nextDue() - now()), maxWaitMs);
    await sleep(wait, undefined, { signal: active }).catch(() => undefined);
    if (!active.aborted) scheduler.tick(now());
  }
  await scheduler.stop(active.reason);
}

/**
 * Fire the schedules of `functions` (those `filter` keeps) until `signal` aborts; with
 * `leaderElection`, only while this process holds the Lease. Resolves after every run has
 * settled (and the Lease is released).
 *
 * @example
 * await runSchedules({ functions, kube, logger, filter: (s) => s.mode === "in-process",
 *   leaderElection: { leaseName: schedulerLeaseName("podfn"), identity: config.identity } }, shutdown);
 */
export async function runSchedules(options: RunSchedulesOptions, signal: AbortSignal): Promise<void> {
  const scheduler = new Scheduler(options);
  const { alongside } = options;
  if (scheduler.size === 0 && !alongside) return;
  const now = options.now ?? Date.now;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const work = async (active: AbortSignal, ticks?: TickLedger) => {
    await Promise.all([scheduler.size > 0 ? fireUntil(scheduler, active, now, maxWaitMs, ticks) : undefined, alongside?.(active)]);
  };
  if (!options.leaderElection) return work(signal);
  const terms = new Set<Promise<void>>();
  await runLeaderElection(
    {
      ...options.leaderElection,
      kube: options.kube,
      logger: options.logger,
      onStoppedLeading() {
        options.onLeadership?.(false);
      },
      onStartedLeading(lost, ticks) {
        options.onLeadership?.(true);
        // `lost` aborts on shutdown too; the Lease is released once the term's runs have settled.
        // A term begins once the previous ones have settled: a leadership lost and won back must
        // not run a watch's calls about one object twice at once.
        const previous = [...terms];
        const term = Promise.allSettled(previous).then(() => work(lost, ticks));
        terms.add(term);
        const forget = () => void terms.delete(term);
        // Its failure is the election's to act on (it rejects with it): not an unhandled rejection here.
        term.then(forget, forget);
        return term;
      },
    },
    signal,
  );
  await Promise.all(terms);
}
