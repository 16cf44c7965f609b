/**
 * @module opaque-result
 * A handler's result JSON would write as `{}` (or as a stream's internals), losing what the
 * handler meant: a `Response`, a stream, a `Map`, a `Set`, an `Error`. Refused the same way by
 * every trigger that writes a result: over HTTP a 500 with the request id, in `podfn run` a
 * failed run (exit 1), either way `invalid_output` saying what it was.
 */
import { PodfnError } from "./errors.js";

/**
 * Throws `invalid_output` when `value` itself (not what it holds) is one of those.
 *
 * @example
 * refuseOpaque(new Map()); // throws: the result is a Map: send Object.fromEntries(map) (JSON would send {})
 */
export function refuseOpaque(value: object): void {
  let what: string | undefined;
  if (value instanceof Map) what = "a Map: send Object.fromEntries(map)";
  else if (value instanceof Set) what = "a Set: send [...set]";
  else if (value instanceof Error) what = "an Error: throw it (or HttpError) instead";
  else if (typeof Response === "function" && value instanceof Response) what = "a fetch Response: return reply(status, body, headers) instead";
  else if (typeof (value as { pipe?: unknown }).pipe === "function" || typeof (value as { getReader?: unknown }).getReader === "function") what = "a stream: read it, then return its content";
  if (what) throw new PodfnError("invalid_output", `the result is ${what} (JSON would send {})`);
}
