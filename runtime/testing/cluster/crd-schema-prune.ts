/**
 * @module cluster/crd-schema-prune
 * What 1.32's CR decoder does to a custom resource before anything else sees it
 * (customresource_handler.go, unstructuredSchemaCoercer.apply), in its order:
 * 1. The root `metadata` is decoded into ObjectMeta (schema/objectmeta GetObjectMetaWithOptions
 *    with ReturnUnknownFieldPaths): fields ObjectMeta lacks are dropped and reported as
 *    `metadata.x` (`metadata.ownerReferences[0].x`), in the order Go's strict decoder meets them
 *    (json.Marshal sorts map keys). The schema never prunes the root metadata.
 * 2. Structural pruning (schema/pruning PruneWithOptions, the root treated as an embedded
 *    resource): a field neither in `properties` nor under `additionalProperties` is dropped,
 *    unless `x-kubernetes-preserve-unknown-fields` keeps it; nodes under a preserving node are
 *    still pruned by their own schema (and array items of a preserving node preserve too);
 *    `apiVersion`, `kind` and `metadata` of an `x-kubernetes-embedded-resource` are left alone.
 *    Paths (`spec.foo`, `spec.items[0].bar`) are sorted as sort.Strings sorts them.
 * 3. Nulls in non-nullable fields without a default are removed (schema/defaulting
 *    PruneNonNullableNullsWithoutDefaults); not reported.
 * 4. An embedded resource's `metadata` is decoded into ObjectMeta (schema/objectmeta
 *    CoerceWithOptions): unknown fields dropped and reported (`spec.template.metadata.x`, sorted),
 *    empty fields dropped as ObjectMeta's `omitempty` drops them, a null `creationTimestamp` removed.
 * Sources: kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver pkg/apiserver/schema
 * (pruning/algorithm.go with UnknownFieldPathOptions, objectmeta/coerce.go and algorithm.go,
 * defaulting/prunenulls.go) and test/integration/apiserver/field_validation_test.go @6f137b77.
 */
import type { JSONSchemaProps } from "kubernetes-types/apiextensions/v1.js";
import { additional, fieldSchema, goCompare, isObject, itemsOf, node, property, type CrdSchema, type Obj } from "./crd-schema-node.js";
import { MODELS } from "./schema-1.32.js";

const META_FIELDS = new Set(["apiVersion", "kind", "metadata"]);
const PRESERVE = "x-kubernetes-preserve-unknown-fields";
const EMBEDDED = "x-kubernetes-embedded-resource";

const child = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * Drops the fields the schema does not specify, in place, as 1.32 does on create, update, patch
 * and on reading stored objects. Returns the dropped fields' paths in the order 1.32 reports them
 * as `unknown field "..."` (root metadata first, then the schema's, then embedded metadata's).
 *
 * @example
 * pruneUnknown({ type: "object", properties: { spec: { type: "object", properties: { a: { type: "string" } } } } },
 *   { spec: { a: "x", b: 1 } }); // ["spec.b"], the object now { spec: { a: "x" } }
 */
export function pruneUnknown(schema: JSONSchemaProps, obj: Record<string, any>): string[] {
  const root = node(schema) ?? {};
  const meta = isObject(obj.metadata) ? pruneModel(obj.metadata, "V1ObjectMeta", "metadata") : [];
  const pruned: string[] = [];
  prune(obj, { ...root, [EMBEDDED]: true }, "", pruned);
  pruneNulls(obj, root);
  const coerced: string[] = [];
  coerce(obj, root, "", coerced);
  return [...meta, ...pruned.sort(goCompare), ...coerced.sort(goCompare)];
}

function prune(x: unknown, s: CrdSchema | undefined, path: string, out: string[]): void {
  if (s?.[PRESERVE]) return skipPrune(x, s, path, out);
  if (Array.isArray(x)) {
    const items = s && itemsOf(s);
    x.forEach((v, i) => prune(v, items, `${path}[${i}]`, out));
    return;
  }
  if (!isObject(x)) return;
  for (const k of Object.keys(x)) {
    if (s?.[EMBEDDED] && META_FIELDS.has(k)) continue;
    const prop = s && property(s, k);
    const ap = s ? additional(s) : { present: false };
    if (prop) prune(x[k], prop, child(path, k), out);
    else if (ap.present) prune(x[k], ap.schema, child(path, k), out);
    else {
      // A root apiVersion/kind/metadata the schema lacks is not reported (it is put back).
      if (!META_FIELDS.has(k) || path) out.push(child(path, k));
      delete x[k];
    }
  }
}

/** Under x-kubernetes-preserve-unknown-fields: nothing unknown is dropped, known fields are pruned by their schema. */
function skipPrune(x: unknown, s: CrdSchema | undefined, path: string, out: string[]): void {
  if (!s) return;
  if (Array.isArray(x)) {
    const items = itemsOf(s);
    x.forEach((v, i) => skipPrune(v, items, `${path}[${i}]`, out));
    return;
  }
  if (!isObject(x)) return;
  for (const k of Object.keys(x)) {
    if (s[EMBEDDED] && META_FIELDS.has(k)) continue;
    const prop = property(s, k);
    const ap = additional(s);
    if (prop) prune(x[k], prop, child(path, k), out);
    else if (ap.present) prune(x[k], ap.schema, child(path, k), out);
  }
}

/** PruneNonNullableNullsWithoutDefaults: a null the schema neither allows nor defaults is removed. */
function pruneNulls(x: unknown, s: CrdSchema | undefined): void {
  if (Array.isArray(x)) {
    const items = s && itemsOf(s);
    for (const v of x) pruneNulls(v, items);
    return;
  }
  if (!isObject(x)) return;
  for (const k of Object.keys(x)) {
    const sub = fieldSchema(s, k);
    if (x[k] === null && sub && !sub.nullable && (sub.default === undefined || sub.default === null)) delete x[k];
    else pruneNulls(x[k], sub);
  }
}

/** CoerceWithOptions below the root: each embedded resource's metadata becomes an ObjectMeta. */
function coerce(x: unknown, s: CrdSchema | undefined, path: string, out: string[]): void {
  if (!s) return;
  if (Array.isArray(x)) {
    const items = itemsOf(s);
    x.forEach((v, i) => coerce(v, items, `${path}[${i}]`, out));
    return;
  }
  if (!isObject(x)) return;
  for (const k of Object.keys(x)) {
    if (s[EMBEDDED] && k === "metadata" && isObject(x.metadata)) {
      out.push(...pruneModel(x.metadata, "V1ObjectMeta", child(path, "metadata")));
      normalizeObjectMeta(x.metadata);
    }
    const prop = property(s, k);
    const ap = additional(s);
    // field.Path: a property is a child (`a.b`), an additionalProperties entry a key (`a[b]`).
    if (prop) coerce(x[k], prop, child(path, k), out);
    else if (ap.present) coerce(x[k], ap.schema, `${path}[${k}]`, out);
  }
}

/**
 * Drops what a Go type (a model of schema-1.32) has no field for, as sigs.k8s.io/json's strict
 * decoding reports it; keys are met in Go's json.Marshal order (sorted). Returns the paths.
 */
function pruneModel(v: unknown, type: string, path: string): string[] {
  const out: string[] = [];
  const walk = (value: unknown, t: string, at: string): void => {
    if (t.startsWith("[]")) {
      if (Array.isArray(value)) value.forEach((item, i) => walk(item, t.slice(2), `${at}[${i}]`));
      return;
    }
    if (t.startsWith("{}")) {
      if (isObject(value)) for (const k of Object.keys(value).sort(goCompare)) walk(value[k], t.slice(2), child(at, k));
      return;
    }
    const model = MODELS[t];
    if (!model || !isObject(value)) return;
    for (const k of Object.keys(value).sort(goCompare)) {
      const field = model.fields[k];
      if (field === undefined) {
        out.push(child(at, k));
        delete value[k];
      } else walk(value[k], field, child(at, k));
    }
  };
  walk(v, type, path);
  return out;
}

/**
 * SetObjectMeta's round trip through ObjectMeta for an embedded resource: every field but
 * creationTimestamp is `omitempty` (deletionGracePeriodSeconds is a pointer, so 0 stays), and a
 * zero creationTimestamp is removed afterwards. Nested entries are left as sent.
 */
function normalizeObjectMeta(meta: Obj): void {
  for (const [k, v] of Object.entries(meta)) {
    const empty =
      v === null ||
      v === "" ||
      (v === 0 && k === "generation") ||
      (Array.isArray(v) && v.length === 0) ||
      (isObject(v) && Object.keys(v).length === 0);
    if (empty) delete meta[k];
  }
}
