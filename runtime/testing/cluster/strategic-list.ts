/**
 * @module cluster/strategic-list
 * The merge of a strategic patch's list with the stored one, ported from apimachinery's
 * strategicpatch (patch.go: mergeSlice, mergeSliceWithSpecialElements,
 * mergeSliceWithoutSpecialElements, normalizeElementOrder, mergeSortedSlice, and
 * mergePatchIntoOriginal's `$setElementOrder/<list>`): items merge by the list's merge key
 * (primitives deduplicate), `$patch: delete` removes, `$patch: replace` replaces, and the
 * result is ordered as upstream orders it: the patch's items in the patch's (or the order
 * list's) order, interleaved with the server-only items by the stored order where both are
 * known, else the patch's item first. Errors are strategicpatch's, answered as bare 500s.
 */
import { sliceStable } from "./go-sort.js";
import { badArgType, badPatchType, goPrint, NoMergeKeyError, StrategicMergeError } from "./strategic-errors.js";

type Json = unknown;
type Obj = Record<string, any>;
/** reflect.Kind of the items, as far as the port needs it. */
type Kind = "map" | "scalar";

/** Merges one patch item into a stored one (mergeMap), or reads a new one (`original` undefined). */
export type MergeItem = (original: Obj | undefined, patch: Obj) => Obj;

function isObject(v: Json): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * sliceElementType: the kind of every item of the lists, which must be one; "none" when there
 * is no item; undefined when they differ (a string beside a number, a map beside a string).
 */
export function elementKind(...lists: Json[][]): Kind | "none" | undefined {
  let seen: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const t = Array.isArray(v) ? "slice" : isObject(v) ? "map" : v === null ? "nil" : typeof v;
      if (seen === undefined) seen = t;
      else if (seen !== t) return undefined;
    }
  }
  if (seen === undefined) return "none";
  return seen === "map" ? "map" : seen === "slice" ? undefined : "scalar";
}

/** The item's identity: its merge key's value for a map, itself for a primitive. */
function valueOf(item: Json, mergeKey: string, kind: Kind): Json {
  if (kind !== "map") return item;
  return isObject(item) ? item[mergeKey] : undefined;
}

/** index(): the position of `item` in `list` by identity, or -1. */
function indexIn(list: readonly Json[], item: Json, mergeKey: string, kind: Kind): number {
  const wanted = valueOf(item, mergeKey, kind);
  return list.findIndex((v) => valueOf(v, mergeKey, kind) === wanted);
}

/** findMapInSliceBasedOnKeyValue: the position of the map whose merge key has `value`, or -1. */
function findByKey(list: readonly Json[], mergeKey: string, value: Json): number {
  for (let k = 0; k < list.length; k++) {
    const v = list[k];
    if (!isObject(v)) throw new StrategicMergeError(`value for key ${k} is not a map.`);
    if (mergeKey in v && v[mergeKey] === value) return k;
  }
  return -1;
}

/** deduplicateScalars, whose "clever algorithm" moves the last item into a duplicate's place. */
function deduplicateScalars(input: Json[]): Json[] {
  const s = [...input];
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

/** mergeSliceWithSpecialElements: `$patch` items applied; the stored list and the rest of the patch. */
function applySpecialElements(original: Json[], patch: Obj[], mergeKey: string): [Json[], Obj[]] {
  const rest: Obj[] = [];
  let replace = false;
  let kept = original;
  for (const v of patch) {
    if (!("$patch" in v)) {
      rest.push(v);
      continue;
    }
    switch (v.$patch) {
      case "delete":
        if (!(mergeKey in v)) throw new NoMergeKeyError(v, mergeKey);
        while (true) {
          const at = findByKey(kept, mergeKey, v[mergeKey]);
          if (at < 0) break;
          kept = [...kept.slice(0, at), ...kept.slice(at + 1)];
        }
        break;
      case "replace":
        // The rest of the list is still read, for its other `$patch` items.
        replace = true;
        break;
      case "merge":
        throw new StrategicMergeError("merging lists cannot yet be specified in the patch");
      default:
        throw badPatchType(v.$patch, v);
    }
  }
  return replace ? [rest, []] : [kept, rest];
}

/** mergeSliceWithoutSpecialElements: each patch item merged into its stored match, or appended. */
function mergeByKey(original: Json[], patch: Obj[], mergeKey: string, mergeItem: MergeItem): Json[] {
  const out = [...original];
  for (const v of patch) {
    if (!(mergeKey in v)) throw new NoMergeKeyError(v, mergeKey);
    const at = findByKey(out, mergeKey, v[mergeKey]);
    if (at >= 0) out[at] = mergeItem(out[at] as Obj, v);
    else out.push(mergeItem(undefined, v));
  }
  return out;
}

/** partition{Primitives,Maps}ByPresentInList: the items `by` names, and the others. */
function partition(items: Json[], by: Json[], mergeKey: string, kind: Kind): [Json[], Json[]] {
  const named: Json[] = [];
  const others: Json[] = [];
  for (const v of items) {
    let found: boolean;
    if (kind === "map") {
      if (!isObject(v)) throw badArgType("map", v);
      if (!(mergeKey in v)) throw new NoMergeKeyError(v, mergeKey);
      found = findByKey(by, mergeKey, v[mergeKey]) >= 0;
    } else found = by.includes(v);
    (found ? named : others).push(v);
  }
  return [named, others];
}

/** normalizeSliceOrder: `toSort` by `order` (Go's SliceStable with upstream's less), `$patch: delete` items last. */
function normalizeSliceOrder(toSort: Json[], order: Json[], mergeKey: string, kind: Kind): Json[] {
  let items = [...toSort];
  const toDelete: Json[] = [];
  if (kind === "map") {
    for (const item of [...toSort, ...order]) {
      if (!isObject(item)) throw badArgType("map", item);
      if (!(mergeKey in item)) throw new NoMergeKeyError(item, mergeKey);
    }
    items = items.filter((v) => {
      const del = (v as Obj).$patch === "delete";
      if (del) toDelete.push(v);
      return !del;
    });
  }
  sliceStable(items, (a, b) => {
    const ia = indexIn(order, a, mergeKey, kind);
    if (ia >= 0) {
      const ib = indexIn(order, b, mergeKey, kind);
      if (ib >= 0) return ia < ib;
    }
    return true;
  });
  return [...items, ...toDelete];
}

/**
 * mergeSortedSlice: the server-only items (`left`) inserted into the patch's (`right`): a
 * server-only item goes first only when both are in the stored order and it comes earlier there.
 */
function mergeSortedSlice(left: Json[], right: Json[], serverOrder: Json[], mergeKey: string, kind: Kind): Json[] {
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** normalizeElementOrder: the patch's items by `patchOrder`, the server-only ones by `serverOrder`, merged. */
function normalizeElementOrder(patchItems: Json[], serverOnly: Json[], patchOrder: Json[], serverOrder: Json[], mergeKey: string, kind: Kind): Json[] {
  const sortedPatch = normalizeSliceOrder(patchItems, patchOrder, mergeKey, kind);
  const sortedServer = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(sortedServer, sortedPatch, serverOrder, mergeKey, kind);
}

/**
 * mergeSlice of a merge list (`mergeKey` "" for a list of primitives); the caller has checked
 * that the items are of one kind (`elementKind`).
 */
export function mergeSlice(original: Json[], patch: Json[], mergeKey: string, mergeItem: MergeItem): Json[] {
  const kind = elementKind(original, patch);
  if (kind === "none") return original;
  if (kind === undefined) throw new StrategicMergeError(`list element types are not identical: ${goPrint([original, patch])}`);
  let merged: Json[];
  let stored = original;
  let rest = patch;
  if (kind === "scalar") merged = deduplicateScalars([...original, ...patch]);
  else {
    [stored, rest] = applySpecialElements(original, patch as Obj[], mergeKey);
    merged = mergeByKey(stored, rest as Obj[], mergeKey, mergeItem);
  }
  const [patchItems, serverOnly] = partition(merged, rest, mergeKey, kind);
  return normalizeElementOrder(patchItems, serverOnly, rest, stored, mergeKey, kind);
}

/**
 * mergePatchIntoOriginal for one `$setElementOrder/<field>` of a merge list: the list merged
 * (when both sides have it), then ordered by `order`. `original` and `patch` are the field's
 * values (undefined when absent).
 */
export function mergeWithElementOrder(order: Json, original: Json, patch: Json, mergeKey: string, mergeItem: MergeItem): Json[] | undefined {
  if (!Array.isArray(order)) throw badArgType("slice", order);
  if (original !== undefined && !Array.isArray(original)) throw badArgType("slice", original);
  if (patch !== undefined && !Array.isArray(patch)) throw badArgType("slice", patch);
  validateOrder(patch ?? [], order, mergeKey);
  let merged: Json[];
  if (original && patch) merged = mergeSlice(original, patch, mergeKey, mergeItem);
  else if (original) merged = original;
  else if (patch) merged = patch;
  else return undefined;
  const kind = elementKind(original ?? [], patch ?? []);
  if (kind === "none") throw new StrategicMergeError("no elements in any of the given slices");
  if (kind === undefined) throw new StrategicMergeError(`list element types are not identical: ${goPrint([original ?? null, patch ?? null])}`);
  const [patchItems, serverOnly] = partition(merged, order, mergeKey, kind);
  return normalizeElementOrder(patchItems, serverOnly, order, original ?? [], mergeKey, kind);
}

/**
 * validatePatchWithSetOrderList: the patch's items (but `$patch: delete` ones) must come in the
 * order list's relative order.
 */
function validateOrder(patch: Json[], order: Json[], mergeKey: string): void {
  if (order.length === 0 || patch.length === 0) return;
  let nonDelete = patch;
  if (mergeKey) {
    for (const v of patch) if (!isObject(v)) throw badArgType("map", v);
    nonDelete = patch.filter((v) => (v as Obj).$patch !== "delete");
  }
  let p = 0;
  let s = 0;
  while (p < nonDelete.length && s < order.length) {
    const item = nonDelete[p];
    if (isObject(item) && "$patch" in item) {
      p++;
      continue;
    }
    if (keyEqual(item, order[s], mergeKey)) p++;
    s++;
  }
  if (p < nonDelete.length && s >= order.length) {
    throw new StrategicMergeError(`The order in patch list:\n${goPrint(patch)}\n doesn't match $setElementOrder list:\n${goPrint(order)}\n`);
  }
}

/** mergeKeyValueEqual. */
function keyEqual(left: Json, right: Json, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isObject(left)) throw badArgType("map", left);
  if (!isObject(right)) throw badArgType("map", right);
  if (!(mergeKey in left)) throw new NoMergeKeyError(left, mergeKey);
  if (!(mergeKey in right)) throw new NoMergeKeyError(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}
