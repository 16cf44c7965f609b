/**
 * @module cluster/non-resource
 * The answers to paths outside resources: health (`/healthz`, `/livez`, `/readyz`, their
 * `?verbose` lists and per-check paths: see `health`),
 * `/version`, and discovery (`/api`, `/apis`, `/api/v1`, `/apis/GROUP`, `/apis/GROUP/VERSION`,
 * legacy or aggregated as the Accept header negotiates, see `aggregated-discovery`), the minimal
 * `/openapi/v3` and `/openapi/v2` kubectl needs (`openapi`, `openapi-v2`) and the
 * ServiceAccount issuer discovery documents (see `issuer-discovery`). Anything else is the
 * handler chain's plain-text 404.
 */
import type { Reply } from "./call.js";
import type { TokenIssuer } from "./auth/index.js";
import { aggregatedReply, negotiateAggregated } from "./aggregated-discovery.js";
import { apiGroupList, apiResourceList, apiVersions, versionInfo } from "./discovery.js";
import { serveHealth } from "./health.js";
import { serveIssuerDiscovery } from "./issuer-discovery.js";
import { openapiIndex, serveOpenapiDocument } from "./openapi.js";
import { serveOpenapiV2 } from "./openapi-v2.js";
import type { Registry } from "./registry.js";
import { statusFor } from "./status.js";

/** 404 of a served group version for a resource or subresource it does not have (go-restful's Status). */
export function notFoundReply(): Reply {
  const status = statusFor(404);
  status.details = {};
  return { status: 404, body: JSON.stringify(status) };
}

/**
 * 404 of a path no handler serves (an unknown group or version, anything outside the API): the
 * handler chain's last resort is Go's `http.NotFound`, plain text.
 */
export function pageNotFoundReply(): Reply {
  return { status: 404, body: "404 page not found\n", contentType: "text/plain; charset=utf-8", headers: { "X-Content-Type-Options": "nosniff" } };
}

/**
 * Answers a GET of a non-resource path; `issuer` signs the tokens whose keys are published,
 * `ifNoneMatch` is the request's If-None-Match (aggregated discovery's cache check), `query` its
 * query (the health checks' `verbose` and `exclude`).
 */
export function serveNonResource(registry: Registry, path: string, accept: string, serverAddress: string, issuer: TokenIssuer, ifNoneMatch = "", query = new URLSearchParams()): Reply {
  const clean = path.length > 1 ? path.replace(/\/+$/, "") : path;
  const discovery = serveIssuerDiscovery(issuer, clean, serverAddress, accept);
  if (discovery) return discovery;
  const health = serveHealth(clean, query);
  if (health) return health;
  if (clean === "/version") return { status: 200, body: JSON.stringify(versionInfo(), null, 2) };
  if (clean === "/api" || clean === "/apis") {
    const version = negotiateAggregated(accept);
    if (version) return aggregatedReply(registry, clean === "/api", version, ifNoneMatch);
    return { status: 200, body: JSON.stringify(clean === "/api" ? apiVersions(serverAddress) : apiGroupList(registry)) };
  }
  if (clean === "/openapi/v2") return serveOpenapiV2(accept, ifNoneMatch);
  if (clean === "/openapi/v3") return { status: 200, body: JSON.stringify(openapiIndex(registry)) };
  if (clean.startsWith("/openapi/v3/")) {
    return serveOpenapiDocument(registry, clean.slice("/openapi/v3/".length), query.get("hash"), ifNoneMatch) ?? pageNotFoundReply();
  }
  const parts = clean.split("/").filter(Boolean);
  if (parts[0] === "api" && parts.length === 2) {
    const list = apiResourceList(registry, "", parts[1]!);
    return list ? { status: 200, body: JSON.stringify(list) } : pageNotFoundReply();
  }
  if (parts[0] === "apis" && parts.length === 2) {
    const groups = (apiGroupList(registry) as { groups: { name: string }[] }).groups;
    const group = groups.find((g) => g.name === parts[1]);
    return group ? { status: 200, body: JSON.stringify({ kind: "APIGroup", apiVersion: "v1", ...group }) } : pageNotFoundReply();
  }
  if (parts[0] === "apis" && parts.length === 3) {
    const list = apiResourceList(registry, parts[1]!, parts[2]!);
    return list ? { status: 200, body: JSON.stringify(list) } : pageNotFoundReply();
  }
  return pageNotFoundReply();
}
