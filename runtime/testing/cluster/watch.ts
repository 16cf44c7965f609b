/**
 * @module cluster/watch
 * Watch streams as the real server sends them: HTTP 200, `Content-Type: application/json`,
 * chunked, one `{"type","object"}` JSON per line. From resourceVersion unset or "0" the stream
 * starts with ADDED for every selected object; from a resourceVersion it replays the changes
 * after it; one older than the event window gets an `ERROR` event with a 410 `Expired` Status
 * (`too old resource version: X (Y)`) and ends. Selectors apply to every event (an object that
 * stops matching is DELETED, one that starts matching is ADDED). `allowWatchBookmarks` sends
 * BOOKMARKs every `bookmarkIntervalMs`; `timeoutSeconds` ends the stream cleanly. Changes made
 * through another version of the same resource (core/v1 and events.k8s.io/v1 Events) are
 * delivered converted to the watched version. Asked for as a Table, each event's object is a
 * one-row Table (see `watch-table`).
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { Call } from "./call.js";
import { listIntegers, selection, selectedEntries, selects, type Selection } from "./list.js";
import { parseBool } from "./request-info.js";
import { apiVersionOf, storedAs } from "./resources.js";
import { viewOf, type ChangeEvent, type Entry } from "./store.js";
import { failure } from "./status.js";
import { tableWatchEncoder, type WatchObjectEncoder } from "./watch-table.js";
import type { TableVersion } from "./table.js";

/** Options of a watch stream. */
export interface WatchOptions {
  /** Milliseconds between BOOKMARK events when the client allows them. */
  bookmarkIntervalMs: number;
  /** Registers the stream so the server can end it on stop; returns the unregister function. */
  track: (end: () => void) => () => void;
  /** The Table version each object is sent as, when the Accept header asked for one (`as=Table`). */
  table?: TableVersion;
}

/** A watch with no `timeoutSeconds` ends after this long (the real server's minimum request timeout). */
const DEFAULT_TIMEOUT_SECONDS = 1800;

const asIs: WatchObjectEncoder = (objectJson) => objectJson;

/** Serves `?watch=1` on `res`; resolves when the stream ends. */
export function serveWatch(call: Call, res: ServerResponse, options: WatchOptions): Promise<void> {
  const { registry, def, info, query } = call;
  const sel: Selection = selection(call);
  const name = info.name;
  const namespace = info.namespace;
  const rvParam = query.get("resourceVersion") ?? "";
  const bookmarks = parseBool(query.get("allowWatchBookmarks"));
  const initial = rvParam === "" || rvParam === "0" || parseBool(query.get("sendInitialEvents"));
  const timeoutRaw = listIntegers(call).timeoutSeconds ?? 0;
  const timeoutSeconds = timeoutRaw > 0 ? timeoutRaw : DEFAULT_TIMEOUT_SECONDS;
  const store = registry.store;
  const encode = options.table ? tableWatchEncoder(call, options.table) : asIs;
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
    if (before) return line("DELETED", entry.full);
    return undefined;
  };

  res.writeHead(200, { "Audit-Id": randomUUID(), "Cache-Control": "no-cache, private", "Content-Type": "application/json" });
  res.flushHeaders();
  if (!initial) {
    const from = Number(rvParam);
    if (!Number.isInteger(from) || from < store.oldestWatchable) {
      const status = failure(410, "Expired", `too old resource version: ${rvParam} (${store.oldestWatchable})`);
      res.end(line("ERROR", JSON.stringify(status)));
      return Promise.resolve();
    }
  }
  return new Promise<void>((resolve) => {
    const chunks: string[] = [];
    if (initial) {
      for (const { entry } of selectedEntries(call, sel)) if (inScope(entry)) chunks.push(line("ADDED", entry.full));
      if (bookmarks && parseBool(query.get("sendInitialEvents"))) chunks.push(bookmark(store.resourceVersion, true));
    } else {
      for (const e of store.eventsSince(Number(rvParam))) {
        const text = translate(e);
        if (text) chunks.push(text);
      }
    }
    if (chunks.length) res.write(chunks.join(""));
    const unsubscribe = store.subscribe(function onChange(e) {
      const text = translate(e);
      if (text) res.write(text);
    });
    const ticker = bookmarks ? setInterval(() => res.write(bookmark(store.resourceVersion, false)), options.bookmarkIntervalMs) : undefined;
    const timer = setTimeout(end, timeoutSeconds * 1000);
    const untrack = options.track(end);
    res.on("close", end);
    let ended = false;
    function end(): void {
      if (ended) return;
      ended = true;
      unsubscribe();
      if (ticker) clearInterval(ticker);
      clearTimeout(timer);
      untrack();
      if (!res.writableEnded) res.end();
      resolve();
    }
    function bookmark(rv: number, initialEnd: boolean): string {
      const meta: Record<string, unknown> = { resourceVersion: String(rv) };
      if (!def.custom) meta.creationTimestamp = null;
      if (initialEnd) meta.annotations = { "k8s.io/initial-events-end": "true" };
      return line("BOOKMARK", JSON.stringify({ kind: def.kind, apiVersion: apiVersionOf(def), metadata: meta }));
    }
  });
}
