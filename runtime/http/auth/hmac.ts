/**
 * @module http/auth/hmac
 * A signature of the raw body bytes in a header, e.g. GitHub's
 * `X-Hub-Signature-256: sha256=<hex>`: the HMAC is computed over exactly the bytes received
 * (before JSON parsing) with the secret as key and compared in constant time.
 * A missing header, a missing prefix or a digest that is not valid hex/base64 → 401; a digest
 * that does not match (tampered body, wrong key) → 403.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { HmacAuth } from "../../function.js";
import type { Secret } from "../../secrets.js";
import { Refusal } from "../respond.js";
import { forbidden, type AuthChecker } from "./types.js";

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MISMATCH = forbidden("the signature does not match the body");

/**
 * @example
 * const checker = hmacAuth({ type: "hmac", secret: "github-webhook" }, secrets.secret("github-webhook"));
 * await checker.check(call, rawBody);
 */
export function hmacAuth(auth: HmacAuth, secret: Secret): AuthChecker {
  const header = (auth.header ?? "x-hub-signature-256").toLowerCase();
  const algorithm = auth.algorithm ?? "sha256";
  const prefix = auth.prefix ?? `${algorithm}=`;
  const encoding = auth.encoding ?? "hex";
  const pattern = encoding === "hex" ? HEX : BASE64;
  const missing = new Refusal(401, "unauthenticated", `send the ${header} header: ${prefix}<${encoding} ${algorithm} HMAC of the body>`);
  const repeated = new Refusal(401, "unauthenticated", `send the ${header} header once: it came more than once`);
  return {
    phase: "body",
    check: function checkHmac(request, body) {
      const signature = request.header(header);
      if (signature === null) return missing;
      // Repeated, the header reads as its values joined with ", " (one signature each, or a proxy's copy).
      if (signature.includes(", ") && signature.indexOf(prefix, 1) > 0) return repeated;
      if (!signature.startsWith(prefix)) return missing;
      const encoded = signature.slice(prefix.length).trim();
      if (!pattern.test(encoded) || (encoding === "hex" && encoded.length % 2 !== 0)) return missing;
      const given = Buffer.from(encoded, encoding);
      const expected = createHmac(algorithm, secret.value()).update(body).digest();
      return given.byteLength === expected.byteLength && timingSafeEqual(given, expected) ? undefined : MISMATCH;
    },
  };
}
