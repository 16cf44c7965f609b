/**
 * @module cluster/crd-schema-validate
 * A custom resource checked against its CRD version's OpenAPI schema as 1.32 does on create and
 * update: kube-openapi's SchemaValidator (pkg/validation/validate: schema.go's validator order
 * type, string, format, number, slice, enum, object; type.go, validator.go, slice_validator.go,
 * object_validator.go, values.go; messages of pkg/validation/errors/schema.go), its errors turned
 * into a field.ErrorList by apiextensions' kubeOpenAPIResultToFieldErrors (apiserver/validation/
 * validation.go, the 1.28+ version with ratcheting; messages checked against its validation_test.go
 * @4ed16993), then x-kubernetes-list-type set/map uniqueness (schema/listtype).
 * Shapes, all with 1.32's wording, e.g. for a create of Widget "w1":
 *   spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"
 *     (field.TypeInvalid; the value printed is the JSON type found, not the value)
 *   spec.size: Required value
 *   spec.color: Unsupported value: "pink": supported values: "red", "blue"
 *   spec.name: Too long: may not be more than 5 bytes (maxLength counts characters)
 *   spec.list: Too many: 3: must have at most 2 items (maxItems, and maxProperties alike)
 *   spec.count: Invalid value: 11: spec.count in body should be less than or equal to 10
 *   <nil>: Invalid value: "": "spec.source" must validate one and only one schema (oneOf). Found none valid
 *     (allOf/anyOf/oneOf/not: schema_props.go; errors.New, not a Validation, so the field is a nil
 *     path's "<nil>"; the failed branch with the most passed checks — kube-openapi's MatchCount,
 *     counted here as its validators count — adds its own errors after; repeated texts once)
 * On an update, a value left as it was (correlated as crd-cel-ratchet says) keeps its errors out
 * (RatchetingSchemaValidator: CRDValidationRatcheting, on in 1.32).
 * Left out: x-kubernetes-validations (CEL: crd-cel), embedded resources' apiVersion/kind/metadata checks (schema/objectmeta Validate), and the order
 * Go's map iteration gives: errors of sibling properties come here in the schema's order.
 */
import type { JSONSchemaProps } from "kubernetes-types/apiextensions/v1.js";
import type { FieldError } from "./status.js";
import { additional, isObject, itemsOf, node, property, type CrdSchema } from "./crd-schema-node.js";
import { formatValid, supportedFormat } from "./crd-schema-formats.js";
import { goPattern } from "./crd-schema-regexp.js";
import { goFieldValue, goFloat, goJson, goNumber, goQuote, isGoInt } from "./crd-schema-go.js";
import { listTypeErrors } from "./crd-schema-listtype.js";
import { junctorResult } from "./crd-schema-junctors.js";
import { oldItems, ratchetedResult } from "./crd-cel-ratchet.js";

/** A CR's schema error (its types include `TooMany` and `TypeInvalid`). */
export type SchemaFieldError = FieldError;

/** A kube-openapi error: an errors.Validation (its code, Name — the dotted path —, Value, Valid and message) or a junctor's (`composite`). */
export interface Problem {
  code: "type" | "required" | "tooLong" | "enum" | "maxItems" | "maxProperties" | "composite" | "other";
  name: string;
  message: string;
  value?: unknown;
  valid?: number;
  values?: unknown[];
}

/** A validate.Result: the errors and the MatchCount (checks passed) that picks a junctor's best failed branch. */
export interface Result {
  problems: Problem[];
  count: number;
}

/**
 * The schema errors of `obj`, in 1.32's words and field paths; on an update (`old`, the stored
 * object), none of a value left as it was (ratcheting: crd-cel-ratchet's `ratchetedResult`).
 *
 * @example
 * schemaErrors({ type: "object", properties: { spec: { type: "object", required: ["size"] } } }, { spec: {} });
 * // [{ type: "Required", field: "spec.size" }]
 */
export function schemaErrors(schema: JSONSchemaProps, obj: Record<string, any>, old?: Record<string, any>): SchemaFieldError[] {
  const root = node(schema) ?? {};
  // An update's list-type errors only when the stored object had none (the strategy's ValidateListSetsAndMaps).
  const listTypes = old && listTypeErrors(root, old).length > 0 ? [] : listTypeErrors(root, obj);
  return [...distinct(validate(root, obj, "", old).problems).map(toFieldError), ...listTypes];
}

/** Result.AddErrors keeps one error of each text. */
function distinct(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const text = `${p.code}\0${p.name}\0${p.message}\0${p.code === "enum" ? goJson(p.values) : ""}`;
    return seen.has(text) ? false : (seen.add(text), true);
  });
}

type Kind = "boolean" | "string" | "integer" | "number" | "array" | "object";

const kindOf = (v: unknown): Kind =>
  typeof v === "boolean" ? "boolean" : typeof v === "string" ? "string" : typeof v === "number" ? (isGoInt(v) ? "integer" : "number") : Array.isArray(v) ? "array" : "object";

const inBody = (name: string) => `${name} in body`;

/**
 * SchemaValidator.Validate at `path` (kube-openapi's Path: `spec.items[0].name`, maps' keys
 * joined by `.`). The count is its MatchCount: one for each validator that applies, one more for
 * a valid type and for the number validator, the junctors' and nested values' counts, one at the end.
 */
function validate(s: CrdSchema, data: unknown, path: string, old?: unknown): Result {
  const types = s["x-kubernetes-int-or-string"] ? ["integer", "string"] : s.type ? [s.type] : [];
  const format = supportedFormat(s.format);
  if (data === null || data === undefined) {
    // The type validator, called without its Applies check, then the enum's.
    const invalid = types.length && !types.includes("null") && !s.nullable;
    return { problems: [...(invalid ? [typeError(path, types.join(","), "null")] : []), ...enumProblems(s, null, path)], count: invalid ? 0 : 1 };
  }
  const kind = kindOf(data);
  const out: Problem[] = [];
  let count = 1;
  if (types.length || format) {
    const typed = typeProblems(types, format, kind, data, path);
    out.push(...typed);
    count += typed.length ? 1 : 2;
  }
  const junctors = junctorResult(s, data, path, (b, d, p) => validate(b, d, p, old));
  out.push(...junctors.problems);
  count += junctors.count + 1;
  if (kind === "string") {
    out.push(...stringProblems(s, data as string, path));
    count += 1;
    if (format) {
      if (!formatValid(format, data as string)) out.push(typeError(path, format, data as string));
      count += 1;
    }
  }
  if (kind === "integer" || kind === "number") {
    out.push(...numberProblems(s, data as number, path));
    count += 2;
  }
  if (kind === "array") {
    const slice = sliceResult(s, data as unknown[], path, old);
    out.push(...slice.problems);
    count += slice.count + 1;
  }
  out.push(...enumProblems(s, data, path));
  count += 1;
  if (kind === "object") {
    const object = objectResult(s, data as Record<string, unknown>, path, old);
    out.push(...object.problems);
    count += object.count + 1;
  }
  return { problems: out, count };
}

/** errors.InvalidType with a string value: `name in body must be of type T: "v"`. */
const typeError = (path: string, type: string, found: string): Problem => ({
  code: "type",
  name: path,
  value: found,
  message: `${inBody(path)} must be of type ${type}: ${goQuote(found)}`,
});

/** typeValidator: the JSON type (and Go format) found against `type` and `format`. */
function typeProblems(types: string[], format: string, kind: Kind, data: unknown, path: string): Problem[] {
  const goFormat = kind === "integer" ? "int64" : kind === "number" ? "float64" : "";
  const floatInt = kind === "number" && jsonInteger(data as number) && types.includes("integer");
  const intFloat = kind === "integer" && types.includes("number");
  if (kind !== "string" && kind !== "array" && format && !(types.includes(kind) || goFormat === format || floatInt || intFloat)) {
    return [typeError(path, format, goFormat)];
  }
  if (!(types.includes("number") || types.includes("integer")) && format && (kind === "string" || kind === "array")) return [];
  return types.includes(kind) || floatInt || intFloat ? [] : [typeError(path, types.join(","), kind)];
}

/** stringValidator: maxLength, minLength (in characters), pattern; the first failure only. */
function stringProblems(s: CrdSchema, data: string, path: string): Problem[] {
  const length = [...data].length;
  if (s.maxLength !== undefined && length > s.maxLength) {
    return [{ code: "tooLong", name: path, value: data, valid: s.maxLength, message: `${inBody(path)} should be at most ${s.maxLength} chars long` }];
  }
  if (s.minLength !== undefined && length < s.minLength) {
    return [{ code: "other", name: path, value: data, message: `${inBody(path)} should be at least ${s.minLength} chars long` }];
  }
  if (s.pattern && goPattern(s.pattern)?.test(data) === false) {
    return [{ code: "other", name: path, value: data, message: `${inBody(path)} should match '${s.pattern}'` }];
  }
  return [];
}

/** numberValidator: multipleOf, minimum, maximum, an int64 against int64(bound), a float64 against the bound. */
function numberProblems(s: CrdSchema, data: number, path: string): Problem[] {
  const int = isGoInt(data);
  const bound = (b: number) => (int ? goNumber(Math.trunc(b)) : goFloat(b));
  const at = (message: string): Problem => ({ code: "other", name: path, value: data, message: `${inBody(path)} ${message}` });
  const out: Problem[] = [];
  if (s.multipleOf !== undefined) {
    const factor = int ? Math.trunc(s.multipleOf) : s.multipleOf;
    if (factor < 0) out.push({ code: "other", name: path, value: factor, message: `factor MultipleOf declared for ${path} must be positive: ${bound(factor)}` });
    else if (factor !== 0 && !(int ? data % factor === 0 : jsonInteger(factor < 1 ? (1 / factor) * data : data / factor))) {
      out.push(at(`should be a multiple of ${bound(factor)}`));
    }
  }
  if (s.minimum !== undefined) {
    const min = int ? Math.trunc(s.minimum) : s.minimum;
    if (s.exclusiveMinimum ? data <= min : data < min) out.push(at(`should be greater than${s.exclusiveMinimum ? "" : " or equal to"} ${bound(min)}`));
  }
  if (s.maximum !== undefined) {
    const max = int ? Math.trunc(s.maximum) : s.maximum;
    if (s.exclusiveMaximum ? data >= max : data > max) out.push(at(`should be less than${s.exclusiveMaximum ? "" : " or equal to"} ${bound(max)}`));
  }
  return out;
}

/** schemaSliceValidator: the items first, then minItems, maxItems, uniqueItems. */
function sliceResult(s: CrdSchema, data: unknown[], path: string, old: unknown): Result {
  const items = itemsOf(s);
  const olds = oldItems(s, data, old);
  const results = items ? data.map((v, i) => ratchetedResult(items, v, olds[i], validate(items, v, `${path}[${i}]`, olds[i]))) : [];
  const out = results.flatMap((r) => r.problems);
  if (s.minItems !== undefined && data.length < s.minItems) {
    out.push({ code: "other", name: path, value: data.length, message: `${inBody(path)} should have at least ${s.minItems} items` });
  }
  if (s.maxItems !== undefined && data.length > s.maxItems) {
    out.push({ code: "maxItems", name: path, value: data.length, valid: s.maxItems, message: `${inBody(path)} should have at most ${s.maxItems} items` });
  }
  if (s.uniqueItems && data.some((v, i) => data.slice(0, i).some((u) => goJson(u) === goJson(v)))) {
    out.push({ code: "other", name: path, message: `${inBody(path)} shouldn't contain duplicates` });
  }
  return { problems: out, count: results.reduce((n, r) => n + r.count, 1) };
}

/** basicCommonValidator: the value must equal an enum value, after Go's reflect conversion to that value's type. */
function enumProblems(s: CrdSchema, data: unknown, path: string): Problem[] {
  const values = s.enum ?? [];
  if (!values.length || (data !== null && values.some((e) => enumMatch(data, e)))) return [];
  return [{ code: "enum", name: path, value: data, values, message: "" }];
}

function enumMatch(data: unknown, e: unknown): boolean {
  if (e === null || e === undefined) return false;
  if (typeof e === "string") {
    // An integer converts to the string of its rune (Go's string(rune)).
    if (typeof data === "number" && isGoInt(data)) return String.fromCodePoint(data >= 0 && data <= 0x10ffff && (data < 0xd800 || data > 0xdfff) ? data : 0xfffd) === e;
    return data === e;
  }
  if (typeof e === "number") {
    if (typeof data !== "number") return false;
    return isGoInt(e) ? Math.trunc(data) === e : data === e;
  }
  if (typeof e === "boolean") return data === e;
  return typeof data === "object" && goJson(data) === goJson(e) && Array.isArray(data) === Array.isArray(e);
}

/** objectValidator: min/maxProperties (stopping there), additionalProperties, properties, then required. */
function objectResult(s: CrdSchema, data: Record<string, unknown>, path: string, old: unknown): Result {
  const keys = Object.keys(data).length;
  if (s.minProperties !== undefined && keys < s.minProperties) {
    return { problems: [{ code: "other", name: path, value: keys, message: `${inBody(path)} should have at least ${s.minProperties} properties` }], count: 0 };
  }
  if (s.maxProperties !== undefined && keys > s.maxProperties) {
    return { problems: [{ code: "maxProperties", name: path, value: keys, valid: s.maxProperties, message: `${inBody(path)} should have at most ${s.maxProperties} properties` }], count: 0 };
  }
  const out: Problem[] = [];
  let count = 0;
  const merge = (r: Result) => {
    out.push(...r.problems);
    count += r.count;
  };
  const ap = additional(s).schema;
  const before = (k: string) => (isObject(old) && Object.hasOwn(old, k) && !(path === "" && (k === "kind" || k === "apiVersion")) ? old[k] : undefined);
  const field = (child: CrdSchema, k: string, at: string) => ratchetedResult(child, data[k], before(k), validate(child, data[k], at, before(k)));
  if (ap) for (const k of Object.keys(data)) if (!property(s, k)) merge(field(ap, k, `${path}.${k}`));
  for (const k of Object.keys(s.properties ?? {})) {
    if (Object.prototype.hasOwnProperty.call(data, k)) merge(field(property(s, k)!, k, path ? `${path}.${k}` : k));
  }
  for (const k of s.required ?? []) {
    if (!Object.prototype.hasOwnProperty.call(data, k)) out.push({ code: "required", name: `${path}.${k}`, message: `${inBody(`${path}.${k}`)} is required` });
  }
  return { problems: out, count };
}

/** swag.IsFloat64AJSONInteger: whole within 1e-9 (relative to the truncated value), within ±(2^53-1). */
function jsonInteger(f: number): boolean {
  if (!Number.isFinite(f) || Math.abs(f) > 2 ** 53 - 1) return false;
  if (Number.isInteger(f)) return true;
  const g = Math.trunc(f);
  if (g === 0) return false;
  return Math.abs(f - g) / (Math.abs(f) + Math.abs(g)) < 1e-9;
}

/** kubeOpenAPIResultToFieldErrors, with 1.32's field.TooLong and field.TooMany wording. */
function toFieldError(p: Problem): SchemaFieldError {
  const field = p.name.replace(/^\./, "");
  const value = () => goFieldValue(p.value ?? "");
  switch (p.code) {
    case "required":
      return { type: "Required", field };
    case "enum":
      return { type: "NotSupported", field, ...goFieldValue(p.value), supported: p.values!.map((v) => (typeof v === "string" ? v : goJson(v))) };
    case "tooLong":
      return { type: "TooLong", field, detail: `may not be more than ${p.valid} ${p.valid === 1 ? "byte" : "bytes"}` };
    case "maxItems":
    case "maxProperties":
      return { type: "TooMany", field, value: p.value, detail: `must have at most ${p.valid} ${p.valid === 1 ? "item" : "items"}` };
    case "type":
      return { type: "TypeInvalid", field, ...value(), detail: p.message };
    case "composite":
      // Not an errors.Validation: field.Invalid at the validator's nil path, with "" as the value.
      return { type: "Invalid", field: "<nil>", value: "", detail: p.message };
    default:
      return { type: "Invalid", field, ...value(), detail: p.message };
  }
}
