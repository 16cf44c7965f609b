/**
 * @module cluster/crd-structural-junctors
 * What validateStructural says about a CRD version schema's value validations (`allOf`,
 * `anyOf`, `oneOf`, `not`), from apiextensions-apiserver pkg/apiserver/schema:
 * - validation.go's validateValueValidation and validateNestedValueValidation, for the junctors
 *   of every structural node: a junctor may restrict values, not say what the structure is
 *   (`type`, `additionalProperties`, `default`, `title`, `description`, `nullable`,
 *   `externalDocs`, the `x-kubernetes-*` extensions, `metadata`: Forbidden, "must be ... to be
 *   structural"); the two int-or-string forms controller-gen writes (`anyOf: [{type: integer},
 *   {type: string}]`, or that `anyOf` as the first `allOf`) are let through;
 * - complete.go's validateStructuralCompleteness, for the root's junctors only (as it is
 *   written): a property they name must be specified outside them ("Required value: because
 *   it is defined in ...").
 * Paths are field.Path's: `<at>.properties[spec].oneOf[0].type`. Not checked: a junctor's
 * `pattern` compiling as Go's regexp (its error text is Go's parser's).
 */
import type { FieldError } from "./status.js";

type Obj = Record<string, any>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** What a junctor may not say, each with the word 1.32's message uses. */
const FORBIDDEN: ReadonlyArray<[field: string, present: (v: unknown) => boolean, must: string]> = [
  ["type", (v) => typeof v === "string" && v !== "", "must be empty to be structural"],
  ["additionalProperties", (v) => v !== undefined && v !== null, "must be undefined to be structural"],
  ["default", (v) => v !== undefined && v !== null, "must be undefined to be structural"],
  ["title", (v) => typeof v === "string" && v !== "", "must be empty to be structural"],
  ["description", (v) => typeof v === "string" && v !== "", "must be empty to be structural"],
  ["nullable", (v) => v === true, "must be false to be structural"],
  ["externalDocs", (v) => v !== undefined && v !== null, "must be undefined to be structural"],
  ["x-kubernetes-preserve-unknown-fields", (v) => v === true, "must be false to be structural"],
  ["x-kubernetes-embedded-resource", (v) => v === true, "must be false to be structural"],
  ["x-kubernetes-int-or-string", (v) => v === true, "must be false to be structural"],
  ["x-kubernetes-list-map-keys", (v) => Array.isArray(v) && v.length > 0, "must be empty to be structural"],
  ["x-kubernetes-list-type", (v) => v !== undefined && v !== null, "must be undefined to be structural"],
  ["x-kubernetes-map-type", (v) => v !== undefined && v !== null, "must be undefined to be structural"],
  ["x-kubernetes-validations", (v) => Array.isArray(v) && v.length > 0, "must be empty to be structural"],
];

/** `anyOf: [{type: integer}, {type: string}]` and nothing else in either branch. */
function isIntOrStringAnyOf(anyOf: unknown): boolean {
  if (!Array.isArray(anyOf) || anyOf.length !== 2) return false;
  return anyOf.every((branch, i) => isObj(branch) && Object.keys(branch).length === 1 && branch.type === (i === 0 ? "integer" : "string"));
}

const branches = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

/**
 * The structural rules' errors for the junctors of `schema` (a version's `openAPIV3Schema` at
 * field path `at`), unsorted: validateStructural sorts every error it makes by its text.
 *
 * @example
 * junctorErrors({ type: "object", properties: { spec: { type: "object", oneOf: [{ type: "object" }] } } }, "spec.validation.openAPIV3Schema");
 * // [{ type: "Forbidden", field: "spec.validation.openAPIV3Schema.properties[spec].oneOf[0].type", detail: "must be empty to be structural" }]
 */
export function junctorErrors(schema: Obj, at: string): FieldError[] {
  const errors: FieldError[] = [];

  const valueValidation = (v: Obj, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, path: string): void => {
    if (!skipAnyOf) branches(v.anyOf).forEach((b, i) => nested(b, false, `${path}.anyOf[${i}]`));
    branches(v.allOf).forEach((b, i) => nested(b, skipFirstAllOfAnyOf && i === 0, `${path}.allOf[${i}]`));
    branches(v.oneOf).forEach((b, i) => nested(b, false, `${path}.oneOf[${i}]`));
    if (isObj(v.not)) nested(v.not, false, `${path}.not`);
  };

  const nested = (v: Obj, skipAnyOf: boolean, path: string): void => {
    valueValidation(v, skipAnyOf, false, path);
    if (isObj(v.items)) nested(v.items, false, `${path}.items`);
    for (const [k, p] of Object.entries(isObj(v.properties) ? v.properties : {})) if (isObj(p)) nested(p, false, `${path}.properties[${k}]`);
    for (const [key, present, must] of FORBIDDEN) if (present(v[key])) errors.push({ type: "Forbidden", field: `${path}.${key}`, detail: must });
    if (isObj(v.properties) && Object.prototype.hasOwnProperty.call(v.properties, "metadata")) errors.push({ type: "Forbidden", field: `${path}.properties[metadata]`, detail: "must not be specified in a nested context" });
  };

  const structural = (s: Obj, path: string): void => {
    const allOf = branches(s.allOf);
    valueValidation(s, isIntOrStringAnyOf(s.anyOf), allOf.length > 0 && isIntOrStringAnyOf(allOf[0]!.anyOf), path);
    for (const [k, p] of Object.entries(isObj(s.properties) ? s.properties : {})) if (isObj(p)) structural(p, `${path}.properties[${k}]`);
    if (isObj(s.items)) structural(s.items, `${path}.items`);
    if (isObj(s.additionalProperties)) structural(s.additionalProperties, `${path}.additionalProperties`);
  };

  const required = (sPath: string, vPath: string): void => {
    errors.push({ type: "Required", field: sPath, detail: `because it is defined in ${vPath}` });
  };

  const completeness = (v: Obj, s: Obj | undefined, sPath: string, vPath: string): void => {
    if (!s) return required(sPath, vPath);
    if (isObj(v.not)) nestedCompleteness(v.not, s, sPath, `${vPath}.not`);
    branches(v.allOf).forEach((b, i) => nestedCompleteness(b, s, sPath, `${vPath}.allOf[${i}]`));
    branches(v.anyOf).forEach((b, i) => nestedCompleteness(b, s, sPath, `${vPath}.anyOf[${i}]`));
    branches(v.oneOf).forEach((b, i) => nestedCompleteness(b, s, sPath, `${vPath}.oneOf[${i}]`));
  };

  const nestedCompleteness = (v: Obj | undefined, s: Obj | undefined, sPath: string, vPath: string): void => {
    if (!v) return;
    if (!s) return required(sPath, vPath);
    completeness(v, s, sPath, vPath);
    nestedCompleteness(isObj(v.items) ? v.items : undefined, isObj(s.items) ? s.items : undefined, `${sPath}.items`, `${vPath}.items`);
    const known = isObj(s.properties) ? s.properties : {};
    for (const [k, p] of Object.entries(isObj(v.properties) ? v.properties : {})) {
      if (!isObj(p)) continue;
      if (!Object.prototype.hasOwnProperty.call(known, k)) required(`${sPath}.properties[${k}]`, `${vPath}.properties[${k}]`);
      else nestedCompleteness(p, known[k], `${sPath}.properties[${k}]`, `${vPath}.properties[${k}]`);
    }
  };

  structural(schema, at);
  completeness(schema, schema, at, at);
  return errors;
}
