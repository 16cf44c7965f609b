/**
 * @module cluster/garbage-collector
 * The garbage collector's work, run inline right after the write that calls for it
 * (pkg/controller/garbagecollector): an object being deleted with the `orphan` finalizer has the
 * ownerReferences to it removed from its dependents, one with `foregroundDeletion` has its
 * dependents deleted, and then loses that finalizer; a deleted owner's dependents are deleted.
 */
import { FOREGROUND, ORPHAN, type Propagation } from "./deletion-plan.js";
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

/** attemptToDeleteItem for a dependent of a deleted owner, or of one deleting in the foreground. */
function attemptToDelete(registry: Registry, dependent: Stored, policy: Propagation): void {
  registry.deleteObject(dependent.def, dependent.obj, policy);
}

/** After `owner` is deleted: its dependents go (background deletion). */
export function collectDependents(registry: Registry, ownerUid: string): void {
  for (const dependent of dependentsOf(registry, ownerUid)) attemptToDelete(registry, dependent, "Background");
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
    for (const dependent of dependentsOf(registry, uid)) attemptToDelete(registry, dependent, "Foreground");
    registry.removeFinalizer(def, owner.metadata.namespace, owner.metadata.name, FOREGROUND);
  }
}
