/**
 * @module testing/until
 * Waiting in tests without sleeping for luck: poll a condition (a synchronous check, or a
 * question for the cluster) until it holds, with a deadline that names what was awaited. A
 * running `deployed.watch()` ends a pending wait at once when one of its calls fails, as does a
 * deployment's failed `http.async` call (see `endWaitsOn`): the wait fails with why, not with a
 * timeout. Each harness's watches end the
 * waits of its own scope (`harness.until()`, which its `stop()` also ends) and the plain
 * `until()`'s, which names no harness; never another harness's. With two harnesses or more open,
 * the error that ends a plain `until()` says whose watch it was (the function, its harness's
 * server) and that `harness.until()` waits on one harness's alone. A wait always ends: a check that has
 * not answered by the deadline (a promise that never settles) fails it as a condition that did
 * not hold does.
 */
import { PodfnError } from "../errors.js";

/**
 * A plain `until()` asking a harness's scope while other harnesses are open too: which harness
 * it is (`the harness at <server>`) and how many are open, for the error to say.
 */
export interface SharedWait {
  harness: string;
  open: number;
}

/**
 * What ends a pending wait early: given what is awaited (and, for a plain `until()` while two
 * harnesses or more are open, `shared`), an error to fail it with, or nothing.
 */
type WaitEnder = (what: string, shared?: SharedWait) => Error | undefined;

/** A harness's `stop()` ended its pending `harness.until()` (or one started after it). */
export class HarnessStoppedError extends PodfnError {
  declare readonly code: "harness_stopped";
  constructor(what: string) {
    super("harness_stopped", `waiting for ${what}: the harness stopped`);
  }
}

/**
 * The waits one harness's watches end: `harness.until()`'s. Its enders end no other harness's
 * waits; the plain `until()`, which names no harness, asks every open scope.
 */
export class WaitScope {
  readonly #enders = new Set<WaitEnder>();
  #closed = false;
  /** `the harness at <server>`; absent for the enders registered outside any harness. */
  readonly harness: string | undefined;

  /** `server`: the harness's cluster URL, naming it where a plain `until()` was ended by its watches. */
  constructor(server?: string) {
    this.harness = server === undefined ? undefined : `the harness at ${server}`;
    if (server !== undefined) open.add(this);
  }

  /** Make `check` end this scope's waits (and the plain `until()`'s), pending or to come, until the returned function is called. */
  endWaitsOn(check: WaitEnder): () => void {
    this.#enders.add(check);
    return () => void this.#enders.delete(check);
  }

  /** The error that ends a wait for `what` now, if any: the scope closed, or one of its enders' (told `shared`). */
  ending(what: string, shared?: SharedWait): Error | undefined {
    if (this.#closed) return new HarnessStoppedError(what);
    for (const ended of this.#enders) {
      const error = ended(what, shared);
      if (error) return error;
    }
    return undefined;
  }

  /** Ends this scope's waits, pending or to come (`HarnessStoppedError`); the plain `until()` no longer asks it. */
  close(): void {
    this.#closed = true;
    this.#enders.clear();
    open.delete(this);
  }
}

/** The harnesses' scopes open in the process: the plain `until()` is ended by any of their enders. */
const open = new Set<WaitScope>();
/** Enders given to `endWaitsOn` outside any harness (asked by the plain `until()` too). */
const unscoped = new WaitScope();

/**
 * Make `check` end `until()` waits, pending or to come, with the error it returns (asked at each
 * poll of each wait, after its condition), until the returned function is called. A harness's
 * watches register with its own `WaitScope` instead.
 *
 * @example
 * const release = endWaitsOn((what) => failure && new Error(`waiting for ${what}: ${failure}`));
 */
export function endWaitsOn(check: WaitEnder): () => void {
  return unscoped.endWaitsOn(check);
}

/** `until()` reached its deadline: the condition had not held, or its check had not answered. */
export class UntilTimeoutError extends PodfnError {
  declare readonly code: "until_timeout";
  constructor(message: string) {
    super("until_timeout", message);
  }
}

/** setTimeout's longest delay (a longer one fires at once). */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** What a check that has not answered by the deadline comes to. */
const LATE = Symbol("late");

/** `condition()`'s answer, or `LATE` at `deadline` (a late rejection is then dropped, never unhandled). */
async function answerBy(condition: () => boolean | Promise<boolean>, deadline: number): Promise<boolean | typeof LATE> {
  const answer = Promise.resolve().then(condition);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof LATE>((resolve) => (timer = setTimeout(resolve, Math.min(Math.max(0, deadline - Date.now()), LONGEST_TIMER_MS), LATE)));
  try {
    const first = await Promise.race([answer, late]);
    if (first === LATE) answer.catch(() => undefined);
    return first;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves once `condition()` holds (a promise of it is awaited); throws `UntilTimeoutError`
 * (code `until_timeout`) naming `what` after `timeoutMs`, whether the condition did not hold or
 * its check had not answered by then, or at once with a running watch's failed call
 * (`WatchCallFailedError`, code `watch_call_failed`, unless that watch was started with
 * `expectCallFailures: true`), or a deployment's failed `http.async` call (`AsyncCallFailedError`,
 * code `async_call_failed`, unless deployed with `expectAsyncCallFailures: true`),
 * whichever open harness it runs in: with two or more open, its
 * message names the function and its harness's server, and that `harness.until()` is ended by
 * that harness's watches alone. A `timeoutMs` that is no finite number of 0 or more is refused
 * (code `invalid_wait`): a wait always ends.
 *
 * @example
 * await until(async () => (await admin.configMaps.get("x")).metadata?.labels?.seen === "yes", "the label", 10_000);
 */
export async function until(condition: () => boolean | Promise<boolean>, what = "condition", timeoutMs = 5000): Promise<void> {
  return waitFor(condition, what, timeoutMs, (w) => {
    const outside = unscoped.ending(w);
    if (outside) return outside;
    for (const scope of open) {
      const error = scope.ending(w, open.size > 1 ? { harness: scope.harness!, open: open.size } : undefined);
      if (error) return error;
    }
    return undefined;
  });
}

/**
 * `until()` ended only by `scope`'s watches, and at once by its harness's `stop()`
 * (`HarnessStoppedError`, code `harness_stopped`): `harness.until()`.
 */
export function untilIn(scope: WaitScope, condition: () => boolean | Promise<boolean>, what = "condition", timeoutMs = 5000): Promise<void> {
  return waitFor(condition, what, timeoutMs, (w) => scope.ending(w));
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs: number, ending: (what: string) => Error | undefined): Promise<void> {
  if (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new PodfnError("invalid_wait", `until() of ${what}: timeoutMs must be a finite number of milliseconds, 0 or more (got ${String(timeoutMs)})`);
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const held = await answerBy(condition, deadline);
    if (held === LATE) throw new UntilTimeoutError(`timed out waiting for ${what} (${timeoutMs} ms): its check had not answered`);
    if (held) return;
    const error = ending(what);
    if (error) throw error;
    if (Date.now() > deadline) throw new UntilTimeoutError(`timed out waiting for ${what} (${timeoutMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
