/**
 * @module cluster/crd-structural-resources
 * validateStructuralInvariants' rules about resources inside a CRD version's schema, from
 * apiextensions-apiserver pkg/apiserver/schema/validation.go (1.32):
 * - `additionalProperties` is not allowed at the root, nor beside `x-kubernetes-embedded-resource`;
 * - an embedded resource is `type: object`, and has `properties` unless it preserves unknown fields;
 * - at the root and in an embedded resource, `kind` and `apiVersion` are strings and `metadata` an object;
 * - the root's `metadata` may restrict `name` and `generateName` only (anything else: Forbidden);
 * - `x-kubernetes-int-or-string` excludes preserve-unknown-fields and embedded-resource.
 * The errors join validateStructural's others, which crd-validation sorts by their text.
 */
import type { FieldError } from "./status.js";

type Obj = Record<string, any>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** Whether a schema field holds Go's zero value (what reflect.DeepEqual against an empty Structural ignores). */
const zero = (v: unknown) => v === undefined || v === null || v === false || v === "" || (Array.isArray(v) && v.length === 0) || (isObj(v) && Object.keys(v).length === 0);

/** Whether the root's metadata schema says more than its type, a default and name/generateName restrictions. */
function metadataSaysMore(metadata: Obj): boolean {
  const props = isObj(metadata.properties) ? Object.keys(metadata.properties) : [];
  const onlyNames = props.length > 0 && props.every((k) => k === "name" || k === "generateName");
  return Object.entries(metadata).some(([key, value]) => {
    if (key === "type" || key === "default") return false;
    if (key === "properties") return !onlyNames && props.length > 0;
    return !zero(value);
  });
}

/** Whether validateStructural's type rule for the node is replaced by the embedded-resource one. */
export const embeddedTypeRule = (s: Obj) => s["x-kubernetes-embedded-resource"] === true;

/** The rules above for one node `s` at `path` (`root` for the schema's root). */
function nodeErrors(s: Obj, path: string, root: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const embedded = s["x-kubernetes-embedded-resource"] === true;
  const hasAdditional = s.additionalProperties !== undefined && s.additionalProperties !== null;
  if (root && hasAdditional) errors.push({ type: "Forbidden", field: `${path}.additionalProperties`, detail: "must not be used at the root" });
  if (s["x-kubernetes-int-or-string"] === true) {
    if (s["x-kubernetes-preserve-unknown-fields"] === true) errors.push({ type: "Invalid", field: `${path}.x-kubernetes-preserve-unknown-fields`, value: true, detail: "must be false if x-kubernetes-int-or-string is true" });
    if (embedded) errors.push({ type: "Invalid", field: `${path}.x-kubernetes-embedded-resource`, value: true, detail: "must be false if x-kubernetes-int-or-string is true" });
  }
  if (embedded && s.type !== "object") {
    const detail = "must be object if x-kubernetes-embedded-resource is true";
    errors.push(s.type ? { type: "Invalid", field: `${path}.type`, value: s.type, detail } : { type: "Required", field: `${path}.type`, detail });
  }
  if (embedded && hasAdditional) errors.push({ type: "Forbidden", field: `${path}.additionalProperties`, detail: "must not be used if x-kubernetes-embedded-resource is set" });
  const props: Obj = isObj(s.properties) ? s.properties : {};
  if (root || embedded) {
    for (const key of ["kind", "apiVersion"]) {
      if (isObj(props[key]) && props[key].type !== "string") errors.push({ type: "Invalid", field: `${path}.properties[${key}].type`, value: props[key].type ?? "", detail: "must be string" });
    }
    if (isObj(props.metadata) && props.metadata.type !== "object") errors.push({ type: "Invalid", field: `${path}.properties[metadata].type`, value: props.metadata.type ?? "", detail: "must be object" });
  }
  if (root && isObj(props.metadata) && metadataSaysMore(props.metadata)) {
    errors.push({ type: "Forbidden", field: `${path}.properties[metadata]`, detail: "must not specify anything other than name and generateName, but metadata is implicitly specified" });
  }
  if (embedded && s["x-kubernetes-preserve-unknown-fields"] !== true && Object.keys(props).length === 0) {
    errors.push({ type: "Required", field: `${path}.properties`, detail: "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields" });
  }
  return errors;
}

/** The rules over the structural nodes (properties, items, additionalProperties) of the schema at `at`. */
export function resourceErrors(schema: Obj, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const walk = (s: Obj, path: string, root: boolean) => {
    errors.push(...nodeErrors(s, path, root));
    for (const [name, prop] of Object.entries(isObj(s.properties) ? s.properties : {})) if (isObj(prop)) walk(prop, `${path}.properties[${name}]`, false);
    if (isObj(s.items)) walk(s.items, `${path}.items`, false);
    if (isObj(s.additionalProperties)) walk(s.additionalProperties, `${path}.additionalProperties`, false);
  };
  walk(schema, at, true);
  return errors;
}
