/**
 * @module cluster/crd-cel-ratchet
 * Ratcheting of CEL rules on an update (CRDValidationRatcheting, on in 1.32; apiserver
 * pkg/cel/common/equality.go `CorrelatedObject`): a rule not using `oldSelf` that a value left as
 * it was fails is a warning, not an error. A node's old value is found by its key in an object
 * or map, by its keys in a `map` list, by its index in a list without a list type; an item of a
 * `set` or `atomic` list has none. A node without one is judged by its nearest ancestor that has
 * one (unchanged there: unchanged here). Equality is the schema's: a `map` list by its keys and
 * a `set` whatever its order.
 */
import { additional, isObject, itemsOf, property, type CrdSchema } from "./crd-schema-node.js";

/** A node whose old value is known: its new and old values, its schema, and (once asked) whether they are equal. */
export interface Correlated {
  data: unknown;
  old: unknown;
  schema: CrdSchema | undefined;
  equal?: boolean;
}

/** The values of a `map` list item's keys, as one string. */
export const listKey = (keys: readonly string[], item: Record<string, unknown>) => JSON.stringify(keys.map((k) => item[k]));

/** Equality as the schema sees it (`CachedDeepEqual`). */
export function schemaEqual(s: CrdSchema | undefined, a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    const items = s ? itemsOf(s) : undefined;
    const type = s?.["x-kubernetes-list-type"];
    if (type === "map") {
      const keys = s?.["x-kubernetes-list-map-keys"] ?? [];
      const byKey = new Map(b.filter(isObject).map((o) => [listKey(keys, o), o]));
      return a.every((x) => isObject(x) && byKey.has(listKey(keys, x)) && schemaEqual(items, x, byKey.get(listKey(keys, x))));
    }
    if (type === "set") return a.every((x) => b.some((y) => schemaEqual(items, x, y)));
    return a.every((x, i) => schemaEqual(items, x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && schemaEqual(s ? (property(s, k) ?? additional(s).schema) : undefined, a[k], b[k]));
  }
  return false;
}

/** Whether the correlated node is unchanged (computed once, when a rule first fails under it). */
export function unchanged(c: Correlated | undefined): boolean {
  if (!c || c.old === undefined || c.old === null) return false;
  c.equal ??= schemaEqual(c.schema, c.data, c.old);
  return c.equal;
}

/** The correlation of a node's child at `key` (the node's own is `parent` when `parent.data` is the node's value; else it inherited it, and so does the child). */
export function keyCorrelation(parent: Correlated | undefined, nodeData: unknown, key: string, childData: unknown, childSchema: CrdSchema | undefined): Correlated | undefined {
  if (!parent || parent.data !== nodeData) return parent;
  const old = isObject(parent.old) ? parent.old[key] : undefined;
  return old === undefined || old === null ? parent : { data: childData, old, schema: childSchema };
}

/** The correlations of the items of the list `s` whose value is `list` (see `keyCorrelation`). */
export function itemCorrelations(parent: Correlated | undefined, s: CrdSchema, list: unknown[], items: CrdSchema | undefined): (Correlated | undefined)[] {
  if (!parent || parent.data !== list || !Array.isArray(parent.old)) return list.map(() => parent);
  const old = parent.old;
  const type = s["x-kubernetes-list-type"];
  if (type === "set" || type === "atomic") return list.map(() => parent);
  let byKey: Map<string, unknown> | undefined;
  if (type === "map") {
    const keys = s["x-kubernetes-list-map-keys"] ?? [];
    byKey = new Map(old.filter(isObject).map((o) => [listKey(keys, o), o]));
  }
  const keys = s["x-kubernetes-list-map-keys"] ?? [];
  return list.map((item, i) => {
    const previous = byKey ? (isObject(item) ? byKey.get(listKey(keys, item)) : undefined) : old[i];
    return previous === undefined || previous === null ? parent : { data: item, old: previous, schema: items };
  });
}
