/**
 * @module admission/patch
 * A mutating webhook's answer: the RFC 6902 JSONPatch from the request's object to the object
 * the handler returned, base64-encoded as an AdmissionResponse's `patch`. Objects and scalars
 * are diffed by `rfc6902` (MIT, no dependencies, maintained: keys with `/` and `~` escaped in
 * its pointers); arrays by `admission/array-diff`, whose cost stays near the arrays' size
 * (rfc6902's own array diff is an edit-distance search that a few hundred changed items made
 * take seconds, and a few thousand overflow the stack).
 */
import { Pointer, type Operation } from "rfc6902";
import { diffAny } from "rfc6902/diff.js";
import { diffArrays, PATCH_EDIT_DISTANCE_CELLS, type EditBudget } from "./array-diff.js";

/** One JSONPatch operation. */
export type JsonPatchOperation = Operation;

/**
 * The operations turning `from` into `to`; empty when they are equal.
 *
 * @example
 * jsonPatch({ metadata: { name: "a" } }, { metadata: { name: "a", labels: { x: "y" } } }); // [{ op: "add", path: "/metadata/labels", value: { x: "y" } }]
 */
export function jsonPatch(from: unknown, to: unknown): JsonPatchOperation[] {
  // One budget of edit-distance cells for the whole patch (many arrays stay near their size too).
  const budget: EditBudget = { cells: PATCH_EDIT_DISTANCE_CELLS };
  /** rfc6902's diff of any two values, its arrays' diffed by `diffArrays`, at any depth. */
  function diff(a: unknown, b: unknown, ptr: Pointer): Operation[] {
    if (Array.isArray(a) && Array.isArray(b)) return diffArrays(a, b, ptr, diff, budget);
    return diffAny(a, b, ptr, diff);
  }
  // A round trip through JSON: what is compared is what the API server has and will read (no
  // `undefined` fields, no class instances), and the handler's object is not aliased.
  return diff(JSON.parse(JSON.stringify(from)), JSON.parse(JSON.stringify(to)), new Pointer());
}

/** `operations` as an AdmissionResponse carries them: JSON, base64. */
export function encodePatch(operations: readonly JsonPatchOperation[]): string {
  return Buffer.from(JSON.stringify(operations)).toString("base64");
}
