/**
 * @module cluster/field-sets
 * The field sets structured-merge-diff derives from values (typed/tofieldset.go, compare.go):
 * - `appliedFieldSet`, what an applied configuration sets (ToFieldSet): every scalar, atomic
 *   list, map or struct, and every list item and map key (not a struct's declared field) —
 *   so an apply of `data.k` is `{"f:data":{"f:k":{}}}`, without `"."` on `data`;
 * - `compareValues`, what an update added, modified and removed (Compare): leaves (scalars,
 *   atomic values, and maps or lists empty or null on both sides) by value, and a map, struct,
 *   list or list item that was absent as added (the `"."` of an Update entry: `labels` new to
 *   the object, a container item) or now absent as removed. A create compares with its type's
 *   empty object, which holds what a Go zero value holds (`zeroHolds`): a Deployment's `spec`,
 *   `template` and `strategy` are there already, its `rollingUpdate` is not.
 * A list item's path element is `k:` of its keys for an associative list, `v:` for a set's,
 * `i:` of its index for anything else.
 */
import { keyElement, pathKey, type FieldPath, type PathSet } from "./field-paths.js";
import { childType, resolved, zeroHolds, type FieldType } from "./field-schema.js";
import { isDeepStrictEqual } from "node:util";

type Obj = Record<string, any>;

const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** listItemToPathElement. */
export function itemElement(type: Extract<FieldType, { kind: "list" }>, item: unknown, index: number): string {
  if (type.listType === "map" && isObject(item)) return keyElement({ ...type.keyDefaults, ...item }, type.keys);
  if (type.listType === "set") return `v:${JSON.stringify(item)}`;
  return `i:${index}`;
}

/** A list's items by path element, the first of a repeated one kept, in their order. */
export function itemsByElement(type: Extract<FieldType, { kind: "list" }>, list: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!Array.isArray(list)) return out;
  list.forEach((item, i) => {
    const pe = itemElement(type, item, i);
    if (!out.has(pe)) out.set(pe, item);
  });
  return out;
}

/** ToFieldSet of an applied configuration (the root itself left out). */
export function appliedFieldSet(type: FieldType, value: unknown): PathSet {
  const out = new Set<string>();
  const walk = (t: FieldType, v: unknown, path: FieldPath) => {
    const r = resolved(t, v);
    if (r.kind === "scalar" || r.kind === "deduced") return void out.add(pathKey(path));
    if (r.kind === "list") {
      if (r.listType === "atomic") return void out.add(pathKey(path));
      for (const [pe, item] of itemsByElement(r, v)) {
        walk(r.elem, item, [...path, pe]);
        out.add(pathKey([...path, pe]));
      }
      return;
    }
    if (r.atomic) return void out.add(pathKey(path));
    if (!isObject(v)) return;
    for (const [k, child] of Object.entries(v)) {
      const ct = childType(r, k) ?? { kind: "deduced" };
      walk(ct, child, [...path, `f:${k}`]);
      if (r.kind !== "struct" || !r.field(k)) out.add(pathKey([...path, `f:${k}`]));
    }
  };
  walk(type, value, []);
  out.delete(pathKey([]));
  return out;
}

/** What an update did: Comparison's Added, Modified and Removed. */
export interface Comparison {
  added: PathSet;
  modified: PathSet;
  removed: PathSet;
}

const isEmpty = (v: unknown) => v === undefined || v === null || (Array.isArray(v) ? v.length === 0 : isObject(v) && Object.keys(v).length === 0);

/** Compare of `lhs` (the live object, or undefined for a create) with `rhs` (what is written). */
export function compareValues(type: FieldType, lhs: unknown, rhs: unknown): Comparison {
  const c: Comparison = { added: new Set(), modified: new Set(), removed: new Set() };
  const leaf = (l: unknown, r: unknown, path: FieldPath) => {
    // A null where there was nothing is what a Go zero value holds already (a template's creationTimestamp).
    if (l === undefined && r === null) return;
    if (l === undefined) c.added.add(pathKey(path));
    else if (r === undefined) c.removed.add(pathKey(path));
    else if (!isDeepStrictEqual(l, r)) c.modified.add(pathKey(path));
  };
  const walk = (t: FieldType, l: unknown, r: unknown, path: FieldPath) => {
    const rt = resolved(t, r === undefined || r === null ? l : r);
    const container = rt.kind === "list" ? Array.isArray : isObject;
    const granular = (rt.kind === "list" && rt.listType !== "atomic") || ((rt.kind === "map" || rt.kind === "struct") && !rt.atomic);
    const shapesAgree = [l, r].every((v) => v === undefined || v === null || container(v));
    if (!granular || !shapesAgree || (isEmpty(l) && isEmpty(r))) return leaf(l, r, path);
    if (rt.kind === "list") {
      const [ls, rs] = [itemsByElement(rt, l), itemsByElement(rt, r)];
      for (const pe of new Set([...ls.keys(), ...rs.keys()])) walk(rt.elem, ls.get(pe), rs.get(pe), [...path, pe]);
    } else {
      const [lo, ro] = [isObject(l) ? l : {}, isObject(r) ? r : {}];
      for (const k of new Set([...Object.keys(lo), ...Object.keys(ro)])) walk(childType(rt, k) ?? { kind: "deduced" }, lo[k], ro[k], [...path, `f:${k}`]);
    }
    if (path.length && l === undefined) c.added.add(pathKey(path));
    else if (path.length && r === undefined) c.removed.add(pathKey(path));
  };
  walk(type, lhs ?? zeroLike(type, rhs, true), rhs, []);
  return c;
}

/** The empty object of a type, as far as `shape` (what is created) reaches: what a Go zero value holds. */
function zeroLike(type: FieldType, shape: unknown, root: boolean): Obj {
  const out: Obj = {};
  if (type.kind !== "struct" || !isObject(shape)) return out;
  for (const [k, v] of Object.entries(shape)) {
    if (!zeroHolds(type, k, root)) continue;
    const ct = type.field(k);
    out[k] = ct?.kind === "struct" ? zeroLike(ct, v, false) : null;
  }
  return out;
}
