/**
 * @module watch/requeue-after
 * The delay a watch call may ask before it is made again for its object (`condition({
 * requeueAfter })`, `requeueAfter(seconds)`): its bounds, and the error a delay outside them is.
 * Imports nothing but the errors, so `function.ts` (loaded by every function) can check it.
 */
import { PodfnError } from "../errors.js";

/** The longest delay a call may ask: a week, as `resyncSeconds`' bound (`MAX_WATCH_RESYNC_SECONDS`). */
export const MAX_REQUEUE_AFTER_SECONDS = 604_800;

/** A `requeueAfter` that is not a number of seconds above 0 and at most a week. */
export class RequeueAfterError extends PodfnError {
  declare readonly code: "invalid_requeue_after";

  constructor(message: string) {
    super("invalid_requeue_after", message);
  }
}

/** What is wrong with `seconds` as a `requeueAfter`; undefined when it is a delay a call may ask. */
export function requeueAfterProblem(seconds: unknown): string | undefined {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) return `requeueAfter must be a number of seconds, got ${typeof seconds === "number" ? String(seconds) : typeof seconds}`;
  if (seconds <= 0) return `requeueAfter must be above 0 (seconds), got ${seconds}`;
  if (seconds > MAX_REQUEUE_AFTER_SECONDS) return `requeueAfter must be at most ${MAX_REQUEUE_AFTER_SECONDS} (seconds: a week), got ${seconds}`;
  return undefined;
}

/**
 * `seconds` if a call may ask it as its `requeueAfter`; else throws `RequeueAfterError`
 * (`invalid_requeue_after`) naming the field and the bounds.
 *
 * @example
 * checkedRequeueAfter(30); // 30
 * checkedRequeueAfter(0);  // throws: requeueAfter must be above 0 (seconds), got 0
 */
export function checkedRequeueAfter(seconds: unknown): number {
  const problem = requeueAfterProblem(seconds);
  if (problem !== undefined) throw new RequeueAfterError(problem);
  return seconds as number;
}
