/**
 * @module cluster/crd-cel-ratchet
 * Ratcheting on an update (CRDValidationRatcheting, on in 1.32; apiserver
 * pkg/cel/common/equality.go `CorrelatedObject`): a CEL rule not using `oldSelf` that a value
 * left as it was fails is a warning, not an error, and the OpenAPI schema's errors of such a
 * value are left out (crd-schema-validate). A node's old value is found by its key in an object
 * or map, by its keys in a `map` list, by its index in a list without a list type; an item of a
 * `set` or `atomic` list has none. A node without one is judged by its nearest ancestor that has
 * one (unchanged there: unchanged here). Equality is the schema's: a `map` list by its keys
 * whatever their order, other lists in order; an object holding a field its schema does not
 * declare is never equal.
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
    return a.every((x, i) => schemaEqual(items, x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    // A field the schema does not declare (kept by x-kubernetes-preserve-unknown-fields) has no
    // correlation: its object is never "unchanged" (CorrelatedObject.Key is nil for it).
    return ka.every((k) => {
      const child = s ? (property(s, k) ?? additional(s).schema) : undefined;
      return child !== undefined && Object.hasOwn(b, k) && schemaEqual(child, a[k], b[k]);
    });
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
  const old = isObject(parent.old) && Object.hasOwn(parent.old, key) ? parent.old[key] : undefined;
  return old === undefined || old === null ? parent : { data: childData, old, schema: childSchema };
}

/** The old value of each item of the list `s` (by a map list's keys, by index in a list without a type; none in a set or atomic list). */
export function oldItems(s: CrdSchema, list: unknown[], old: unknown): unknown[] {
  const type = s["x-kubernetes-list-type"];
  if (!Array.isArray(old) || type === "set" || type === "atomic") return [];
  if (type !== "map") return old;
  const keys = s["x-kubernetes-list-map-keys"] ?? [];
  const byKey = new Map(old.filter(isObject).map((o) => [listKey(keys, o), o]));
  return list.map((item) => (isObject(item) ? byKey.get(listKey(keys, item)) : undefined));
}

/** The correlations of the items of the list `s` whose value is `list` (see `keyCorrelation`). */
export function itemCorrelations(parent: Correlated | undefined, s: CrdSchema, list: unknown[], items: CrdSchema | undefined): (Correlated | undefined)[] {
  if (!parent || parent.data !== list) return list.map(() => parent);
  const olds = oldItems(s, list, parent.old);
  return list.map((item, i) => {
    const previous = olds[i];
    return previous === undefined || previous === null ? parent : { data: item, old: previous, schema: items };
  });
}

/**
 * An OpenAPI schema validator's result for a value, ratcheted (apiextensions'
 * RatchetingSchemaValidator): none of its errors when an update leaves the value as it was.
 * `old` is its correlated old value (objects by key, `oldItems` for list items); the root's
 * `kind` and `apiVersion` are given none.
 */
export function ratchetedResult<R extends { problems: unknown[] }>(s: CrdSchema, data: unknown, old: unknown, result: R): R {
  return result.problems.length > 0 && old !== undefined && old !== null && schemaEqual(s, data, old) ? { ...result, problems: [] } : result;
}
