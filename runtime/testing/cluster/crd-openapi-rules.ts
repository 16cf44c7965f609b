/**
 * @module cluster/crd-openapi-rules
 * Rules of ValidateCustomResourceDefinitionOpenAPISchema (apiextensions-apiserver
 * pkg/apis/apiextensions/validation/validation.go, 1.32) on every schema node, in its walk's
 * order (a node's `uniqueItems` and `additionalProperties` before its children, the extensions
 * after them):
 * - `uniqueItems: true` is Forbidden (quadratic to check);
 * - `additionalProperties` (false or a schema) beside `properties` is Forbidden;
 * - `x-kubernetes-preserve-unknown-fields: false` is Invalid (true or unset only);
 * - `x-kubernetes-map-type` needs `type: object` and is `atomic` or `granular`;
 * - `x-kubernetes-list-type` needs `type: array`.
 * The list types' own rules are crd-validation's listTypeErrors.
 */
import type { FieldError } from "./status.js";

type Obj = Record<string, any>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** The node's rules before its children are walked. */
function before(s: Obj, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (s.uniqueItems === true) errors.push({ type: "Forbidden", field: `${path}.uniqueItems`, detail: "uniqueItems cannot be set to true since the runtime complexity becomes quadratic" });
  const additional = s.additionalProperties;
  const hasProperties = isObj(s.properties) && Object.keys(s.properties).length > 0;
  if (hasProperties && (additional === false || isObj(additional))) {
    errors.push({ type: "Forbidden", field: `${path}.additionalProperties`, detail: "additionalProperties and properties are mutual exclusive" });
  }
  return errors;
}

/** The node's rules after its children. */
function after(s: Obj, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (s["x-kubernetes-preserve-unknown-fields"] === false) errors.push({ type: "Invalid", field: `${path}.x-kubernetes-preserve-unknown-fields`, value: false, detail: "must be true or undefined" });
  const mapType = s["x-kubernetes-map-type"];
  if (mapType !== undefined && mapType !== null) {
    const detail = "must be object if x-kubernetes-map-type is specified";
    if (s.type !== "object") errors.push(s.type ? { type: "Invalid", field: `${path}.type`, value: s.type, detail } : { type: "Required", field: `${path}.type`, detail });
    if (mapType !== "atomic" && mapType !== "granular") errors.push({ type: "NotSupported", field: `${path}.x-kubernetes-map-type`, value: mapType, supported: ["atomic", "granular"] });
  }
  const listType = s["x-kubernetes-list-type"];
  if (listType !== undefined && listType !== null && s.type !== "array") {
    const detail = "must be array if x-kubernetes-list-type is specified";
    errors.push(s.type ? { type: "Invalid", field: `${path}.type`, value: s.type, detail } : { type: "Required", field: `${path}.type`, detail });
  }
  return errors;
}

/** The rules above over every node of the schema at `at`, junctors, definitions and dependencies included. */
export function openAPIRuleErrors(schema: Obj, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const walk = (s: unknown, path: string) => {
    if (!isObj(s)) return;
    errors.push(...before(s, path));
    walk(s.additionalProperties, `${path}.additionalProperties`);
    for (const [name, prop] of Object.entries(isObj(s.properties) ? s.properties : {})) walk(prop, `${path}.properties[${name}]`);
    walk(s.not, `${path}.not`);
    for (const junctor of ["allOf", "oneOf", "anyOf"]) if (Array.isArray(s[junctor])) s[junctor].forEach((j: unknown, i: number) => walk(j, `${path}.${junctor}[${i}]`));
    for (const [name, def] of Object.entries(isObj(s.definitions) ? s.definitions : {})) walk(def, `${path}.definitions[${name}]`);
    if (isObj(s.items)) walk(s.items, `${path}.items`);
    else if (Array.isArray(s.items)) s.items.forEach((item: unknown, i: number) => walk(item, `${path}.items[${i}]`));
    for (const [name, dep] of Object.entries(isObj(s.dependencies) ? s.dependencies : {})) walk(dep, `${path}.dependencies[${name}]`);
    errors.push(...after(s, path));
  };
  walk(schema, at);
  return errors;
}
