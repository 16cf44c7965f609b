/**
 * @module cluster/webhook-patch
 * A mutating webhook's patch applied as 1.32's mutating dispatcher (callAttrMutatingHook)
 * applies it: the base64 `patch` decoded as a JSON Patch (`received undecodable patch in webhook
 * response: <error>` when it is not one, encoding/json's error: `unexpected end of JSON input`,
 * `json: cannot unmarshal number into Go value of type jsonpatch.Operation`; `null` is no
 * operations) and, if it has operations, applied to the object (a
 * DELETE's, which has none: the 500 `admission webhook "<name>" attempted to modify the object,
 * which is not supported for this operation`) as its `patchType` says (only JSONPatch:
 * `unsupported patch type "<type>"`); a patch that does not apply is the 500 `Internal error
 * occurred: <error>`, json-patch v4.12's error in its words (json-patch: `add operation does not
 * apply: doc is missing path: "/a/b": missing value`), whatever the failurePolicy. The result is then
 * decoded into the object's Go type as the dispatcher's JSON serializer does (not strictly:
 * an unknown field is dropped without a word; a value of the wrong type is the 500 `json:
 * cannot unmarshal ...`, field-decoding) and defaulted, so the next webhook sees what the
 * server would (a sidecar's container with its `imagePullPolicy`). A custom resource is
 * defaulted by its CRD version's structural schema (the mutating dispatcher's
 * `GetObjectDefaulter().Default`, the CRD handler's unstructuredDefaulter), and otherwise kept as
 * patched here (webhook-admission prunes it by its schema before it is stored). The two calling errors are `UnusablePatch`, which the dispatcher judges by
 * failurePolicy.
 */
import { internalError } from "./status.js";
import { jsonPatch } from "./json-patch.js";
import { decodePatchError } from "./json-patch-decode.js";
import { parseRawJson } from "./json-patch-test.js";
import { PatchError } from "./patch.js";
import { decodeTyped, modelOf } from "./field-decoding.js";
import { rawFromValue } from "./raw-json.js";
import { apiVersionOf } from "./resources.js";
import { applyDefaults } from "./crd-schema.js";
import type { Attributes } from "./webhook-match.js";

type Obj = Record<string, any>;

/** A patch the dispatcher cannot use (ErrCallingWebhook); the message is its reason. */
export class UnusablePatch extends Error {
  readonly code = "webhook_patch_unusable";
}

/**
 * jsonpatch.DecodePatch of the base64 `patch`: its operations (none for `null`) and its text; an
 * error in encoding/json's words (json-patch-decode) is the calling error `received undecodable patch`.
 */
function operations(patch: unknown): { ops: unknown[]; text: string } {
  const text = Buffer.from(String(patch), "base64").toString("utf8");
  const error = decodePatchError(text);
  if (error !== undefined) throw new UnusablePatch(`received undecodable patch in webhook response: ${error}`);
  const ops = JSON.parse(text) as unknown[] | null;
  return { ops: ops ?? [], text };
}

/**
 * `object` after `ops` (the patch's `text`), as json-patch v4.12's Patch.Apply makes it (json-patch);
 * its error is the 500 `Internal error occurred: <error>` (apierrors.NewInternalError).
 */
function applied(object: Obj, ops: unknown[], text: string): Obj {
  try {
    return jsonPatch(object, ops, parseRawJson(text)) as Obj;
  } catch (error) {
    if (error instanceof PatchError) throw internalError(error.message);
    throw error;
  }
}

/**
 * The patched object as the serializer decodes it into its Go type (a built-in kind's), defaulted;
 * a custom resource, unstructured, defaulted by its version's structural schema (the CRD
 * handler's unstructuredDefaulter), not pruned.
 */
function typed(a: Attributes, obj: Obj): Obj {
  if (!a.kind && a.def.crd?.schema) {
    applyDefaults(a.def.crd.schema, obj);
    return obj;
  }
  const model = a.kind ? modelOf(apiVersionOf(a.kind), a.kind.kind) : a.def.custom ? undefined : modelOf(apiVersionOf(a.def), a.def.kind);
  if (!model) return obj;
  const decoded = decodeTyped(model, rawFromValue(obj), obj);
  if (decoded.error) throw internalError(decoded.error);
  const { kind: _k, apiVersion: _a, ...rest } = decoded.value;
  const out: Obj = { kind: obj.kind, apiVersion: obj.apiVersion, ...rest, metadata: rest.metadata ?? {} };
  // A subresource's own kind (a Scale) is not its parent's: the parent's defaults are not its.
  if (!a.kind) a.def.defaults?.(out, out.metadata.uid ?? "");
  return out;
}

/**
 * The object after webhook `name`'s `response.patch` (present and non-empty), as the
 * dispatcher makes it; throws `UnusablePatch` for a calling error, an `ApiError` (500) otherwise.
 */
export function patchedObject(a: Attributes, name: string, object: Obj | null, response: Obj): Obj | null {
  const { ops, text } = operations(response.patch);
  if (ops.length === 0) return object;
  if (!object) throw internalError(`admission webhook "${name}" attempted to modify the object, which is not supported for this operation`);
  if (response.patchType !== "JSONPatch") throw new UnusablePatch(`unsupported patch type "${String(response.patchType)}"`);
  return typed(a, applied(object, ops, text));
}
