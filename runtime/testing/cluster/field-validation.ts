/**
 * @module cluster/field-validation
 * `?fieldValidation=` (Ignore, Warn — the default — or Strict) and what the handlers do with a
 * typed decoding (`field-decoding`), as create.go, update.go and patch.go do:
 * - create and update: a decoding error is a 400 `Pod in version "v1" cannot be handled as a
 *   Pod: ...`; unknown fields are dropped, warned about (`Warning: unknown field "spec.x"`),
 *   or with `Strict` a 400 `... strict decoding error: unknown field "spec.x", ...`.
 * - JSON, merge and strategic merge patches: the patched object is decoded (a strategic merge
 *   patch's converted, in the converter's words), and an error is a 422 naming `patch` with the
 *   patched object (the strategic merge patch: the patch, as Go's `%+v` prints a map) as its value.
 * The options are checked first (`writeOptions`): one 422 naming every bad one.
 * Server-side apply refuses unknown fields as structured-merge-diff does (`decodeAppliedObject`).
 */
import type { Call } from "./call.js";
import { decodeTyped, modelOf, type PathStyle } from "./field-decoding.js";
import { rawFromText, rawFromValue, type RawJson } from "./raw-json.js";
import { convertUnstructured } from "./unstructured-conversion.js";
import { apiVersionOf } from "./resources.js";
import { badRequest, goStrings, invalid, type FieldError, plainError } from "./status.js";
import { addWarning } from "./warnings.js";
import { applyDefaults, pruneUnknown } from "./crd-schema.js";
import { goPrint } from "./go-scalars.js";
import { goQuote, isGoPrint } from "./crd-schema-go.js";
import { tooLong } from "./validation.js";

type Obj = Record<string, any>;

export type FieldValidation = "Ignore" | "Warn" | "Strict";

const ALLOWED = ["", "Ignore", "Strict", "Warn"];

/** metav1 validation's FieldManagerMaxLength. */
const FIELD_MANAGER_MAX_BYTES = 128;

/**
 * ValidateFieldManager: at most 128 bytes, and one `Invalid` per character unicode.IsPrint
 * refuses (`invalid character U+0001 (at position 1)`, %#U and the byte offset).
 */
function fieldManagerErrors(manager: string): FieldError[] {
  const errors: FieldError[] = [];
  if (Buffer.byteLength(manager) > FIELD_MANAGER_MAX_BYTES) errors.push(tooLong("fieldManager", FIELD_MANAGER_MAX_BYTES));
  let offset = 0;
  for (const ch of manager) {
    if (!isGoPrint(ch)) {
      const rune = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
      errors.push({ type: "Invalid", field: "fieldManager", value: manager, rendered: goQuote(manager), detail: `invalid character U+${rune} (at position ${offset})` });
    }
    offset += Buffer.byteLength(ch);
  }
  return errors;
}

/**
 * The write's options, checked as ValidateCreateOptions, ValidateUpdateOptions and
 * ValidatePatchOptions check them before the body is read, every error in one 422: `force` on a
 * patch that is not an apply, an apply without `fieldManager`, a `fieldManager` too long or not
 * printable, `dryRun` other than `All`, an unknown `fieldValidation`. Returns the directive
 * (`Warn` when none is given).
 */
export function writeOptions(call: Call): FieldValidation {
  const errors: FieldError[] = [];
  const patch = call.info.verb === "patch";
  const apply = patch && call.contentType === "application/apply-patch+yaml";
  if (patch && !apply && call.query.has("force")) errors.push({ type: "Forbidden", field: "force", detail: "may not be specified for non-apply patch" });
  if (apply && !call.query.get("fieldManager")) errors.push({ type: "Required", field: "fieldManager", detail: "is required for apply patch" });
  errors.push(...fieldManagerErrors(call.query.get("fieldManager") ?? ""));
  const dryRun = call.query.getAll("dryRun");
  if (dryRun.some((v) => v !== "All")) errors.push({ type: "NotSupported", field: "dryRun", rendered: goStrings(dryRun), supported: ["All"] });
  const value = call.query.get("fieldValidation") ?? "";
  if (!ALLOWED.includes(value)) errors.push({ type: "NotSupported", field: "fieldValidation", value, supported: ALLOWED });
  if (errors.length) {
    const kind = { create: "CreateOptions", update: "UpdateOptions" }[call.info.verb] ?? "PatchOptions";
    throw invalid("meta.k8s.io", kind, "", errors);
  }
  return (value || "Warn") as FieldValidation;
}

function decode(call: Call, raw: () => RawJson, fallback: Obj, style?: PathStyle) {
  const model = call.def.custom ? undefined : modelOf(apiVersionOf(call.def), call.def.kind);
  return model ? decodeTyped(model, raw(), fallback, style) : undefined;
}

/**
 * A server-side apply's object (`decodeObject`'s): a field the schema does not declare is
 * structured-merge-diff's refusal, whatever `fieldValidation` says — a 500 with no reason, as
 * 1.32 answers (fieldmanager's plain error) — `failed to create typed patch object
 * (ns/name; apps/v1, Kind=Deployment): .spec.x: field not declared in schema`.
 */
export function decodeAppliedObject(call: Call, obj: Obj): Obj {
  const schema = call.def.crd?.schema;
  // A custom resource's type converter is built from its CRD version's schema: a field it prunes is one not declared.
  const undeclared = schema ? pruneUnknown(schema, structuredClone(obj)).map((p) => `.${p}: field not declared in schema`) : undefined;
  const decoded = schema ? undefined : decode(call, () => rawFromText(call.body.toString("utf8")), obj, "apply");
  if (!decoded && !undeclared) return obj;
  if (decoded?.error) return decodeRequestObject(call, obj, "Ignore");
  const strict = undeclared ?? decoded!.strict;
  if (strict.length) {
    const errors = strict.length === 1 ? strict[0] : ["errors:", ...strict.map((e) => `  ${e}`)].join("\n");
    const [group, version] = call.def.group ? [call.def.group, call.def.version] : ["", call.def.version];
    const meta = (obj.metadata ?? {}) as Obj;
    const where = `${meta.namespace ?? ""}/${meta.name ?? ""}; ${group}/${version}, Kind=${call.def.kind}`;
    throw plainError(`failed to create typed patch object (${where}): ${errors}`);
  }
  return decodeRequestObject(call, obj, "Ignore");
}

/**
 * A created or updated object decoded into its type from the request's JSON text (`obj` is
 * `decodeObject`'s reading of it); returns it without unknown fields.
 */
export function decodeRequestObject(call: Call, obj: Obj, directive: FieldValidation): Obj {
  const version = apiVersionOf(call.def).split("/").pop();
  const cannot = (why: string) => badRequest(`${call.def.kind} in version "${version}" cannot be handled as a ${call.def.kind}: ${why}`);
  const schema = call.def.crd?.schema;
  if (schema) return coerced(call, schema, obj, directive, cannot);
  const decoded = decode(call, () => rawFromText(call.body.toString("utf8")), obj);
  if (!decoded) return obj;
  if (decoded.error) throw cannot(decoded.error);
  strictness(call, decoded.strict, directive, (text) => cannot(text));
  // decodeObject's filling in: kind and apiVersion first, metadata at least {}.
  const { kind: _k, apiVersion: _a, ...rest } = decoded.value;
  return { kind: obj.kind, apiVersion: obj.apiVersion, ...rest, metadata: rest.metadata ?? {} };
}

/** A value with every object's keys sorted, as Go's encoding of a map writes them. */
function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v === null || typeof v !== "object") return v;
  return Object.fromEntries(Object.keys(v as Obj).sort().map((k) => [k, sortedKeys((v as Obj)[k])]));
}

/**
 * A patched object decoded into its type. A JSON or merge patch's result is JSON again, written
 * by json-patch from Go maps (sorted keys: the order of its strict errors, and the value the 422
 * shows); a strategic merge patch's is converted from the map (`unstructured-conversion`), and
 * the 422 shows the patch as `%+v` prints it.
 */
export function decodePatchedObject(call: Call, patched: Obj, directive: FieldValidation, patch: unknown): Obj {
  const schema = call.def.crd?.schema;
  if (schema) return coerced(call, schema, patched, directive, (detail) => invalid("", "", "", [{ type: "Invalid", field: "patch", value: JSON.stringify(sortedKeys(patched)), detail }]));
  const model = call.def.custom ? undefined : modelOf(apiVersionOf(call.def), call.def.kind);
  if (!model) return patched;
  const strategic = call.contentType === "application/strategic-merge-patch+json";
  const sorted = strategic ? patched : (sortedKeys(patched) as Obj);
  const decoded = strategic ? convertUnstructured(model, patched) : decodeTyped(model, rawFromValue(sorted), patched);
  const refuse = (detail: string) => invalid("", "", "", [{ type: "Invalid", field: "patch", value: strategic ? goPrint(patch) : JSON.stringify(sorted), detail }]);
  if (decoded.error) throw refuse(decoded.error);
  strictness(call, decoded.strict, directive, refuse);
  // The stored object keeps the order its fields had.
  return strategic || decoded.strict.length === 0 ? decoded.value : decodeTyped(model, rawFromValue(patched), patched).value;
}

/**
 * A custom resource as its CRD version's schema makes it (the schema-coercing decoder): unknown
 * fields pruned — warned about, refused with `Strict` — then defaults applied.
 */
function coerced(call: Call, schema: Obj, obj: Obj, directive: FieldValidation, refuse: (text: string) => Error): Obj {
  const out = structuredClone(obj);
  const pruned = pruneUnknown(schema, out);
  strictness(call, pruned.map((p) => `unknown field "${p}"`), directive, refuse);
  applyDefaults(schema, out);
  return out;
}

function strictness(call: Call, errors: string[], directive: FieldValidation, refuse: (text: string) => Error): void {
  if (errors.length === 0 || directive === "Ignore") return;
  if (directive === "Strict") throw refuse(`strict decoding error: ${errors.join(", ")}`);
  for (const e of errors) addWarning(call, e);
}
