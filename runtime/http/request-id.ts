/**
 * @module http/request-id
 * The id of a call: the caller's `X-Request-Id` when it is printable ASCII of at most 128
 * characters (so it cannot forge log lines), otherwise a fresh UUID.
 */
import { randomUUID } from "node:crypto";

const ACCEPTABLE = /^[\x20-\x7e]{1,128}$/;

/**
 * @example
 * requestIdOf(new Headers({ "x-request-id": "abc" })); // "abc"
 * requestIdOf(new Headers()); // "3b241101-e2bb-4255-8caf-4136c566a962"
 */
export function requestIdOf(headers: Headers): string {
  const given = headers.get("x-request-id");
  return given !== null && ACCEPTABLE.test(given) ? given : randomUUID();
}
