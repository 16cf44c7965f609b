/**
 * @module cluster/field-validation
 * `?fieldValidation=` (Ignore, Warn — the default — or Strict) and what the handlers do with a
 * typed decoding (`field-decoding`), as create.go, update.go and patch.go do:
 * - create and update: a decoding error is a 400 `Pod in version "v1" cannot be handled as a
 *   Pod: ...`; unknown fields are dropped, warned about (`Warning: unknown field "spec.x"`),
 *   or with `Strict` a 400 `... strict decoding error: unknown field "spec.x", ...`.
 * - JSON, merge and strategic merge patches: the patched object is decoded the same way, and
 *   an error is a 422 naming `patch` with the patched object (the strategic merge patch: the
 *   patch, as Go's `%+v` prints a map) as its value.
 * Any other value of the parameter is a 422 of the verb's options (after `dryRun`).
 * Server-side apply refuses unknown fields as structured-merge-diff does (`decodeAppliedObject`).
 */
import type { Call } from "./call.js";
import { decodeTyped, modelOf, type PathStyle } from "./field-decoding.js";
import { rawFromText, rawFromValue, type RawJson } from "./raw-json.js";
import { apiVersionOf } from "./resources.js";
import { ApiError, badRequest, invalid } from "./status.js";
import { addWarning } from "./warnings.js";

type Obj = Record<string, any>;

export type FieldValidation = "Ignore" | "Warn" | "Strict";

const ALLOWED = ["", "Ignore", "Strict", "Warn"];

/** The request's directive; 422 for a value the server does not know. */
export function fieldValidation(call: Call): FieldValidation {
  const value = call.query.get("fieldValidation") ?? "";
  if (!ALLOWED.includes(value)) {
    const kind = { create: "CreateOptions", update: "UpdateOptions" }[call.info.verb] ?? "PatchOptions";
    throw invalid("meta.k8s.io", kind, "", [{ type: "NotSupported", field: "fieldValidation", value, supported: ALLOWED }]);
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
  const decoded = decode(call, () => rawFromText(call.body.toString("utf8")), obj, "apply");
  if (!decoded) return obj;
  if (decoded.error) return decodeRequestObject(call, obj, "Ignore");
  if (decoded.strict.length) {
    const errors = decoded.strict.length === 1 ? decoded.strict[0] : ["errors:", ...decoded.strict.map((e) => `  ${e}`)].join("\n");
    const [group, version] = call.def.group ? [call.def.group, call.def.version] : ["", call.def.version];
    const meta = (obj.metadata ?? {}) as Obj;
    const where = `${meta.namespace ?? ""}/${meta.name ?? ""}; ${group}/${version}, Kind=${call.def.kind}`;
    throw new ApiError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `failed to create typed patch object (${where}): ${errors}`, code: 500 });
  }
  return decodeRequestObject(call, obj, "Ignore");
}

/**
 * A created or updated object decoded into its type from the request's JSON text (`obj` is
 * `decodeObject`'s reading of it); returns it without unknown fields.
 */
export function decodeRequestObject(call: Call, obj: Obj, directive: FieldValidation): Obj {
  const decoded = decode(call, () => rawFromText(call.body.toString("utf8")), obj);
  if (!decoded) return obj;
  const version = apiVersionOf(call.def).split("/").pop();
  const cannot = (why: string) => badRequest(`${call.def.kind} in version "${version}" cannot be handled as a ${call.def.kind}: ${why}`);
  if (decoded.error) throw cannot(decoded.error);
  strictness(call, decoded.strict, directive, (text) => cannot(text));
  // decodeObject's filling in: kind and apiVersion first, metadata at least {}.
  const { kind: _k, apiVersion: _a, ...rest } = decoded.value;
  return { kind: obj.kind, apiVersion: obj.apiVersion, ...rest, metadata: rest.metadata ?? {} };
}

/** A patched object decoded into its type (`patchValue`: how the error prints the patch). */
export function decodePatchedObject(call: Call, patched: Obj, directive: FieldValidation, patchValue: string): Obj {
  const decoded = decode(call, () => rawFromValue(patched), patched);
  if (!decoded) return patched;
  const refuse = (detail: string) => invalid("", "", "", [{ type: "Invalid", field: "patch", value: patchValue, detail }]);
  if (decoded.error) throw refuse(decoded.error);
  strictness(call, decoded.strict, directive, refuse);
  return decoded.value;
}

function strictness(call: Call, errors: string[], directive: FieldValidation, refuse: (text: string) => Error): void {
  if (errors.length === 0 || directive === "Ignore") return;
  if (directive === "Strict") throw refuse(`strict decoding error: ${errors.join(", ")}`);
  for (const e of errors) addWarning(call, e);
}

/** Go's `fmt.Sprintf("%+v", v)` of a decoded JSON value (maps print with sorted keys). */
export function goPrint(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goPrint).join(" ")}]`;
  if (typeof v === "object") {
    const o = v as Obj;
    return `map[${Object.keys(o).sort().map((k) => `${k}:${goPrint(o[k])}`).join(" ")}]`;
  }
  return String(v);
}
