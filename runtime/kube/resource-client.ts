/**
 * @module kube/resource-client
 * The typed verbs of one resource (`ResourceClient` of api.ts) over the transport: get, list
 * (every page), listPage, listMetadata (every page, metadata only), create, replace, patch (merge, json, strategic, apply), apply, delete,
 * deleteCollection, watch and the status subresource. Namespaced types default to the client's
 * namespace; writes carry `dryRun=All` when asked and `fieldManager` (default `podfn`).
 */
import type { Status } from "kubernetes-types/meta/v1.js";
import type {
  ApplyConfiguration,
  ApplyOptions,
  CallOptions,
  DeleteCollectionOptions,
  DeleteOptions,
  KubeList,
  KubeObject,
  ListOptions,
  ListPageOptions,
  NamespaceOption,
  PartialObjectMetadata,
  PatchOptions,
  PatchType,
  ResourceClient,
  ResourceType,
  WatchEvent,
  WatchOptions,
  WriteOptions,
} from "./api.js";
import { KubeArgumentError, KubeGoneError, isFailureStatus } from "./errors.js";
import type { ClientContext } from "./context.js";
import { apiVersionOf, callSignal, resourcePath, writeQuery } from "./context.js";
import { parseListBody, type ListBody } from "./list-body.js";
import type { Query } from "./transport.js";
import { watchResource } from "./watch.js";

/** The Accept header of a metadata-only list (client-go's metadata client asks the same). */
const METADATA_LIST = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

/** Content-Type of each patch type. */
export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
};

/** The body of a DELETE: `DeleteOptions` with what was given. */
export function deleteOptionsBody(options: Omit<DeleteOptions, "namespace" | "signal" | "dryRun" | "fieldManager">, dryRun = false): Record<string, unknown> {
  const body: Record<string, unknown> = { apiVersion: "v1", kind: "DeleteOptions" };
  // A DELETE with a body is read from the body alone: the API server ignores its query then.
  if (dryRun) body.dryRun = ["All"];
  if (options.propagationPolicy) body.propagationPolicy = options.propagationPolicy;
  if (options.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = options.gracePeriodSeconds;
  if (options.preconditions) body.preconditions = options.preconditions;
  return body;
}

/**
 * client-go's `IsValidPathSegmentName` check of a name or namespace put in a request path: not
 * empty, `.` or `..`, without `/` or `%` (another path, or an encoded one, would be requested).
 */
function segmentCheck(what: string, value: string): void {
  // client-go checks "/" before "%".
  const contained = ["/", "%"].find((c) => value.includes(c));
  const problem = value === "" ? "may not be empty" : value === "." || value === ".." ? `may not be '${value}'` : contained ? `may not contain '${contained}'` : undefined;
  if (problem) throw new KubeArgumentError(`invalid ${what} ${JSON.stringify(value)}: ${problem}`);
}

/** The token a 410 for an expired continue token offers to go on with, if it is one. */
function expiredContinue(error: unknown): string | undefined {
  return error instanceof KubeGoneError ? ((error.status.metadata as { continue?: string } | undefined)?.continue || undefined) : undefined;
}

/** The query of a list request; `resourceVersion` only from the watch's first list (`"0"`). */
function listQuery(options: ListPageOptions & { resourceVersion?: string }): Query {
  return { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, limit: options.limit, continue: options.continue, resourceVersion: options.resourceVersion };
}

/** Implements `ResourceClient<T>` for one resource type. */
export class Resource<T extends KubeObject> implements ResourceClient<T> {
  readonly type: ResourceType;
  protected readonly context: ClientContext;

  constructor(context: ClientContext, type: ResourceType) {
    this.context = context;
    this.type = type;
    this.listPage = this.listPage.bind(this);
  }

  /** Path of the collection, an object, or its subresource. */
  protected path(namespace: string | undefined, name?: string, subresource?: string): string {
    const ns = namespace ?? this.context.namespace;
    // As client-go: a name or namespace that is not one path segment would name another path.
    if (name !== undefined) segmentCheck("resource name", name);
    if (this.type.namespaced && ns && ns !== "*") segmentCheck("namespace", ns);
    return resourcePath(this.type, ns, name, subresource);
  }

  protected nameOf(object: KubeObject, verb: string): string {
    const name = object.metadata?.name;
    if (!name) throw new KubeArgumentError(`${verb} ${this.type.resource}: the object has no metadata.name`);
    return name;
  }

  /** The object with apiVersion and kind filled in when missing. */
  protected typed<O extends KubeObject>(object: O): O {
    return { ...object, apiVersion: object.apiVersion ?? apiVersionOf(this.type), kind: object.kind ?? this.type.kind };
  }

  protected request<R>(method: string, path: string, options: CallOptions, extra: { query?: Record<string, string | number | boolean | undefined>; body?: unknown; contentType?: string; idempotent?: boolean; text?: boolean } = {}): Promise<R> {
    return this.context.transport.request<R>({ method, path, signal: callSignal(this.context, options.signal), logger: this.context.logger, ...extra });
  }

  get(name: string, options: CallOptions & NamespaceOption = {}): Promise<T> {
    // Not async: the hot path keeps its one promise; a bad name is still a rejection.
    let path: string;
    try {
      path = this.path(options.namespace, name);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.request<T>("GET", path, options);
  }

  /**
   * Every page, one object at a time. Each page's body is kept as bytes (one buffer reused from
   * page to page) and its items are parsed only as they are yielded, so the consumer's process
   * holds one page's bytes and the object at hand, not a parsed page.
   */
  list(options: ListOptions = {}): AsyncGenerator<T, void, undefined> {
    return this.#pages<T>(options, undefined, (item) => this.#typedItem(item));
  }

  /** Every object's metadata, page by page as `list()` (the server answers PartialObjectMetadataList pages). */
  listMetadata(options: ListOptions = {}): AsyncGenerator<PartialObjectMetadata, void, undefined> {
    return this.#pages<PartialObjectMetadata>(options, METADATA_LIST, (item) => item);
  }

  /** The items of every page of a list asked for with `accept` (default JSON), each through `typed`. */
  async *#pages<I>(options: ListOptions, accept: string | undefined, typed: (item: I) => I): AsyncGenerator<I, void, undefined> {
    const scratch = { buffer: Buffer.alloc(0) };
    const transport = this.context.transport;
    let cont: string | undefined;
    do {
      const request = { method: "GET", path: this.path(options.namespace), query: listQuery({ ...options, limit: options.limit ?? 500, continue: cont }), signal: callSignal(this.context, options.signal), logger: this.context.logger, ...(accept ? { accept } : {}) };
      let page: ListBody;
      try {
        page = parseListBody(await transport.requestBytes(request, scratch));
        // A 2xx Failure Status is an error, as `request()` has it: never an empty list.
        const head: unknown = page.head;
        if (isFailureStatus(head)) throw transport.failureStatus(request, head, 200);
      } catch (error) {
        const next = cont === undefined || options.consistent ? undefined : expiredContinue(error);
        if (next !== undefined) {
          // The server compacted the list's version: its 410 carries a token that goes on from
          // the same place at the latest version (what was already read is not read again).
          this.context.logger.warn({ path: request.path }, "the list's continue token expired: reading the rest at the latest version (objects changed meanwhile may be missed or seen twice)");
          cont = next;
          continue;
        }
        throw error instanceof SyntaxError ? transport.invalidJson(request, error) : error;
      }
      for (let i = 0; i < page.length; i++) {
        let item: I;
        try {
          item = page.item(i) as I;
        } catch (error) {
          throw transport.invalidJson(request, error);
        }
        yield typed(item);
      }
      cont = (page.head.metadata as KubeList<T>["metadata"] | undefined)?.continue || undefined;
    } while (cont);
  }

  async listPage(options: ListPageOptions & { resourceVersion?: string } = {}): Promise<KubeList<T>> {
    const list = await this.request<KubeList<T>>("GET", this.path(options.namespace), options, { query: listQuery(options) });
    list.items = (list.items ?? []).map(this.#typedItem, this);
    list.metadata ??= {};
    return list;
  }

  /** A list item (freshly parsed) with apiVersion and kind filled in when missing, as `{...item, apiVersion, kind}` would. */
  #typedItem(item: T): T {
    if (typeof item !== "object" || item === null || Array.isArray(item)) return { ...item, apiVersion: item.apiVersion ?? apiVersionOf(this.type), kind: item.kind ?? this.type.kind };
    item.apiVersion ??= apiVersionOf(this.type);
    item.kind ??= this.type.kind;
    return item;
  }

  async create(object: T, options: WriteOptions = {}): Promise<T> {
    const namespace = options.namespace ?? object.metadata?.namespace;
    return this.request<T>("POST", this.path(namespace), options, { query: writeQuery(this.context, options), body: this.typed(object) });
  }

  async replace(object: T, options: WriteOptions = {}): Promise<T> {
    return this.#put(object, options);
  }

  /** The body's type is checked by `ResourceClient`'s overloads, one per patch type. */
  async patch(name: string, patch: unknown, options: PatchOptions = {}): Promise<T> {
    return this.patchRaw<T>(name, patch, options);
  }

  async apply(configuration: ApplyConfiguration<T>, options: ApplyOptions = {}): Promise<T> {
    // A partial T is still an object with (maybe) apiVersion, kind and metadata: TypeScript
    // cannot see it through the mapped type of a T not known here.
    const object = configuration as KubeObject;
    const namespace = options.namespace ?? object.metadata?.namespace;
    return this.patchRaw<T>(this.nameOf(object, "apply"), this.typed(object), { ...options, namespace, type: "apply" });
  }

  async delete(name: string, options: DeleteOptions = {}): Promise<T | Status> {
    const query = writeQuery(this.context, options, false);
    return this.request<T | Status>("DELETE", this.path(options.namespace, name), options, { query, body: deleteOptionsBody(options, query.dryRun !== undefined) });
  }

  async deleteCollection(options: DeleteCollectionOptions = {}): Promise<KubeList<T> | Status> {
    const write = writeQuery(this.context, options, false);
    const query = { ...write, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector };
    return this.request<KubeList<T> | Status>("DELETE", this.path(options.namespace), options, { query, body: deleteOptionsBody(options, write.dryRun !== undefined) });
  }

  async *watch(options: WatchOptions<T> = {}): AsyncGenerator<WatchEvent<T>, void, undefined> {
    // The namespace is checked as every other verb's is (a watch builds its own paths).
    this.path(options.namespace);
    yield* watchResource<T>(this.context, this.type, this.listPage, options);
  }

  async getStatus(name: string, options: CallOptions & NamespaceOption = {}): Promise<T> {
    return this.request<T>("GET", this.path(options.namespace, name, "status"), options);
  }

  async replaceStatus(object: T, options: WriteOptions = {}): Promise<T> {
    return this.#put(object, options, "status");
  }

  async patchStatus(name: string, patch: unknown, options: PatchOptions = {}): Promise<T> {
    return this.patchRaw<T>(name, patch, options, "status");
  }

  async #put(object: T, options: WriteOptions, subresource?: string): Promise<T> {
    const namespace = options.namespace ?? object.metadata?.namespace;
    const path = this.path(namespace, this.nameOf(object, "replace"), subresource);
    return this.request<T>("PUT", path, options, { query: writeQuery(this.context, options), body: this.typed(object) });
  }

  /** PATCH with the Content-Type of `options.type`; `force` only goes with server-side apply. */
  protected async patchRaw<R>(name: string, patch: unknown, options: PatchOptions, subresource?: string): Promise<R> {
    const type = options.type ?? "merge";
    const query = { ...writeQuery(this.context, options), force: type === "apply" && options.force ? true : undefined };
    const path = this.path(options.namespace, name, subresource);
    return this.request<R>("PATCH", path, options, { query, body: patch, contentType: PATCH_CONTENT_TYPES[type] });
  }
}
