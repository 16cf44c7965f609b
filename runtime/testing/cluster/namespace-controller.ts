/**
 * @module cluster/namespace-controller
 * The namespace controller (pkg/controller/namespace), run inline by the registry once a
 * namespace is deleted: a pass deletes everything in the terminating namespace, then looks once
 * at what remains (one status update with the conditions of namespace-conditions.ts, or the
 * namespace's finalize). A DELETE a webhook matches (controller-admission.ts) waits for the
 * webhooks, one at a time; a refusal is that resource's content failure and the pass is run
 * again later (5 ms doubling up to 60 s, the controller's queue).
 */
import { deletionConditions, type RemainingContent } from "./namespace-conditions.js";
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
          const review = registry.reviewControllerDelete?.("namespace-controller", d, still.obj, { propagationPolicy: "Background" });
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
   * The controller once nothing is left in a terminating namespace: it finalizes it
   * (`kubernetes` leaves `spec.finalizers`), which deletes it unless other finalizers remain,
   * in `spec` or in `metadata` (ShouldDeleteNamespaceDuringUpdate).
   */
  finish(namespace: string | undefined): void {
    const registry = this.#registry;
    if (!namespace || registry.namespaceState(namespace) !== "terminating") return;
    const content: RemainingContent[] = [];
    for (const d of registry.storedTypes()) if (d.namespaced) content.push({ resource: d.resource, group: d.group, objects: registry.store.list(d, namespace).map(({ entry }) => entry.obj) });
    const nsDef = registry.core("namespaces");
    const ns = registry.store.get(nsDef, undefined, namespace)!;
    const copy = clone(ns.obj);
    // deleteAllContent's status update; with content left, the controller waits for it. A
    // resource whose deletes a webhook refused is that error, its objects not counted.
    const failed = this.#contentFailures.get(namespace);
    const counted = failed ? content.filter((c) => !failed.resources.has(`${c.resource}.${c.group}`)) : content;
    const conditions = deletionConditions(copy.status?.conditions, counted, registry.timestamp(), failed?.messages);
    if (conditions) copy.status = { ...(copy.status ?? {}), conditions };
    if (content.some((c) => c.objects.length > 0)) {
      if (conditions) registry.commit(nsDef, copy, "MODIFIED");
      return;
    }
    const finalizers = (copy.spec?.finalizers ?? []).filter((f: string) => f !== "kubernetes");
    copy.spec = { ...(copy.spec ?? {}), finalizers };
    if (!finalizers.length) delete copy.spec.finalizers;
    this.#contentFailures.delete(namespace);
    if (!finalizers.length && !copy.metadata.finalizers?.length) registry.removeNow(nsDef, copy);
    else if (conditions || finalizers.length !== (ns.obj.spec?.finalizers ?? []).length) registry.commit(nsDef, copy, "MODIFIED");
  }
}
