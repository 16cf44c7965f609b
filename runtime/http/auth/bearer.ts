/**
 * @module http/auth/bearer
 * `Authorization: Bearer <token>` compared with a shared secret in constant time. A secret of
 * up to `WIDTH` (128) UTF-8 bytes is compared in a buffer of that fixed width: the presented
 * token is written into it (cut at the width) and the whole width compared with
 * `crypto.timingSafeEqual` against the secret padded with zeros, the lengths checked apart. The
 * time taken then depends on the presented token's length only, never on the secret's content
 * or length. A longer secret is compared as SHA-256 digests (the timing tells only that the
 * secret is over 128 bytes). Hashing every presented token cost ~0.7 µs of a request; the
 * fixed-width compare ~0.15 µs.
 */
import * as crypto from "node:crypto";
import { createHash, timingSafeEqual } from "node:crypto";
import type { Secret } from "../../secrets.js";
import { Refusal } from "../respond.js";
import { bearerToken, forbidden, type AuthChecker } from "./types.js";

const WRONG_TOKEN = forbidden("the bearer token is not valid for this function");

/** Secrets up to this many UTF-8 bytes are compared at this fixed width; longer ones as digests. */
export const WIDTH = 128;

/**
 * The SHA-256 digest of `text` as a binary (latin1) string: `crypto.hash` where Node has it
 * (20.12 and later: one call, no Hash object), `createHash` on the older Node 20 releases.
 */
const sha256Binary: (text: string) => string =
  typeof (crypto as { hash?: unknown }).hash === "function"
    ? (text) => (crypto as unknown as { hash(algorithm: string, data: string, encoding: "binary"): string }).hash("sha256", text, "binary")
    : (text) => createHash("sha256").update(text).digest("binary");

/**
 * Whether a presented token equals `secret`, in constant time as the module says. One buffer
 * serves every call: the comparison is done before the next one starts.
 *
 * @example
 * const same = tokenComparer("s3cret");
 * same("s3cret"); // true
 */
export function tokenComparer(secret: string): (token: string) => boolean {
  const length = Buffer.byteLength(secret);
  if (length > WIDTH) {
    const digest = Buffer.from(sha256Binary(secret), "latin1");
    const presented = Buffer.alloc(32);
    return function sameDigest(token) {
      presented.write(sha256Binary(token), 0, "latin1");
      return timingSafeEqual(presented, digest);
    };
  }
  const expected = Buffer.alloc(WIDTH);
  expected.write(secret, 0, "utf8");
  const presented = Buffer.alloc(WIDTH);
  return function sameToken(token) {
    presented.fill(0);
    const written = presented.write(token, 0, "utf8");
    const same = timingSafeEqual(presented, expected);
    // `write` cuts a token longer than the width: its own length is checked too. No early exit.
    return (Number(same) & Number(written === length) & Number(Buffer.byteLength(token) === length)) === 1;
  };
}

/**
 * @example
 * const checker = bearerAuth(secrets.secret("deploy-token"));
 * await checker.check(call, body); // undefined when allowed
 */
export function bearerAuth(secret: Secret): AuthChecker {
  let knownValue: string | undefined;
  let same: (token: string) => boolean = () => false;
  return {
    phase: "headers",
    check: function checkBearer(request) {
      const token = bearerToken(request.header("authorization"));
      if (token instanceof Refusal) return token;
      const expected = secret.value();
      if (expected !== knownValue) {
        knownValue = expected;
        same = tokenComparer(expected);
      }
      return same(token) ? undefined : WRONG_TOKEN;
    },
  };
}
