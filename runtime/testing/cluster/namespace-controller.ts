/**
 * @module cluster/namespace-controller
 * The namespace controller (pkg/controller/namespace), run inline by the registry once a
 * namespace is deleted: a pass deletes everything in the terminating namespace, then looks once
 * at what remains (one status update with the conditions of namespace-conditions.ts, or the
 * namespace's finalize). A DELETE a webhook matches (controller-admission.ts) waits for the
 * webhooks, one at a time; a refusal is that resource's content failure and the pass is run
 * again later (5 ms doubling up to 60 s, the controller's queue). Its status update and
 * finalize, UPDATEs of `namespaces/status` and `namespaces/finalize`, likewise wait for the
 * webhooks that match them: a refused status update is dropped, a refused finalize retried;
 * inline, a status update alone goes through the update path all the same (managedFields).
 */
import { deletionConditions, type RemainingContent } from "./namespace-conditions.js";
import { finalizeStore } from "./namespace-strategy.js";
import { clone, type Registry } from "./registry.js";
import type { ResourceDef } from "./resources.js";

type Obj = Record<string, any>;

/** A delete of the pass that webhooks review: the object, and the call of the webhooks. */
interface ReviewedDelete {
  obj: Obj;
  review: () => Promise<void>;
}

/** The namespace controller of one registry. */
export class NamespaceController {
  readonly #registry: Registry;
  /** Namespaces the controller is emptying: a removal there waits for the pass's end to finish the namespace. */
  readonly #emptying = new Set<string>();
  /** Namespaces whose reviewed pass is under way. */
  readonly #reviewing = new Set<string>();
  /** Why the last reviewed pass left content, by namespace: one message per resource. */
  readonly #contentFailures = new Map<string, { resources: Set<string>; messages: string[] }>();

  constructor(registry: Registry) {
    this.#registry = registry;
  }

  /** Whether a pass over `namespace` is deleting its content (its removals do not finish it one by one). */
  emptying(namespace: string): boolean {
    return this.#emptying.has(namespace);
  }

  /**
   * The controller's pass (deleteAllContent): delete everything in a terminating namespace,
   * then look once at what remains (one status update, or the namespace's finalize); not after
   * each removal, which made emptying a namespace of n objects n status updates and n listings
   * of its content.
   */
  empty(namespace: string): void {
    const registry = this.#registry;
    const nested = this.#emptying.has(namespace);
    this.#emptying.add(namespace);
    /** The deletes webhooks review, by type, in the pass's order. */
    const reviewed = new Map<ResourceDef, ReviewedDelete[]>();
    try {
      for (const d of registry.storedTypes()) {
        if (!d.namespaced) continue;
        for (const { entry } of registry.store.list(d, namespace)) {
          const still = registry.store.get(d, namespace, entry.obj.metadata.name);
          if (!still || still.obj.metadata.deletionTimestamp) continue;
          // 1.32's controller deletes the collection of a type that has deletecollection, else each item.
          const review = registry.reviewControllerDelete?.("namespace-controller", d, still.obj, { propagationPolicy: "Background" }, d.verbs.includes("deletecollection"));
          if (!review) registry.deleteObject(d, still.obj, "Background");
          // A reviewed pass under way deletes it, or runs again.
          else if (this.#reviewing.has(namespace)) continue;
          else if (reviewed.has(d)) reviewed.get(d)!.push({ obj: still.obj, review });
          else reviewed.set(d, [{ obj: still.obj, review }]);
        }
      }
    } finally {
      if (!nested) this.#emptying.delete(namespace);
    }
    if (reviewed.size > 0) void this.#emptyReviewed(namespace, reviewed);
    else if (!nested) this.finish(namespace);
  }

  /**
   * The deletes of a pass that webhooks review, one at a time as a deletecollection's single
   * worker makes them: a refusal ends its resource's collection, and is that resource's error in
   * `NamespaceDeletionContentFailure` (its objects then uncounted in `NamespaceContentRemaining`,
   * as deleteAllContentForGroupVersionResource returns early); with any refusal, the pass is run
   * again later (5 ms doubling up to 60 s).
   */
  async #emptyReviewed(namespace: string, reviewed: Map<ResourceDef, ReviewedDelete[]>): Promise<void> {
    const registry = this.#registry;
    this.#reviewing.add(namespace);
    const failures = { resources: new Set<string>(), messages: [] as string[] };
    try {
      for (const [d, deletes] of reviewed) {
        for (const { obj, review } of deletes) {
          try {
            await review();
          } catch (error) {
            failures.resources.add(`${d.resource}.${d.group}`);
            failures.messages.push((error as { status?: { message?: string } }).status?.message ?? String(error));
            break;
          }
          const current = registry.store.get(d, namespace, obj.metadata.name)?.obj;
          if (current && current.metadata.uid === obj.metadata.uid && !current.metadata.deletionTimestamp) registry.deleteObject(d, current, "Background");
        }
      }
    } finally {
      this.#reviewing.delete(namespace);
    }
    const key = `namespace ${namespace}`;
    if (failures.messages.length) this.#contentFailures.set(namespace, failures);
    else this.#contentFailures.delete(namespace);
    this.finish(namespace);
    if (failures.messages.length && registry.namespaceState(namespace) === "terminating") registry.retries.later(key, () => this.empty(namespace), 60_000);
    else registry.retries.succeeded(key);
  }

  /**
   * The controller after a pass over a terminating namespace: its status update (the
   * conditions, when they change), then, once nothing is left, its finalize (`kubernetes`
   * leaves `spec.finalizers`), which deletes it unless other finalizers remain, in `spec` or in
   * `metadata` (ShouldDeleteNamespaceDuringUpdate). Both in one write, inline, unless a webhook
   * matches one of them (`#finishReviewed`).
   */
  finish(namespace: string | undefined): void {
    const registry = this.#registry;
    if (!namespace || registry.namespaceState(namespace) !== "terminating") return;
    if (this.#finishing.has(namespace)) {
      this.#finishAgain.add(namespace);
      return;
    }
    const content: RemainingContent[] = [];
    for (const d of registry.storedTypes()) if (d.namespaced) content.push({ resource: d.resource, group: d.group, objects: registry.store.list(d, namespace).map(({ entry }) => entry.obj) });
    const nsDef = registry.core("namespaces");
    const ns = registry.store.get(nsDef, undefined, namespace)!;
    // deleteAllContent's status update; with content left, the controller waits for it. A
    // resource whose deletes a webhook refused is that error, its objects not counted.
    const failed = this.#contentFailures.get(namespace);
    const counted = failed ? content.filter((c) => !failed.resources.has(`${c.resource}.${c.group}`)) : content;
    const conditions = deletionConditions(ns.obj.status?.conditions, counted, registry.timestamp(), failed?.messages);
    const remains = content.some((c) => c.objects.length > 0);
    const review = registry.reviewControllerUpdate;
    const statusReviewed = conditions && review?.("namespace-controller", nsDef, ns.obj, (copy) => withConditions(copy, conditions), "status");
    const finalizeReviewed = !remains && review?.("namespace-controller", finalizeStore(nsDef), ns.obj, finalized, "finalize");
    if (statusReviewed || finalizeReviewed) {
      void this.#finishReviewed(namespace, conditions, remains);
      return;
    }
    if (remains) {
      if (conditions) this.#updateStatusInline(ns.obj, conditions);
      return;
    }
    this.#finalizeInline(conditions ? withConditions(clone(ns.obj), conditions) : clone(ns.obj), Boolean(conditions));
  }

  /**
   * The status update with `conditions` of `ns`, inline: through the update path of
   * `namespaces/status` as the controller's request (managedFields under
   * `kube-controller-manager`, subresource `status`); failing, it is dropped, as a refused one.
   */
  #updateStatusInline(ns: Obj, conditions: Obj[]): void {
    const registry = this.#registry;
    const change = (copy: Obj) => withConditions(copy, conditions);
    try {
      if (registry.writeControllerUpdate) registry.writeControllerUpdate("namespace-controller", registry.core("namespaces"), ns, change, "status");
      else registry.commit(registry.core("namespaces"), change(clone(ns)), "MODIFIED");
    } catch {
      // updateNamespaceStatusFunc's error: deleteAllContent logs it and goes on.
    }
  }

  /** Namespaces whose reviewed status update or finalize is under way. */
  readonly #finishing = new Set<string>();
  /** Namespaces whose finish was asked for meanwhile. */
  readonly #finishAgain = new Set<string>();

  /** The finalize of `copy` (its conditions already set; `changed`: they changed), inline. */
  #finalizeInline(copy: Obj, changed: boolean): void {
    const registry = this.#registry;
    const nsDef = registry.core("namespaces");
    const before: string[] = copy.spec?.finalizers ?? [];
    const out = finalized(copy);
    this.#contentFailures.delete(out.metadata.name);
    if (!out.spec.finalizers && !out.metadata.finalizers?.length) registry.removeNow(nsDef, out);
    else if (changed || (out.spec.finalizers ?? []).length !== before.length) registry.commit(nsDef, out, "MODIFIED");
  }

  /**
   * The status update and finalize when a webhook matches either, one after the other as the
   * controller sends them: a refused status update is dropped (deleteAllContent logs it and goes
   * on); a refused finalize leaves the namespace Terminating and the pass is run again later
   * (5 ms doubling up to 60 s).
   */
  async #finishReviewed(namespace: string, conditions: Obj[] | undefined, remains: boolean): Promise<void> {
    const registry = this.#registry;
    const nsDef = registry.core("namespaces");
    const key = `namespace ${namespace}`;
    const current = () => registry.store.get(nsDef, undefined, namespace)?.obj;
    this.#finishing.add(namespace);
    try {
      const ns = current();
      const status = conditions && ns && registry.reviewControllerUpdate?.("namespace-controller", nsDef, ns, (copy) => withConditions(copy, conditions), "status");
      if (status) await status().catch(() => undefined);
      else if (conditions && ns) this.#updateStatusInline(ns, conditions);
      const latest = current();
      if (remains || !latest?.metadata.deletionTimestamp) return;
      const finalize = registry.reviewControllerUpdate?.("namespace-controller", finalizeStore(nsDef), latest, finalized, "finalize");
      if (!finalize) {
        this.#finalizeInline(clone(latest), false);
        registry.retries.succeeded(key);
        return;
      }
      try {
        this.#contentFailures.delete(namespace);
        await finalize();
        registry.retries.succeeded(key);
      } catch {
        registry.retries.later(key, () => this.empty(namespace), 60_000);
      }
    } finally {
      this.#finishing.delete(namespace);
      if (this.#finishAgain.delete(namespace)) this.finish(namespace);
    }
  }
}

/** `ns` with the namespace controller's `conditions` in its status. */
function withConditions(ns: Obj, conditions: Obj[]): Obj {
  ns.status = { ...(ns.status ?? {}), conditions: clone(conditions) };
  return ns;
}

/** `ns` finalized by the namespace controller: `kubernetes` gone from `spec.finalizers`. */
function finalized(ns: Obj): Obj {
  const finalizers = (ns.spec?.finalizers ?? []).filter((f: string) => f !== "kubernetes");
  ns.spec = { ...(ns.spec ?? {}), finalizers };
  if (!finalizers.length) delete ns.spec.finalizers;
  return ns;
}
