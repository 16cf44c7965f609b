/**
 * @module http/auth/hmac
 * A signature of the raw body bytes in a header, e.g. GitHub's
 * `X-Hub-Signature-256: sha256=<hex>`: the HMAC is computed over exactly the bytes received
 * (before JSON parsing) with the secret as key and compared in constant time.
 * A missing header, a missing prefix or a digest that is not valid hex/base64 → 401; a digest
 * that does not match (tampered body, wrong key) → 403. With `timestamp` (Slack's scheme), the
 * request's time in Unix seconds comes in its own header, must be within `toleranceSeconds` of
 * the server's clock (else 401: a replay, or a clock off), and is signed with the body:
 * the HMAC is of `signed` (`v0:{timestamp}:{body}`) with both filled in. A `scheme` (Stripe's,
 * Standard Webhooks') is checked as its sender signs instead: see signature-schemes.ts.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { HmacAuth } from "../../function.js";
import type { Secret } from "../../secrets.js";
import { Refusal } from "../respond.js";
import { forbidden, type AuthChecker } from "./types.js";
import { schemeAuth, timeRefusal } from "./signature-schemes.js";
import type { CallRequest } from "../exchange.js";

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MISMATCH = forbidden("the signature does not match the body");

/**
 * @example
 * const checker = hmacAuth({ type: "hmac", secret: "github-webhook" }, secrets.secret("github-webhook"));
 * await checker.check(call, rawBody);
 */
export function hmacAuth(auth: HmacAuth, secret: Secret): AuthChecker {
  if (auth.scheme) return schemeAuth(auth.scheme, secret);
  const header = (auth.header ?? "x-hub-signature-256").toLowerCase();
  const algorithm = auth.algorithm ?? "sha256";
  const prefix = auth.prefix ?? `${algorithm}=`;
  const encoding = auth.encoding ?? "hex";
  const pattern = encoding === "hex" ? HEX : BASE64;
  const missing = new Refusal(401, "unauthenticated", `send the ${header} header: ${prefix}<${encoding} ${algorithm} HMAC of the body>`);
  const repeated = new Refusal(401, "unauthenticated", `send the ${header} header once: it came more than once`);
  const stamp = auth.timestamp ? signedTimestamp(auth.timestamp) : undefined;
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
      const hmac = createHmac(algorithm, secret.value());
      if (stamp) {
        const time = stamp.read(request);
        if (time instanceof Refusal) return time;
        hmac.update(stamp.before.replaceAll("{timestamp}", time)).update(body).update(stamp.after.replaceAll("{timestamp}", time));
      } else hmac.update(body);
      const expected = hmac.digest();
      return given.byteLength === expected.byteLength && timingSafeEqual(given, expected) ? undefined : MISMATCH;
    },
  };
}

/**
 * The timestamp part of Slack's scheme: where the time is read and checked, and the signed
 * text around the body (`v0:{timestamp}:` before it, nothing after, by default).
 */
function signedTimestamp(options: NonNullable<HmacAuth["timestamp"]>) {
  const header = options.header.toLowerCase();
  const toleranceSeconds = options.toleranceSeconds ?? 300;
  const [before, after] = (options.signed ?? "v0:{timestamp}:{body}").split("{body}") as [string, string];
  const missing = new Refusal(401, "unauthenticated", `send the ${header} header: the request's time in Unix seconds, signed with the body`);
  return {
    before,
    after,
    /** The header's seconds, or the refusal: absent, not a number, or too far from now. */
    read(request: CallRequest): string | Refusal {
      const value = request.header(header)?.trim();
      if (!value || !/^\d{1,12}$/.test(value)) return missing;
      return timeRefusal(header, value, toleranceSeconds) ?? value;
    },
  };
}
