/**
 * @module cluster/watch
 * Watch streams as the real server sends them: HTTP 200, `Content-Type: application/json`,
 * chunked, one `{"type","object"}` JSON per line. From resourceVersion unset or "0" the stream
 * starts with ADDED for every selected object: 1.32 defaults such a `watch=true` to a watch list
 * (SetListOptionsDefaults), so with `allowWatchBookmarks` the initial events end with the
 * `k8s.io/initial-events-end` BOOKMARK, which carries 1.32's list blueprint (see
 * `watch-list-blueprint`) (a `/watch/` path without `watch=true` is neither
 * defaulted nor validated as a watch: its options are a list's). A watch list's
 * `sendInitialEvents` says whether it wants them, and it waits up to 3 s for a version not
 * reached; from a resourceVersion a watch sends only changes
 * after it; one older than what the type's watch cache reaches back to (watch-cache.ts: churn on
 * other types does not count) gets an `ERROR` event with a 410 `Expired` Status
 * (`too old resource version: X (Y)`) and ends. A named watch's field selector must pin its name
 * (400). Selectors apply to every event (an object that
 * stops matching is DELETED as it last matched, one that starts matching is ADDED).
 * A BOOKMARK carries the store's current resourceVersion, the cluster-wide one. 1.32's cacher
 * sends its type's watch cache version (dispatchEvents' lastProcessedResourceVersion), which
 * moves with that type's changes and with etcd's progress notifications (watchCache.
 * UpdateResourceVersion: the cluster-wide revision, requested by every consistent list under
 * ConsistentListFromCache); so a real bookmark is at most this version and, the last notification
 * aside, this one: the emulator sends what a freshly notified cache sends.
 * `allowWatchBookmarks` sends BOOKMARKs as the cacheWatcher schedules them (see
 * `bookmarkSchedule`: every `bookmarkIntervalMs` from the start and 2 s before the deadline), only
 * at a version newer than the start's (a quiet watch gets none; a watch list's end bookmark goes
 * with its initial events); `timeoutSeconds` ends the stream cleanly (a negative one at once, as
 * the handler's context and timer are already expired). Changes made
 * through another version of the same resource (core/v1 and events.k8s.io/v1 Events) are
 * delivered converted to the watched version. Asked for as a Table, each event's object is a
 * one-row Table (see `watch-table`).
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { Call } from "./call.js";
import { decodeListOptions, selection, selectedEntries, selects, validateListOptions, type Selection } from "./list.js";
import { parseBool } from "./request-info.js";
import { apiVersionOf, storedAs } from "./resources.js";
import { goEncoded } from "./go-json-encoding.js";
import { entryOf, viewOf, type ChangeEvent, type Entry } from "./store.js";
import { badRequest, failure, invalid, type FieldError } from "./status.js";
import { tooLargeResourceVersion, waitForResourceVersion } from "./list-freshness.js";
import { parseResourceVersion } from "./resource-version.js";
import { tableWatchEncoder, type WatchObjectEncoder } from "./watch-table.js";
import { bookmarkSchedule } from "./watch-bookmarks.js";
import { initialEventsListBlueprint, LIST_BLUEPRINT_ANNOTATION } from "./watch-list-blueprint.js";
import type { TableVersion } from "./table.js";
import { partialWatchEncoder } from "./partial-metadata.js";
import type { MetaVersion } from "./response-transform.js";

/** Options of a watch stream. */
export interface WatchOptions {
  /** Milliseconds between BOOKMARK events when the client allows them (the cacher's bookmarkFrequency). */
  bookmarkIntervalMs: number;
  /** Registers the stream so the server can end it on stop; returns the unregister function. */
  track: (end: () => void) => () => void;
  /** The Table version each object is sent as, when the Accept header asked for one (`as=Table`). */
  table?: TableVersion;
  /**
   * The `meta.k8s.io` version each object is sent in as a PartialObjectMetadata, when the Accept
   * header asked for metadata only (`as=PartialObjectMetadata`; `as=PartialObjectMetadataList`, whose
   * per-event conversion the real server cannot make, is served the same way here).
   */
  partial?: MetaVersion;
}

/** A watch with no `timeoutSeconds` ends after this long (the real server's minimum request timeout). */
const DEFAULT_TIMEOUT_SECONDS = 1800;

const asIs: WatchObjectEncoder = (objectJson) => objectJson;

/** Serves `?watch=1` on `res`; resolves when the stream ends. */
export function serveWatch(call: Call, res: ServerResponse, options: WatchOptions): Promise<void> {
  const { registry, def, info, query } = call;
  const name = info.name;
  const namespace = info.namespace;
  const rvParam = query.get("resourceVersion") ?? "";
  const bookmarks = parseBool(query.get("allowWatchBookmarks"));
  // ListOptions.Watch is the `watch` parameter: a `/watch/` path without it (forceWatch) is
  // defaulted and validated as a list, though served as a watch.
  const watchOption = parseBool(query.get("watch"));
  // ListResource's order: the options decoded (400), defaulted, validated (422), the field
  // labels converted (400), then a named watch's selector checked against its name (400).
  const timeoutRaw = decodeListOptions(call).timeoutSeconds ?? 0;
  const sendInitialEvents = watchListDefault(call, watchOption);
  if (watchOption) validateWatchOptions(call, sendInitialEvents);
  else validateListOptions(call);
  const sel: Selection = selection(call);
  if (name) namedWatchSelector(sel, name);
  // A watch list (`sendInitialEvents`, set or defaulted) states whether it wants the current
  // state first; otherwise a watch from a version that parses to 0 ("00") gets it, one from a
  // version does not.
  // The watch cache parses the version first: one that does not parse is its 500, before the stream.
  const wanted = parseResourceVersion(rvParam, "cache");
  const initial = sendInitialEvents ?? wanted === 0;
  // ListResource's timeout: 0 (or none) is the default; a negative one is a deadline already past.
  const timeoutSeconds = timeoutRaw !== 0 ? timeoutRaw : DEFAULT_TIMEOUT_SECONDS;
  const store = registry.store;
  const encode = options.table ? tableWatchEncoder(call, options.table) : options.partial ? partialWatchEncoder(options.partial) : asIs;
  const line = (type: string, objectJson: string): string => `{"type":"${type}","object":${encode(objectJson)}}\n`;

  const inScope = (entry: Entry): boolean => {
    const m = entry.obj.metadata;
    if (namespace && def.namespaced && m.namespace !== namespace) return false;
    if (name && m.name !== name) return false;
    return selects(sel, def, entry);
  };
  const translate = (e: ChangeEvent): string | undefined => {
    if (e.def !== storedAs(def)) return undefined;
    const entry = viewOf(def, e.entry);
    const now = inScope(entry);
    if (e.type !== "MODIFIED") return now ? line(e.type, entry.full) : undefined;
    const before = e.prev ? inScope(viewOf(def, e.prev)) : now;
    if (now && before) return line("MODIFIED", entry.full);
    if (now) return line("ADDED", entry.full);
    // As the cacher's convertToWatchEvent: the object as it last matched, at the event's version.
    if (before) return line("DELETED", asOf(viewOf(def, e.prev!), e.rv));
    return undefined;
  };

  const start = (): void => {
    res.writeHead(200, { "Audit-Id": randomUUID(), "Cache-Control": "no-cache, private", "Content-Type": "application/json" });
    res.flushHeaders();
  };
  if (sendInitialEvents && wanted > store.resourceVersion) {
    // A watch list waits, as the watch cache does, for a version it has not reached; the wait
    // ends early when the client goes or the server stops.
    const gone = new AbortController();
    const leave = (): void => gone.abort();
    res.on("close", leave);
    const untrack = options.track(leave);
    return waitForResourceVersion(call, wanted, undefined, gone.signal).then(() => {
      res.off("close", leave);
      untrack();
      if (gone.signal.aborted || res.destroyed) {
        if (!res.writableEnded) res.end();
        return;
      }
      start();
      if (store.resourceVersion < wanted) {
        res.end(line("ERROR", JSON.stringify(tooLargeResourceVersion(call, wanted).status)));
        return;
      }
      return stream();
    });
  }
  start();
  if (!initial && wanted !== 0) {
    // The type's own watch cache decides (getAllEventsSinceLocked), whatever other types did meanwhile.
    const tooOld = store.watchCache(def).tooOld(wanted);
    if (tooOld) {
      res.end(line("ERROR", JSON.stringify(failure(410, "Expired", tooOld))));
      return Promise.resolve();
    }
  }
  return stream();

  function stream(): Promise<void> {
    return new Promise<void>((resolve) => {
      // The cacheWatcher sends only what is newer than where the watch starts (bookmarks too).
      const from = initial || wanted === 0 ? store.resourceVersion : wanted;
      const chunks: string[] = [];
      if (initial) {
        for (const { entry } of selectedEntries(call, sel)) if (inScope(entry)) chunks.push(line("ADDED", entry.full));
        // isListWatchRequest: the end of the initial events is marked for a watch list allowing bookmarks.
        if (bookmarks && sendInitialEvents) chunks.push(bookmark(store.resourceVersion, true));
      } else {
        for (const e of store.watchCache(def).eventsSince(from)) {
          const text = translate(e);
          if (text) chunks.push(text);
        }
      }
      if (chunks.length) res.write(chunks.join(""));
      const unsubscribe = store.subscribe(function onChange(e) {
        const text = e.rv > from ? translate(e) : undefined;
        if (text) res.write(text);
      });
      const deadline = Date.now() + timeoutSeconds * 1000;
      const schedule = bookmarkSchedule(options.bookmarkIntervalMs, deadline);
      // Every watch here starts with its bookmark sent (a plain one is set so, a watch list sent
      // its end bookmark above): the cacheWatcher's process loop sends one only at a version newer
      // than the start's.
      let ticker: NodeJS.Timeout | undefined;
      const arm = (): void => {
        const wait = schedule.next(Date.now());
        ticker = wait === undefined ? undefined : setTimeout(tick, wait);
      };
      const tick = (): void => {
        const rv = store.resourceVersion;
        if (rv > from) res.write(bookmark(rv, false));
        arm();
      };
      if (bookmarks) arm();
      const timer = setTimeout(end, Math.max(0, timeoutSeconds * 1000));
      const untrack = options.track(end);
      // A CRD's change or deletion tears its storage down, which ends the watches of its resources.
      const untear = def.crd ? call.registry.onStorageTeardown(storedAs(def), end) : undefined;
      res.on("close", end);
      let ended = false;
      function end(): void {
        if (ended) return;
        ended = true;
        unsubscribe();
        if (ticker) clearTimeout(ticker);
        clearTimeout(timer);
        untrack();
        untear?.();
        if (!res.writableEnded) res.end();
        resolve();
      }
    });
  }

  function bookmark(rv: number, initialEnd: boolean): string {
    const meta: Record<string, unknown> = { resourceVersion: String(rv) };
    if (!def.custom) meta.creationTimestamp = null;
    // The watch handler adds the list blueprint to the end bookmark (a Table watch's is left as it was).
    if (initialEnd) meta.annotations = { "k8s.io/initial-events-end": "true", ...(options.table ? {} : { [LIST_BLUEPRINT_ANNOTATION]: initialEventsListBlueprint(def, options.partial) }) };
    // An empty object of the type, as Go encodes one: a Pod's carries `spec: {containers: null}, status: {}`.
    return line("BOOKMARK", JSON.stringify(goEncoded({ kind: def.kind, apiVersion: apiVersionOf(def), metadata: meta })));
  }
}

/** `entry`'s JSON (with kind) at resourceVersion `rv`. */
function asOf(entry: Entry, rv: number): string {
  const obj = entry.obj;
  return entryOf({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } }).full;
}

/**
 * A named watch (`/watch/.../NAME`, or a collection watched with `metadata.name=`): a non-empty
 * `fieldSelector` must pin that name, as ListResource reads it with RequiresExactMatch (its
 * first `metadata.name=` term, terms sorted); one that pins none or another is its 400.
 */
function namedWatchSelector(sel: Selection, name: string): void {
  if (sel.fields.length === 0) return;
  const pinned = sel.fields.find((term) => term.field === "metadata.name" && term.op === "=");
  if (pinned?.value !== name) throw badRequest("fieldSelector metadata.name doesn't match requested name");
}

/**
 * The `sendInitialEvents` a watch is served with, after 1.32's SetListOptionsDefaults (WatchList
 * is on): as given, or, for `watch=true` from resourceVersion "" or "0" naming neither it nor a
 * `resourceVersionMatch`, true (with NotOlderThan): such a plain watch is a watch list, whose
 * initial events end with the annotated BOOKMARK when it allows bookmarks. Undefined: none.
 */
function watchListDefault(call: Call, watchOption: boolean): boolean | undefined {
  const q = call.query;
  const asked = q.get("sendInitialEvents");
  if (asked !== null) return parseBool(asked);
  if (!watchOption || (q.get("resourceVersionMatch") ?? "") !== "") return undefined;
  const rv = q.get("resourceVersion") ?? "";
  return rv === "" || rv === "0" ? true : undefined;
}

/**
 * 1.32's validateWatchOptions (WatchList is on), of the options once defaulted: `sendInitialEvents`
 * needs `resourceVersionMatch=NotOlderThan`, which a watch may set only beside it. 422 as for a list.
 */
function validateWatchOptions(call: Call, sendInitialEvents: boolean | undefined): void {
  const q = call.query;
  // A defaulted watch list has both set, which pass.
  if (sendInitialEvents && !q.has("sendInitialEvents")) return;
  const match = q.get("resourceVersionMatch") ?? "";
  const errors: FieldError[] = [];
  if (sendInitialEvents !== undefined && match !== "NotOlderThan") {
    errors.push({ type: "Forbidden", field: "resourceVersionMatch", detail: "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan" });
  }
  if (match) {
    if (sendInitialEvents === undefined) errors.push({ type: "Forbidden", field: "resourceVersionMatch", detail: "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided" });
    if (match !== "NotOlderThan") errors.push({ type: "NotSupported", field: "resourceVersionMatch", value: match, supported: ["NotOlderThan"] });
    if (q.get("continue")) errors.push({ type: "Forbidden", field: "resourceVersionMatch", detail: "resourceVersionMatch is forbidden when continue is provided" });
  }
  if (errors.length) throw invalid("meta.k8s.io", "ListOptions", "", errors);
}
