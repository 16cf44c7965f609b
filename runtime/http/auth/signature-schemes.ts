/**
 * @module http/auth/signature-schemes
 * Webhook senders whose signature carries its own timestamp and may hold several signatures
 * (one per secret while a sender rolls its secret), chosen with `hmac` auth's `scheme`:
 * - `stripe`: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`, each v1 the
 *   HMAC-SHA256 of `{t}.{body}` keyed with the endpoint secret as written (`whsec_...`).
 * - `standard-webhooks` (standardwebhooks.com; Svix and the senders built on it):
 *   `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64> [v1,<base64>...]`
 *   (or the same headers named `svix-*`), each v1 the HMAC-SHA256 of `{id}.{timestamp}.{body}`
 *   keyed with the secret's base64 after `whsec_`.
 * Both refuse a timestamp more than 300 s from the server's clock (their libraries' default).
 * A missing or malformed header → 401; no signature that matches → 403 (as every HMAC mode).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { HmacAuth } from "../../function.js";
import { SecretMissingError, type Secret } from "../../secrets.js";
import { Refusal } from "../respond.js";
import { forbidden, type AuthChecker } from "./types.js";

type SignatureScheme = NonNullable<HmacAuth["scheme"]>;

/** Both senders' libraries refuse a timestamp further than this from now. */
const TOLERANCE_SECONDS = 300;
const MISMATCH = forbidden("no signature matches the body");
const HEX64 = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The checker of `scheme`, keyed with `secret`. */
export function schemeAuth(scheme: SignatureScheme, secret: Secret): AuthChecker {
  return scheme === "stripe" ? stripeAuth(secret) : standardWebhooksAuth(secret);
}

function stripeAuth(secret: Secret): AuthChecker {
  const missing = new Refusal(401, "unauthenticated", "send the stripe-signature header: t=<Unix seconds>,v1=<hex SHA-256 HMAC of {t}.{body}>");
  return {
    phase: "body",
    check: function checkStripe(request, body) {
      const header = request.header("stripe-signature");
      if (header === null) return missing;
      if (header.includes(", ")) return onceRefusal("stripe-signature");
      let time: string | undefined;
      const given: Buffer[] = [];
      for (const item of header.split(",")) {
        const eq = item.indexOf("=");
        const key = item.slice(0, eq);
        const value = item.slice(eq + 1);
        if (key === "t") {
          if (time !== undefined) return onceRefusal("stripe-signature");
          time = value;
        } else if (key === "v1" && HEX64.test(value)) given.push(Buffer.from(value, "hex"));
      }
      if (time === undefined || given.length === 0) return missing;
      const late = timeRefusal("stripe-signature's t", time);
      if (late) return late;
      const expected = createHmac("sha256", secret.value()).update(`${time}.`).update(body).digest();
      return anyMatches(given, expected) ? undefined : MISMATCH;
    },
  };
}

function standardWebhooksAuth(secret: Secret): AuthChecker {
  // The key decoded once per value of the secret (a rotated Secret is decoded again).
  let decodedFrom: string | undefined;
  let decoded: Buffer | undefined;
  const keyOf = (): Buffer => {
    const value = secret.value();
    if (value !== decodedFrom) {
      decoded = standardWebhooksKey(secret);
      decodedFrom = value;
    }
    return decoded!;
  };
  const refusal = (prefix: string, name: string) =>
    new Refusal(401, "unauthenticated", `send the ${prefix}${name} header (${prefix}id, ${prefix}timestamp, and ${prefix}signature: v1,<base64 SHA-256 HMAC of {id}.{timestamp}.{body}>)`);
  const refusals = { "webhook-": new Map<string, Refusal>(), "svix-": new Map<string, Refusal>() };
  for (const [prefix, byName] of Object.entries(refusals)) for (const name of ["id", "timestamp", "signature"]) byName.set(name, refusal(prefix, name));
  return {
    phase: "body",
    check: function checkStandardWebhooks(request, body) {
      let prefix: "webhook-" | "svix-" = "webhook-";
      let id = request.header("webhook-id");
      let time = request.header("webhook-timestamp");
      let signatures = request.header("webhook-signature");
      // None of the standard's headers: a Svix sender's (svix-*), named so when one is missing.
      if (id === null && time === null && signatures === null) {
        prefix = "svix-";
        id = request.header("svix-id");
        time = request.header("svix-timestamp");
        signatures = request.header("svix-signature");
      }
      const missing = (name: string) => refusals[prefix].get(name)!;
      if (id === null || id === "") return missing("id");
      if (time === null) return missing("timestamp");
      if (signatures === null) return missing("signature");
      if (signatures.includes(", ")) return onceRefusal(`${prefix}signature`);
      const given: Buffer[] = [];
      for (const entry of signatures.split(" ")) {
        if (entry.startsWith("v1,") && BASE64.test(entry.slice(3))) given.push(Buffer.from(entry.slice(3), "base64"));
      }
      if (given.length === 0) return missing("signature");
      const late = timeRefusal(`${prefix}timestamp`, time);
      if (late) return late;
      const key = keyOf();
      const expected = createHmac("sha256", key).update(`${id}.${time}.`).update(body).digest();
      return anyMatches(given, expected) ? undefined : MISMATCH;
    },
  };
}

/** Base64 as the Standard Webhooks secret is written: whole groups of four, padding only at the end. */
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** The shortest key accepted: 128 bits (the specification asks for 24 to 64 bytes). */
const MIN_KEY_BYTES = 16;

/**
 * The HMAC key of a Standard Webhooks secret (`whsec_`, then the key in base64), or a
 * `SecretMissingError` saying why the value is none: Node's lenient decoding skipped what is not
 * base64, so `whsec_!!!!` was an empty key, with which anyone could sign.
 */
export function standardWebhooksKey(secret: Secret): Buffer {
  const value = secret.value();
  const encoded = value.startsWith("whsec_") ? value.slice(6) : value;
  const key = STRICT_BASE64.test(encoded) ? Buffer.from(encoded, "base64") : undefined;
  if (key === undefined || key.length < MIN_KEY_BYTES) {
    throw new SecretMissingError(secret.name, secret.path, `is not a Standard Webhooks key: whsec_ then the base64 of ${MIN_KEY_BYTES} random bytes or more (${key === undefined ? "not base64" : `${key.length} bytes`})`);
  }
  return key;
}

function onceRefusal(header: string): Refusal {
  return new Refusal(401, "unauthenticated", `send the ${header} header once: it came more than once`);
}

/**
 * A refusal when `value` is not Unix seconds within `toleranceSeconds` of the server's clock
 * (a replayed request, or a clock that is off); undefined when it is.
 */
export function timeRefusal(what: string, value: string, toleranceSeconds = TOLERANCE_SECONDS): Refusal | undefined {
  if (!/^\d{1,12}$/.test(value)) return new Refusal(401, "unauthenticated", `the ${what} is not the request's time in Unix seconds`);
  const skew = Math.abs(Date.now() / 1000 - Number(value));
  if (skew <= toleranceSeconds) return undefined;
  return new Refusal(401, "unauthenticated", `the ${what} is ${Math.round(skew)} s from the server's clock (at most ${toleranceSeconds}): a replayed request, or a clock that is off`);
}

/** Whether one of the signatures given is the expected one (each compared in constant time). */
function anyMatches(given: readonly Buffer[], expected: Buffer): boolean {
  let found = false;
  for (const signature of given) {
    if (signature.byteLength === expected.byteLength && timingSafeEqual(signature, expected)) found = true;
  }
  return found;
}
