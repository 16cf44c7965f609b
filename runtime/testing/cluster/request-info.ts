/**
 * @module cluster/request-info
 * What a request asks, computed from its method, path and query exactly as the real server's
 * `RequestInfoResolver` (k8s.io/apiserver/pkg/endpoints/request): resource requests under
 * `/api/v1` and `/apis/GROUP/VERSION` get a verb (`get`, `list`, `watch`, `create`, `update`,
 * `patch`, `delete`, `deletecollection`), namespace, resource, name and subresource; every
 * other path is a non-resource request whose verb is the lowercased HTTP method.
 */
import { nameFromListQuery } from "./list-name.js";

/** The parsed request, as `request.RequestInfo`. */
export interface RequestInfo {
  resourceRequest: boolean;
  path: string;
  verb: string;
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** The path segments after the version (and after `namespaces/NS`), as `RequestInfo.Parts`. */
  parts: string[];
}

const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);
const METHOD_VERBS: Record<string, string> = { POST: "create", GET: "get", HEAD: "get", PUT: "update", PATCH: "patch", DELETE: "delete" };

/** NewRequestInfo's error: WithRequestInfo answers it as a plain-text 500 (responsewriters.InternalError). */
export class RequestInfoError extends Error {}

/**
 * A boolean query parameter as the parameter codec decodes it (`Convert_Slice_string_To_bool`:
 * list, watch, apply and connect options alike): absent is false; its first value `0` or
 * `false` (any case) is false; anything else, empty included, true.
 */
export function parseBool(value: string | null): boolean {
  return value !== null && value !== "0" && value.toLowerCase() !== "false";
}

/**
 * Resolves a request. `path` is URL-decoded per segment; `query` is the parsed query string;
 * `url` the request's URL as an error names it. Throws `RequestInfoError` for a `watch` or
 * `proxy` prefix with nothing after it.
 *
 * @example
 * resolveRequestInfo("GET", "/api/v1/namespaces/default/pods", new URLSearchParams("watch=1")).verb; // "watch"
 */
export function resolveRequestInfo(method: string, path: string, query: URLSearchParams, url = path): RequestInfo {
  const nonResource: RequestInfo = {
    resourceRequest: false, path, verb: method.toLowerCase(), apiPrefix: "", apiGroup: "", apiVersion: "",
    namespace: "", resource: "", subresource: "", name: "", parts: [],
  };
  // splitPath: slashes trimmed at both ends, then every segment kept, empty ones too.
  const trimmed = path.replace(/^\/+|\/+$/g, "");
  let parts = trimmed === "" ? [] : trimmed.split("/");
  if (parts.length < 3) return nonResource;
  const prefix = parts[0]!;
  if (prefix !== "api" && prefix !== "apis") return nonResource;
  parts = parts.slice(1);
  let apiGroup = "";
  if (prefix === "apis") {
    if (parts.length < 3) return nonResource;
    apiGroup = parts[0]!;
    parts = parts.slice(1);
  }
  const apiVersion = parts[0]!;
  parts = parts.slice(1);
  const info: RequestInfo = { ...nonResource, resourceRequest: true, apiPrefix: prefix, apiGroup, apiVersion };
  if (parts[0] === "watch" || parts[0] === "proxy") {
    if (parts.length < 2) throw new RequestInfoError(`unable to determine kind and namespace from url, ${url}`);
    info.verb = parts[0];
    parts = parts.slice(1);
  } else {
    // Any other method (OPTIONS, ...) has no verb.
    info.verb = METHOD_VERBS[method] ?? "";
  }
  if (parts[0] === "namespaces") {
    if (parts.length > 1) {
      info.namespace = parts[1]!;
      if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
    }
  }
  info.parts = parts;
  if (parts.length >= 3 && info.verb !== "proxy") info.subresource = parts[2]!;
  if (parts.length >= 2) info.name = parts[1]!;
  if (parts.length >= 1) info.resource = parts[0]!;
  if (!info.name && info.verb === "get") {
    info.verb = parseBool(query.get("watch")) ? "watch" : "list";
    const exact = nameFromListQuery(query);
    if (exact) info.name = exact;
  }
  if (!info.name && info.verb === "delete") info.verb = "deletecollection";
  return info;
}
