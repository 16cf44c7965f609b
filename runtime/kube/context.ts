/**
 * @module kube/context
 * What every resource accessor of one client view shares: the transport, the default
 * namespace, the dry-run switch, the view's signals, the logger and the clock; plus the helpers
 * that turn per-call options into a signal, a namespace and write query parameters.
 */
import type { ResourceType } from "./api.js";
import type { KubeLogger } from "./logger.js";
import type { Query, Transport } from "./transport.js";
import { KubeArgumentError } from "./errors.js";

export interface ClientContext {
  readonly transport: Transport;
  readonly namespace: string;
  readonly dryRun: boolean;
  /** The view's signals (`client.with({signal})`, each view adding its own), honoured by every call. */
  readonly signals: readonly AbortSignal[];
  /** Where the view's requests log (the client's logger, with a call's fields under `with({ logFields })`). */
  readonly logger: KubeLogger;
  /** Clock, ms since the epoch. */
  readonly now: () => number;
  /** `reportingInstance` of emitted events. */
  readonly hostname: string;
}

/**
 * The view's signals and a call's own: the transport joins them per request (see
 * `TransportRequest.signal`), so no record outlives the call.
 */
export function callSignal(context: ClientContext, signal: AbortSignal | undefined): readonly AbortSignal[] {
  return signal ? [...context.signals, signal] : context.signals;
}

/** `dryRun`, `fieldManager` and `fieldValidation` query parameters of a write (a delete takes neither of the last two). */
export function writeQuery(context: ClientContext, options: { dryRun?: boolean; fieldManager?: string; fieldValidation?: string }, withFieldManager = true): Query {
  return {
    // A dry-run client stays one: a call's `dryRun: false` cannot make its write real.
    dryRun: options.dryRun || context.dryRun ? "All" : undefined,
    fieldManager: withFieldManager ? (options.fieldManager ?? "podfn") : undefined,
    fieldValidation: withFieldManager ? options.fieldValidation : undefined,
  };
}

/** Methods that change something: a dry-run client sends them as server-side dry runs. */
const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * A low-level request (`kube.request()`) as a client sends it: on a dry-run client a write gets
 * `dryRun=All`, in its query and, for a DELETE with a body (which the API server reads instead
 * of the query), in that `DeleteOptions` body too. A DELETE body that is not an object cannot
 * carry it: refused rather than sent as a real delete.
 */
export function rawWrite<R extends { method: string; query?: Query; body?: unknown }>(context: ClientContext, request: R): R {
  const method = request.method.toUpperCase();
  if (!context.dryRun || !WRITES.has(method)) return request;
  const marked = { ...request, query: { ...request.query, dryRun: "All" } };
  if (method !== "DELETE" || request.body === undefined) return marked;
  if (typeof request.body !== "object" || request.body === null || Array.isArray(request.body) || request.body instanceof Uint8Array) {
    throw new KubeArgumentError("a dry-run client sends a DELETE's body as DeleteOptions with dryRun: give the body as an object, or no body");
  }
  return { ...marked, body: { ...request.body, dryRun: ["All"] } };
}

/** `apiVersion` of a resource type: `v1` or `apps/v1`. */
export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/**
 * URL path of a collection, an object or an object's subresource. Cluster-scoped types and
 * `namespace: "*"` (every namespace) have no `namespaces/{ns}` part.
 *
 * @example
 * resourcePath({ group: "apps", version: "v1", resource: "deployments", kind: "Deployment", namespaced: true }, "web", "api", "scale");
 * // "/apis/apps/v1/namespaces/web/deployments/api/scale"
 */
export function resourcePath(type: ResourceType, namespace: string | undefined, name?: string, subresource?: string): string {
  let path = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  if (type.namespaced && namespace && namespace !== "*") path += `/namespaces/${encodeURIComponent(namespace)}`;
  path += `/${type.resource}`;
  if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  if (subresource) path += `/${subresource}`;
  return path;
}
