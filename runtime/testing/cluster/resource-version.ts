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
import { parseGoUint } from "./go-scalars.js";
import { badRequest, plainError, type ApiError } from "./status.js";

/** The storage.InvalidError's text of a resourceVersion that does not parse, else undefined. */
function invalidResourceVersion(raw: string): string | undefined {
  if (raw === "" || raw === "0") return undefined;
  const parsed = parseGoUint(raw);
  return typeof parsed === "string" ? `resourceVersion: Invalid value: ${goQuote(raw)}: strconv.ParseUint: parsing ${goQuote(raw)}: ${parsed}` : undefined;
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
