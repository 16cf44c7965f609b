/**
 * @module cluster/registry
 * The server's state and the primitives every verb builds on: the served types, the store,
 * the clock, committing a write (new resourceVersion, event), and removing an object with what
 * the controllers of a real cluster would do right after — the garbage collector (dependents
 * by `ownerReferences`: background deletion, orphaning, foreground; garbage-collector.ts) and
 * the namespace controller (a deleted namespace empties, then goes away once nothing in it
 * remains; namespace-controller.ts), and after a ClusterRole's write or delete the clusterrole-aggregation controller
 * (clusterrole-aggregation.ts). These run inline, synchronously: the emulator has no
 * controllers otherwise; except that a collector's or namespace controller's DELETE a webhook
 * matches waits for the webhooks (controller-admission.ts), and one refused is retried later
 * (controller-retries.ts).
 */
import type { TokensController } from "./serviceaccount-tokens.js";
import type { NamespacePopulation } from "./namespace-population.js";
import type { ControllerDeleteReview, ControllerInlineUpdate, ControllerUpdateReview } from "./controller-admission.js";
import { ControllerRetries } from "./controller-retries.js";
import { NamespaceController } from "./namespace-controller.js";
import { planDeletion, type Propagation } from "./deletion-plan.js";
import { crdDeleted, crdWritten, customObjectRemoved, isCrdType, markCrdDeleted } from "./crd-controller.js";
import type { CrdTypes } from "./crd-types.js";
import { collectDependents, collectIfOwnerMissing, processDeletingOwner, releaseOwners, unblockedReferences } from "./garbage-collector.js";
import { terminatingNamespace } from "./namespace-delete.js";
import { BUILTIN, customResource, type ResourceDef } from "./resources.js";
import { Store, type Entry } from "./store.js";

type Obj = Record<string, any>;

/** RFC 3339 with seconds precision, as `metav1.Time` serializes. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** A deep copy of a JSON object. */
export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

const isClusterRoleType = (def: ResourceDef): boolean => def.group === "rbac.authorization.k8s.io" && def.resource === "clusterroles";

/** Options of the registry. */
export interface RegistryOptions {
  /** The clock in milliseconds. Default: `Date.now`. */
  now?: () => number;
  /** Change events kept: in etcd's history (all types), and in each type's watch cache. Default: 1000. */
  eventWindow?: number;
}

/** Served types, stored objects and the inline controllers. */
export class Registry {
  readonly store: Store;
  readonly now: () => number;
  readonly #defs = new Map<string, ResourceDef>();
  /** Pod logs set by tests, by `namespace/name` (and `namespace/name/container`). */
  readonly logs = new Map<string, string>();
  /** The types each established CustomResourceDefinition serves, by the CRD's name (crd-controller.ts). */
  readonly crdTypes = new Map<string, CrdTypes>();
  /** Set while the CRD controllers write, so their own writes do not run them again. */
  #reconcilingCrd = false;
  /** How to end each open watch of a CRD's storage, by that storage type. */
  readonly #watchEnds = new Map<ResourceDef, Set<() => void>>();
  /**
   * The controllers keeping each namespace's `default` ServiceAccount and `kube-root-ca.crt`
   * ConfigMap (namespace-population), set once the cluster is seeded; told of a new namespace
   * and of updates and removals, after the write is stored.
   */
  population: NamespacePopulation | undefined;
  /** The ServiceAccount tokens controller (serviceaccount-tokens), set once the cluster is seeded; told of every write and removal. */
  tokens: TokensController | undefined;
  /** The clusterrole-aggregation controller, set once the cluster is seeded; run inline after a ClusterRole is stored or removed. */
  aggregateClusterRoles: (() => void) | undefined;
  /** The webhooks of the collector's and namespace controller's DELETEs (controller-admission), set once the cluster is seeded. */
  reviewControllerDelete: ControllerDeleteReview | undefined;
  /** The webhooks of the collector's PATCHes (controller-admission), set once the cluster is seeded. */
  reviewControllerUpdate: ControllerUpdateReview | undefined;
  /** The controllers' updates no webhook matches, made through the update path (controller-admission), set once the cluster is seeded. */
  writeControllerUpdate: ControllerInlineUpdate | undefined;
  /** The controllers' work a webhook refused, retried later. */
  readonly retries = new ControllerRetries();
  /** The namespace controller (namespace-controller.ts). */
  readonly namespaces = new NamespaceController(this);

  constructor(options: RegistryOptions = {}) {
    this.now = options.now ?? Date.now;
    this.store = new Store(options.eventWindow ?? 1000);
    for (const d of BUILTIN) this.add(d);
  }

  /** Registers a type (a custom one from `createResourceType`). */
  add(def: ResourceDef): ResourceDef {
    this.#defs.set(`${def.group}/${def.version}/${def.resource}`, def);
    return def;
  }

  /** Registers a custom type; an existing registration of the same group/version/resource is returned. */
  addCustom(t: Parameters<typeof customResource>[0]): ResourceDef {
    return this.find(t.group, t.version, t.resource) ?? this.add(customResource(t));
  }

  /** Stops serving a type (a CRD's version no longer served, or its CRD gone). */
  remove(def: ResourceDef): void {
    const key = `${def.group}/${def.version}/${def.resource}`;
    if (this.#defs.get(key) === def) this.#defs.delete(key);
  }

  find(group: string, version: string, resource: string): ResourceDef | undefined {
    return this.#defs.get(`${group}/${version}/${resource}`);
  }

  /** Whether some type is served in `group`/`version` (`builtIn`: a type not from a CRD). */
  servesVersion(group: string, version: string, options: { builtIn?: boolean } = {}): boolean {
    for (const d of this.#defs.values()) if (d.group === group && d.version === version && !(options.builtIn && d.crd)) return true;
    return false;
  }

  /** The type of `kind` in `group` (any version), as ownerReferences name owners. */
  byKind(group: string, kind: string): ResourceDef | undefined {
    for (const d of this.#defs.values()) if (d.group === group && d.kind === kind) return d;
    return undefined;
  }

  /** Every served type. */
  all(): ResourceDef[] {
    return [...this.#defs.values()];
  }

  /** The stored types (not the other versions that share their storage), for the controllers' sweeps. */
  *storedTypes(): Iterable<ResourceDef> {
    for (const d of this.#defs.values()) if (!d.storage) yield d;
    for (const t of this.crdTypes.values()) yield t.storage;
  }

  /** A core type by plural name (`namespaces`, `pods`...). */
  core(resource: string): ResourceDef {
    return this.find("", "v1", resource)!;
  }

  timestamp(): string {
    return rfc3339(this.now());
  }

  /** `missing`, `active` or `terminating`. */
  namespaceState(namespace: string): "missing" | "active" | "terminating" {
    const ns = this.store.get(this.core("namespaces"), undefined, namespace);
    if (!ns) return "missing";
    return ns.obj.metadata.deletionTimestamp ? "terminating" : "active";
  }

  /** Stores `obj` with a new resourceVersion. */
  commit(def: ResourceDef, obj: Obj, type: "ADDED" | "MODIFIED"): Entry {
    obj.metadata.resourceVersion = String(this.store.nextResourceVersion());
    const before = type === "MODIFIED" ? this.store.get(def, obj.metadata.namespace, obj.metadata.name)?.obj : undefined;
    const entry = this.store.put(def, obj, type);
    // The apiextensions controllers react to a CRD's write once it is stored (after the answer's state).
    if (isCrdType(def)) this.#reconcile(() => crdWritten(this, entry.obj));
    else {
      // The controllers fill a new namespace; then the collector finds a dependent whose owner is
      // missing (the answer is the state written, whatever the collector does next).
      if (type === "ADDED" && def.group === "" && def.resource === "namespaces") this.population?.namespaceAdded(entry.obj.metadata.name);
      if (isClusterRoleType(def)) this.aggregateClusterRoles?.();
      this.tokens?.written(def, entry.obj);
      collectIfOwnerMissing(this, def, entry.obj);
      // The root CA publisher restores an edited kube-root-ca.crt.
      if (type === "MODIFIED") this.population?.updated(def, entry.obj);
    }
    // An owner deleting in the foreground that this update no longer blocks may go now.
    releaseOwners(this, entry.obj, unblockedReferences(before, entry.obj));
    return entry;
  }

  /** Registers how to end a watch of `stored`'s objects when that storage is torn down; returns the unregistration. */
  onStorageTeardown(stored: ResourceDef, end: () => void): () => void {
    let ends = this.#watchEnds.get(stored);
    if (!ends) this.#watchEnds.set(stored, (ends = new Set()));
    ends.add(end);
    return () => ends.delete(end);
  }

  /**
   * Ends every watch of `stored`'s objects, as a CRD handler's storage teardown does when its CRD
   * changes or goes; the storage built next has a new watch cache, listing at the current version
   * (a watch resumed from before it is too old, as the new cacher answers).
   */
  tearDownStorage(stored: ResourceDef): void {
    const ends = this.#watchEnds.get(stored);
    this.#watchEnds.delete(stored);
    for (const end of ends ?? []) end();
    this.store.startWatchCache(stored);
  }

  /**
   * Runs a CRD controller unless one is already running (its own writes come back through
   * `commit`); `always`: run it in any case (within the running one, if there is one).
   */
  #reconcile(work: () => void, always = false): void {
    if (this.#reconcilingCrd) {
      if (always) work();
      return;
    }
    this.#reconcilingCrd = true;
    try {
      work();
    } finally {
      this.#reconcilingCrd = false;
    }
  }

  /** Owners whose dependents the collector still has to decide, while it works (a queue, as the real one's). */
  #collecting: string[] | undefined;

  /**
   * The collector's work for a deleted owner's dependents, done before the outermost delete
   * returns: a dependent deleted meanwhile queues its own, so a long chain of owners is a loop,
   * not a recursion as deep as the chain.
   */
  #collect(ownerUid: string): void {
    if (this.#collecting) {
      this.#collecting.push(ownerUid);
      return;
    }
    const queue = (this.#collecting = [ownerUid]);
    try {
      for (let i = 0; i < queue.length; i++) collectDependents(this, queue[i]!);
    } finally {
      this.#collecting = undefined;
    }
  }

  /**
   * Deletes `obj` now (it has no finalizers left), then runs the garbage collector for its
   * dependents and, for a namespace's last object, the namespace controller. Returns the final state.
   */
  removeNow(def: ResourceDef, obj: Obj): Entry {
    const last = clone(obj);
    last.metadata.resourceVersion = String(this.store.nextResourceVersion());
    const entry = this.store.remove(def, last);
    if (last.metadata.uid) this.#collect(last.metadata.uid);
    releaseOwners(this, last, unblockedReferences(last, undefined));
    if (def.group === "" && def.resource === "namespaces") this.namespaces.empty(last.metadata.name);
    else if (def.namespaced && !this.namespaces.emptying(last.metadata.namespace)) this.namespaces.finish(last.metadata.namespace);
    if (isClusterRoleType(def)) this.aggregateClusterRoles?.();
    this.tokens?.removed(def, last);
    this.population?.removed(def, last);
    // Its types go whatever runs (inside a controller or not); the group's names are reconciled once.
    if (isCrdType(def)) this.#reconcile(() => crdDeleted(this, last), true);
    else if (def.crd) this.#reconcile(() => customObjectRemoved(this, def.crd!.name));
    return entry;
  }

  /**
   * Deletes as the API server and garbage collector together would, with `policy` for
   * dependents (none: the object's `orphan`/`foregroundDeletion` finalizer, else the type's
   * default). Objects with finalizers get `deletionTimestamp` and stay. Returns the object as
   * the DELETE answered it (the last state written by the API server) and whether it was
   * deleted at once (`gone`), rather than marked for the finalizers (the garbage collector's
   * `orphan`/`foregroundDeletion` included, even though the inline collector finishes at once).
   * `generic`: the generic store's delete even for a type whose storage has its own (a CRD's,
   * in a collection delete).
   */
  deleteObject(def: ResourceDef, obj: Obj, policy: Propagation | undefined, gracePeriodSeconds = 0, generic = false): { entry: Entry; gone: boolean } {
    if (def.group === "" && def.resource === "namespaces") {
      if (!obj.metadata.deletionTimestamp) return this.#terminateNamespace(def, obj, policy);
      // Still finalized by `spec.finalizers`: answered as it is; else the generic store's delete.
      if (obj.spec?.finalizers?.length) return { entry: this.store.get(def, undefined, obj.metadata.name)!, gone: false };
    }
    // A CRD's first delete is its storage's own update (its cleanup finalizer); the controller takes it from there.
    if (isCrdType(def) && !generic && !obj.metadata.deletionTimestamp) return { entry: this.commit(def, markCrdDeleted(obj, this.timestamp()), "MODIFIED"), gone: false };
    const plan = planDeletion(def, obj, policy, this.timestamp(), gracePeriodSeconds);
    if (plan.action === "keep") return { entry: this.store.get(def, obj.metadata.namespace, obj.metadata.name)!, gone: false };
    if (plan.action === "remove") {
      const last = plan.writtenFirst ? clone(this.commit(def, plan.obj, "MODIFIED").obj) : plan.obj;
      return { entry: this.removeNow(def, last), gone: true };
    }
    const answered = this.commit(def, plan.obj, "MODIFIED");
    processDeletingOwner(this, def, answered.obj);
    return { entry: answered, gone: false };
  }

  /** A namespace's first delete (namespace-delete.ts), then the collector and the namespace controller. */
  #terminateNamespace(def: ResourceDef, obj: Obj, policy: Propagation | undefined): { entry: Entry; gone: boolean } {
    const answered = this.commit(def, terminatingNamespace(obj, policy, this.timestamp()), "MODIFIED");
    processDeletingOwner(this, def, answered.obj);
    this.namespaces.empty(obj.metadata.name);
    return { entry: answered, gone: false };
  }
}
