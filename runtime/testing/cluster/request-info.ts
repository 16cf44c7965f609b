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

/**
 * A boolean query parameter as list options decode it (`Convert_Slice_string_To_bool`): absent is
 * false; its first value `0` or `false` (any case) is false; anything else, empty included, true.
 */
export function parseBool(value: string | null): boolean {
  return value !== null && value !== "0" && value.toLowerCase() !== "false";
}

/**
 * Resolves a request. `path` is URL-decoded per segment; `query` is the parsed query string.
 *
 * @example
 * resolveRequestInfo("GET", "/api/v1/namespaces/default/pods", new URLSearchParams("watch=1")).verb; // "watch"
 */
export function resolveRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const nonResource: RequestInfo = {
    resourceRequest: false, path, verb: method.toLowerCase(), apiPrefix: "", apiGroup: "", apiVersion: "",
    namespace: "", resource: "", subresource: "", name: "", parts: [],
  };
  let parts = path.replace(/^\/+|\/+$/g, "").split("/").filter((p) => p !== "");
  if (parts.length < 1) return nonResource;
  const prefix = parts[0]!;
  if (prefix !== "api" && prefix !== "apis") return nonResource;
  parts = parts.slice(1);
  let apiGroup = "";
  if (prefix === "apis") {
    if (parts.length < 1) return nonResource;
    apiGroup = parts[0]!;
    parts = parts.slice(1);
  }
  if (parts.length < 1) return nonResource;
  const apiVersion = parts[0]!;
  parts = parts.slice(1);
  if (parts.length < 1) return nonResource;
  const info: RequestInfo = { ...nonResource, resourceRequest: true, apiPrefix: prefix, apiGroup, apiVersion };
  info.verb = METHOD_VERBS[method.toUpperCase()] ?? method.toLowerCase();
  if (parts[0] === "watch") {
    info.verb = "watch";
    parts = parts.slice(1);
  } else if (parts[0] === "proxy") {
    info.verb = "proxy";
    parts = parts.slice(1);
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
