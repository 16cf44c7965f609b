/**
 * @module cluster/owner-index
 * The stored objects by the uids their ownerReferences name, kept as objects are written and
 * removed: the garbage collector's graph (its uidToNode's dependents), so finding an owner's
 * dependents reads them, not every object of every type.
 */
type Obj = Record<string, any>;

/** The uids `obj`'s ownerReferences name, once each. */
function ownerUids(obj: Obj | undefined): Set<string> {
  const refs: unknown = obj?.metadata?.ownerReferences;
  const out = new Set<string>();
  if (Array.isArray(refs)) for (const r of refs) if (r && typeof r.uid === "string") out.add(r.uid);
  return out;
}

/** Where each dependent is (`T`, by an id unique to it), by owner uid. */
export class OwnerIndex<T> {
  readonly #byOwner = new Map<string, Map<string, T>>();

  /**
   * Records that the object `id` (at `where`) changed from `before` to `after` (either absent:
   * created or removed).
   */
  update(id: string, where: T, before: Obj | undefined, after: Obj | undefined): void {
    const old = ownerUids(before);
    const now = ownerUids(after);
    for (const uid of old) {
      if (now.has(uid)) continue;
      const dependents = this.#byOwner.get(uid);
      dependents?.delete(id);
      if (dependents?.size === 0) this.#byOwner.delete(uid);
    }
    for (const uid of now) {
      let dependents = this.#byOwner.get(uid);
      if (!dependents) this.#byOwner.set(uid, (dependents = new Map()));
      dependents.set(id, where);
    }
  }

  /** Where the objects naming `uid` as an owner are. */
  dependents(uid: string): T[] {
    return [...(this.#byOwner.get(uid)?.values() ?? [])];
  }
}
