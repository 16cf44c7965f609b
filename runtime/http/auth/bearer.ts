/**
 * @module http/auth/bearer
 * `Authorization: Bearer <token>` (or a header of the function's choosing holding the token
 * alone, as GitLab sends `X-Gitlab-Token`) compared with a shared secret in constant time. A secret of
 * up to `WIDTH` (128) UTF-8 bytes is compared character by character with the presented token
 * (one character per byte), XORs accumulated with no early exit and the lengths compared the
 * same way: as Go's `subtle.ConstantTimeCompare`, the time taken depends on the presented
 * token's length only, never on the secret's content or length. A longer secret is compared as
 * SHA-256 digests with `crypto.timingSafeEqual` (the timing tells only that the secret is over
 * 128 bytes). Hashing every presented token cost ~0.7 µs of a request; `timingSafeEqual` on a
 * zero-filled 128-byte copy ~0.17 µs (three calls into C++); the loop ~0.03 µs for a 28-character
 * token.
 *
 * Bytes are compared as sent: a header value reaches the server as a byte string (one character
 * per byte, as Node and `Headers` give it), so the token is taken as those bytes (latin1), and
 * the secret as the UTF-8 bytes of its file. A secret with non-ASCII characters then matches a
 * client that sends it in UTF-8, as curl and every HTTP library do.
 */
import * as crypto from "node:crypto";
import { createHash, timingSafeEqual } from "node:crypto";
import type { Secret } from "../../secrets.js";
import { Refusal } from "../respond.js";
import { bearerToken, forbidden, trimOws, type AuthChecker } from "./types.js";
import type { CallRequest } from "../exchange.js";

const WRONG_TOKEN = forbidden("the bearer token is not valid for this function");

/** Secrets up to this many UTF-8 bytes are compared at this fixed width; longer ones as digests. */
export const WIDTH = 128;

/** A character that is not a byte. */
const NOT_BYTES = /[^\u0000-\u00ff]/;

/**
 * The SHA-256 digest of `bytes` as a binary (latin1) string: `crypto.hash` where Node has it
 * (20.12 and later: one call, no Hash object), `createHash` on the older Node 20 releases.
 */
const sha256Binary: (bytes: Buffer) => string =
  typeof (crypto as { hash?: unknown }).hash === "function"
    ? (bytes) => (crypto as unknown as { hash(algorithm: string, data: Buffer, encoding: "binary"): string }).hash("sha256", bytes, "binary")
    : (bytes) => createHash("sha256").update(bytes).digest("binary");

/**
 * Whether a presented token (a header value: one character per byte) carries the UTF-8 bytes
 * of `secret`, in constant time as the module says, allocating nothing per call.
 *
 * @example
 * const same = tokenComparer("s3cret");
 * same("s3cret"); // true
 */
export function tokenComparer(secret: string): (token: string) => boolean {
  const bytes = Buffer.from(secret, "utf8");
  const length = bytes.length;
  if (length > WIDTH) {
    const digest = Buffer.from(sha256Binary(bytes), "latin1");
    const presented = Buffer.alloc(32);
    return function sameDigest(token) {
      if (NOT_BYTES.test(token)) return false;
      presented.write(sha256Binary(Buffer.from(token, "latin1")), 0, "latin1");
      return timingSafeEqual(presented, digest);
    };
  }
  const expected = new Uint8Array(WIDTH);
  expected.set(bytes);
  return function sameToken(token) {
    const n = token.length;
    // Nonzero unless the lengths match (a token longer than the width never does).
    let diff = n ^ length;
    const end = n < WIDTH ? n : WIDTH;
    // A character above 0xff (not a byte: no header value holds one) XORs to more than a byte: no match.
    for (let i = 0; i < end; i++) diff |= token.charCodeAt(i) ^ expected[i]!;
    return diff === 0;
  };
}

/**
 * The checker of a shared token: `Authorization: Bearer <token>`, or the whole value of
 * `header` when given (GitLab's `X-Gitlab-Token`), the spaces and tabs around it trimmed.
 *
 * @example
 * const checker = bearerAuth(secrets.secret("deploy-token"));
 * await checker.check(call, body); // undefined when allowed
 */
export function bearerAuth(secret: Secret, header?: string): AuthChecker {
  let knownValue: string | undefined;
  let same: (token: string) => boolean = () => false;
  const name = header?.toLowerCase();
  const missing = new Refusal(401, "unauthenticated", `send the ${name} header: the shared token`);
  const wrong = name === undefined ? WRONG_TOKEN : forbidden(`the ${name} token is not valid for this function`);
  const read = name === undefined ? (request: CallRequest) => bearerToken(request.header("authorization")) : (request: CallRequest) => trimOws(request.header(name) ?? "") || missing;
  return {
    phase: "headers",
    check: function checkBearer(request) {
      const token = read(request);
      if (token instanceof Refusal) return token;
      const expected = secret.value();
      if (expected !== knownValue) {
        knownValue = expected;
        same = tokenComparer(expected);
      }
      return same(token) ? undefined : wrong;
    },
  };
}
