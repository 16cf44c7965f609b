/**
 * @module signals
 * Abort-signal plumbing shared by the client, the adapters and the commands: waiting for a
 * signal, racing a wait against one, joining a request's signals into one, and linking a
 * short-lived AbortController to a long-lived signal by hand. `AbortSignal.any` keeps
 * a record of every signal derived from a source for the source's whole life (about 58 bytes
 * per call on Node 20.20), so a process-long signal joined anew every few seconds (a watch
 * restart, a Lease renewal) grows without bound; an event listener removed when the work is
 * done does not.
 */

/**
 * Aborts `controller` (with `parent`'s reason) when `parent` aborts, at once if it already has;
 * returns the function that undoes the link. Call it in a `finally`.
 *
 * @example
 * const attempt = new AbortController();
 * const unlink = linkAbort(shutdown, attempt);
 * try { await fetchSomething(attempt.signal); } finally { unlink(); }
 */
export function linkAbort(parent: AbortSignal | undefined, controller: AbortController): () => void {
  if (!parent) return function unlinked() {};
  if (parent.aborted) {
    controller.abort(parent.reason);
    return function unlinked() {};
  }
  const onAbort = (): void => controller.abort(parent.reason);
  parent.addEventListener("abort", onAbort, { once: true });
  return function unlink() {
    parent.removeEventListener("abort", onAbort);
  };
}

/**
 * Resolves with `signal`'s reason once it aborts (at once if it has); `dispose()` removes the
 * listener when the wait is abandoned.
 *
 * @example
 * const stopped = whenAborted(io.signal);
 * await Promise.race([work, stopped.promise]);
 * stopped.dispose();
 */
export function whenAborted(signal: AbortSignal): { promise: Promise<unknown>; dispose(): void } {
  if (signal.aborted) return { promise: Promise.resolve(signal.reason), dispose() {} };
  let onAbort = (): void => {};
  const promise = new Promise<unknown>((resolve) => {
    onAbort = () => resolve(signal.reason);
  });
  signal.addEventListener("abort", onAbort, { once: true });
  return { promise, dispose: () => signal.removeEventListener("abort", onAbort) };
}

/**
 * `work`, or a rejection with the signal's reason as soon as it aborts (at once if it has): for
 * a wait the signal's owner may give up while the work goes on for others. What `work` gives
 * after that goes to `late` (to release it). One abort listener, removed when `work` settles.
 *
 * @example
 * const response = await untilAborted(pool.request(options), signal, (late) => late.body.destroy());
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal, late: (value: T) => void = ignore): Promise<T> {
  if (signal.aborted) {
    work.then(late, ignore);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    function aborted(): void {
      reject(signal.reason);
      work.then(late, ignore);
    }
    signal.addEventListener("abort", aborted, { once: true });
    work.then(
      function settled(value) {
        signal.removeEventListener("abort", aborted);
        resolve(value);
      },
      function failed(error: unknown) {
        signal.removeEventListener("abort", aborted);
        reject(error);
      },
    );
  });
}

function ignore(): void {}

/** One signal for a request's signals; `release` unlinks them (a no-op for none or one). */
export function joinSignals(signal: AbortSignal | readonly AbortSignal[] | undefined): { signal: AbortSignal | undefined; release(): void } {
  if (signal === undefined || signal instanceof AbortSignal) return { signal, release: function unlinked() {} };
  if (signal.length <= 1) return { signal: signal[0], release: function unlinked() {} };
  const joined = new AbortController();
  const unlinks = signal.map(function link(source) {
    return linkAbort(source, joined);
  });
  return {
    signal: joined.signal,
    release: function release() {
      for (const unlink of unlinks) unlink();
    },
  };
}

/**
 * After a stop aborted the calls' signals, how long they may take to wind down (ms): the HTTP
 * drain's last wait, and the longest a stopping watch or schedule waits for a handler that
 * outlived its timeout.
 */
export const ABORT_GRACE_MS = 2000;

/**
 * Resolves when `settled` does (true), or `graceMs` after `signal` aborts, or `maxMs` after the
 * call, whichever comes first (false): how long to wait for a handler that outlived its timeout
 * (it ignores its signal) before the next call, or a stop, goes ahead without it.
 *
 * @example
 * const ended = await settledOrGrace(handlerSettled, shutdown, 2000, fn.timeoutMs);
 */
export function settledOrGrace(settled: Promise<void>, signal: AbortSignal, graceMs: number, maxMs = Infinity): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let grace: NodeJS.Timeout | undefined;
    const ceiling = Number.isFinite(maxMs) ? setTimeout(giveUp, maxMs) : undefined;
    const startGrace = (): void => {
      grace = setTimeout(giveUp, graceMs);
    };
    function giveUp(): void {
      done(false);
    }
    function done(ended: boolean): void {
      clearTimeout(grace);
      clearTimeout(ceiling);
      signal.removeEventListener("abort", startGrace);
      resolve(ended);
    }
    if (signal.aborted) startGrace();
    else signal.addEventListener("abort", startGrace, { once: true });
    void settled.then(function handlerEnded() {
      done(true);
    });
  });
}
