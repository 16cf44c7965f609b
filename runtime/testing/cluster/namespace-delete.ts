/**
 * @module cluster/namespace-delete
 * A Namespace's DELETE as 1.32's pkg/registry/core/namespace/storage `REST.Delete` does it,
 * not the generic store's: the preconditions are checked there (a Conflict on `namespaces`,
 * `Precondition failed: ...`); the first delete is an update setting `deletionTimestamp`, the
 * `Terminating` phase and the garbage collector's finalizers (shouldHaveOrphanFinalizer,
 * shouldHaveDeleteDependentsFinalizer), never a grace period; a later one answers the namespace
 * untouched while `spec.finalizers` remain, and is the generic store's delete once none do.
 * NamespaceLifecycle admission refuses to delete the namespaces the server itself keeps.
 */
import type { DeleteOptions } from "./delete-options.js";
import { FOREGROUND, ORPHAN, type Propagation } from "./deletion-plan.js";
import { orderedMeta } from "./meta-order.js";
import { ApiError, conflict, forbidden } from "./status.js";

type Obj = Record<string, any>;

const NAMESPACES = { group: "", resource: "namespaces" };

/** The Conflict of a precondition the namespace does not meet, if any. */
export function namespacePreconditionError(ns: Obj, preconditions: DeleteOptions["preconditions"]): ApiError | undefined {
  const { name, uid, resourceVersion } = ns.metadata;
  if (preconditions?.uid && preconditions.uid !== uid) {
    return conflict(NAMESPACES, name, `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${uid}`);
  }
  if (preconditions?.resourceVersion && preconditions.resourceVersion !== resourceVersion) {
    return conflict(NAMESPACES, name, `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${resourceVersion}`);
  }
  return undefined;
}

/** NamespaceLifecycle's immortal namespaces (plugin registration in kube-apiserver 1.32). */
const IMMORTAL = new Set(["default", "kube-system", "kube-public"]);

/**
 * The 403 NamespaceLifecycle admission answers a delete of `name` with, dry run or not, if it is
 * one the server keeps (admission runs in the storage's delete, after the preconditions).
 */
export function immortalNamespaceError(name: string): ApiError | undefined {
  if (!IMMORTAL.has(name)) return undefined;
  return forbidden({ group: "", resource: "namespaces" }, name, "this namespace may not be deleted");
}

/**
 * The policy the first delete's finalizers follow: `orphanDependents` decides both finalizers
 * there (false asks for `foregroundDeletion`, unlike the generic store), else the policy.
 */
export function namespacePolicy(options: DeleteOptions): Propagation | undefined {
  if (options.orphanDependents !== undefined) return options.orphanDependents ? "Orphan" : "Foreground";
  return options.propagationPolicy;
}

/**
 * The first delete's update of `ns`: `deletionTimestamp`, phase `Terminating`, and `orphan` /
 * `foregroundDeletion` as `policy` asks (without one, as they are). The finalizers kept keep
 * their order; one added comes last (the real server's order comes from a map).
 */
export function terminatingNamespace(ns: Obj, policy: Propagation | undefined, now: string): Obj {
  const out = structuredClone(ns);
  out.metadata.deletionTimestamp ??= now;
  out.status = { ...(out.status ?? {}), phase: "Terminating" };
  if (policy !== undefined) {
    const current: string[] = out.metadata.finalizers ?? [];
    const wanted = new Map([[ORPHAN, policy === "Orphan"], [FOREGROUND, policy === "Foreground"]]);
    const finalizers = current.filter((f) => wanted.get(f) !== false);
    for (const [f, should] of wanted) if (should && !finalizers.includes(f)) finalizers.push(f);
    if (finalizers.length !== current.length || finalizers.some((f, i) => f !== current[i])) out.metadata.finalizers = finalizers;
    if (out.metadata.finalizers?.length === 0) delete out.metadata.finalizers;
  }
  out.metadata = orderedMeta(out.metadata);
  return out;
}
