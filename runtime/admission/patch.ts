/**
 * @module admission/patch
 * A mutating webhook's answer: the RFC 6902 JSONPatch from the request's object to the object
 * the handler returned, base64-encoded as an AdmissionResponse's `patch`. The diff is
 * `rfc6902`'s `createPatch` (MIT, no dependencies, maintained; its array diff is by edit
 * distance, so a container added in the middle is one `add`, not every later item replaced).
 */
import { createPatch } from "rfc6902";

/** One JSONPatch operation, as `createPatch` makes them. */
export type JsonPatchOperation = ReturnType<typeof createPatch>[number];

/**
 * The operations turning `from` into `to`; empty when they are equal.
 *
 * @example
 * jsonPatch({ metadata: { name: "a" } }, { metadata: { name: "a", labels: { x: "y" } } }); // [{ op: "add", path: "/metadata/labels", value: { x: "y" } }]
 */
export function jsonPatch(from: unknown, to: unknown): JsonPatchOperation[] {
  // A round trip through JSON: what is compared is what the API server has and will read (no
  // `undefined` fields, no class instances), and the handler's object is not aliased.
  return createPatch(JSON.parse(JSON.stringify(from)), JSON.parse(JSON.stringify(to)));
}

/** `operations` as an AdmissionResponse carries them: JSON, base64. */
export function encodePatch(operations: readonly JsonPatchOperation[]): string {
  return Buffer.from(JSON.stringify(operations)).toString("base64");
}
