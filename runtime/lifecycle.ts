/**
 * @module lifecycle
 * Graceful shutdown bookkeeping shared by the long-running parts (the HTTP server, the
 * in-process cron runner): a `Drain` counts calls in flight (and request bodies received
 * before their call is admitted), stops admitting new ones once
 * shutdown begins, waits for the running ones up to a deadline and then aborts their shared
 * signal. `runShutdownHooks` runs the function modules' `onShutdown` hooks once it is over.
 */
import { setMaxListeners } from "node:events";
import type { Logger } from "pino";
import { PodfnError } from "./errors.js";

/**
 * The reason a `Drain`'s signal carries when the deadline passed with calls still running (or
 * the server gave up on them): a handler still running then sees it as `signal.reason`.
 */
export class ShutdownError extends PodfnError {
  declare readonly code: "shutting_down";

  constructor(message: string) {
    super("shutting_down", message);
  }
}

/**
 * Tracks calls in flight and drains them on shutdown.
 *
 * @example
 * const drain = new Drain();
 * if (!drain.enter()) return refuse(); // shutting down
 * try { await invoke({ ...options, signal: drain.signal }); } finally { drain.leave(); }
 * // on SIGTERM:
 * drain.begin();
 * const idle = await drain.settle(25_000); // false: the deadline passed, `drain.signal` aborted
 */
export class Drain {
  #inflight = 0;
  /** Bodies being received before their call is admitted (`receive`). */
  #receiving = 0;
  #draining = false;
  readonly #controller = new AbortController();
  readonly #waiters = new Set<() => void>();
  /** What `abandon()` calls: a Set, cheaper per call than a signal's listener. */
  readonly #abandoners = new Set<(reason: unknown) => void>();

  constructor() {
    // Every call in flight listens to this one signal; the count is bounded by the caller's cap.
    setMaxListeners(0, this.#controller.signal);
  }

  /** Calls currently in flight. */
  get inflight(): number {
    return this.#inflight;
  }

  /** True from the moment `begin()` is called. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Aborted (with a `ShutdownError`) when `settle()`'s deadline passes or `abort()` is called. Pass it to each call. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /**
   * Calls `giveUp` on `abandon()`: a call still running after its signal was aborted (a handler
   * that ignores it) stops being waited for, so its caller is answered before the server
   * closes. Returns the remover, for a call that settled.
   */
  whenAbandoned(giveUp: (reason: unknown) => void): () => void {
    const abandoners = this.#abandoners;
    abandoners.add(giveUp);
    return function forget() {
      abandoners.delete(giveUp);
    };
  }

  /** Give up on the calls still in flight (see `whenAbandoned`). */
  abandon(reason: unknown = new ShutdownError("shutting down")): void {
    for (const giveUp of [...this.#abandoners]) giveUp(reason);
    this.#abandoners.clear();
  }

  /** Count one call in. Returns false (and counts nothing) once draining. */
  enter(): boolean {
    if (this.#draining) return false;
    this.#inflight++;
    return true;
  }

  /** Count one call out; call exactly once per successful `enter()`. */
  leave(): void {
    this.#inflight--;
    this.#wakeIfIdle();
  }

  /**
   * Count in a request whose body is received before its call is admitted (a route whose caller
   * is known only from the body, or never): no call yet, but the drain waits for it as for a
   * call, so a body still arriving when shutdown begins is not cut off. Returns false (and
   * counts nothing) once draining. End it with `admitReceived()` or `received()`.
   */
  receive(): boolean {
    if (this.#draining) return false;
    this.#receiving++;
    return true;
  }

  /** The body of a `receive()` arrived and its call is admitted: a call in flight now, even while draining. */
  admitReceived(): void {
    this.#inflight++;
    this.#receiving--;
  }

  /** The body of a `receive()` ended without a call (refused, unread, the client gone). */
  received(): void {
    this.#receiving--;
    this.#wakeIfIdle();
  }

  /** Bodies being received (`receive()`) not yet admitted or refused. */
  get receiving(): number {
    return this.#receiving;
  }

  #wakeIfIdle(): void {
    if (this.#inflight === 0 && this.#receiving === 0) for (const wake of this.#waiters) wake();
  }

  /** Stop admitting calls. Idempotent. */
  begin(): void {
    this.#draining = true;
  }

  /** Abort the calls in flight now. */
  abort(reason: unknown = new ShutdownError("shutting down")): void {
    this.#controller.abort(reason);
  }

  /** Wait until no call is in flight nor body being received, at most `timeoutMs` (milliseconds). Resolves true when idle. Aborts nothing. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.#inflight === 0 && this.#receiving === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const waiters = this.#waiters;
      const timer = setTimeout(function idleDeadline() {
        waiters.delete(wake);
        resolve(false);
      }, timeoutMs);
      function wake() {
        clearTimeout(timer);
        waiters.delete(wake);
        resolve(true);
      }
      waiters.add(wake);
    });
  }

  /**
   * Begin draining and wait until no call is in flight, at most `timeoutMs` (milliseconds).
   * Resolves true when idle; false when the deadline passed, after aborting `signal`.
   */
  async settle(timeoutMs: number): Promise<boolean> {
    this.begin();
    const idle = await this.idle(timeoutMs);
    if (!idle) this.abort(new ShutdownError(`calls still running after the ${timeoutMs} ms drain timeout`));
    return idle;
  }
}

/**
 * The longest a stop waits for an in-process scheduled run or a watch call it aborted (ms),
 * counted from the stop: the handler gets what is left of its `timeoutMs`, this at most, as an
 * HTTP call gets the drain (at most 10 minutes in the generated pods, whose grace period is
 * sized to it); past it the stop goes on without the handler (`abandonAfterAbort`).
 */
export const STOPPED_CALL_WAIT_MS = 600_000;

/**
 * What `invoke`'s `abandon` takes: a call still running `ms` after `signal` aborted (a stop) is
 * given up, rejecting with a `ShutdownError`, whether or not its handler has settled. Nothing
 * is timed before the abort; each call's listener and timer go when it settles.
 *
 * @example
 * invoke({ ...options, signal: stopping, abandon: abandonAfterAbort(stopping, STOPPED_CALL_WAIT_MS) });
 */
export function abandonAfterAbort(signal: AbortSignal, ms: number): { whenAbandoned(giveUp: (reason: unknown) => void): () => void } {
  return {
    whenAbandoned(giveUp) {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => {
        timer = setTimeout(function stopWaitPassed() {
          giveUp(new ShutdownError(`still running ${ms} ms after it was stopped: no longer waited for (make the handler stop when its signal aborts)`));
        }, ms);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
      return function forget() {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
      };
    },
  };
}

/**
 * How long the `onShutdown` hooks may take together (ms): past it the process goes on exiting
 * without them (a hook that never settles kept a finished CronJob's pod up until its deadline,
 * and a Deployment's pod until the kubelet's SIGKILL cut the log's last lines).
 */
export const SHUTDOWN_HOOKS_BUDGET_MS = 5_000;

/**
 * Run shutdown hooks one after the other, within `budgetMs` all together; a hook that throws is
 * logged and the others still run; one still running when the budget is spent is logged and
 * left (with any not yet started).
 *
 * @example
 * await runShutdownHooks(functions.map((f) => f.definition.onShutdown).filter(Boolean), logger);
 */
export async function runShutdownHooks(hooks: ReadonlyArray<() => Promise<void> | void>, logger: Logger, budgetMs = SHUTDOWN_HOOKS_BUDGET_MS): Promise<void> {
  const deadline = performance.now() + budgetMs;
  for (const [index, hook] of hooks.entries()) {
    const left = Math.max(0, Math.round(deadline - performance.now()));
    let timer: NodeJS.Timeout | undefined;
    const spent = new Promise<"spent">((resolve) => (timer = setTimeout(resolve, left, "spent")));
    try {
      if ((await Promise.race([Promise.resolve().then(hook), spent])) === "spent") {
        logger.warn({ budgetMs, skipped: hooks.length - index - 1 }, `onShutdown did not finish within ${budgetMs} ms: exiting without waiting for it`);
        return;
      }
    } catch (err) {
      logger.error({ err }, "onShutdown hook failed");
    } finally {
      clearTimeout(timer);
    }
  }
}
