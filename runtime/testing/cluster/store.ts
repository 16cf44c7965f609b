/**
 * @module cluster/store
 * The emulated etcd: objects per resource type keyed by `namespace/name`, ONE global
 * resourceVersion counter bumped by every write, and a bounded window of the latest change
 * events (etcd's history: lists at an earlier version are rebuilt from it; older ones are
 * compacted). Watches are served from one watch cache per resource type instead
 * (watch-cache.ts), which churn on other types does not expire. Each stored object keeps its JSON text (with and
 * without kind/apiVersion), so GET and LIST answer without serializing again. A type that is
 * another version of a stored one (events.k8s.io/v1 Events) shares its table: objects are
 * converted on `put`/`remove` and on every read through that type (`viewOf`).
 */
import { goEncoded } from "./go-json-encoding.js";
import { OwnerIndex } from "./owner-index.js";
import { storedAs, type ResourceDef } from "./resources.js";
import { WatchCache } from "./watch-cache.js";

type Obj = Record<string, any>;

/** A stored object and its serialized forms. Never mutate `obj`: clone, change, `put`. */
export interface Entry {
  readonly obj: Obj;
  /** JSON without kind and apiVersion (as list items of built-in types). */
  readonly item: string;
  /** JSON with kind and apiVersion first. */
  readonly full: string;
}

export type EventType = "ADDED" | "MODIFIED" | "DELETED";

/** One change, as a watch delivers it. */
export interface ChangeEvent {
  rv: number;
  type: EventType;
  /** The stored type (a watch of another version converts with `viewOf`). */
  def: ResourceDef;
  entry: Entry;
  /**
   * The state before a MODIFIED or DELETED change: watches with selectors turn a MODIFIED one
   * into ADDED/DELETED; lists at an earlier version (`listAt`) undo changes with it.
   */
  prev?: Entry;
}

interface Table {
  /** The stored type's id (`storageId`). */
  id: string;
  entries: Map<string, Entry>;
  /** Keys in order, rebuilt lazily after an insert; a removal takes its key out. */
  sorted: string[] | null;
}

/** The index of the first key in `sorted` not below `key` (binary search). */
function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The keys of `sorted` that start with `prefix` (a contiguous run of them). */
function withPrefix(sorted: readonly string[], prefix: string): string[] {
  const start = lowerBound(sorted, prefix);
  let end = start;
  while (end < sorted.length && sorted[end]!.startsWith(prefix)) end++;
  return sorted.slice(start, end);
}

/**
 * Serializes an object once for every way it is answered, a built-in one as the real server's
 * Go types encode it (`goEncoded`: empty `omitempty` fields dropped, `null` for empty lists
 * without it); the entry keeps the object so encoded.
 */
export function entryOf(given: Obj): Entry {
  const obj = goEncoded(given);
  const { kind, apiVersion, ...rest } = obj;
  const item = JSON.stringify(rest);
  const full = `{"kind":${JSON.stringify(kind)},"apiVersion":${JSON.stringify(apiVersion)}${item.length > 2 ? "," : ""}${item.slice(1)}`;
  return { obj, item, full };
}

/** `entry` (stored) as `def` answers it: converted when `def` is another version of the stored type. */
export function viewOf(def: ResourceDef, entry: Entry): Entry {
  return def.storage ? entryOf(def.storage.fromStorage(entry.obj)) : entry;
}

/** The storage key of an object: `ns/name`, or `name` for cluster-scoped types. */
export function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** The id of `def`'s stored type (its table and its watch cache): `group/resource`. */
export function storageId(def: ResourceDef): string {
  const stored = storedAs(def);
  return `${stored.group}/${stored.resource}`;
}

/** Objects, the global resourceVersion, the event window and the watch caches. */
export class Store {
  #rv = 0;
  readonly #tables = new Map<string, Table>();
  readonly #events: ChangeEvent[] = [];
  #eventStart = 0;
  readonly #window: number;
  readonly #caches = new Map<string, WatchCache>();
  readonly #listeners = new Set<(e: ChangeEvent) => void>();
  /** Stored objects by the uids their ownerReferences name. */
  readonly #owners = new OwnerIndex<{ table: Table; key: string }>();

  /**
   * `eventWindow`: how many change events etcd's history keeps (all types together), and how
   * many each type's watch cache keeps.
   */
  constructor(eventWindow: number) {
    this.#window = eventWindow;
  }

  /** The current (latest) resourceVersion. */
  get resourceVersion(): number {
    return this.#rv;
  }

  /**
   * The oldest resourceVersion a list or a continue token may read at (etcd's compaction, global);
   * older ones are 410 Expired. Watches go by their type's cache (`watchCache`).
   */
  get oldestReadable(): number {
    const first = this.#events[this.#eventStart];
    return first ? first.rv - 1 : this.#rv;
  }

  /**
   * The watch cache of `def`'s stored type. One not started explicitly (`startWatchCache`) started
   * with the server, before the first write.
   */
  watchCache(def: ResourceDef): WatchCache {
    const id = storageId(def);
    let cache = this.#caches.get(id);
    if (!cache) this.#caches.set(id, (cache = new WatchCache(this.#window, 0)));
    return cache;
  }

  /**
   * Starts `def`'s watch cache afresh, listing at the current version: as a new cacher does when
   * its storage is built (a CRD's, when it is established or its storage was torn down).
   */
  startWatchCache(def: ResourceDef): void {
    this.#caches.set(storageId(def), new WatchCache(this.#window, this.#rv));
  }

  #table(def: ResourceDef): Table {
    const id = storageId(def);
    let t = this.#tables.get(id);
    if (!t) {
      t = { id, entries: new Map(), sorted: null };
      this.#tables.set(id, t);
    }
    return t;
  }

  get(def: ResourceDef, namespace: string | undefined, name: string): Entry | undefined {
    const entry = this.#table(def).entries.get(keyOf(def.namespaced ? namespace : undefined, name));
    return entry && viewOf(def, entry);
  }

  /** Entries in key order; `namespace` narrows to one namespace. `from`: the first key wanted (keys before it are skipped, as an etcd range starting there). */
  list(def: ResourceDef, namespace?: string, from?: string): { key: string; entry: Entry }[] {
    const t = this.#table(def);
    if (!t.sorted) t.sorted = [...t.entries.keys()].sort();
    const keys = namespace && def.namespaced ? withPrefix(t.sorted, `${namespace}/`) : t.sorted;
    const out: { key: string; entry: Entry }[] = [];
    for (const key of keys) {
      if (from !== undefined && key < from) continue;
      out.push({ key, entry: viewOf(def, t.entries.get(key)!) });
    }
    return out;
  }

  /**
   * Entries as they were at resourceVersion `rv`, as `list` answers them (etcd's read at a
   * revision): the changes after `rv` are undone from the event window, so `rv` must not be
   * older than `oldestReadable` (the caller answers 410 for those).
   */
  listAt(def: ResourceDef, rv: number, namespace?: string, from?: string): { key: string; entry: Entry }[] {
    const stored = storedAs(def);
    const undone = new Map<string, Entry | undefined>();
    // Newest first: what stays for a key is its state before the oldest change after `rv`.
    for (let i = this.#events.length - 1; i >= this.#eventStart; i--) {
      const e = this.#events[i]!;
      if (e.rv <= rv) break;
      if (e.def !== stored) continue;
      const m = e.entry.obj.metadata;
      undone.set(keyOf(def.namespaced ? m.namespace : undefined, m.name), e.type === "ADDED" ? undefined : e.prev);
    }
    const now = this.list(def, namespace, from);
    if (undone.size === 0) return now;
    const state = new Map(now.map((e) => [e.key, e.entry]));
    for (const [key, prev] of undone) {
      if (namespace && def.namespaced && !key.startsWith(`${namespace}/`)) continue;
      if (from !== undefined && key < from) continue;
      if (prev) state.set(key, viewOf(def, prev));
      else state.delete(key);
    }
    return [...state.keys()].sort().map((key) => ({ key, entry: state.get(key)! }));
  }

  /** The next resourceVersion, for an object about to be written. */
  nextResourceVersion(): number {
    return ++this.#rv;
  }

  /**
   * Stores `obj` (its metadata.resourceVersion already set by `nextResourceVersion`); returns
   * the entry as `def` answers it. Change events name the stored type.
   */
  put(def: ResourceDef, obj: Obj, type: "ADDED" | "MODIFIED"): Entry {
    const t = this.#table(def);
    const key = keyOf(def.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name);
    const entry = entryOf(def.storage ? def.storage.toStorage(obj) : obj);
    const prev = t.entries.get(key);
    if (!prev) t.sorted = null;
    t.entries.set(key, entry);
    this.#owners.update(`${t.id} ${key}`, { table: t, key }, prev?.obj, entry.obj);
    this.#emit({ rv: Number(obj.metadata.resourceVersion), type, def: storedAs(def), entry, ...(prev ? { prev } : {}) });
    return viewOf(def, entry);
  }

  /** Removes an object; `last` is its final state (with a new resourceVersion) for DELETED events. */
  remove(def: ResourceDef, last: Obj): Entry {
    const t = this.#table(def);
    const key = keyOf(def.namespaced ? last.metadata.namespace : undefined, last.metadata.name);
    const prev = t.entries.get(key);
    t.entries.delete(key);
    if (prev && t.sorted) t.sorted.splice(lowerBound(t.sorted, key), 1);
    this.#owners.update(`${t.id} ${key}`, { table: t, key }, prev?.obj, undefined);
    const entry = entryOf(def.storage ? def.storage.toStorage(last) : last);
    this.#emit({ rv: Number(last.metadata.resourceVersion), type: "DELETED", def: storedAs(def), entry, ...(prev ? { prev } : {}) });
    return viewOf(def, entry);
  }

  /**
   * The stored objects whose ownerReferences name `uid`, by their stored type's id
   * (`group/resource`), each type's in key order.
   */
  dependentsOf(uid: string): Map<string, Entry[]> {
    const found = this.#owners.dependents(uid).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const out = new Map<string, Entry[]>();
    for (const { table, key } of found) {
      const entry = table.entries.get(key);
      if (!entry) continue;
      const list = out.get(table.id);
      if (list) list.push(entry);
      else out.set(table.id, [entry]);
    }
    return out;
  }

  /** Every type that has or had objects. */
  *allEntries(): Iterable<Entry> {
    for (const t of this.#tables.values()) yield* t.entries.values();
  }

  #emit(event: ChangeEvent): void {
    this.#events.push(event);
    if (this.#events.length - this.#eventStart > this.#window) this.#eventStart++;
    if (this.#eventStart > 4096) {
      this.#events.splice(0, this.#eventStart);
      this.#eventStart = 0;
    }
    this.watchCache(event.def).add(event);
    for (const l of this.#listeners) l(event);
  }

  /** Calls `listener` for every change from now on; returns the unsubscribe function. */
  subscribe(listener: (e: ChangeEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
