/**
 * @module cluster/resource-version
 * A request's `resourceVersion` as the storage layer reads it (APIObjectVersioner's
 * ParseResourceVersion: "" and "0" are 0, anything else strconv.ParseUint base 10). One that
 * does not parse is a storage.InvalidError, `resourceVersion: Invalid value: "abc":
 * strconv.ParseUint: parsing "abc": invalid syntax`, which reaches the client two ways in 1.32:
 * - from the watch cache (a GET or a list it serves, a watch) as it is: no code makes it a
 *   Status, so ErrorToAPIStatus answers a 500 with no reason;
 * - from etcd3's storage.ValidateListOptions (a list delegated to etcd) as a 400 BadRequest
 *   `invalid resource version: <that text>`.
 */
import { goQuote } from "./crd-schema-go.js";
import { badRequest, plainError, type ApiError } from "./status.js";

const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseUint(s, 10, 64)'s NumError reason, or undefined when `s` parses. */
function parseUintError(s: string): string | undefined {
  if (s === "") return "invalid syntax";
  let n = 0n;
  for (const c of s) {
    // A stray character is a syntax error where it stands; an overflow before it, out of range.
    if (c < "0" || c > "9") return "invalid syntax";
    n = n * 10n + BigInt(c.charCodeAt(0) - 48);
    if (n > UINT64_MAX) return "value out of range";
  }
  return undefined;
}

/** The storage.InvalidError's text of a resourceVersion that does not parse, else undefined. */
function invalidResourceVersion(raw: string): string | undefined {
  if (raw === "" || raw === "0") return undefined;
  const why = parseUintError(raw);
  return why && `resourceVersion: Invalid value: ${goQuote(raw)}: strconv.ParseUint: parsing ${goQuote(raw)}: ${why}`;
}

/**
 * The version a request names (0 for none), or the error its storage answers: `via` "cache"
 * (the watch cache's bare 500) or "etcd" (etcd3's 400).
 */
export function parseResourceVersion(raw: string, via: "cache" | "etcd"): number {
  const text = invalidResourceVersion(raw);
  if (text) throw resourceVersionError(text, via);
  return raw === "" ? 0 : Number(raw);
}

function resourceVersionError(text: string, via: "cache" | "etcd"): ApiError {
  return via === "cache" ? plainError(text) : badRequest(`invalid resource version: ${text}`);
}
