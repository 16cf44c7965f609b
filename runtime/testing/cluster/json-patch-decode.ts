/**
 * @module cluster/json-patch-decode
 * A JSON patch body read as 1.32's jsonPatcher.applyJSPatch (handlers/patch.go) reads it, before
 * any operation runs:
 * - with fieldValidation Warn (the default) or Strict, first strictly into `[]jsonPatchOp`
 *   (`op`, `path`, `from` strings, `value` anything; sigs.k8s.io/json, keys case-sensitive): a
 *   failure is a 400 `error decoding patch: <err>` — a body that is no array `json: cannot
 *   unmarshal object into Go value of type []handlers.jsonPatchOp`, an operation that is no
 *   object `... into Go value of type handlers.jsonPatchOp`, an `op`, `path` or `from` that is no
 *   string (nor null) `... into Go struct field jsonPatchOp.op of type string`;
 * - then (with Ignore, only) jsonpatch.DecodePatch into `[]map[string]*json.RawMessage`: a 400
 *   with the error alone (`... into Go value of type jsonpatch.Patch`, `... jsonpatch.Operation`).
 * Go's decoder keeps going after a type error and reports the first, in document order; a null
 * body is an empty patch, a null operation one of kind `unknown`.
 */
import { goJsonError } from "./call.js";
import type { FieldValidation } from "./field-validation.js";
import { isRawNumber, isRawObject, rawFromText, type RawJson } from "./raw-json.js";
import { badRequest } from "./status.js";

/** The JSON kind Go's UnmarshalTypeError names. */
function kindOf(v: RawJson): string {
  if (Array.isArray(v)) return "array";
  if (isRawObject(v)) return "object";
  if (isRawNumber(v)) return "number";
  return typeof v === "boolean" ? "bool" : "string";
}

const typeError = (v: RawJson, into: string) => `json: cannot unmarshal ${kindOf(v)} into ${into}`;

/** The first type error of a strict decoding into `[]handlers.jsonPatchOp`, if any. */
function strictError(raw: RawJson): string | undefined {
  if (raw === null) return undefined;
  if (!Array.isArray(raw)) return typeError(raw, "Go value of type []handlers.jsonPatchOp");
  for (const operation of raw) {
    if (operation === null) continue;
    if (!isRawObject(operation)) return typeError(operation, "Go value of type handlers.jsonPatchOp");
    for (const [key, value] of operation.entries) {
      if ((key === "op" || key === "path" || key === "from") && value !== null && typeof value !== "string") {
        return typeError(value, `Go struct field jsonPatchOp.${key} of type string`);
      }
    }
  }
  return undefined;
}

/** The first type error of jsonpatch.DecodePatch (encoding/json into `jsonpatch.Patch`), if any. */
function libraryError(raw: RawJson): string | undefined {
  if (raw === null) return undefined;
  if (!Array.isArray(raw)) return typeError(raw, "Go value of type jsonpatch.Patch");
  const bad = raw.find((operation) => operation !== null && !isRawObject(operation));
  return bad === undefined ? undefined : typeError(bad, "Go value of type jsonpatch.Operation");
}

/**
 * jsonpatch.DecodePatch's error for `text` (encoding/json into `jsonpatch.Patch`: a syntax error
 * first, then the first type error), or `undefined` when it decodes (`null` too: no operations).
 */
export function decodePatchError(text: string): string | undefined {
  try {
    JSON.parse(text);
  } catch (error) {
    return goJsonError(text, error);
  }
  return libraryError(rawFromText(text));
}

/**
 * The operations of a JSON patch `text`, or the 400 the patch handler answers under `directive`.
 * A null operation comes back as `null` (the library's `unknown` kind).
 */
export function decodeJsonPatch(text: string, directive: FieldValidation): unknown[] {
  const strict = directive !== "Ignore";
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest(`${strict ? "error decoding patch: " : ""}${goJsonError(text, error)}`);
  }
  const raw = rawFromText(text);
  const strictFailure = strict ? strictError(raw) : undefined;
  if (strictFailure) throw badRequest(`error decoding patch: ${strictFailure}`);
  const failure = libraryError(raw);
  if (failure) throw badRequest(failure);
  return value === null ? [] : (value as unknown[]);
}
