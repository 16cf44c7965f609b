/**
 * @module cluster/aggregated-discovery
 * Which discovery document `/api` and `/apis` answer, as 1.32's WrappedHandler negotiates it
 * (discovery/aggregated/wrapper.go, negotiation.go): the Accept header's clauses by quality, the
 * first one acceptable wins — one with no conversion is the legacy document; one asking for
 * `apidiscovery.k8s.io` `APIGroupDiscoveryList` in `v2` or `v2beta1` (1.32 still serves it, the
 * same document under another apiVersion) the aggregated one in that version, its Content-Type
 * naming the version; any other conversion is passed over. Aggregated answers carry an ETag and
 * answer 304 to a matching `If-None-Match` (etag.go).
 */
import { contentHash } from "./content-hash.js";
import { negotiate } from "./accept.js";
import type { Reply } from "./call.js";
import { aggregated } from "./discovery.js";
import type { Registry } from "./registry.js";

/** The apidiscovery.k8s.io versions an aggregated document is served in. */
export type DiscoveryVersion = "v2" | "v2beta1";

/** The aggregated version the Accept header asks for first, or undefined for the legacy document. */
export function negotiateAggregated(accept: string): DiscoveryVersion | undefined {
  const version = negotiate(accept, ({ kind, group, version }): DiscoveryVersion | undefined =>
    group === "apidiscovery.k8s.io" && (version === "v2" || version === "v2beta1") && kind === "APIGroupDiscoveryList" ? version : undefined,
  );
  return version ?? undefined;
}

/**
 * calculateETag: SHA-512 of the cached v2 list as json.Marshal writes it — no kind or apiVersion
 * (its TypeMeta is unset) — in upper-case hex; the same whatever version or encoding is served.
 */
function etagOf(list: Record<string, unknown>): string {
  return JSON.stringify(contentHash(JSON.stringify({ metadata: list.metadata, items: list.items })));
}

/**
 * The aggregated document of `/api` (`core`) or `/apis` in `version`, as ServeHTTPWithETag
 * serves it: `ETag` (the quoted hash), `Vary: Accept`, `Cache-Control: public`, and a bodiless
 * 304 when `If-None-Match` is exactly that ETag; else the document, typed as WriteObjectNegotiated
 * types it.
 */
export function aggregatedReply(registry: Registry, core: boolean, version: DiscoveryVersion, ifNoneMatch = ""): Reply {
  const list = aggregated(registry, core) as Record<string, unknown>;
  const etag = etagOf(list);
  const headers = { ETag: etag, Vary: "Accept", "Cache-Control": "public" };
  if (ifNoneMatch === etag) return { status: 304, body: "", headers };
  const body = { ...list, apiVersion: `apidiscovery.k8s.io/${version}` };
  return { status: 200, body: JSON.stringify(body), contentType: `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`, headers };
}
