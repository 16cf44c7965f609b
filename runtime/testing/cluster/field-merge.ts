/**
 * @module cluster/field-merge
 * Server-side apply's merge and prune over typed values, as structured-merge-diff does them:
 * - `mergeApplied` (TypedValue.Merge): the applied configuration over the live object; a leaf
 *   (scalar, atomic value) takes the configuration's value, maps and structs merge key by key,
 *   associative lists and sets item by item in merge.go's order (the live items the
 *   configuration does not name keep their place, the named ones come in its order);
 * - `pruneApplied` (Updater.prune): what the applier applied last time, does not apply now, and
 *   no manager (applier or updater) owns is removed (`RemoveItems`, with
 *   EnsureNamedFieldsAreMembers; addBackOwnedItems, addBackDanglingItems). A map or list left
 *   with nothing is dropped where structured-merge-diff leaves a null, which the decoder drops.
 */
import { difference, intersection, pathKey, pathOf, union, type FieldPath, type PathSet } from "./field-paths.js";
import { childType, resolved, type FieldType } from "./field-schema.js";
import { appliedFieldSet, itemElement, itemsByElement } from "./field-sets.js";

type Obj = Record<string, any>;

const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const isEmpty = (v: unknown) => v === null || (Array.isArray(v) ? v.length === 0 : isObject(v) && Object.keys(v).length === 0);

/** merge.go's visitListItems order of the merged list's items. */
function mergedOrder(lhs: string[], rhs: string[]): string[] {
  const inLhs = new Set(lhs);
  const inRhs = new Set(rhs);
  const shared = rhs.filter((pe) => inLhs.has(pe));
  let next = shared.shift();
  const out: string[] = [];
  for (let l = 0, r = 0; l < lhs.length || r < rhs.length; ) {
    if (l < lhs.length && r < rhs.length) {
      if (lhs[l] === rhs[r]) {
        out.push(lhs[l]!);
        l++, r++;
        next = shared.shift();
        continue;
      }
      if (inRhs.has(lhs[l]!) && next !== undefined && next !== lhs[l]) {
        l++;
        continue;
      }
    }
    if (l < lhs.length && !inRhs.has(lhs[l]!)) {
      out.push(lhs[l++]!);
      continue;
    }
    if (r < rhs.length) {
      const pe = rhs[r++]!;
      out.push(pe);
      if (next === pe) next = shared.shift();
    } else l++;
  }
  return out;
}

/** TypedValue.Merge of the applied configuration `rhs` over the live `lhs`. */
export function mergeApplied(type: FieldType, lhs: unknown, rhs: unknown): unknown {
  if (rhs === undefined) return lhs;
  if (lhs === undefined) return structuredClone(rhs);
  const t = resolved(type, rhs === null ? lhs : rhs);
  const container = t.kind === "list" ? Array.isArray : isObject;
  const granular = (t.kind === "list" && t.listType !== "atomic") || ((t.kind === "map" || t.kind === "struct") && !t.atomic);
  if (!granular || ![lhs, rhs].every((v) => v === null || container(v)) || (isEmpty(lhs) && isEmpty(rhs))) return structuredClone(rhs);
  if (t.kind === "list") {
    const [ls, rs] = [itemsByElement(t, lhs), itemsByElement(t, rhs)];
    return mergedOrder([...ls.keys()], [...rs.keys()]).map((pe) => mergeApplied(t.elem, ls.get(pe), rs.get(pe)));
  }
  const out: Obj = isObject(lhs) ? { ...lhs } : {};
  for (const [k, v] of Object.entries(isObject(rhs) ? rhs : {})) out[k] = mergeApplied(childType(t, k) ?? { kind: "deduced" }, out[k], v);
  return out;
}

/** The paths of `set` under the path element `pe`, without it (Set.WithPrefix). */
function below(paths: FieldPath[], pe: string): FieldPath[] {
  return paths.filter((p) => p.length > 1 && p[0] === pe).map((p) => p.slice(1));
}

/** TypedValue.RemoveItems: `value` without the members of `paths` (undefined where nothing is left). */
function removeItems(type: FieldType, value: unknown, paths: FieldPath[]): unknown {
  const t = resolved(type, value);
  if (t.kind === "scalar" || t.kind === "deduced" || value === null || isEmpty(value)) return value;
  const members = new Set(paths.filter((p) => p.length === 1).map((p) => p[0]!));
  if (t.kind === "list") {
    if (t.listType === "atomic" || !Array.isArray(value)) return undefined;
    const items: unknown[] = [];
    value.forEach((item, i) => {
      const pe = itemElement(t, item, i);
      if (members.has(pe)) return;
      const sub = below(paths, pe);
      items.push(sub.length ? (removeItems(t.elem, item, sub) ?? {}) : item);
    });
    return items.length ? items : undefined;
  }
  if (t.atomic || !isObject(value)) return undefined;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (members.has(`f:${k}`)) continue;
    const sub = below(paths, `f:${k}`);
    const kept = sub.length ? removeItems(childType(t, k) ?? { kind: "deduced" }, v, sub) : v;
    if (kept !== undefined) out[k] = kept;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Set.EnsureNamedFieldsAreMembers: a struct's declared field with members below it is a member too. */
function withNamedFields(type: FieldType, set: PathSet): PathSet {
  const out = new Set(set);
  for (const key of set) {
    const path = pathOf(key);
    let t: FieldType | undefined = type;
    for (let i = 0; i < path.length - 1 && t; i++) {
      const pe = path[i]!;
      const r: FieldType = resolved(t, undefined);
      if (pe.startsWith("f:")) {
        if (r.kind === "struct" && r.field(pe.slice(2))) out.add(pathKey(path.slice(0, i + 1)));
        t = childType(r, pe.slice(2));
      } else t = r.kind === "list" ? r.elem : undefined;
    }
  }
  return out;
}

/** Updater.prune of the merged object; `owned` is every manager's set, the applier's new one included. */
export function pruneApplied(type: FieldType, merged: Obj, lastSet: PathSet | undefined, owned: PathSet): Obj {
  if (!lastSet || lastSet.size === 0) return merged;
  const fieldSet = (v: unknown) => withNamedFields(type, appliedFieldSet(type, v));
  const remove = (paths: PathSet) => (removeItems(type, merged, [...paths].map(pathOf)) ?? {}) as Obj;
  const last = withNamedFields(type, lastSet);
  const mergedSet = fieldSet(merged);
  let pruned = remove(last);
  pruned = remove(difference(mergedSet, union(fieldSet(pruned), withNamedFields(type, owned))));
  return remove(intersection(difference(mergedSet, fieldSet(pruned)), last));
}
