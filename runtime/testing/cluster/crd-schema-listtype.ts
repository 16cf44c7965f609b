/**
 * @module cluster/crd-schema-listtype
 * The uniqueness 1.32 asks of `x-kubernetes-list-type: set` and `map` arrays in a custom
 * resource (schema/listtype/validation.go ValidateListSetsAndMaps, called by the CR strategy's
 * Validate after the OpenAPI schema's errors): each element of a set, and each map element's
 * key (its `x-kubernetes-list-map-keys` values, an absent key being a value of its own), may
 * appear once; the second appearance is reported, `spec.ports[1]: Duplicate value:
 * map[string]interface {}{"name":"http"}` (`rendered` carries Go's `%#v`). A map-type list's
 * element that is not an object is one `must be an object for an array of list-type map` error.
 * Paths are field.Path's: properties `a.b`, additionalProperties keys `a[k]`, indexes `a[0]`.
 */
import { additional, isObject, itemsOf, property, type CrdSchema, type Obj } from "./crd-schema-node.js";
import { goFieldValue, goJson } from "./crd-schema-go.js";
import type { SchemaFieldError } from "./crd-schema-validate.js";

/** The list-type errors of `obj` under schema `s` (the root: no path). */
export function listTypeErrors(s: CrdSchema, obj: Obj): SchemaFieldError[] {
  return objectErrors("", s, obj);
}

const child = (path: string, k: string) => (path ? `${path}.${k}` : k);

function objectErrors(path: string, s: CrdSchema, obj: Obj): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const ap = additional(s).schema;
  if (ap) for (const [k, v] of Object.entries(obj)) errs.push(...valueErrors(`${path}[${k}]`, ap, v));
  for (const [k, v] of Object.entries(obj)) {
    const prop = property(s, k);
    if (prop) errs.push(...valueErrors(child(path, k), prop, v));
  }
  return errs;
}

function valueErrors(path: string, s: CrdSchema, v: unknown): SchemaFieldError[] {
  if (Array.isArray(v)) return arrayErrors(path, s, v);
  return isObject(v) ? objectErrors(path, s, v) : [];
}

function arrayErrors(path: string, s: CrdSchema, list: unknown[]): SchemaFieldError[] {
  const errs: SchemaFieldError[] = [];
  const type = s["x-kubernetes-list-type"];
  if (type === "set") for (const i of secondAppearances(list)) errs.push({ type: "Duplicate", field: `${path}[${i}]`, ...goFieldValue(list[i]) });
  if (type === "map") errs.push(...mapErrors(path, s["x-kubernetes-list-map-keys"] ?? [], list));
  const items = itemsOf(s);
  if (items) list.forEach((v, i) => errs.push(...valueErrors(`${path}[${i}]`, items, v)));
  return errs;
}

function mapErrors(path: string, keyFields: string[], list: unknown[]): SchemaFieldError[] {
  const bad = list.findIndex((x) => x !== null && !isObject(x));
  if (bad >= 0) return [{ type: "Invalid", field: `${path}[${bad}]`, ...goFieldValue(list[bad]), detail: "must be an object for an array of list-type map" }];
  if (list.length <= 1) return [];
  const keys = list.map((x) => {
    const key: Obj = {};
    for (const f of keyFields) if (isObject(x) && Object.prototype.hasOwnProperty.call(x, f)) key[f] = x[f];
    return key;
  });
  // One key field: its value is compared as a scalar would be, an absent key as a value of its own.
  const compared = keyFields.length === 1 ? keys.map((k) => (Object.keys(k).length ? k[keyFields[0]!] : UNSPECIFIED)) : keys;
  return secondAppearances(compared).map((i) => ({ type: "Duplicate" as const, field: `${path}[${i}]`, ...goFieldValue(keys[i]) }));
}

const UNSPECIFIED = Symbol("unspecified key");

/** validateListSet: the index of each element's second appearance (Go == for scalars, JSON for compounds). */
function secondAppearances(list: unknown[]): number[] {
  const seen = new Map<string | symbol, number>();
  const out: number[] = [];
  list.forEach((x, i) => {
    const id = x === UNSPECIFIED ? UNSPECIFIED : x !== null && typeof x === "object" ? `json:${goJson(x)}` : `${typeof x}:${String(x)}`;
    const times = seen.get(id) ?? 0;
    seen.set(id, times + 1);
    if (times === 1) out.push(i);
  });
  return out;
}
