/**
 * @module testing/async-calls
 * A deployed function's `http.async` calls, as a test sees them: the HTTP app tells of each
 * call's end (`createHttpApp({ onBackgroundCallEnd })`), the failures (a call that threw: a 403,
 * a handler's error) are kept, and, unless the test expects calls to fail, each failed call ends
 * the pending `until()` (or the next one) at once with its error, as a failed watch call does
 * (watching.ts): a wait for what the call never did fails with why, not with a timeout.
 */
import { PodfnError } from "../errors.js";
import type { BackgroundCallEnd, BackgroundCallEndHook } from "../http/index.js";
import { scrubString } from "../log-error.js";
import { censorSecrets } from "../secret-values.js";
import { endWaitsOn, type SharedWait, type WaitScope } from "./until.js";

/** One failed `http.async` call: its function, request id, the status and code its answer would have had, and what it threw. */
export interface AsyncCallFailure {
  fn: string;
  requestId: string;
  status: number;
  code: string | undefined;
  error: unknown;
}

/**
 * An `until()` wait ended by a failed `http.async` call: `cause` is what the handler threw,
 * `requestId` the one its 202 carried. The message is censored as the log is (credentials by
 * shape, the secrets the process holds by value).
 */
export class AsyncCallFailedError extends PodfnError {
  declare readonly code: "async_call_failed";
  readonly fn: string;
  readonly requestId: string;
  readonly failure: AsyncCallFailure;

  constructor(what: string, failure: AsyncCallFailure, shared?: SharedWait) {
    const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
    const answered = failure.code === undefined ? String(failure.status) : `${failure.status} ${failure.code}`;
    const whose = shared
      ? `; ${failure.fn} runs in ${shared.harness}, one of ${shared.open} harnesses open, and the plain until() is ended by any open harness's calls: to wait on one harness's alone, call its harness.until()`
      : "";
    const text = `waiting for ${what}: ${failure.fn}'s async call ${failure.requestId} failed (${answered}): ${message} (a test that expects failed calls: deploy(fn, { expectAsyncCallFailures: true }))${whose}`;
    super("async_call_failed", censorSecrets(scrubString(text)), { cause: failure.error });
    this.fn = failure.fn;
    this.requestId = failure.requestId;
    this.failure = failure;
  }
}

/** A deployment's async calls followed: the hook for its HTTP app, and the failures so far. */
export interface AsyncCalls {
  onEnd: BackgroundCallEndHook;
  failures: AsyncCallFailure[];
}

/**
 * Follows one deployment's async calls: each failure is kept and, unless `expectFailures`, ends
 * one wait of `scope` (its harness's) or of the plain `until()`, pending or next, once. The
 * scope's closing (the harness's `stop()`) ends that.
 *
 * @example
 * const calls = followAsyncCalls(false, waits);
 * createHttpApp({ functions: [fn], kube, logger, onBackgroundCallEnd: calls.onEnd });
 */
export function followAsyncCalls(expectFailures: boolean, scope?: WaitScope): AsyncCalls {
  const failures: AsyncCallFailure[] = [];
  if (!expectFailures) {
    let told = 0;
    (scope?.endWaitsOn.bind(scope) ?? endWaitsOn)(function untoldAsyncFailure(what, shared) {
      const failure = failures[told];
      if (failure === undefined) return undefined;
      told++;
      return new AsyncCallFailedError(what, failure, shared);
    });
  }
  return {
    failures,
    onEnd(end: BackgroundCallEnd) {
      if (end.threw) failures.push({ fn: end.fn, requestId: end.requestId, status: end.status, code: end.code, error: end.error });
    },
  };
}
