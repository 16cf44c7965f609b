/**
 * @module http/auth/bearer
 * `Authorization: Bearer <token>` compared with a shared secret in constant time: both sides
 * are hashed to SHA-256 digests of equal length and compared with `crypto.timingSafeEqual`, so
 * neither the content nor the length of the secret leaks through timing.
 */
import { hash, timingSafeEqual } from "node:crypto";
import type { Secret } from "../../secrets.js";
import { Refusal } from "../respond.js";
import { bearerToken, forbidden, type AuthChecker } from "./types.js";

const WRONG_TOKEN = forbidden("the bearer token is not valid for this function");

function sha256(text: string): Buffer {
  return hash("sha256", text, "buffer");
}

/**
 * @example
 * const checker = bearerAuth(secrets.secret("deploy-token"));
 * await checker.check(call, body); // undefined when allowed
 */
export function bearerAuth(secret: Secret): AuthChecker {
  let knownValue = "";
  let knownDigest = sha256("");
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
      return timingSafeEqual(sha256(token), knownDigest) ? undefined : WRONG_TOKEN;
    },
  };
}
