/**
 * @module testing/watching
 * A deployed function's watches, run as `podfn serve` runs them, for a test: `ready` once they
 * have listed, the failures kept, and, unless the test expects calls to fail, each failed call
 * ending the pending `until()` (or the next one) at once with its error: a wait for what the
 * handler never did fails with why, not with a timeout.
 */
import type { KubeClient } from "../kube/api.js";
import type { LoadedFunction } from "../function.js";
import type { Logger } from "../log.js";
import { PodfnError } from "../errors.js";
import { runWatches, type WatchCallFailure } from "../watch/watcher.js";
import { endWaitsOn, type SharedWait, type WaitScope } from "./until.js";

/** `deployed.watch()`'s options. */
export interface WatchOptions {
  /** The pause before each retry of a failed call (serve's: 1 s doubling), so a test of retries need not wait. */
  retryDelayMs?: number;
  /**
   * Calls are expected to fail (a test of retries, or of a denied call): their failures end no
   * `until()` wait, and are read from `callFailures`. Default false: each failed call ends the
   * pending wait (or the next) with a `WatchCallFailedError`, once.
   */
  expectCallFailures?: boolean;
}

/** A deployed function's watches, running. */
export interface RunningWatches {
  /**
   * Settles once every watch has read its first list (from then on every change calls the
   * function): change objects after it, or the change may come as the list's `ADDED`. Rejects
   * with the first failure before that (a 403, a type the cluster does not serve).
   */
  ready: Promise<void>;
  /** Every failure of a watch so far (each is logged and, unless malformed, restarted). */
  failures: unknown[];
  /**
   * Every failed try of a call so far (the handler threw, a 403, bad input, a timeout), with
   * its event, object and error. Until `stop()`, each also ends one `until()` wait, pending or
   * next (see `expectCallFailures`).
   */
  callFailures: WatchCallFailure[];
  /** Aborts the calls in flight and waits for them; its failures end no wait after it. */
  stop(): Promise<void>;
}

/** How each outcome of a failed call reads in a sentence. */
const SAID: Record<WatchCallFailure["outcome"], string> = { failed: "failed", forbidden: "was forbidden", "invalid input": "had invalid input", "timed out": "timed out" } as Record<WatchCallFailure["outcome"], string>;

/**
 * An `until()` wait ended by a failed watch call: `cause` is the call's error, `failure` the
 * whole record. A plain `until()` ended while other harnesses are open (`shared`) is told whose
 * watch it was and that `harness.until()` waits on one harness's alone.
 */
export class WatchCallFailedError extends PodfnError {
  readonly failure: WatchCallFailure;

  constructor(what: string, failure: WatchCallFailure, shared?: SharedWait) {
    const said = SAID[failure.outcome] ?? failure.outcome;
    const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
    const whose = shared
      ? `; ${failure.fn}'s watch runs in ${shared.harness}, one of ${shared.open} harnesses open, and the plain until() is ended by any open harness's watches: to wait on one harness's alone, call its harness.until()`
      : "";
    super(
      "watch_call_failed",
      `waiting for ${what}: ${failure.fn}'s watch call (${failure.event} ${failure.object}) ${said}${failure.retried ? " (tried again)" : ""}: ${message} (a test that expects failed calls: watch({ expectCallFailures: true }))${whose}`,
      { cause: failure.error },
    );
    this.failure = failure;
  }
}

/**
 * Runs `fn`'s watches as `kube` (the Deployment's client) until `stop()`; a failed call ends the
 * waits of `scope` (its harness's) and the plain `until()`'s, no other harness's.
 *
 * @example
 * const watching = startWatching(fn, kube, logger, { retryDelayMs: 1 });
 * await watching.ready;
 */
export function startWatching(fn: LoadedFunction, kube: KubeClient, logger: Logger, options: WatchOptions = {}, scope?: WaitScope): RunningWatches {
  const controller = new AbortController();
  const failures: unknown[] = [];
  const callFailures: WatchCallFailure[] = [];
  let pending = fn.watches.length;
  let settle!: { resolve: () => void; reject: (error: unknown) => void };
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  ready.catch(() => undefined); // a test that never awaits it is not failed by it
  if (pending === 0) settle.resolve();
  // Each failed call ends one wait, the first pending or to come; one the test saw fail stays told.
  let told = 0;
  const release =
    options.expectCallFailures === true
      ? () => undefined
      : (scope?.endWaitsOn.bind(scope) ?? endWaitsOn)(function untoldCallFailure(what, shared) {
          const failure = callFailures[told];
          if (failure === undefined) return undefined;
          told++;
          return new WatchCallFailedError(what, failure, shared);
        });
  const running = runWatches(
    {
      functions: [fn],
      kube,
      logger,
      ...(options.retryDelayMs !== undefined ? { retryDelayMs: () => options.retryDelayMs! } : {}),
      onListed: () => void (--pending === 0 && settle.resolve()),
      onFailure: (_fn, _watch, error) => void (failures.push(error), settle.reject(error)),
      onCallFailure: (failure) => void callFailures.push(failure),
    },
    controller.signal,
  );
  return {
    ready,
    failures,
    callFailures,
    async stop() {
      release();
      controller.abort();
      await running;
    },
  };
}
