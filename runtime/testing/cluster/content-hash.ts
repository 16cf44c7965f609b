/**
 * @module cluster/content-hash
 * The hash the API server names a served document by: SHA-512 of its bytes in upper-case hex,
 * as aggregated discovery's calculateETag and kube-openapi's handlers compute it (their ETag,
 * quoted; `/openapi/v3`'s `?hash=`).
 */
import { createHash } from "node:crypto";

/**
 * @example
 * `"${contentHash(json)}"`; // an ETag
 */
export function contentHash(text: string): string {
  return createHash("sha512").update(text).digest("hex").toUpperCase();
}
