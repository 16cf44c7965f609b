/**
 * @module schedule/leader
 * Leader election over a `coordination.k8s.io/v1` Lease, the way client-go's `leaderelection`
 * does it, so podfn replicas interoperate with the same conventions:
 *
 * - A candidate creates the Lease when it is missing (unless it last saw another holder whose
 *   claim has not lapsed since: a Lease deleted under its leader waits out that leader's lease
 *   duration, or its re-creation by that leader, where client-go creates it at once and two
 *   replicas lead until the old leader's next renewal), or takes it over with an update carrying
 *   the `resourceVersion` it read (a 409: the Lease changed meanwhile, read again at the next
 *   try) once the holder is empty or has not changed the record for `leaseDurationSeconds` as
 *   observed on the local clock (client-go's `observedTime`, which makes clock skew between
 *   nodes harmless). Its tries are `retryPeriodMs` plus up to 1.2 times it apart (client-go's
 *   `wait.JitterUntil(RetryPeriod, JitterFactor 1.2)`), so with the defaults a leader that died
 *   without releasing is replaced 15 s to 19.4 s after a standby saw its last renewal.
 * - Taking over sets `acquireTime` and increments `leaseTransitions`; renewing sets `renewTime`
 *   (MicroTime), `retryPeriodMs` after the last renewal ended. As client-go's `renew()`, each
 *   renewal gets `renewDeadlineMs`, within which a failed try (an error, a 409) is made again
 *   every `retryPeriodMs`, and never past `leaseDurationSeconds` after the start of the last
 *   successful one (no other candidate may take the Lease before). A leader stops leading (the
 *   signal given to `onStartedLeading` aborts) the moment that deadline passes, even with a
 *   request still in flight, or when a read shows another holder.
 * - A term's `onStartedLeading` is given a `TickLedger` (schedule/tick-record): the Elector
 *   records there, in the Lease, each tick the term fires, so that the next leader does not fire
 *   it again whatever its clock.
 * - On shutdown the leader waits for the last term's work to settle (renewing the Lease meanwhile,
 *   so that no other replica starts beside it), then releases the Lease
 *   (empty holder, `leaseDurationSeconds: 1`, as client-go's `ReleaseOnCancel`; a write that
 *   meets a 409 reads again, where client-go gives up), so another
 *   replica takes over without waiting.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { KubeClient } from "../kube/api.js";
import { linkAbort } from "../signals.js";
import { monotonicMs } from "../clock.js";
import { Elector, type Attempt } from "./lease-elector.js";
import type { TickLedger } from "./tick-record.js";

export interface LeaderElectionOptions {
  kube: KubeClient;
  /** Name of the Lease (see `schedulerLeaseName`). */
  leaseName: string;
  /** Namespace of the Lease. Default: the client's namespace. */
  namespace?: string;
  /** This candidate's identity (the pod name). Default: `defaultIdentity()`. */
  identity?: string;
  /** How long a holder's claim lasts without renewal, in whole seconds. Default 15. */
  leaseDurationSeconds?: number;
  /** How long a leader keeps trying to renew before it gives up leading (ms). Default 10000. */
  renewDeadlineMs?: number;
  /**
   * Pause between tries to acquire or renew (ms); a candidate not leading adds up to 1.2 times
   * it of jitter (client-go's `wait.JitterUntil(retryPeriod, 1.2)`: 2 s to 4.4 s). Default 2000.
   */
  retryPeriodMs?: number;
  /** The clock (ms since the epoch) of the Lease's `acquireTime`/`renewTime`. Default `Date.now`. */
  now?: () => number;
  /**
   * The clock of expiries and deadlines (ms, only differences count), as client-go's monotonic
   * readings: a step of the wall clock (an NTP correction) must not make a standby take a Lease
   * its leader still renews. Default: `now` when one is given (a test's clock), else a monotonic one.
   */
  elapsed?: () => number;
  logger: Logger;
  /**
   * Called on becoming leader; `signal` aborts the moment leadership ends (lost, renew deadline
   * passed, or shutdown); `ticks` records in the Lease the ticks the term fires (schedule/tick-record).
   * May return the term's work: on shutdown the Lease is renewed until it has settled, then
   * released, waiting at most the lease duration.
   */
  onStartedLeading(signal: AbortSignal, ticks: TickLedger): void | Promise<void>;
  /** Called when leadership ends (lost or released). */
  onStoppedLeading?(): void;
}

/**
 * This process's identity when `POD_NAME` is not set: the host name and a random suffix, so two
 * processes on one host never share one.
 */
export function defaultIdentity(): string {
  return `${hostname()}-${randomBytes(3).toString("hex")}`;
}

/** client-go's `leaderelection.JitterFactor`: a candidate's tries for the Lease are `retryPeriodMs` to 2.2 times it apart. */
const JITTER_FACTOR = 1.2;

/** `ms` plus up to `JITTER_FACTOR` times it, as client-go's `wait.Jitter(ms, JitterFactor)`. */
function jittered(ms: number): number {
  return ms + Math.random() * JITTER_FACTOR * ms;
}

/**
 * Resolves after `ms`, or at once when `until` aborts; never rejects. On the global timers, so a
 * test's mocked ones (node:test `mock.timers`) drive the election's pauses as they drive its deadlines.
 */
function pause(ms: number, until: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (until.aborted) return resolve();
    const timer = setTimeout(function paused() {
      until.removeEventListener("abort", cut);
      resolve();
    }, ms);
    function cut() {
      clearTimeout(timer);
      resolve();
    }
    until.addEventListener("abort", cut, { once: true });
  });
}

/**
 * Waits until `term` settles, at most `ms`: the runs of a term that just ended (its signal has
 * aborted) finish before the Lease is released, so no other replica starts while they still run.
 */
async function settled(term: void | Promise<void>, ms: number, log: Logger): Promise<void> {
  if (!term) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(resolve, ms, "timeout");
  });
  const outcome = await Promise.race([term.then(() => "settled" as const, () => "settled" as const), timeout]);
  clearTimeout(timer);
  if (outcome === "timeout") log.warn({ waitedMs: ms }, "releasing the leader lease while runs of the last term are still going");
}

/**
 * Campaign for the Lease until `signal` aborts, calling `onStartedLeading` each time this
 * candidate becomes leader. Resolves after shutdown (and the release of a held Lease, once the
 * last term's work has settled). Rejects, having released the Lease, when a term's promise
 * rejects: its work cannot go on, and another replica should lead.
 *
 * As client-go's `renew()`, a leader renews `retryPeriodMs` after its last renewal ended, each
 * renewal within a deadline of its own: `renewDeadlineMs` from its start, tries that fail made
 * again every `retryPeriodMs` until then, but never past the lease duration after the start of
 * the last successful one (or of the acquiring write). Leadership ends (the term's signal
 * aborts) the moment the deadline passes, whatever requests are still in flight, so the old
 * leader has stopped before any other candidate may take over (they count the lease duration
 * from when they saw that write, which came after it was sent).
 *
 * @example
 * await runLeaderElection({ kube, leaseName: "podfn-scheduler", logger, onStartedLeading: (lost) => fire(lost) }, shutdown);
 */
export async function runLeaderElection(options: LeaderElectionOptions, signal: AbortSignal): Promise<void> {
  const retry = options.retryPeriodMs ?? 2000;
  const renewDeadline = options.renewDeadlineMs ?? 10_000;
  const leaseDurationSeconds = options.leaseDurationSeconds ?? 15;
  const now = options.now ?? Date.now;
  const elapsed = options.elapsed ?? options.now ?? monotonicMs;
  const elector = new Elector({ ...options, identity: options.identity ?? defaultIdentity(), leaseDurationSeconds, now, elapsed });
  const log = options.logger.child({ lease: options.leaseName, identity: elector.identity });
  const ticks: TickLedger = { claim: (due, retention, until) => elector.claimTicks(due, retention, until), recorded: () => elector.recordedTicks };

  /** One try to acquire, cut off by shutdown or after `renewDeadline`. */
  async function acquire(): Promise<Attempt> {
    const attempt = new AbortController();
    const unlink = linkAbort(signal, attempt);
    const timer = setTimeout(function attemptTimedOut() {
      attempt.abort(new DOMException("the leader election request timed out", "TimeoutError"));
    }, renewDeadline);
    try {
      return await elector.tryAcquireOrRenew(attempt.signal);
    } finally {
      clearTimeout(timer);
      unlink();
    }
  }

  /**
   * One term: lead until a read shows another holder, a renewal's deadline passes, or shutdown.
   * `acquiredAt`: when the acquiring request was sent, which the lease duration counts from
   * until the first renewal, as from each renewal's start after it (the other candidates count
   * the Lease's expiry from when they saw that write: an answer that came late must not
   * lengthen the term past their wait).
   */
  async function lead(acquiredAt: number): Promise<void> {
    const leadership = new AbortController();
    const unlink = linkAbort(signal, leadership);
    log.info("became the leader");
    const term = options.onStartedLeading(leadership.signal, ticks);
    // A term that fails (its schedules cannot run) ends the leadership: holding the Lease without
    // firing would keep every other replica from taking over.
    let failure: { error: unknown } | undefined;
    if (term) {
      term.then(undefined, function termFailed(error: unknown) {
        failure = { error };
        leadership.abort(error);
      });
    }
    let renewedAt = acquiredAt;
    try {
      while (!leadership.signal.aborted) {
        await pause(retry, leadership.signal);
        if (leadership.signal.aborted) break;
        renewedAt = (await renew(renewedAt, leadership)) ?? renewedAt;
      }
    } finally {
      unlink();
    }
    options.onStoppedLeading?.();
    if (failure) {
      log.error({ err: failure.error }, "the leader's work failed: releasing the leader lease");
      await elector.release();
      throw failure.error;
    }
    if (!signal.aborted) log.warn({ reason: String(leadership.signal.reason) }, "lost the leader lease");
    else if (leadership.signal.reason === signal.reason) await renewUntilSettled(term, renewedAt);
    else await settled(term, leaseDurationSeconds * 1000, log);
  }

  /**
   * On shutdown, while the term's aborted work winds down (at most the lease duration): the
   * Lease is still renewed as while leading, so no other candidate takes it over and starts
   * beside that work before the release; unrenewed, it would lapse during the wait. A renewal
   * that fails past its deadline, or a read showing another holder, ends the renewing, not the wait.
   */
  async function renewUntilSettled(term: void | Promise<void>, renewedAt: number): Promise<void> {
    const renewing = new AbortController();
    const done = settled(term, leaseDurationSeconds * 1000, log).finally(() => renewing.abort(new DOMException("the term has settled", "AbortError")));
    while (!renewing.signal.aborted) {
      await pause(retry, renewing.signal);
      if (renewing.signal.aborted) break;
      renewedAt = (await renew(renewedAt, renewing)) ?? renewedAt;
    }
    await done;
  }

  /**
   * One renewal (client-go's `renew()` cycle): tries every `retry` ms until one succeeds, within
   * `renewDeadline` of now and the lease duration after `renewedAt` (the start of the last
   * successful one). Resolves to when the try that succeeded started; undefined when
   * `leadership` was aborted: the deadline passed (aborted by it, a request in flight or not),
   * a read showed another holder, or shutdown.
   */
  async function renew(renewedAt: number, leadership: AbortController): Promise<number | undefined> {
    const deadline = Math.min(elapsed() + renewDeadline, renewedAt + leaseDurationSeconds * 1000);
    const timer = setTimeout(function renewDeadlinePassed() {
      leadership.abort(new DOMException("leadership lost: the Lease was not renewed within the renew deadline", "AbortError"));
    }, Math.max(0, deadline - elapsed()));
    try {
      while (!leadership.signal.aborted) {
        const started = elapsed();
        const result = await elector.tryAcquireOrRenew(leadership.signal);
        if (leadership.signal.aborted) return undefined;
        if (result === "acquired") return started;
        if (result === "held") leadership.abort(new DOMException(`leadership lost: ${elector.holder} holds the Lease`, "AbortError"));
        else await pause(retry, leadership.signal);
      }
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  // A candidate that finds the Lease held says so once per wait: why it runs no schedules or watches.
  let waiting = false;
  while (!signal.aborted) {
    const sent = elapsed();
    const attempt = await acquire();
    if (attempt !== "acquired") {
      if (attempt === "held" && !waiting) log.info({ holder: elector.holder }, `waiting for the leader lease (held by ${elector.holder || "another replica"})`);
      waiting ||= attempt === "held";
      await pause(jittered(retry), signal);
      continue;
    }
    waiting = false;
    if (!signal.aborted) await lead(sent);
    if (signal.aborted) await elector.release();
  }
}
