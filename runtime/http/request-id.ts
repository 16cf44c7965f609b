/**
 * @module http/request-id
 * The id of a call: the caller's `X-Request-Id` when it is printable ASCII of at most 128
 * characters (so it cannot forge log lines), otherwise a fresh UUID.
 */
import { randomUUID } from "node:crypto";

const ACCEPTABLE = /^[\x20-\x7e]{1,128}$/;

/**
 * The id of a request whose `X-Request-Id` header is `given` (null when absent).
 *
 * @example
 * requestIdOf("abc"); // "abc"
 * requestIdOf(null); // "3b241101-e2bb-4255-8caf-4136c566a962"
 */
export function requestIdOf(given: string | null): string {
  return given !== null && ACCEPTABLE.test(given) ? given : randomUUID();
}
