/**
 * @module cluster/patch-request
 * A PATCH request's body applied to the stored object: the patch format chosen by
 * Content-Type (415 for any other: go-restful's for a built-in type, the patch handler's naming
 * the accepted types for a custom one, which takes no strategic merge), parse errors as
 * 400 (a JSON patch's as `json-patch-decode` reads it) and failed JSON patch operations as the
 * real server's 422 (a generic message, empty details: handlers/patch.go drops the library's
 * error).
 */
import { decodeObject, goJsonError, type Call } from "./call.js";
import type { FieldValidation } from "./field-validation.js";
import { parseRawJson } from "./json-patch-test.js";
import { jsonPatch } from "./json-patch.js";
import { decodeJsonPatch } from "./json-patch-decode.js";
import { mergePatch, PatchError, StrategicMergeError, strategicMerge } from "./patch.js";
import { ApiError, badRequest, failure, unsupportedMediaType, unsupportedPatchType, plainError } from "./status.js";

type Obj = Record<string, any>;

const PATCH_TYPES = new Set(["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"]);

function parseJson(text: string, prefix = "error decoding patch: "): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`${prefix}${goJsonError(text, error)}`);
  }
}

/**
 * A merge or strategic patch read into a map[string]interface{} first, as 1.32 reads it: the
 * merge patch's strict read (fieldValidation Warn or Strict) answers `error decoding patch: <err>`,
 * strategicPatchObject the decoder's error alone (any directive). A patch that is no object
 * (`[]`, a string, a number, a boolean) is the decoder's type error.
 */
function parsePatchMap(text: string, prefix: string): unknown {
  const value = parseJson(text, prefix);
  if (value !== null && (typeof value !== "object" || Array.isArray(value))) {
    const jsonKind = Array.isArray(value) ? "array" : typeof value === "boolean" ? "bool" : typeof value;
    throw badRequest(`${prefix}json: cannot unmarshal ${jsonKind} into Go value of type map[string]interface {}`);
  }
  return value;
}

/** Applies the request's patch (by Content-Type) to `current`; `directive` is the request's fieldValidation. */
export function applyPatch(call: Call, current: Obj, directive: FieldValidation = "Warn"): Obj {
  const text = call.body.toString("utf8");
  let out: unknown;
  try {
    switch (call.contentType) {
      case "application/json-patch+json":
        out = jsonPatch(current, decodeJsonPatch(text, directive), parseRawJson(text));
        break;
      case "application/merge-patch+json":
        // With Ignore the library's MergePatch reads it (not emulated: the answers below).
        out = mergePatch(current, directive === "Ignore" ? parseJson(text) : parsePatchMap(text, "error decoding patch: "));
        break;
      default:
        out = strategicMerge(current, parsePatchMap(text, ""));
    }
  } catch (error) {
    if (error instanceof StrategicMergeError) {
      // interpretStrategicMergePatchError passes it on; ErrorToAPIStatus of an error that is no
      // Status: 500, its text, no reason.
      throw plainError(error.message);
    }
    if (error instanceof PatchError) {
      if (error.status === 400) throw badRequest(error.message);
      // NewGenericServerResponse(422, "", GroupResource{}, "", err.Error(), 0, false): the
      // library's message is dropped; no causes, empty details.
      throw new ApiError(failure(422, "Invalid", "the server rejected our request due to an error in our request", {}));
    }
    throw error;
  }
  if (!out || typeof out !== "object" || Array.isArray(out)) throw badRequest("the patched object is not an object");
  const patched = out as Obj;
  if (patched.kind !== current.kind || patched.apiVersion !== current.apiVersion) {
    call.body = Buffer.from(JSON.stringify(patched));
    return decodeObject(call);
  }
  patched.metadata ??= {};
  return patched;
}

/** 415 unless the Content-Type is a patch format the type supports. */
export function checkPatchType(call: Call): void {
  if (call.def.custom) {
    // The CRD handler's own check: no strategic merge for custom types.
    if (!CUSTOM_PATCH_TYPES.includes(call.contentType)) throw unsupportedPatchType(CUSTOM_PATCH_TYPES);
    return;
  }
  if (!PATCH_TYPES.has(call.contentType)) throw unsupportedMediaType();
}

/** What a custom type's patch accepts, in the handler's order. */
const CUSTOM_PATCH_TYPES = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"];

