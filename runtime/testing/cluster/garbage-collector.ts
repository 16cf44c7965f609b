/**
 * @module cluster/garbage-collector
 * The garbage collector's work, run inline right after the write that calls for it
 * (pkg/controller/garbagecollector): an object being deleted with the `orphan` finalizer has the
 * ownerReferences to it removed from its dependents, one with `foregroundDeletion` has its
 * dependents deleted, and loses that finalizer once no dependent blocking it
 * (`blockOwnerDeletion`) remains (the last one's removal, or an update unblocking it, finishes
 * it); a deleted owner's dependents are deleted.
 * Each dependent is decided as attemptToDeleteItem does: with an owner that still exists (and is
 * not deleting in the foreground) it stays, only losing its references to owners that are gone
 * or deleting in the foreground; otherwise it is deleted with the policy its own finalizers ask
 * for (Foreground when its owner waits on it and it has dependents of its own). A dependent
 * written with an owner that is not there is decided the same way right after its write.
 * Its DELETEs and PATCHes go through the admission webhooks that match them
 * (garbage-collector-writes.ts): refused, the object stays as it was and the work is done again
 * later.
 */
import { FOREGROUND, ORPHAN, type Propagation } from "./deletion-plan.js";
import { collectorDelete, collectorPatch, MAX_RETRY_MS, removeCollectorFinalizer, retriedIfRefused, withoutOwnerReferences } from "./garbage-collector-writes.js";
import { groupVersion } from "./owner-references.js";
import type { Registry } from "./registry.js";
import { storageId } from "./store.js";
import type { ResourceDef } from "./resources.js";

type Obj = Record<string, any>;

/** A stored object with its type. */
interface Stored {
  def: ResourceDef;
  obj: Obj;
}

/** Every stored object with an ownerReference to `uid`, by type (the served stored types' order), then key. */
export function dependentsOf(registry: Registry, uid: string): Stored[] {
  const found = registry.store.dependentsOf(uid);
  if (found.size === 0) return [];
  const out: Stored[] = [];
  for (const def of registry.storedTypes()) for (const entry of found.get(storageId(def)) ?? []) out.push({ def, obj: entry.obj });
  return out;
}

/**
 * Removes the ownerReferences to `ownerUids` from `obj` (the collector's patch: a MODIFIED
 * event): `undefined` when done inline, else the promise of the reviewed write.
 */
function removeOwnerReferences(registry: Registry, { def, obj }: Stored, ownerUids: string[]): Promise<void> | undefined {
  return collectorPatch(registry, def, obj, (copy) => withoutOwnerReferences(copy, ownerUids));
}

/**
 * isDangling's lookup: the owner a reference names, found by kind, name and (for a namespaced
 * kind) the dependent's namespace; `null` when none is there, `undefined` for a kind not
 * served: the real collector fails on it and retries, leaving the dependent alone. The uid is
 * the caller's to compare.
 */
function ownerOf(registry: Registry, dependent: Obj, ref: Obj): Stored | null | undefined {
  const { group, version } = groupVersion(typeof ref.apiVersion === "string" ? ref.apiVersion : "");
  const def = registry.byKind(group, String(ref.kind));
  // RESTMapping(kind, version): a version the server does not serve for that kind is an error too.
  if (!def || !registry.find(group, version, def.resource)) return undefined;
  // A cluster-scoped dependent naming a namespaced owner has an unresolvable reference: never collected.
  if (def.namespaced && !dependent.metadata.namespace) return undefined;
  const owner = registry.store.get(def, def.namespaced ? dependent.metadata.namespace : undefined, String(ref.name));
  return owner ? { def, obj: owner.obj } : null;
}

/** isDeletingDependents: being deleted with the `foregroundDeletion` finalizer. */
function deletingDependents(obj: Obj): boolean {
  return Boolean(obj.metadata.deletionTimestamp) && (obj.metadata.finalizers ?? []).includes(FOREGROUND);
}

/** classifyReferences for one reference: its owner there, gone (or another with its name), or deleting in the foreground. */
function classify(registry: Registry, dependent: Obj, ref: Obj): "solid" | "dangling" | "waiting" | undefined {
  const owner = ownerOf(registry, dependent, ref);
  if (owner === undefined) return undefined;
  if (!owner || owner.obj.metadata.uid !== ref.uid) return "dangling";
  return deletingDependents(owner.obj) ? "waiting" : "solid";
}

/** A reference with `blockOwnerDeletion: true`: its owner, deleting in the foreground, waits on the dependent. */
function blocking(ref: Obj): boolean {
  return ref.blockOwnerDeletion === true;
}

/** `obj` with its blocking ownerReferences made non-blocking. */
function withReferencesUnblocked(obj: Obj): Obj {
  obj.metadata.ownerReferences = ((obj.metadata.ownerReferences ?? []) as Obj[]).map((ref) => (blocking(ref) ? { ...ref, blockOwnerDeletion: false } : ref));
  return obj;
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
  const retry = () => attemptToDelete(registry, { def, obj: latest });
  if (kinds.includes("solid")) {
    // At least one owner remains: only the references to owners gone or waiting on it go.
    if (released.length) retriedIfRefused(registry, `gc ${latest.metadata.uid}`, removeOwnerReferences(registry, { def, obj: latest }, released), retry);
    return;
  }
  const finalizers: string[] = latest.metadata.finalizers ?? [];
  const policy: Propagation = finalizers.includes(ORPHAN) ? "Orphan" : finalizers.includes(FOREGROUND) ? "Foreground" : "Background";
  const dependents = kinds.includes("waiting") ? dependentsOf(registry, latest.metadata.uid) : [];
  if (dependents.length === 0) {
    collectorDelete(registry, def, latest, policy, retry);
    return;
  }
  // An owner waits on it and it has dependents: deleted in the foreground. A dependent of its own
  // already deleting in the foreground may be waiting on it in turn (a cycle): its blocking
  // references are made non-blocking first (unblockOwnerReferencesStrategicMergePatch), by the
  // collector's PATCH; reviewed, the delete waits for it, and a refusal leaves it for later.
  // Re-read: the owners that unblocking released may have taken it with them.
  const inForeground = () => {
    const current = registry.store.get(def, latest.metadata.namespace, latest.metadata.name)?.obj;
    if (current && current.metadata.uid === latest.metadata.uid && !current.metadata.deletionTimestamp) collectorDelete(registry, def, current, "Foreground", retry);
  };
  if (dependents.some((d) => deletingDependents(d.obj)) && refs.some(blocking)) {
    const pending = collectorPatch(registry, def, latest, withReferencesUnblocked);
    if (pending) {
      pending.then(inForeground, () => registry.retries.later(`gc ${latest.metadata.uid}`, retry, MAX_RETRY_MS));
      return;
    }
  }
  inForeground();
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
 * processDeletingDependentsItem: an owner deleting in the foreground loses `foregroundDeletion`
 * (and goes, unless other finalizers hold it) once no dependent that blocks it remains.
 */
function finishIfUnblocked(registry: Registry, def: ResourceDef, namespace: string | undefined, name: string, uid: string): void {
  const owner = registry.store.get(def, namespace, name)?.obj;
  if (!owner || owner.metadata.uid !== uid || !deletingDependents(owner)) return;
  const blockedBy = (dependent: Stored) => (dependent.obj.metadata.ownerReferences as Obj[]).some((r) => r.uid === uid && blocking(r));
  if (!dependentsOf(registry, uid).some(blockedBy)) removeCollectorFinalizer(registry, def, owner, FOREGROUND, () => finishIfUnblocked(registry, def, namespace, name, uid));
}

/**
 * After `dependent`'s blocking references `refs` went (it was removed, or an update dropped them
 * or made them non-blocking): each owner they name that is deleting in the foreground is looked
 * at again (the graph builder's delete event, addUnblockedOwnersToDeleteQueue).
 */
export function releaseOwners(registry: Registry, dependent: Obj, refs: Obj[]): void {
  for (const ref of refs) {
    if (!blocking(ref)) continue;
    const owner = ownerOf(registry, dependent, ref);
    if (owner && owner.obj.metadata.uid === ref.uid) finishIfUnblocked(registry, owner.def, owner.obj.metadata.namespace, owner.obj.metadata.name, ref.uid);
  }
}

/** The blocking references of `before` that `after` (an update of it; none: its removal) no longer has as blocking. */
export function unblockedReferences(before: Obj | undefined, after: Obj | undefined): Obj[] {
  const still = new Set(((after?.metadata.ownerReferences ?? []) as Obj[]).filter(blocking).map((r) => r.uid));
  return ((before?.metadata.ownerReferences ?? []) as Obj[]).filter((r) => blocking(r) && !still.has(r.uid));
}

/**
 * attemptToOrphan: `owner`'s dependents lose their references to it, then it loses the `orphan`
 * finalizer; with any of those patches refused, the whole is tried again later.
 */
function orphanDependents(registry: Registry, def: ResourceDef, owner: Obj): void {
  const uid = owner.metadata.uid as string;
  const latest = () => {
    const now = registry.store.get(def, owner.metadata.namespace, owner.metadata.name)?.obj;
    return now && now.metadata.uid === uid && now.metadata.deletionTimestamp && (now.metadata.finalizers ?? []).includes(ORPHAN) ? now : undefined;
  };
  const retry = () => {
    const now = latest();
    if (now) orphanDependents(registry, def, now);
  };
  const key = `gc orphan ${uid}`;
  const pending = dependentsOf(registry, uid).map((dependent) => removeOwnerReferences(registry, dependent, [uid])).filter((p) => p !== undefined);
  if (pending.length === 0) {
    registry.retries.succeeded(key);
    removeCollectorFinalizer(registry, def, owner, ORPHAN, retry);
    return;
  }
  void Promise.allSettled(pending).then((results) => {
    if (results.some((r) => r.status === "rejected")) return registry.retries.later(key, retry, MAX_RETRY_MS);
    registry.retries.succeeded(key);
    const now = latest();
    if (now) removeCollectorFinalizer(registry, def, now, ORPHAN, retry);
  });
}

/**
 * After a write that left `owner` being deleted: the collector acts on the finalizer of its
 * own it finds: `orphan` (its dependents lose their references to it, then it loses the
 * finalizer) or `foregroundDeletion` (its dependents are deleted; it loses the finalizer once
 * none that blocks it remains: the last one's removal finishes it otherwise).
 */
export function processDeletingOwner(registry: Registry, def: ResourceDef, owner: Obj): void {
  if (!owner.metadata.deletionTimestamp || !owner.metadata.uid) return;
  const finalizers: string[] = owner.metadata.finalizers ?? [];
  const uid = owner.metadata.uid as string;
  if (finalizers.includes(ORPHAN)) orphanDependents(registry, def, owner);
  else if (finalizers.includes(FOREGROUND)) {
    for (const dependent of dependentsOf(registry, uid)) attemptToDelete(registry, dependent);
    finishIfUnblocked(registry, def, owner.metadata.namespace, owner.metadata.name, uid);
  }
}
