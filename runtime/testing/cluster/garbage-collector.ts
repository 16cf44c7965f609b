/**
 * @module cluster/garbage-collector
 * The garbage collector's work, run inline right after the write that calls for it
 * (pkg/controller/garbagecollector): an object being deleted with the `orphan` finalizer has the
 * ownerReferences to it removed from its dependents, one with `foregroundDeletion` has its
 * dependents deleted, and then loses that finalizer; a deleted owner's dependents are deleted.
 * Each dependent is decided as attemptToDeleteItem does: with an owner that still exists (and is
 * not deleting in the foreground) it stays, only losing its references to owners that are gone
 * or deleting in the foreground; otherwise it is deleted with the policy its own finalizers ask
 * for (Foreground when its owner waits on it and it has dependents of its own). A dependent
 * written with an owner that is not there is decided the same way right after its write.
 */
import { FOREGROUND, ORPHAN, type Propagation } from "./deletion-plan.js";
import { groupVersion } from "./owner-references.js";
import { clone, type Registry } from "./registry.js";
import type { ResourceDef } from "./resources.js";

type Obj = Record<string, any>;

/** A stored object with its type. */
interface Stored {
  def: ResourceDef;
  obj: Obj;
}

/** Every stored object with an ownerReference to `uid`. */
export function dependentsOf(registry: Registry, uid: string): Stored[] {
  const out: Stored[] = [];
  for (const def of registry.storedTypes()) {
    for (const { entry } of registry.store.list(def)) {
      if ((entry.obj.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === uid)) out.push({ def, obj: entry.obj });
    }
  }
  return out;
}

/** Removes the ownerReferences to `ownerUids` from `obj` (the collector's patch: a MODIFIED event). */
function removeOwnerReferences(registry: Registry, { def, obj }: Stored, ownerUids: string[]): void {
  const copy = clone(obj);
  copy.metadata.ownerReferences = (copy.metadata.ownerReferences as Obj[]).filter((r) => !ownerUids.includes(r.uid));
  if (copy.metadata.ownerReferences.length === 0) delete copy.metadata.ownerReferences;
  registry.commit(def, copy, "MODIFIED");
}

/**
 * isDangling + classifyReferences: the owner a reference names, found by kind, name and (for a
 * namespaced kind) the dependent's namespace, its uid compared. `undefined` for a kind not
 * served: the real collector fails on it and retries, leaving the dependent alone.
 */
function classify(registry: Registry, dependent: Obj, ref: Obj): "solid" | "dangling" | "waiting" | undefined {
  const { group, version } = groupVersion(typeof ref.apiVersion === "string" ? ref.apiVersion : "");
  const def = registry.byKind(group, String(ref.kind));
  // RESTMapping(kind, version): a version the server does not serve for that kind is an error too.
  if (!def || !registry.find(group, version, def.resource)) return undefined;
  // A cluster-scoped dependent naming a namespaced owner has an unresolvable reference: never collected.
  if (def.namespaced && !dependent.metadata.namespace) return undefined;
  const owner = registry.store.get(def, def.namespaced ? dependent.metadata.namespace : undefined, String(ref.name));
  if (!owner || owner.obj.metadata.uid !== ref.uid) return "dangling";
  if (owner.obj.metadata.deletionTimestamp && (owner.obj.metadata.finalizers ?? []).includes(FOREGROUND)) return "waiting";
  return "solid";
}

/** attemptToDeleteItem for a dependent of a deleted owner, or of one deleting in the foreground. */
function attemptToDelete(registry: Registry, dependent: Stored): void {
  const { def } = dependent;
  const latest = registry.store.get(def, dependent.obj.metadata.namespace, dependent.obj.metadata.name)?.obj;
  // Gone or replaced meanwhile, or already being deleted: nothing to do.
  if (!latest || latest.metadata.uid !== dependent.obj.metadata.uid || latest.metadata.deletionTimestamp) return;
  const refs: Obj[] = latest.metadata.ownerReferences ?? [];
  if (refs.length === 0) return;
  const kinds = refs.map((ref) => classify(registry, latest, ref));
  if (kinds.includes(undefined)) return;
  const released = refs.filter((_, i) => kinds[i] !== "solid").map((ref) => ref.uid as string);
  if (kinds.includes("solid")) {
    // At least one owner remains: only the references to owners gone or waiting on it go.
    if (released.length) removeOwnerReferences(registry, { def, obj: latest }, released);
    return;
  }
  const finalizers: string[] = latest.metadata.finalizers ?? [];
  let policy: Propagation = finalizers.includes(ORPHAN) ? "Orphan" : finalizers.includes(FOREGROUND) ? "Foreground" : "Background";
  if (kinds.includes("waiting") && dependentsOf(registry, latest.metadata.uid).length > 0) policy = "Foreground";
  registry.deleteObject(def, latest, policy);
}

/**
 * After a write of `obj`: when an owner it names is not there (a wrong uid, a namespaced owner
 * in another namespace), it is decided by attemptToDelete, as the real collector decides it once
 * its graph holds a virtual node for the missing owner and a live lookup finds none: deleted
 * when no owner it names exists, else only the references to the missing ones removed.
 */
export function collectIfOwnerMissing(registry: Registry, def: ResourceDef, obj: Obj): void {
  const refs: Obj[] | undefined = obj.metadata.ownerReferences;
  if (!refs?.length || obj.metadata.deletionTimestamp) return;
  if (refs.some((ref) => classify(registry, obj, ref) === "dangling")) attemptToDelete(registry, { def, obj });
}

/** After an owner is deleted: its dependents, each decided by attemptToDelete. */
export function collectDependents(registry: Registry, ownerUid: string): void {
  for (const dependent of dependentsOf(registry, ownerUid)) attemptToDelete(registry, dependent);
}

/**
 * After a write that left `owner` being deleted: the collector acts on the finalizer of its
 * own it finds (orphanDependents, or the foreground deletion of the dependents), then removes it.
 */
export function processDeletingOwner(registry: Registry, def: ResourceDef, owner: Obj): void {
  if (!owner.metadata.deletionTimestamp || !owner.metadata.uid) return;
  const finalizers: string[] = owner.metadata.finalizers ?? [];
  const uid = owner.metadata.uid as string;
  if (finalizers.includes(ORPHAN)) {
    for (const dependent of dependentsOf(registry, uid)) removeOwnerReferences(registry, dependent, [uid]);
    registry.removeFinalizer(def, owner.metadata.namespace, owner.metadata.name, ORPHAN);
  } else if (finalizers.includes(FOREGROUND)) {
    for (const dependent of dependentsOf(registry, uid)) attemptToDelete(registry, dependent);
    registry.removeFinalizer(def, owner.metadata.namespace, owner.metadata.name, FOREGROUND);
  }
}
