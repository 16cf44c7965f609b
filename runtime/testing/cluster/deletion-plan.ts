/**
 * @module cluster/deletion-plan
 * What a DELETE of one object writes, as 1.32's generic store (store.go `Delete`) decides it,
 * computed without writing so that a dry run answers the same: the garbage collector's
 * finalizers (`deletionFinalizersForGarbageCollection`: the request's policy, else the
 * `orphan`/`foregroundDeletion` finalizer the object has, else the type's default; both are
 * removed, then the one needed is appended), then either the object marked as deleting and kept
 * for its finalizers or the object deleted now. An object already being deleted is planned the
 * same way (updateForGracefulDeletionAndFinalizers): the options still change its collector
 * finalizers; with nothing to change, nothing is written.
 */
import { orderedMeta } from "./meta-order.js";
import type { ResourceDef } from "./resources.js";

type Obj = Record<string, any>;

/** A DeleteOptions' propagation policy. */
export type Propagation = "Background" | "Foreground" | "Orphan";

/** metav1.FinalizerOrphanDependents. */
export const ORPHAN = "orphan";
/** metav1.FinalizerDeleteDependents. */
export const FOREGROUND = "foregroundDeletion";

/** What the delete writes. */
export interface DeletionPlan {
  /** `keep`: nothing written; `mark`: written with the deletion marks and kept for its finalizers; `remove`: deleted now. */
  action: "keep" | "mark" | "remove";
  /** The object as the delete's update leaves it (`remove`: as it is deleted). */
  obj: Obj;
  /** `remove` of a pod: its graceful update is written first (a MODIFIED event), then it is deleted. */
  writtenFirst?: boolean;
}

/**
 * deletionFinalizersForGarbageCollection: the finalizers with the garbage collector's one as
 * `policy` (or, without one, the object's own, else `fallback`) asks; `changed` is false when
 * they are the same set.
 */
export function gcFinalizers(finalizers: string[], policy: Propagation | undefined, fallback: Propagation): { changed: boolean; finalizers: string[] } {
  // shouldOrphanDependents / shouldDeleteDependents: the first GC finalizer found decides when no option does.
  const own = finalizers.find((f) => f === ORPHAN || f === FOREGROUND);
  const wanted = policy ?? (own === ORPHAN ? "Orphan" : own === FOREGROUND ? "Foreground" : fallback);
  const out = finalizers.filter((f) => f !== ORPHAN && f !== FOREGROUND);
  if (wanted === "Orphan") out.push(ORPHAN);
  if (wanted === "Foreground") out.push(FOREGROUND);
  const before = new Set(finalizers);
  const same = before.size === new Set(out).size && out.every((f) => before.has(f));
  return same ? { changed: false, finalizers } : { changed: true, finalizers: out };
}

/** `obj` with `finalizers` (none: the key dropped), its metadata keys in ObjectMeta's order. */
function withFinalizers(obj: Obj, finalizers: string[]): Obj {
  if (finalizers.length) obj.metadata.finalizers = finalizers;
  else delete obj.metadata.finalizers;
  obj.metadata = orderedMeta(obj.metadata);
  return obj;
}

/**
 * The delete of `stored` already being deleted: a pod's pending grace period is left alone
 * (BeforeDelete's gracefulPending); otherwise the finalizers change as the options ask
 * (`markAsDeleting` keeps the timestamp, the grace period is 0): none left, deleted as stored.
 */
function planRepeat(stored: Obj, graceful: boolean, gc: { changed: boolean; finalizers: string[] }): DeletionPlan {
  const keep: DeletionPlan = { action: "keep", obj: stored };
  if (graceful && (stored.metadata.deletionGracePeriodSeconds ?? 0) > 0) return keep;
  if (gc.changed && gc.finalizers.length === 0) return { action: "remove", obj: stored };
  if (!gc.changed && stored.metadata.deletionGracePeriodSeconds === 0) return keep;
  const marked = structuredClone(stored);
  marked.metadata.deletionGracePeriodSeconds = 0;
  withFinalizers(marked, gc.finalizers);
  return { action: "mark", obj: marked };
}

/**
 * The delete of `stored` under `policy`. Only a Pod has a graceful strategy (rest.BeforeDelete
 * marks it whatever its finalizers, and that update is written even when the pod then goes at
 * once, with a grace period of 0); any other object without finalizers left goes as stored,
 * else it is marked (`markAsDeleting`: `deletionTimestamp`, a grace period of 0, the generation
 * bumped).
 */
export function planDeletion(def: ResourceDef, stored: Obj, policy: Propagation | undefined, now: string, gracePeriodSeconds: number): DeletionPlan {
  const gc = gcFinalizers([...(stored.metadata.finalizers ?? [])], policy, def.defaultPropagation);
  const graceful = def.group === "" && def.resource === "pods";
  if (stored.metadata.deletionTimestamp) return planRepeat(stored, graceful, gc);
  if (!graceful && gc.finalizers.length === 0) return { action: "remove", obj: stored };
  const marked = structuredClone(stored);
  marked.metadata.deletionTimestamp = now;
  marked.metadata.deletionGracePeriodSeconds = graceful ? gracePeriodSeconds : 0;
  if (marked.metadata.generation) marked.metadata.generation += 1;
  withFinalizers(marked, gc.finalizers);
  return gc.finalizers.length ? { action: "mark", obj: marked } : { action: "remove", obj: marked, writtenFirst: true };
}
