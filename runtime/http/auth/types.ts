/**
 * @module http/auth/types
 * The shape of a caller-auth checker and the refusals every mode shares.
 *
 * Status mapping (the same for every mode):
 * - 401 `unauthenticated`: no usable credentials: the header is missing or malformed, or a
 *   ServiceAccount token the API server does not authenticate (as the API server itself answers).
 *   Bearer and ServiceAccount modes add `WWW-Authenticate: Bearer realm="podfn"`.
 * - 403 `forbidden`: credentials were presented but do not grant access: a wrong bearer token, an
 *   HMAC signature that does not match the body (tampered body or wrong key), or a ServiceAccount
 *   not in `allow`.
 */
import type { CallRequest } from "../exchange.js";
import { Refusal } from "../respond.js";

/** Checks one request; resolves to a `Refusal` or `undefined` (allowed). */
export interface AuthChecker {
  /** `headers`: runs before the body is read. `body`: needs the raw body bytes (HMAC). */
  readonly phase: "headers" | "body";
  /**
   * `signal`: aborted when the server gives up on calls in flight (the drain deadline); a check that waits on the network ends then.
   * `logFields`: the call's `fn` and `requestId`, for the lines a check logs (a TokenReview's retries).
   */
  check(request: CallRequest, body: Uint8Array, signal?: AbortSignal, logFields?: Readonly<Record<string, unknown>>): Refusal | undefined | Promise<Refusal | undefined>;
}

export const BEARER_CHALLENGE = { "www-authenticate": 'Bearer realm="podfn"' };

/** 401: the request carries no `Authorization: Bearer <token>`. */
export const MISSING_BEARER = new Refusal(401, "unauthenticated", "send Authorization: Bearer <token>", BEARER_CHALLENGE);

/**
 * 401: `Authorization` came more than once (a client's and a proxy's): its values read joined
 * with ", ", which no token is; which one was meant cannot be known.
 */
export const REPEATED_AUTHORIZATION = new Refusal(401, "unauthenticated", "send the Authorization header once: it came more than once", BEARER_CHALLENGE);

/** A second `Bearer` credential after the first, as repeated `Authorization` values read joined. */
const SECOND_BEARER = /, *bearer /i;

/** HTTP's optional whitespace (RFC 9110): a space or a tab, nothing else (not U+00A0). */
function isOws(code: number): boolean {
  return code === 32 || code === 9;
}

/**
 * The token of `Authorization: Bearer <token>` (scheme case-insensitive; `header` is the
 * `Authorization` value, null when absent, repeated ones joined with ", "), or a 401 refusal:
 * missing, or sent twice. Only spaces and tabs around the token are dropped: any other byte is
 * part of what is compared.
 *
 * @example
 * bearerToken("Bearer abc"); // "abc"
 */
export function bearerToken(header: string | null): string | Refusal {
  if (header === null || header.length <= 7 || (!header.startsWith("Bearer ") && header.slice(0, 7).toLowerCase() !== "bearer ")) return MISSING_BEARER;
  const token = trimOws(header, 7);
  if (token === "") return MISSING_BEARER;
  return token.includes(",") && SECOND_BEARER.test(token) ? REPEATED_AUTHORIZATION : token;
}

/**
 * `value` from `from` on without the spaces and tabs around it (never U+00A0 or other Unicode
 * spaces, as `String.prototype.trim` drops: a header value holds one character per byte, and
 * 0xA0 ends the UTF-8 of `à`, `Р` or `נ`).
 */
export function trimOws(value: string, from = 0): string {
  let start = from;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start++;
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  return value.slice(start, end);
}

/** 403 with a message for the caller. */
export function forbidden(message: string): Refusal {
  return new Refusal(403, "forbidden", message);
}
