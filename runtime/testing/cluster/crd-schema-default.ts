/**
 * @module cluster/crd-schema-default
 * Structural defaulting as 1.32 applies it to a custom resource after decoding (and to stored
 * objects when read): schema/defaulting/algorithm.go `Default`. At each object node, first every
 * property with a `default` that is absent (or null where the property is not nullable) gets a
 * deep copy of it, then the walk descends into every field, newly defaulted ones included, so a
 * defaulted object receives its own properties' defaults. An `additionalProperties` value or an
 * array item that is null where its schema is not nullable takes the schema's default. Nulls the
 * schema neither allows nor defaults were already removed by `crd-schema-prune`.
 * Source: kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting/algorithm.go @94341df3.
 */
import type { JSONSchemaProps } from "kubernetes-types/apiextensions/v1.js";
import { additional, copyJson, isObject, itemsOf, node, property, type CrdSchema } from "./crd-schema-node.js";

/** A schema node's default, if it has one (a JSON null default is no default: Default.Object is nil). */
const defaultOf = (s: CrdSchema | undefined): unknown => (s?.default === null ? undefined : s?.default);

/** isNonNullableNull: null where the schema is not nullable. */
const nonNullableNull = (v: unknown, s: CrdSchema | undefined) => v === null && s !== undefined && !s.nullable;

/**
 * Applies the schema's `default`s to `obj` in place.
 *
 * @example
 * const obj = { spec: {} };
 * applyDefaults({ type: "object", properties: { spec: { type: "object", properties: { replicas: { type: "integer", default: 1 } } } } }, obj);
 * // obj is { spec: { replicas: 1 } }
 */
export function applyDefaults(schema: JSONSchemaProps, obj: Record<string, any>): void {
  defaults(obj, node(schema));
}

function defaults(x: unknown, s: CrdSchema | undefined): void {
  if (!s) return;
  if (Array.isArray(x)) {
    const items = itemsOf(s);
    x.forEach((v, i) => {
      if (nonNullableNull(v, items)) x[i] = copyJson(defaultOf(items)) ?? null;
      defaults(x[i], items);
    });
    return;
  }
  if (!isObject(x)) return;
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    const d = defaultOf(node(prop));
    if (d === undefined) continue;
    if (!Object.prototype.hasOwnProperty.call(x, k) || nonNullableNull(x[k], node(prop))) x[k] = copyJson(d);
  }
  const ap = additional(s);
  for (const k of Object.keys(x)) {
    const prop = property(s, k);
    if (prop) defaults(x[k], prop);
    else if (ap.present) {
      if (nonNullableNull(x[k], ap.schema)) x[k] = copyJson(defaultOf(ap.schema)) ?? null;
      defaults(x[k], ap.schema);
    }
  }
}
