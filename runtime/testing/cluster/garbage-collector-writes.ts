/**
 * @module cluster/garbage-collector-writes
 * The garbage collector's writes as a real collector sends them, API requests of
 * `system:serviceaccount:kube-system:generic-garbage-collector` (controller-admission.ts): a
 * DELETE of a dependent, a PATCH of a dependent's ownerReferences, a PATCH of an owner's
 * `orphan` or `foregroundDeletion` finalizer. Each is made inline unless an admission webhook
 * matches it (a PATCH through the update path all the same: managedFields as its request
 * leaves them, under `kube-controller-manager`); then it waits for the webhooks, and a refusal (or a failure
 * under failurePolicy Fail) leaves the object as it was and the work is tried again later, as
 * the collector's queues requeue it: 5 ms, doubling up to 1000 s.
 */
import type { Propagation } from "./deletion-plan.js";
import type { Registry } from "./registry.js";
import type { ResourceDef } from "./resources.js";

type Obj = Record<string, any>;

/** The longest delay between retries of refused work (DefaultControllerRateLimiter's 1000 s). */
export const MAX_RETRY_MS = 1_000_000;

/**
 * The collector's DELETE of a dependent: inline unless a webhook matches it; then after the
 * webhooks allowed it (if it is still the same object, not yet deleting), and when one refuses
 * it, it stays and `retry` decides it again later (attemptToDeleteItem requeued).
 */
export function collectorDelete(registry: Registry, def: ResourceDef, obj: Obj, policy: Propagation, retry: () => void): void {
  const review = registry.reviewControllerDelete?.("generic-garbage-collector", def, obj, { propagationPolicy: policy, preconditions: { uid: obj.metadata.uid } });
  if (!review) {
    registry.deleteObject(def, obj, policy);
    return;
  }
  const key = `gc ${obj.metadata.uid}`;
  review().then(
    () => {
      registry.retries.succeeded(key);
      const current = registry.store.get(def, obj.metadata.namespace, obj.metadata.name)?.obj;
      if (current && current.metadata.uid === obj.metadata.uid && !current.metadata.deletionTimestamp) registry.deleteObject(def, current, policy);
    },
    () => registry.retries.later(key, retry, MAX_RETRY_MS),
  );
}

/**
 * The collector's PATCH of `obj` into what `change` makes of a copy: written now through the
 * update path when no webhook matches it (`undefined` returned; a rejected promise when the
 * write fails); else the promise of the reviewed write, rejected when it is refused.
 */
export function collectorPatch(registry: Registry, def: ResourceDef, obj: Obj, change: (copy: Obj) => Obj): Promise<void> | undefined {
  const review = registry.reviewControllerUpdate?.("generic-garbage-collector", def, obj, change);
  if (review) return review();
  try {
    registry.writeControllerUpdate?.("generic-garbage-collector", def, obj, change);
  } catch (err) {
    return Promise.reject(err);
  }
  return undefined;
}

/** Settles `key`'s retries by the outcome of `pending` (none: done inline): refused, `retry` later. */
export function retriedIfRefused(registry: Registry, key: string, pending: Promise<void> | undefined, retry: () => void): void {
  if (!pending) {
    registry.retries.succeeded(key);
    return;
  }
  pending.then(
    () => registry.retries.succeeded(key),
    () => registry.retries.later(key, retry, MAX_RETRY_MS),
  );
}

/** `obj` without its ownerReferences to `ownerUids` (deleteOwnerRefStrategicMergePatch's result). */
export function withoutOwnerReferences(obj: Obj, ownerUids: string[]): Obj {
  obj.metadata.ownerReferences = ((obj.metadata.ownerReferences ?? []) as Obj[]).filter((r) => !ownerUids.includes(r.uid));
  if (obj.metadata.ownerReferences.length === 0) delete obj.metadata.ownerReferences;
  return obj;
}

/** `obj` without `finalizer` (removeFinalizer's merge patch of the finalizers). */
function withoutFinalizer(obj: Obj, finalizer: string): Obj {
  obj.metadata.finalizers = ((obj.metadata.finalizers ?? []) as string[]).filter((f) => f !== finalizer);
  if (obj.metadata.finalizers.length === 0) delete obj.metadata.finalizers;
  return obj;
}

/**
 * removeFinalizer: `owner` loses the collector's `finalizer` (and goes, unless other finalizers
 * hold it), by a reviewed PATCH when a webhook matches it; refused, `retry` later.
 */
export function removeCollectorFinalizer(registry: Registry, def: ResourceDef, owner: Obj, finalizer: string, retry: () => void): void {
  if (!((owner.metadata.finalizers ?? []) as string[]).includes(finalizer)) return;
  const pending = collectorPatch(registry, def, owner, (copy) => withoutFinalizer(copy, finalizer));
  retriedIfRefused(registry, `gc ${finalizer} ${owner.metadata.uid}`, pending, retry);
}
