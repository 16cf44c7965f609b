/**
 * @module cluster/crd-schema-node
 * One node of a CRD version's `openAPIV3Schema` as apiextensions-apiserver's structural schema
 * (pkg/apiserver/schema.Structural) reads it: its properties, `additionalProperties`, `items`
 * and the `x-kubernetes-*` extensions, which kubernetes-types' JSONSchemaProps does not declare.
 * Shared by `crd-schema-prune`, `crd-schema-default` and `crd-schema-validate`.
 */
import type { JSONSchemaProps } from "kubernetes-types/apiextensions/v1.js";

/** JSONSchemaProps with the vendor extensions a CRD schema may carry. */
export type CrdSchema = JSONSchemaProps & {
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-list-type"?: string;
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-map-type"?: string;
  "x-kubernetes-validations"?: unknown[];
};

export type Obj = Record<string, any>;

/** A JSON object (not an array, not null). */
export const isObject = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

export const node = (s: JSONSchemaProps | undefined): CrdSchema | undefined => s as CrdSchema | undefined;

/** The schema of property `k`, if `s` declares it. */
export function property(s: CrdSchema, k: string): CrdSchema | undefined {
  const props = s.properties;
  return props && Object.prototype.hasOwnProperty.call(props, k) ? node(props[k]) : undefined;
}

/**
 * `additionalProperties`: absent (`present: false`), or present with its schema (`undefined`
 * when it is a boolean, which Structural keeps as a nil schema).
 */
export function additional(s: CrdSchema): { present: boolean; schema?: CrdSchema } {
  const ap = s.additionalProperties;
  if (ap === undefined || ap === null) return { present: false };
  return typeof ap === "boolean" ? { present: true } : { present: true, schema: node(ap) };
}

/** `items` as a single schema (a CRD may not use the array form). */
export function itemsOf(s: CrdSchema): CrdSchema | undefined {
  const it = s.items;
  return it && !Array.isArray(it) ? node(it) : undefined;
}

/** The schema a map key `k` follows: its property, else `additionalProperties` (getSchemaForField). */
export function fieldSchema(s: CrdSchema | undefined, k: string): CrdSchema | undefined {
  if (!s) return undefined;
  return property(s, k) ?? additional(s).schema;
}

/** Go's byte-wise string order (sort.Strings on UTF-8), which JavaScript's default sort differs from above U+FFFF. */
export function goCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** A deep copy of a JSON value (runtime.DeepCopyJSONValue). */
export const copyJson = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
