/**
 * @module http/auth/bearer
 * `Authorization: Bearer <token>` compared with a shared secret in constant time: both sides
 * are hashed to SHA-256 digests of equal length and compared with `crypto.timingSafeEqual`, so
 * neither the content nor the length of the secret leaks through timing.
 */
import * as crypto from "node:crypto";
import { createHash, timingSafeEqual } from "node:crypto";
import type { Secret } from "../../secrets.js";
import { Refusal } from "../respond.js";
import { bearerToken, forbidden, type AuthChecker } from "./types.js";

const WRONG_TOKEN = forbidden("the bearer token is not valid for this function");

/**
 * The SHA-256 digest of `text` written into `into` (32 bytes). The digest is taken as a binary (latin1)
 * string, one character per byte, and copied: a third of the cost of asking for a new `Buffer`.
 */
function sha256Into(text: string, into: Buffer): Buffer {
  into.write(sha256Binary(text), 0, "latin1");
  return into;
}

/**
 * The digest as a binary string: `crypto.hash` where Node has it (20.12 and later: one call, no
 * Hash object), `createHash` on the older Node 20 releases the package still supports.
 */
const sha256Binary: (text: string) => string =
  typeof (crypto as { hash?: unknown }).hash === "function"
    ? (text) => (crypto as unknown as { hash(algorithm: string, data: string, encoding: "binary"): string }).hash("sha256", text, "binary")
    : (text) => createHash("sha256").update(text).digest("binary");

function sha256(text: string): Buffer {
  return sha256Into(text, Buffer.alloc(32));
}

/**
 * @example
 * const checker = bearerAuth(secrets.secret("deploy-token"));
 * await checker.check(call, body); // undefined when allowed
 */
export function bearerAuth(secret: Secret): AuthChecker {
  let knownValue = "";
  let knownDigest = sha256("");
  // The presented token's digest: compared at once, so one buffer serves every call.
  const presented = Buffer.alloc(32);
  return {
    phase: "headers",
    check: function checkBearer(request) {
      const token = bearerToken(request.header("authorization"));
      if (token instanceof Refusal) return token;
      const expected = secret.value();
      if (expected !== knownValue) {
        knownValue = expected;
        knownDigest = sha256(expected);
      }
      return timingSafeEqual(sha256Into(token, presented), knownDigest) ? undefined : WRONG_TOKEN;
    },
  };
}
