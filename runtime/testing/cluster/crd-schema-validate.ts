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
 * Left out: allOf/anyOf/oneOf/not (kube-openapi's MatchCount selection), x-kubernetes-validations
 * (CEL), validation ratcheting of unchanged fields on update (CRDValidationRatcheting, on in 1.32),
 * embedded resources' apiVersion/kind/metadata checks (schema/objectmeta Validate), and the order
 * Go's map iteration gives: errors of sibling properties come here in the schema's order.
 */
import type { JSONSchemaProps } from "kubernetes-types/apiextensions/v1.js";
import type { FieldError } from "./status.js";
import { additional, itemsOf, node, property, type CrdSchema } from "./crd-schema-node.js";
import { formatValid, goPattern, supportedFormat } from "./crd-schema-formats.js";
import { goFieldValue, goFloat, goJson, goNumber, goQuote, isGoInt } from "./crd-schema-go.js";
import { listTypeErrors } from "./crd-schema-listtype.js";

/** A CR's schema error (its types include `TooMany` and `TypeInvalid`). */
export type SchemaFieldError = FieldError;

/** A kube-openapi errors.Validation: its code, Name (the dotted path), Value, Valid and message. */
interface Problem {
  code: "type" | "required" | "tooLong" | "enum" | "maxItems" | "maxProperties" | "other";
  name: string;
  message: string;
  value?: unknown;
  valid?: number;
  values?: unknown[];
}

/**
 * The schema errors of `obj`, in 1.32's words and field paths.
 *
 * @example
 * schemaErrors({ type: "object", properties: { spec: { type: "object", required: ["size"] } } }, { spec: {} });
 * // [{ type: "Required", field: "spec.size" }]
 */
export function schemaErrors(schema: JSONSchemaProps, obj: Record<string, any>): SchemaFieldError[] {
  const root = node(schema) ?? {};
  return [...validate(root, obj, "").map(toFieldError), ...listTypeErrors(root, obj)];
}

type Kind = "boolean" | "string" | "integer" | "number" | "array" | "object";

const kindOf = (v: unknown): Kind =>
  typeof v === "boolean" ? "boolean" : typeof v === "string" ? "string" : typeof v === "number" ? (isGoInt(v) ? "integer" : "number") : Array.isArray(v) ? "array" : "object";

const inBody = (name: string) => `${name} in body`;

/** SchemaValidator.Validate at `path` (kube-openapi's Path: `spec.items[0].name`, maps' keys joined by `.`). */
function validate(s: CrdSchema, data: unknown, path: string): Problem[] {
  const types = s["x-kubernetes-int-or-string"] ? ["integer", "string"] : s.type ? [s.type] : [];
  const format = supportedFormat(s.format);
  if (data === null || data === undefined) {
    const out: Problem[] = [];
    // The type validator, called without its Applies check, then the enum's.
    if (types.length && !types.includes("null") && !s.nullable) out.push(typeError(path, types.join(","), "null"));
    return [...out, ...enumProblems(s, null, path)];
  }
  const kind = kindOf(data);
  const out: Problem[] = [];
  if (types.length || format) out.push(...typeProblems(types, format, kind, data, path));
  if (kind === "string") out.push(...stringProblems(s, data as string, path));
  if (kind === "string" && format && !formatValid(format, data as string)) out.push(typeError(path, format, data as string));
  if (kind === "integer" || kind === "number") out.push(...numberProblems(s, data as number, path));
  if (kind === "array") out.push(...sliceProblems(s, data as unknown[], path));
  out.push(...enumProblems(s, data, path));
  if (kind === "object") out.push(...objectProblems(s, data as Record<string, unknown>, path));
  return out;
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
function sliceProblems(s: CrdSchema, data: unknown[], path: string): Problem[] {
  const items = itemsOf(s);
  const out = items ? data.flatMap((v, i) => validate(items, v, `${path}[${i}]`)) : [];
  if (s.minItems !== undefined && data.length < s.minItems) {
    out.push({ code: "other", name: path, value: data.length, message: `${inBody(path)} should have at least ${s.minItems} items` });
  }
  if (s.maxItems !== undefined && data.length > s.maxItems) {
    out.push({ code: "maxItems", name: path, value: data.length, valid: s.maxItems, message: `${inBody(path)} should have at most ${s.maxItems} items` });
  }
  if (s.uniqueItems && data.some((v, i) => data.slice(0, i).some((u) => goJson(u) === goJson(v)))) {
    out.push({ code: "other", name: path, message: `${inBody(path)} shouldn't contain duplicates` });
  }
  return out;
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
function objectProblems(s: CrdSchema, data: Record<string, unknown>, path: string): Problem[] {
  const count = Object.keys(data).length;
  if (s.minProperties !== undefined && count < s.minProperties) {
    return [{ code: "other", name: path, value: count, message: `${inBody(path)} should have at least ${s.minProperties} properties` }];
  }
  if (s.maxProperties !== undefined && count > s.maxProperties) {
    return [{ code: "maxProperties", name: path, value: count, valid: s.maxProperties, message: `${inBody(path)} should have at most ${s.maxProperties} properties` }];
  }
  const out: Problem[] = [];
  const ap = additional(s).schema;
  if (ap) for (const [k, v] of Object.entries(data)) if (!property(s, k)) out.push(...validate(ap, v, `${path}.${k}`));
  for (const k of Object.keys(s.properties ?? {})) {
    if (Object.prototype.hasOwnProperty.call(data, k)) out.push(...validate(property(s, k)!, data[k], path ? `${path}.${k}` : k));
  }
  for (const k of s.required ?? []) {
    if (!Object.prototype.hasOwnProperty.call(data, k)) out.push({ code: "required", name: `${path}.${k}`, message: `${inBody(`${path}.${k}`)} is required` });
  }
  return out;
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
    default:
      return { type: "Invalid", field, ...value(), detail: p.message };
  }
}
