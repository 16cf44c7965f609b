/**
 * @module cluster/non-resource
 * The answers to paths outside resources: health (`/healthz`, `/livez`, `/readyz`: `ok`),
 * `/version`, and discovery (`/api`, `/apis`, `/api/v1`, `/apis/GROUP`, `/apis/GROUP/VERSION`,
 * legacy or aggregated by the Accept header) and the minimal `/openapi/v3` kubectl needs.
 * Anything else (`/openapi/v2` included) is the real server's 404 Status.
 */
import type { Reply } from "./call.js";
import { aggregated, AGGREGATED_TYPE, apiGroupList, apiResourceList, apiVersions, versionInfo, wantsAggregated } from "./discovery.js";
import { openapiDocument, openapiIndex } from "./openapi.js";
import type { Registry } from "./registry.js";
import { statusFor } from "./status.js";

/** 404 for a path the server does not serve. */
export function notFoundReply(): Reply {
  const status = statusFor(404);
  status.details = {};
  return { status: 404, body: JSON.stringify(status) };
}

/** Answers a GET of a non-resource path. */
export function serveNonResource(registry: Registry, path: string, accept: string, serverAddress: string): Reply {
  const clean = path.length > 1 ? path.replace(/\/+$/, "") : path;
  if (clean === "/healthz" || clean === "/livez" || clean === "/readyz") return { status: 200, body: "ok", contentType: "text/plain; charset=utf-8" };
  if (clean === "/version") return { status: 200, body: JSON.stringify(versionInfo(), null, 2) };
  if (clean === "/api" || clean === "/apis") {
    if (wantsAggregated(accept)) return { status: 200, body: JSON.stringify(aggregated(registry, clean === "/api")), contentType: AGGREGATED_TYPE };
    return { status: 200, body: JSON.stringify(clean === "/api" ? apiVersions(serverAddress) : apiGroupList(registry)) };
  }
  if (clean === "/openapi/v3") return { status: 200, body: JSON.stringify(openapiIndex(registry)) };
  if (clean.startsWith("/openapi/v3/")) {
    const doc = openapiDocument(registry, clean.slice("/openapi/v3/".length));
    return doc ? { status: 200, body: JSON.stringify(doc) } : notFoundReply();
  }
  const parts = clean.split("/").filter(Boolean);
  if (parts[0] === "api" && parts.length === 2) {
    const list = apiResourceList(registry, "", parts[1]!);
    return list ? { status: 200, body: JSON.stringify(list) } : notFoundReply();
  }
  if (parts[0] === "apis" && parts.length === 2) {
    const groups = (apiGroupList(registry) as { groups: { name: string }[] }).groups;
    const group = groups.find((g) => g.name === parts[1]);
    return group ? { status: 200, body: JSON.stringify({ kind: "APIGroup", apiVersion: "v1", ...group }) } : notFoundReply();
  }
  if (parts[0] === "apis" && parts.length === 3) {
    const list = apiResourceList(registry, parts[1]!, parts[2]!);
    return list ? { status: 200, body: JSON.stringify(list) } : notFoundReply();
  }
  return notFoundReply();
}
