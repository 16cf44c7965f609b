/**
 * @module cluster/crd-controller
 * The apiextensions-apiserver's controllers, run inline after each write of a
 * CustomResourceDefinition: the naming controller (accepted names, `NamesAccepted`, names
 * already claimed in the group refused with its condition), the establishing controller
 * (`Established`), serving the CRD's types once established (the group requeued when names are
 * written or a CRD goes; a change of spec or accepted names tears the storage down, ending its
 * watches), and the finalizer controller (a deleted CRD's custom resources deleted, then its
 * `customresourcecleanup` finalizer removed). Each controller's write is its own status
 * update, as there: watchers see the same steps.
 */
import { crdTypes, servingSignature } from "./crd-types.js";
import { orderedMeta } from "./meta-order.js";
import type { Registry } from "./registry.js";
import { clone } from "./registry.js";
import type { ResourceDef } from "./resources.js";

type Obj = Record<string, any>;

export const CRD_GROUP = "apiextensions.k8s.io";
/** apiextensions.CustomResourceCleanupFinalizer. */
export const CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";

/** Whether `def` is the CustomResourceDefinition type. */
export function isCrdType(def: { group: string; resource: string }): boolean {
  return def.group === CRD_GROUP && def.resource === "customresourcedefinitions";
}

/** A CRD status condition, fields in the Go struct's order. */
function condition(type: string, status: string, reason: string, message: string, time: string): Obj {
  return { type, status, lastTransitionTime: time, reason, message };
}

function findCondition(crd: Obj, type: string): Obj | undefined {
  return (crd.status?.conditions ?? []).find((c: Obj) => c.type === type);
}

export function isConditionTrue(crd: Obj, type: string): boolean {
  return findCondition(crd, type)?.status === "True";
}

/** apiextensionshelpers.SetCRDCondition: the transition time moves only when the status changes. */
function setCondition(crd: Obj, next: Obj): void {
  crd.status ??= {};
  crd.status.conditions ??= [];
  const existing = findCondition(crd, next.type);
  if (!existing) {
    crd.status.conditions.push(next);
    return;
  }
  if (existing.status !== next.status || !existing.lastTransitionTime) {
    existing.status = next.status;
    existing.lastTransitionTime = next.lastTransitionTime;
  }
  existing.reason = next.reason;
  existing.message = next.message;
}

/**
 * getAcceptedNamesForGroup: the names the CRDs of `group` have been granted, its own included:
 * resources (plural, singular, short names) and kinds (kind, listKind).
 */
function claimedNames(registry: Registry, crdDef: ResourceDef, group: string): { resources: Set<string>; kinds: Set<string> } {
  const resources = new Set<string>();
  const kinds = new Set<string>();
  for (const other of groupCrds(registry, crdDef, group)) {
    const n = other.status?.acceptedNames ?? {};
    for (const r of [n.plural, n.singular, ...(n.shortNames ?? [])]) resources.add(r ?? "");
    for (const k of [n.kind, n.listKind]) kinds.add(k ?? "");
  }
  return { resources, kinds };
}

/** The stored CRDs of `group`. */
function groupCrds(registry: Registry, crdDef: ResourceDef, group: string): Obj[] {
  return registry.store.list(crdDef).map(({ entry }) => entry.obj).filter((o) => o.spec?.group === group);
}

/** The naming controller's calculateNamesAndConditions: accepted names, NamesAccepted, Established. */
function namesAndConditions(registry: Registry, crdDef: ResourceDef, crd: Obj, now: string): { names: Obj; namesAccepted: Obj; established: Obj } {
  const { resources, kinds } = claimedNames(registry, crdDef, crd.spec.group);
  const requested = crd.spec.names ?? {};
  const accepted = crd.status?.acceptedNames ?? {};
  const names: Obj = clone(accepted);
  let refused: [string, string] | undefined;
  // equalToAcceptedOrFresh: a name already accepted, or claimed by no other CRD of the group.
  const fresh = (want: string | undefined, had: string | undefined, used: Set<string>) => want === had || !used.has(want ?? "");
  const check = (field: string, used: Set<string>, reason: string) => {
    if (fresh(requested[field], accepted[field], used)) names[field] = requested[field];
    else refused = [reason, `${JSON.stringify(requested[field])} is already in use`];
  };
  check("plural", resources, "PluralConflict");
  check("singular", resources, "SingularConflict");
  // validateShortNames: every short name not already its own and in use, as one aggregate error.
  const clashes = ((requested.shortNames ?? []) as string[]).filter((s) => !(accepted.shortNames ?? []).includes(s) && resources.has(s)).map((s) => `${JSON.stringify(s)} is already in use`);
  if (clashes.length) refused = ["ShortNamesConflict", clashes.length === 1 ? clashes[0]! : `[${clashes.join(", ")}]`];
  else names.shortNames = requested.shortNames;
  check("kind", kinds, "KindConflict");
  check("listKind", kinds, "ListKindConflict");
  names.categories = requested.categories;
  const namesAccepted = refused ? condition("NamesAccepted", "False", refused[0], refused[1], now) : condition("NamesAccepted", "True", "NoConflicts", "no conflicts found", now);
  // Established starts false; the establishing controller sets it once the names are accepted.
  let established = findCondition(crd, "Established") ?? condition("Established", "False", "NotAccepted", "not all names are accepted", now);
  if (established.status !== "True" && namesAccepted.status === "True") established = condition("Established", "False", "Installing", "the initial names have been accepted", now);
  return { names: orderedNames(names), namesAccepted, established };
}

/** CustomResourceDefinitionNames in the Go struct's order, empty optional fields left out. */
function orderedNames(n: Obj): Obj {
  const out: Obj = { plural: n.plural ?? "" };
  if (n.singular) out.singular = n.singular;
  if (n.shortNames?.length) out.shortNames = n.shortNames;
  out.kind = n.kind ?? "";
  if (n.listKind) out.listKind = n.listKind;
  if (n.categories?.length) out.categories = n.categories;
  return out;
}

/** CustomResourceDefinitionStatus in the Go struct's order (none of its fields is omitempty). */
export function orderedStatus(s: Obj): Obj {
  return { conditions: s.conditions?.length ? s.conditions : null, acceptedNames: s.acceptedNames ?? { plural: "", kind: "" }, storedVersions: s.storedVersions?.length ? s.storedVersions : null };
}

/** Writes a controller's status update of `crd` (the status subresource: nothing else changes). */
function writeStatus(registry: Registry, crdDef: ResourceDef, crd: Obj): Obj {
  crd.status = orderedStatus(crd.status ?? {});
  return registry.commit(crdDef, crd, "MODIFIED").obj;
}

/** The naming and establishing controllers, one status write each when something changes. */
function nameAndEstablish(registry: Registry, crdDef: ResourceDef, stored: Obj): { crd: Obj; renamed: boolean } {
  let crd = stored;
  let renamed = false;
  // The naming controller skips a CRD whose accepted names are its spec's.
  if (JSON.stringify(orderedNames(crd.spec?.names ?? {})) !== JSON.stringify(orderedNames(crd.status?.acceptedNames ?? {}))) {
    const { names, namesAccepted, established } = namesAndConditions(registry, crdDef, crd, registry.timestamp());
    const sameNames = JSON.stringify(names) === JSON.stringify(orderedNames(crd.status?.acceptedNames ?? {}));
    const current = findCondition(crd, "NamesAccepted");
    const sameCondition = current && current.status === namesAccepted.status && current.reason === namesAccepted.reason && current.message === namesAccepted.message;
    if (!sameNames || !sameCondition) {
      const next = clone(crd);
      next.status = { ...(next.status ?? {}), acceptedNames: names };
      setCondition(next, namesAccepted);
      setCondition(next, established);
      crd = writeStatus(registry, crdDef, next);
      renamed = true;
    }
  }
  if (isConditionTrue(crd, "NamesAccepted") && !isConditionTrue(crd, "Established")) {
    const next = clone(crd);
    setCondition(next, condition("Established", "True", "InitialNamesAccepted", "the initial names have been accepted", registry.timestamp()));
    crd = writeStatus(registry, crdDef, next);
  }
  return { crd, renamed };
}

/** Serves what an established CRD declares (its types rebuilt from the CRD's current state). */
function serveTypes(registry: Registry, crd: Obj): void {
  const name = crd.metadata.name;
  const before = registry.crdTypes.get(name);
  // A change of the spec or the accepted names replaces the storage: its watches end, clients watch again.
  if (before && before.from !== servingSignature(crd)) registry.tearDownStorage(before.storage);
  for (const d of before?.served ?? []) registry.remove(d);
  if (!isConditionTrue(crd, "Established")) {
    if (before) registry.crdTypes.set(name, { storage: before.storage, served: [], from: servingSignature(crd) });
    return;
  }
  const types = crdTypes(crd, before?.storage);
  // Its storage's watch cache starts by listing at the current version (watches from before it are too old).
  if (!before) registry.store.startWatchCache(types.storage);
  for (const d of types.served) registry.add(d);
  registry.crdTypes.set(name, types);
}

/**
 * The finalizer controller: a deleted CRD's custom resources are deleted (each namespace's as a
 * collection, without options), then its finalizer is removed, which deletes the CRD. Resources
 * that their own finalizers hold keep it until they are gone (`customObjectRemoved`).
 */
function finalize(registry: Registry, crdDef: ResourceDef, stored: Obj): void {
  if (!(stored.metadata.finalizers ?? []).includes(CLEANUP_FINALIZER)) return;
  const types = registry.crdTypes.get(stored.metadata.name);
  let crd = stored;
  if (findCondition(crd, "Terminating")?.reason !== "InstanceDeletionInProgress" || !isConditionTrue(crd, "Terminating")) {
    const next = clone(crd);
    setCondition(next, condition("Terminating", "True", "InstanceDeletionInProgress", "CustomResource deletion is in progress", registry.timestamp()));
    crd = writeStatus(registry, crdDef, next);
  }
  const next = clone(crd);
  if (isConditionTrue(crd, "Established") && types) {
    for (const { entry } of registry.store.list(types.storage)) {
      const m = entry.obj.metadata;
      const still = registry.store.get(types.storage, m.namespace, m.name);
      if (still && !still.obj.metadata.deletionTimestamp) registry.deleteObject(types.storage, still.obj, undefined);
    }
    if (registry.store.list(types.storage).length > 0) return;
    setCondition(next, condition("Terminating", "False", "InstanceDeletionCompleted", "removed all instances", registry.timestamp()));
  } else {
    setCondition(next, condition("Terminating", "False", "NeverEstablished", "resource was never established", registry.timestamp()));
  }
  next.metadata.finalizers = next.metadata.finalizers.filter((f: string) => f !== CLEANUP_FINALIZER);
  if (next.metadata.finalizers.length === 0) {
    delete next.metadata.finalizers;
    next.status = orderedStatus(next.status);
    registry.removeNow(crdDef, next);
  } else writeStatus(registry, crdDef, next);
}

/**
 * The CRD storage's first delete (etcd.go `Delete`): `deletionTimestamp`, the cleanup finalizer
 * appended, and `Terminating`; answered as written, the CRD staying until the controller is done.
 */
export function markCrdDeleted(stored: Obj, now: string): Obj {
  const crd = clone(stored);
  crd.metadata.deletionTimestamp = now;
  if (!(crd.metadata.finalizers ?? []).includes(CLEANUP_FINALIZER)) crd.metadata.finalizers = [...(crd.metadata.finalizers ?? []), CLEANUP_FINALIZER];
  crd.metadata = orderedMeta(crd.metadata);
  setCondition(crd, condition("Terminating", "True", "InstanceDeletionPending", "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon", now));
  crd.status = orderedStatus(crd.status);
  return crd;
}

/** After any stored write of a CRD. */
export function crdWritten(registry: Registry, stored: Obj): void {
  const crdDef = registry.find(CRD_GROUP, "v1", "customresourcedefinitions")!;
  if (stored.metadata.deletionTimestamp) {
    finalize(registry, crdDef, stored);
    return;
  }
  reconcileGroup(registry, crdDef, [stored.metadata.name]);
}

/**
 * Runs the naming and establishing controllers for `queue` and serves what they establish; a
 * CRD whose names were written requeues the other CRDs of its group (it may have taken or
 * released a name they wait for), as requeueAllOtherGroupCRDs does.
 */
function reconcileGroup(registry: Registry, crdDef: ResourceDef, queue: string[]): void {
  for (let rounds = 0; queue.length && rounds < 1000; rounds++) {
    const name = queue.shift()!;
    const stored = registry.store.get(crdDef, undefined, name)?.obj;
    if (!stored || stored.metadata.deletionTimestamp) continue;
    const { crd, renamed } = nameAndEstablish(registry, crdDef, stored);
    serveTypes(registry, crd);
    if (renamed) for (const other of groupCrds(registry, crdDef, crd.spec.group)) if (other.metadata.name !== name && !queue.includes(other.metadata.name)) queue.push(other.metadata.name);
  }
}

/** After a CRD is gone: its types are no longer served, and the names it held are free for the others of its group. */
export function crdDeleted(registry: Registry, last: Obj): void {
  const types = registry.crdTypes.get(last.metadata.name);
  if (types) {
    for (const d of types.served) registry.remove(d);
    registry.crdTypes.delete(last.metadata.name);
    registry.tearDownStorage(types.storage);
  }
  const crdDef = registry.find(CRD_GROUP, "v1", "customresourcedefinitions")!;
  reconcileGroup(registry, crdDef, groupCrds(registry, crdDef, last.spec?.group).map((o) => o.metadata.name));
}

/** After a custom resource is gone: a terminating CRD waiting on it finishes once none are left. */
export function customObjectRemoved(registry: Registry, crdName: string): void {
  const crdDef = registry.find(CRD_GROUP, "v1", "customresourcedefinitions")!;
  const crd = registry.store.get(crdDef, undefined, crdName);
  if (crd?.obj.metadata.deletionTimestamp) finalize(registry, crdDef, crd.obj);
}

/** Whether the CRD behind `def` is being deleted (creates are refused then). */
export function crdTerminating(registry: Registry, def: ResourceDef): boolean {
  if (!def.crd) return false;
  const crdDef = registry.find(CRD_GROUP, "v1", "customresourcedefinitions")!;
  const crd = registry.store.get(crdDef, undefined, def.crd.name);
  return crd !== undefined && isConditionTrue(crd.obj, "Terminating");
}
