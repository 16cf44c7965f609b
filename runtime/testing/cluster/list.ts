/**
 * @module cluster/list
 * GET of one object and LIST with label and field selectors, `limit`/`continue` pagination
 * (opaque tokens shaped and read as the real server's: continue-token.ts; a bad one is its 400,
 * `remainingItemCount` when no selector filters; a full page has a continue whenever any key
 * follows it, selected or not, as etcd3 pages) and all-namespaces lists. List bodies are
 * assembled from each object's cached UTF-8 JSON bytes, so a 500-item list costs one copy of
 * its bytes: no re-serialization, no encoding.
 * A list etcd reads at a revision (a continue token's, `resourceVersionMatch=Exact`, or a
 * `limit` with a resourceVersion other than "0") answers the state at that version, rebuilt
 * from the event window; a version older than the window is etcd's compacted revision: 410.
 */
import type { Call, Reply } from "./call.js";
import { matchFields, parseFieldSelector, parseFieldTerms, type FieldTerm } from "./field-selector.js";
import { matchLabels, parseLabelSelector, SelectorError, type LabelSelector } from "./label-selector.js";
import { apiVersionOf, type ResourceDef } from "./resources.js";
import type { Entry } from "./store.js";
import { servedFromWatchCache, tooLargeResourceVersion, waitForGetResourceVersion } from "./list-freshness.js";
import { ContinueTokenError, decodeContinue, encodeContinue, keyAfter } from "./continue-token.js";
import { queryInt64 } from "./query-int64.js";
import { parseResourceVersion } from "./resource-version.js";
import { ApiError, badRequest, failure, invalid, notFound, type FieldError } from "./status.js";

/** Parsed `labelSelector` and `fieldSelector` of a list or watch. */
export interface Selection {
  labels: LabelSelector;
  fields: FieldTerm[];
  /** True when any selector filters. */
  filtered: boolean;
}

/** The request's label selector, or the 400 of its parse error. */
function labelSelector(call: Call): LabelSelector {
  const ls = call.query.get("labelSelector");
  if (!ls) return [];
  try {
    return parseLabelSelector(ls);
  } catch (error) {
    if (error instanceof SelectorError) throw badRequest(error.message);
    throw error;
  }
}

/** Reads the selectors of a request; 400 with the real messages when they do not parse or name a field the type does not select on. */
export function selection(call: Call): Selection {
  const labels = labelSelector(call);
  const fields = parseFieldSelector(call.query.get("fieldSelector") ?? "", call.def.fields);
  return { labels, fields, filtered: labels.length > 0 || fields.length > 0 };
}

/** Whether a stored object is selected. */
export function selects(sel: Selection, def: ResourceDef, entry: Entry): boolean {
  return matchLabels(sel.labels, entry.obj.metadata.labels) && (sel.fields.length === 0 || matchFields(sel.fields, entry.obj, def.fields));
}

/**
 * GET one object. A resourceVersion named is the watch cache's, which parses it, then waits for
 * it (3 s, then 504) before it reads the object.
 */
export async function getObject(call: Call): Promise<Reply> {
  await waitForGetResourceVersion(call);
  const entry = call.registry.store.get(call.def, call.info.namespace, call.info.name);
  if (!entry) throw notFound(call.def, call.info.name);
  return { status: 200, body: entry.full };
}

/** The request's continue token, or the 400 etcd3's GetList answers for one that does not decode. */
function continueToken(token: string): ReturnType<typeof decodeContinue> {
  try {
    return decodeContinue(token);
  } catch (error) {
    if (error instanceof ContinueTokenError) throw badRequest(`invalid continue token: ${error.message}`);
    throw error;
  }
}

/** An int64 list option (query-int64.ts): undefined when absent; throws its 400. */
function int64Option(call: Call, name: string): number | undefined {
  const value = queryInt64(call.query, name);
  return value === undefined ? undefined : Number(value);
}

/**
 * The integer options of a list or watch, decoded in ListOptions' field order (`timeoutSeconds`
 * before `limit`: the first that does not parse is the 400). A limit of 0 or less is none.
 */
export function listIntegers(call: Call): { limit: number; timeoutSeconds?: number } {
  const timeoutSeconds = int64Option(call, "timeoutSeconds");
  const limit = int64Option(call, "limit") ?? 0;
  return { limit: limit > 0 ? limit : 0, ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}) };
}

/**
 * 410 for a continue token whose version is older than the history kept (etcd compacted it),
 * as etcd3's `handleCompactedErrorForPaging`: its Status carries a token at version -1 from the
 * same key, which continues the list at the latest version (inconsistently: objects changed
 * meanwhile may be missed or seen twice).
 */
function continueExpired(start: string): ApiError {
  const status = failure(
    410,
    "Expired",
    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
  );
  status.metadata = { continue: encodeContinue(-1, start) };
  return new ApiError(status);
}

/** The stored entries of a list request, selected or not, in key order with their keys, from key `from` on; `at`: as at that version. */
function storedEntries(call: Call, from?: string, at?: number): { key: string; entry: Entry }[] {
  const store = call.registry.store;
  const namespace = call.info.namespace || undefined;
  return at !== undefined && at < store.resourceVersion ? store.listAt(call.def, at, namespace, from) : store.list(call.def, namespace, from);
}

/**
 * The selected entries of a list request, in key order, with the keys (for continue tokens);
 * `at`: as they were at that resourceVersion (not older than the event window).
 */
export function selectedEntries(call: Call, sel: Selection, from?: string, at?: number): { key: string; entry: Entry }[] {
  const all = storedEntries(call, from, at);
  return sel.filtered ? all.filter((e) => selects(sel, call.def, e.entry)) : all;
}

/** One page of a list: its items, and whether any key is left after the last of them. */
interface Page {
  items: { key: string; entry: Entry }[];
  /** Keys left after the page's last item (selected or not): etcd3's hasMore. */
  left: number;
}

/**
 * As etcd3's GetList reads a page of `limit` (0: all): keys in order, each selected or not,
 * until the page is full; it has more when any key, selected or not, follows the last item
 * taken (a filtered page may so end with a continue whose next page is empty).
 */
function readPage(call: Call, sel: Selection, limit: number, from?: string, at?: number): Page {
  const all = storedEntries(call, from, at);
  const items: Page["items"] = [];
  for (let i = 0; i < all.length; i++) {
    const e = all[i]!;
    if (sel.filtered && !selects(sel, call.def, e.entry)) continue;
    items.push(e);
    if (limit > 0 && items.length === limit) return { items, left: all.length - i - 1 };
  }
  return { items, left: 0 };
}

const COMMA = Buffer.from(",");
const CLOSE = Buffer.from("]}");
/** UTF-8 bytes of each stored entry's JSON forms, made by the first list that sends them. */
const ITEM_BYTES = new WeakMap<Entry, Buffer>();
const FULL_BYTES = new WeakMap<Entry, Buffer>();

function bytesOf(cache: WeakMap<Entry, Buffer>, entry: Entry, text: string): Buffer {
  let bytes = cache.get(entry);
  if (!bytes) cache.set(entry, (bytes = Buffer.from(text)));
  return bytes;
}

/**
 * The list options as the parameter codec decodes them, before any validation: an integer, then
 * a selector, that does not parse is its 400 (a field label the type does not convert is the
 * handler's 400 after validation: `selection`). Returns the integers.
 */
export function decodeListOptions(call: Call): ReturnType<typeof listIntegers> {
  const integers = listIntegers(call);
  labelSelector(call);
  parseFieldTerms(call.query.get("fieldSelector") ?? "");
  return integers;
}

/** ValidateListOptions of a list (not a watch), once decoded: `resourceVersionMatch` and `sendInitialEvents`, 422 as there. */
export function validateListOptions(call: Call): void {
  decodeListOptions(call);
  const match = call.query.get("resourceVersionMatch") ?? "";
  const rv = call.query.get("resourceVersion") ?? "";
  const errors: FieldError[] = [];
  if (match) {
    if (!rv) errors.push({ type: "Forbidden", field: "resourceVersionMatch", detail: "resourceVersionMatch is forbidden unless resourceVersion is provided" });
    if (call.query.get("continue")) errors.push({ type: "Forbidden", field: "resourceVersionMatch", detail: "resourceVersionMatch is forbidden when continue is provided" });
    if (match !== "Exact" && match !== "NotOlderThan") errors.push({ type: "NotSupported", field: "resourceVersionMatch", value: match, supported: ["Exact", "NotOlderThan", ""] });
    if (match === "Exact" && rv === "0") errors.push({ type: "Forbidden", field: "resourceVersionMatch", detail: 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"' });
  }
  if (call.query.has("sendInitialEvents")) errors.push({ type: "Forbidden", field: "sendInitialEvents", detail: "sendInitialEvents is forbidden for list" });
  if (errors.length) throw invalid("meta.k8s.io", "ListOptions", "", errors);
}

/** A list as read: its items (with their keys) and the `metadata` JSON of its answer. */
export interface ListRead {
  items: { key: string; entry: Entry }[];
  meta: string;
}

/**
 * Reads what a list request asks for (its `resourceVersion`, `limit` and `continue`), its options
 * already validated and `sel` its selection: one page, or every item when no limit applies.
 */
export function readList(call: Call, sel: Selection): ListRead {
  const { registry, def } = call;
  const requested = listIntegers(call).limit;
  const limit = servedFromWatchCache(call) ? 0 : requested;
  const cont = call.query.get("continue");
  const rvParam = call.query.get("resourceVersion");
  // storage.ValidateListOptions: a continued list reads at its token's version, before decoding it.
  if (cont && rvParam && rvParam !== "0") throw badRequest("specifying resource version is not allowed when using continue");
  // A token's key is relative to the list's key prefix (`golden/` for a namespaced list), as etcd3's.
  const prefix = call.info.namespace && def.namespaced ? `${call.info.namespace}/` : "";
  const decoded = cont ? continueToken(cont) : undefined;
  const token = decoded && { ...decoded, start: prefix + decoded.start };
  const store = registry.store;
  // The revision etcd reads at (etcd3's GetList), when not the latest.
  let at: number | undefined;
  if (rvParam && rvParam !== "0" && !token) {
    const wanted = parseResourceVersion(rvParam, servedFromWatchCache(call) ? "cache" : "etcd");
    if (wanted > store.resourceVersion) {
      throw tooLargeResourceVersion(call, wanted);
    }
    const match = call.query.get("resourceVersionMatch") ?? "";
    // A version that parses to 0 ("00") reads the latest, as "0" does.
    if (wanted > 0 && (match === "Exact" || (match === "" && limit > 0))) at = wanted;
    if (at !== undefined && at < store.oldestReadable) throw new ApiError(failure(410, "Expired", "The resourceVersion for the provided list is too old."));
  }
  if (token && token.rv > 0) {
    if (token.rv > store.resourceVersion) throw tooLargeResourceVersion(call, token.rv);
    if (token.rv < store.oldestReadable) throw continueExpired(decoded!.start);
    at = token.rv;
  }
  const rv = at ?? store.resourceVersion;
  const { items, left } = readPage(call, sel, limit, token?.start, at);
  let meta = `{"resourceVersion":"${rv}"`;
  if (left > 0) {
    meta += `,"continue":"${encodeContinue(rv, keyAfter(items[items.length - 1]!.key.slice(prefix.length)))}"`;
    // PrepareContinueToken: the count of keys left, only when no selector filters (it counts unselected ones too).
    if (!sel.filtered) meta += `,"remainingItemCount":${left}`;
  }
  meta += "}";
  return { items, meta };
}

/** A list's answer: `{kind: XList, apiVersion, metadata, items}`, from each item's cached bytes. */
export function listBody(def: ResourceDef, read: ListRead): Buffer {
  const parts: Buffer[] = [Buffer.from(`{"kind":"${def.kind}List","apiVersion":"${apiVersionOf(def)}","metadata":${read.meta},"items":[`)];
  read.items.forEach((e, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(def.custom ? bytesOf(FULL_BYTES, e.entry, e.entry.full) : bytesOf(ITEM_BYTES, e.entry, e.entry.item));
  });
  parts.push(CLOSE);
  return Buffer.concat(parts);
}

/** LIST: `{kind: XList, apiVersion, metadata: {resourceVersion, continue?, remainingItemCount?}, items}`. */
export function listObjects(call: Call): Reply {
  validateListOptions(call);
  return { status: 200, body: listBody(call.def, readList(call, selection(call))) };
}
