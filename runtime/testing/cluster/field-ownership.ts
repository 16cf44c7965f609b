/**
 * @module cluster/field-ownership
 * Who owns which fields after a write, as 1.32's field manager decides it
 * (structured-merge-diff's merge.Updater under fieldmanager's managedFieldsUpdater and
 * stripMetaManager). `metadata.managedFields` holds one entry per manager identifier: manager,
 * operation, subresource, and an Update's apiVersion.
 * - **Update** (create, update, non-apply patch): the written object is compared with the live
 *   one (a create's with the empty object); the fields it added or modified leave every other
 *   manager's set, the ones it removed leave every set, and the writer's set becomes its earlier
 *   one plus what it added or modified, less what it removed. A write that changes nothing
 *   touches no entry (nor its time).
 * - **Apply**: the applier's set is exactly its configuration's fields; the fields the merge
 *   (then the prune) changes that another manager owns are conflicts: a 409 (`apply-conflict`)
 *   unless `force`, which moves them to the applier; removed fields leave every set. The
 *   applier's time is set only when the apply changes the object.
 * Fields the write's strategy resets are owned by no one (`status` for the main resource of a
 * type with a status subresource; everything but `status` and `metadata` for `status`), and
 * neither are apiVersion, kind, `metadata` itself and its server-set fields (stripMetaManager).
 * Empty sets are dropped; entries come sorted (operation, time, manager, apiVersion,
 * subresource). A main-resource Update that sends managedFields of its own starts from them
 * (`[]` resets ownership), as decodeLiveOrNew does.
 * A manager whose apiVersion the type cannot be converted to (a built-in type's version the
 * server does not serve: `apps/v1beta1`, a made-up one) goes on any write, as Updater.update
 * drops one whose conversion is a missing-version error.
 * Simplified: every other set is read in the request's version (no conversion between versions:
 * a CRD's versions without a webhook differ only in apiVersion; a CRD's managers are all kept),
 * and update managers are not capped at 10 (capManagersManager).
 */
import { applyConflict, managerIdentifier, type ConflictingManager } from "./apply-conflict.js";
import { difference, fromFieldsV1, intersection, pathKey, toFieldsV1, union, withoutPrefixes, type FieldPath, type PathSet } from "./field-paths.js";
import type { FieldType } from "./field-schema.js";
import { appliedFieldSet, compareValues } from "./field-sets.js";
import { mergeApplied, pruneApplied } from "./field-merge.js";
import type { ManagedFieldsEntry } from "./managed-fields.js";

type Obj = Record<string, any>;

interface Owner extends Omit<ConflictingManager, "fields"> {
  time?: string;
  set: PathSet;
}

/**
 * What a write is: its object type, manager, version, subresource, time (none: its entry keeps
 * the time it had, as a scale write's does), and the fields its strategy resets.
 */
export interface Write {
  type: FieldType;
  manager: string;
  apiVersion: string;
  subresource?: string;
  time: string | undefined;
  ignored: FieldPath[];
  /** The apiVersions the type converts to (undefined: any); a manager of another is dropped. */
  versions?: ReadonlySet<string>;
}

/** stripMetaManager's paths. */
const STRIPPED = new Set(
  [["apiVersion"], ["kind"], ["metadata"], ...["name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields", "resourceVersion"].map((f) => ["metadata", f])]
    .map((p) => pathKey(p.map((f) => `f:${f}`))),
);

/** DecodeManagedFields: undefined when an entry is not valid. */
function decodeOwners(entries: unknown): Map<string, Owner> | undefined {
  const out = new Map<string, Owner>();
  if (!Array.isArray(entries)) return out;
  for (const e of entries as Obj[]) {
    if (!e || (e.operation !== "Apply" && e.operation !== "Update") || !e.apiVersion || e.fieldsType !== "FieldsV1") return undefined;
    const owner: Owner = { manager: e.manager ?? "", operation: e.operation, apiVersion: e.apiVersion, ...(e.subresource ? { subresource: e.subresource } : {}), ...(e.time ? { time: e.time } : {}), set: fromFieldsV1(e.fieldsV1) };
    out.set(managerIdentifier(owner), owner);
  }
  return out;
}

/** sortEncodedManagedFields's order: operation, time (none first), manager, apiVersion, subresource. */
export function compareEntries(a: Pick<ManagedFieldsEntry, "manager" | "operation" | "apiVersion" | "time" | "subresource">, b: typeof a): number {
  const seconds = (o: typeof a) => (o.time ? Math.floor(Date.parse(o.time) / 1000) : 0);
  return a.operation !== b.operation ? (a.operation < b.operation ? -1 : 1)
    : seconds(a) !== seconds(b) ? seconds(a) - seconds(b)
    : a.manager !== b.manager ? (a.manager < b.manager ? -1 : 1)
    : a.apiVersion !== b.apiVersion ? (a.apiVersion < b.apiVersion ? -1 : 1)
    : (a.subresource ?? "") < (b.subresource ?? "") ? -1 : (a.subresource ?? "") > (b.subresource ?? "") ? 1 : 0;
}

/** encodeManagedFields and sortEncodedManagedFields. */
function encodeOwners(owners: Map<string, Owner>): ManagedFieldsEntry[] {
  return [...owners.values()].filter((o) => o.set.size > 0).sort(compareEntries).map((o) => ({
    manager: o.manager,
    operation: o.operation,
    apiVersion: o.apiVersion,
    ...(o.time ? { time: o.time } : {}),
    fieldsType: "FieldsV1",
    fieldsV1: toFieldsV1(o.set),
    ...(o.subresource ? { subresource: o.subresource } : {}),
  }));
}

/** The object as the field manager compares it: without managedFields (RemoveObjectManagedFields). */
function plain(obj: Obj | undefined): Obj | undefined {
  if (!obj) return undefined;
  const { managedFields: _m, ...metadata } = (obj.metadata ?? {}) as Obj;
  return { ...obj, metadata };
}

/**
 * Updater.update: the other managers lose the fields the write added or modified (returned, the
 * conflicts) and those it removed; empty sets go. `same`: the write changes no field at all.
 */
function takeFields(w: Write, owners: Map<string, Owner>, self: string, live: Obj | undefined, written: Obj): { conflicts: ConflictingManager[]; changed: PathSet; removed: PathSet; same: boolean } {
  const c = compareValues(w.type, plain(live), plain(written));
  const same = c.added.size === 0 && c.modified.size === 0 && c.removed.size === 0;
  const changed = withoutPrefixes(union(c.added, c.modified), w.ignored);
  const removed = withoutPrefixes(c.removed, w.ignored);
  const conflicts: ConflictingManager[] = [];
  for (const [id, owner] of owners) {
    if (id === self) continue;
    if (w.versions && owner.apiVersion !== w.apiVersion && !w.versions.has(owner.apiVersion)) {
      owners.delete(id);
      continue;
    }
    const taken = intersection(owner.set, changed);
    if (taken.size) conflicts.push({ ...owner, fields: taken });
    owner.set = difference(difference(owner.set, taken), removed);
    if (owner.set.size === 0) owners.delete(id);
  }
  return { conflicts, changed, removed, same };
}

/** The owners a write starts from: the live object's, or those an Update sent (`[]` resets them). */
function startingOwners(live: Obj | undefined, sent: unknown, isSubresource: boolean): Map<string, Owner> {
  const fromLive = () => decodeOwners(live?.metadata?.managedFields) ?? new Map<string, Owner>();
  if (isSubresource || !Array.isArray(sent)) return fromLive();
  if (sent.length === 0 || (sent.length === 1 && sent[0] && typeof sent[0] === "object" && Object.keys(sent[0]).length === 0)) return new Map();
  const decoded = decodeOwners(sent);
  return decoded && decoded.size ? decoded : fromLive();
}

/** The managedFields after an Update writing `written` over `live` (undefined for a create); `sent`: the managedFields the request's object carries. */
export function ownersAfterUpdate(w: Write, live: Obj | undefined, written: Obj, sent?: unknown): ManagedFieldsEntry[] {
  const owners = startingOwners(live, sent, w.subresource !== undefined);
  const self = managerIdentifier({ manager: w.manager, operation: "Update", apiVersion: w.apiVersion, ...(w.subresource ? { subresource: w.subresource } : {}) });
  const current = "current-operation";
  const taken = takeFields(w, owners, current, live, written);
  const changed = difference(difference(taken.changed, taken.removed), STRIPPED);
  if (changed.size) {
    const previous = owners.get(self)?.set ?? new Set<string>();
    const time = w.time ?? owners.get(self)?.time;
    owners.set(self, { manager: w.manager, operation: "Update", apiVersion: w.apiVersion, ...(w.subresource ? { subresource: w.subresource } : {}), ...(time ? { time } : {}), set: union(changed, previous) });
  }
  return encodeOwners(owners);
}

/**
 * An apply of `config` over `live` (undefined for a create): the merged and pruned object and
 * the managedFields after it. `prune: false` takes `merged` as the object already written (the
 * owners of a write that `applyWithOwnership` checked). Throws the 409 on conflicts unless `force`;
 * `excused` (lastAppliedManager's, read only when there are conflicts) gives the fields whose
 * conflicts do not count: the 409 names the others, and with none left the apply is forced.
 */
export function applyWithOwnership(w: Write, live: Obj | undefined, config: Obj, force: boolean, merged?: Obj, excused?: () => PathSet | undefined): { object: Obj; managedFields: ManagedFieldsEntry[] } {
  const owners = decodeOwners(live?.metadata?.managedFields) ?? new Map<string, Owner>();
  const self = managerIdentifier({ manager: w.manager, operation: "Apply", apiVersion: w.apiVersion, ...(w.subresource ? { subresource: w.subresource } : {}) });
  const last = owners.get(self);
  const lastSet = last?.set;
  const set = difference(withoutPrefixes(appliedFieldSet(w.type, config), w.ignored), STRIPPED);
  const entry: Owner = { manager: w.manager, operation: "Apply", apiVersion: w.apiVersion, ...(w.subresource ? { subresource: w.subresource } : {}), set };
  owners.set(self, entry);
  let object = merged;
  if (!object) {
    const owned = union(...[...owners.values()].map((o) => o.set));
    object = pruneApplied(w.type, mergeApplied(w.type, plain(live) ?? {}, config) as Obj, lastSet, owned);
  }
  const { conflicts, same } = takeFields(w, owners, self, live, object);
  // managedFieldsUpdater.Apply: the applier's time is now only when the apply changed the object
  // (Updater.Apply returns none otherwise); else the time its entry had, if any.
  const time = live === undefined || !same ? w.time : last?.time;
  if (time) entry.time = time;
  if (conflicts.length && !force) {
    const allowed = excused?.() ?? new Set<string>();
    const left = conflicts.map((c) => ({ ...c, fields: difference(c.fields, allowed) })).filter((c) => c.fields.size > 0);
    if (left.length) throw applyConflict(left);
  }
  return { object, managedFields: encodeOwners(owners) };
}
