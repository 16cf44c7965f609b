/**
 * @module thenable
 * The test the synchronous fast paths (invoke, the HTTP endpoint) use to tell a value from a
 * promise of one, so a call whose auth, schema and handler are synchronous never awaits.
 */

/** True for a promise or any other object with a `then` method. */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === "function";
}
