/**
 * @module cluster/go-json-encoding
 * A built-in object as the real server answers it: decoded into its Go struct, stored as
 * protobuf and encoded again with `encoding/json`, by the field tags of `go-json-tags-core` and
 * `go-json-tags-groups`. Applied once, when an object is serialized for storing (`entryOf`), so
 * every read answers it:
 * - an `omitempty` string, number or bool that is zero, and an `omitempty` list or map that is
 *   empty (`labels: {}`, `env: []`), is dropped; a pointer keeps its zero (`replicas: 0`,
 *   `immutable: false`, `securityContext: {}`);
 * - a list or map without `omitempty` is `null` when absent or empty (protobuf keeps no empty
 *   list: a Role's `rules: []` reads back `rules: null`), a scalar without it its zero
 *   (an Event's `reportingComponent: ""`), a pointer without it `null`;
 * - a struct value is always written: `{}` with its own always-written fields when absent
 *   (a Service's `status: {loadBalancer: {}}`), a metav1.Time value `null`, an IntOrString `0`.
 * Keys keep their order; fields filled in come last. Kinds whose types are not in the tables
 * (custom resources, CustomResourceDefinitions) are returned as they are.
 */
import { GROUP_TAGS } from "./go-json-tags-groups.js";
import { CORE_V1_TAGS } from "./go-json-tags-core.js";
import { KINDS, MODELS } from "./schema-1.32.js";

type Obj = Record<string, any>;

/** How `encoding/json` treats one field. */
interface Tag {
  /** Not `omitempty`. */
  always: boolean;
  /** A pointer (a zero value is kept; nil is dropped, or null when `always`). */
  pointer: boolean;
  /** A struct value (never dropped). */
  value: boolean;
}

const PLAIN: Tag = { always: false, pointer: false, value: false };
const UNNAMED_STRUCT: Tag = { always: false, pointer: true, value: false };

/** Model → field → tag, for the models the tables list. */
const TAGS = new Map<string, Map<string, Tag>>();
for (const [model, text] of Object.entries({ ...CORE_V1_TAGS, ...GROUP_TAGS })) {
  const fields = new Map<string, Tag>();
  for (const word of text.split(" ").filter(Boolean)) {
    const name = word.replace(/[!*=]+$/, "");
    const marks = word.slice(name.length);
    fields.set(name, { always: marks.includes("!"), pointer: marks.includes("*"), value: marks.includes("=") });
  }
  TAGS.set(model, fields);
}

const isStruct = (type: string) => /^[A-Z]/.test(type);
const isEmpty = (v: unknown) => (Array.isArray(v) ? v.length === 0 : typeof v === "object" && v !== null && Object.keys(v).length === 0);

function tagOf(fields: Map<string, Tag>, name: string, type: string): Tag {
  return fields.get(name) ?? (isStruct(type) || type === "time" || type === "microtime" ? UNNAMED_STRUCT : PLAIN);
}

/** The zero value `encoding/json` writes for an absent field that is always written; `undefined`: none. */
function zeroOf(type: string, tag: Tag): unknown {
  if (tag.pointer) return tag.always ? null : undefined;
  if (tag.value) {
    if (isStruct(type)) return encodeStruct(type, {});
    if (type === "intstr") return 0;
    if (type === "quantity") return "0";
    return null; // metav1.Time, MicroTime
  }
  if (!tag.always) return undefined;
  if (type.startsWith("[]") || type.startsWith("{}") || type === "bytes") return null;
  if (type === "string") return "";
  if (type === "bool") return false;
  if (type === "int32" || type === "int64" || type === "float64") return 0;
  return undefined;
}

/** A present value of a field of `type`; `undefined` drops the field. */
function encodeValue(type: string, tag: Tag, v: unknown): unknown {
  if (v === null || v === undefined) return zeroOf(type, tag);
  if (type.startsWith("[]") || type.startsWith("{}")) {
    if (isEmpty(v)) return tag.always ? null : undefined;
    const element = type.slice(2);
    if (!isStruct(element) || !TAGS.has(element)) return v;
    if (Array.isArray(v)) return v.map((e) => (e && typeof e === "object" ? encodeStruct(element, e) : e));
    const out: Obj = {};
    for (const [k, e] of Object.entries(v as Obj)) out[k] = e && typeof e === "object" ? encodeStruct(element, e) : e;
    return out;
  }
  if (isStruct(type)) return typeof v === "object" && !Array.isArray(v) ? encodeStruct(type, v as Obj) : v;
  if (tag.pointer || tag.always) return v;
  if (type === "bytes" || type === "string") return v === "" ? undefined : v;
  if (type === "bool") return v === false ? undefined : v;
  if (type === "int32" || type === "int64" || type === "float64") return v === 0 ? undefined : v;
  return v; // time, microtime, intstr, quantity, any
}

/** `obj`, an object of `model`'s type, as encoding/json writes it (a model not in the tables: as it is). */
function encodeStruct(model: string, obj: Obj): Obj {
  const fields = TAGS.get(model);
  const types = MODELS[model]?.fields;
  if (!fields || !types) return obj;
  const out: Obj = {};
  for (const [name, v] of Object.entries(obj)) {
    const type = types[name];
    if (type === undefined) {
      if (v !== undefined) out[name] = v;
      continue;
    }
    const encoded = encodeValue(type, tagOf(fields, name, type), v);
    if (encoded !== undefined) out[name] = encoded;
  }
  for (const [name, tag] of fields) {
    if (name in out || (!tag.always && !tag.value)) continue;
    const type = types[name];
    if (type === undefined) continue;
    const zero = zeroOf(type, tag);
    if (zero !== undefined) out[name] = zero;
  }
  return out;
}

/** The model of a served built-in kind (`apiVersion` and `kind` as an object names them), if the tables know it. */
export function goModelOf(apiVersion: unknown, kind: unknown): string | undefined {
  const model = KINDS[`${apiVersion}/${kind}`];
  return model !== undefined && TAGS.has(model) ? model : undefined;
}

/** `obj` as the real server encodes it, when its kind is a built-in one the tables know; otherwise `obj` itself. */
export function goEncoded(obj: Obj): Obj {
  const model = goModelOf(obj.apiVersion, obj.kind);
  return model ? encodeStruct(model, obj) : obj;
}
