/**
 * @module testing/until
 * Waiting in tests without sleeping for luck: poll a condition (a synchronous check, or a
 * question for the cluster) until it holds, with a deadline that names what was awaited. A
 * running `deployed.watch()` ends a pending wait at once when one of its calls fails (see
 * `endWaitsOn`): the wait fails with why, not with a timeout. A wait always ends: a check that has
 * not answered by the deadline (a promise that never settles) fails it as a condition that did
 * not hold does.
 */
import { PodfnError } from "../errors.js";

/** What ends a pending wait early: given what is awaited, an error to fail it with, or nothing. */
type WaitEnder = (what: string) => Error | undefined;

const enders = new Set<WaitEnder>();

/**
 * Make `check` end `until()` waits, pending or to come, with the error it returns (asked at each
 * poll of each wait, after its condition), until the returned function is called.
 *
 * @example
 * const release = endWaitsOn((what) => failure && new Error(`waiting for ${what}: ${failure}`));
 */
export function endWaitsOn(check: WaitEnder): () => void {
  enders.add(check);
  return () => void enders.delete(check);
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
 * `expectCallFailures: true`). A `timeoutMs` that is no finite number of 0 or more is refused
 * (code `invalid_wait`): a wait always ends.
 *
 * @example
 * await until(async () => (await admin.configMaps.get("x")).metadata?.labels?.seen === "yes", "the label", 10_000);
 */
export async function until(condition: () => boolean | Promise<boolean>, what = "condition", timeoutMs = 5000): Promise<void> {
  if (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new PodfnError("invalid_wait", `until() of ${what}: timeoutMs must be a finite number of milliseconds, 0 or more (got ${String(timeoutMs)})`);
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const held = await answerBy(condition, deadline);
    if (held === LATE) throw new UntilTimeoutError(`timed out waiting for ${what} (${timeoutMs} ms): its check had not answered`);
    if (held) return;
    for (const ended of enders) {
      const error = ended(what);
      if (error) throw error;
    }
    if (Date.now() > deadline) throw new UntilTimeoutError(`timed out waiting for ${what} (${timeoutMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
