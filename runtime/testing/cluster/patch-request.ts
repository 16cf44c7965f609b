/**
 * @module cluster/patch-request
 * A PATCH request's body applied to the stored object: the patch format chosen by
 * Content-Type (415 for any other: go-restful's for a built-in type, the patch handler's naming
 * the accepted types for a custom one, which takes no strategic merge), parse errors as
 * 400 and failed JSON patch operations as the real server's 422 (a generic message, empty
 * details: handlers/patch.go drops the library's error).
 */
import { decodeObject, goJsonError, type Call } from "./call.js";
import { parseRawJson } from "./json-patch-test.js";
import { jsonPatch } from "./json-patch.js";
import { mergePatch, NoMergeKeyError, PatchError, strategicMerge } from "./patch.js";
import { ApiError, badRequest, failure, unsupportedMediaType, unsupportedPatchType, plainError } from "./status.js";

type Obj = Record<string, any>;

const PATCH_TYPES = new Set(["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml"]);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`error decoding patch: ${goJsonError(text, error)}`);
  }
}

/** Applies the request's patch (by Content-Type) to `current`. */
export function applyPatch(call: Call, current: Obj): Obj {
  const text = call.body.toString("utf8");
  let out: unknown;
  try {
    switch (call.contentType) {
      case "application/json-patch+json":
        out = jsonPatch(current, parseJson(text), parseRawJson(text));
        break;
      case "application/merge-patch+json":
        out = mergePatch(current, parseJson(text));
        break;
      default:
        out = strategicMerge(current, parseJson(text), true);
    }
  } catch (error) {
    if (error instanceof NoMergeKeyError) {
      // ErrorToAPIStatus of an error that is no Status: 500, its text, no reason.
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

