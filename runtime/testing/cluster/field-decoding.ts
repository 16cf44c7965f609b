/**
 * @module cluster/field-decoding
 * A request's object decoded into its kind's Go type, as the real server's JSON decoder
 * (sigs.k8s.io/json: case-sensitive, `encoding/json`'s rules and messages) does it, from the
 * 1.32 schema (`schema-1.32`):
 * - **Unknown fields** are dropped and reported as strict-decoding errors, `unknown field
 *   "spec.containers[0].imagePullPolic"`, and so are **repeated keys**, `duplicate field
 *   "metadata.name"` (deduplicated, at most 100, in document order), which `fieldValidation`
 *   turns into warnings (`Warn`, the default), a 400 (`Strict`) or nothing (`Ignore`). A
 *   repeated key's last value wins; a repeated object is decoded into the first (merged).
 * - **Wrong JSON types** fail the decoding: `json: cannot unmarshal string into Go struct field
 *   DeploymentSpec.spec.replicas of type int32` (the first such error; an error of a custom
 *   decoder, a quantity's or a time's, stops the decoding and wins), integers checked for their
 *   range, quantities, times and base64 `[]byte` parsed with Go's messages.
 * Numbers are judged by their literal (`1.0` is not an int32). Named Go string and map types
 * are reported by their underlying type (`string`, not `v1.DNSPolicy`).
 * A **null** is what sigs.k8s.io/json's literalStore makes of it in a fresh object (it sets a
 * pointer, slice or map to nil and leaves anything else alone): a struct field's null is the
 * field left unset, as if never sent (a repeated key's null empties a slice or map and leaves
 * any other earlier value, as for a non-pointer field), and a list or map element's null is its
 * type's zero value (`nullElement`: `data: {x: null}` stores `x: ""`).
 */
import { canonicalQuantity, goBase64Error, goTimeParseError, goTimeUTC, parseGoQuantity, RFC3339, RFC3339_MICRO } from "./go-scalars.js";
import { isRawNumber, isRawObject, rawText, rawToValue, type RawJson } from "./raw-json.js";
import { KINDS, MODELS } from "./schema-1.32.js";

type Obj = Record<string, unknown>;

/** The outcome of decoding an object into its type. */
export interface TypedDecoding {
  /** The decoding error, worded as the decoder words it; the object is unusable. */
  error?: string;
  /** Strict-decoding errors (`unknown field "..."`, `duplicate field "..."`), in document order. */
  strict: string[];
  /** The value without its unknown fields. */
  value: Obj;
}

/** An error a custom unmarshaller returns: decoding stops there. */
class FatalDecodeError {
  constructor(readonly message: string) {}
}

/** The model of a served kind (`apps/v1`, `Deployment`), if the schema has it. */
export function modelOf(apiVersion: string, kind: string): string | undefined {
  return KINDS[`${apiVersion}/${kind}`];
}

const MAX_STRICT_ERRORS = 100;

/** Go's zero values of the scalar types a null leaves in a list or map element (literalStore ignores null for them). */
const NULL_ZERO: Record<string, unknown> = {
  string: "",
  bool: false,
  int32: 0,
  int64: 0,
  float64: 0,
  // Quantity.UnmarshalJSON: null is the zero Quantity, written "0".
  quantity: "0",
  // IntOrString.UnmarshalJSON: json.Unmarshal of null into its int32, Type Int.
  intstr: 0,
  // A nil []byte, read back from storage as []byte{} (gogo protobuf's map decoder starts each
  // value at []byte{}), so written "".
  bytes: "",
};

/**
 * What a JSON null as a list or map element of type `t` is stored as: its zero value (a struct's
 * `{}`); `undefined` where Go's zero is itself written null (a time, a slice, a map), kept null.
 * Go decodes each element into a fresh zero value; runtime.DefaultUnstructuredConverter sets it
 * to reflect.Zero.
 */
export function nullElement(t: string): unknown {
  if (t in NULL_ZERO) return NULL_ZERO[t];
  return MODELS[t] ? {} : undefined;
}

const INT_RANGE = { int32: [-(2n ** 31n), 2n ** 31n - 1n], int64: [-(2n ** 63n), 2n ** 63n - 1n] } as const;

function jsonKind(v: RawJson): string {
  if (Array.isArray(v)) return "array";
  if (isRawObject(v)) return "object";
  if (isRawNumber(v)) return "number";
  return typeof v === "boolean" ? "bool" : "string";
}

/** strconv.ParseInt(literal, 10, 64) within the type's range. */
function intLiteral(v: RawJson, t: "int32" | "int64"): boolean {
  if (!isRawNumber(v) || !/^-?\d+$/.test(v.num)) return false;
  const n = BigInt(v.num);
  return n >= INT_RANGE[t][0] && n <= INT_RANGE[t][1];
}

/** reflect.Type.String() of a schema type. */
function goType(t: string): string {
  if (t.startsWith("[]")) return `[]${goType(t.slice(2))}`;
  if (t.startsWith("{}")) return t === "{}quantity" ? "v1.ResourceList" : `map[string]${goType(t.slice(2))}`;
  if (t === "bytes") return "[]uint8";
  return MODELS[t]?.go ?? t;
}

/** Whether decoding into an existing value of type `t` merges (structs, maps) rather than replaces. */
const merges = (t: string) => t.startsWith("{}") || MODELS[t] !== undefined;

/** A repeated key's value decoded into the first one's, as Go decodes into the existing struct or map. */
function mergeInto(into: unknown, next: unknown, t: string): unknown {
  if (!merges(t) || next === null || into === null || typeof into !== "object" || typeof next !== "object") return next;
  const out = { ...(into as Obj) };
  const fieldType = (k: string) => (t.startsWith("{}") ? t.slice(2) : MODELS[t]!.fields[k]!);
  for (const [k, v] of Object.entries(next as Obj)) out[k] = k in out ? mergeInto(out[k], v, fieldType(k)) : v;
  return out;
}

/**
 * structured-merge-diff's paths (server-side apply): every field `.name`, the items of the lists
 * the 1.32 schema declares `x-kubernetes-list-type: map` by their keys (`[name="app"]`, a
 * missing `protocol` key as its default `"TCP"`), other items by index.
 */
const LIST_MAP_KEYS: Record<string, string[]> = {
  V1Container: ["name"],
  V1EphemeralContainer: ["name"],
  V1EnvVar: ["name"],
  V1Volume: ["name"],
  V1VolumeMount: ["mountPath"],
  V1VolumeDevice: ["devicePath"],
  V1ContainerPort: ["containerPort", "protocol"],
  V1ServicePort: ["port", "protocol"],
  V1OwnerReference: ["uid"],
  V1HostAlias: ["ip"],
  V1TopologySpreadConstraint: ["topologyKey", "whenUnsatisfiable"],
  V1PodResourceClaim: ["name"],
  V1PodSchedulingGate: ["name"],
};

function smdItem(item: RawJson, elem: string, i: number): string {
  const keys = LIST_MAP_KEYS[elem];
  if (!keys || !isRawObject(item)) return `[${i}]`;
  const value = (k: string) => {
    const v = item.entries.findLast(([name]) => name === k)?.[1] ?? (k === "protocol" ? "TCP" : null);
    return v === null ? "null" : rawText(v);
  };
  return `[${keys.map((k) => `${k}=${value(k)}`).join(",")}]`;
}

/** How strict errors name a field: the JSON decoder's `spec.x[0].y`, or server-side apply's `.spec.x[name="a"].y`. */
export type PathStyle = "decoder" | "apply";

class Decoder {
  constructor(private readonly style: PathStyle = "decoder") {}

  strict: string[] = [];
  private seen = new Set<string>();
  saved?: string;
  /** errorContext: the innermost struct and the JSON field names from the root. */
  private struct = "";
  private fields: string[] = [];
  /** The strict field path: keys joined by `.`, indexes as `[i]`. */
  private path = "";

  private typeError(value: string, type: string): string {
    const where = this.struct || this.fields.length ? `Go struct field ${this.struct}.${this.fields.join(".")}` : "Go value";
    return `json: cannot unmarshal ${value} into ${where} of type ${type}`;
  }

  private save(value: string, type: string): undefined {
    this.saved ??= this.typeError(value, type);
    return undefined;
  }

  private strictError(kind: "unknown" | "duplicate", key: string): void {
    if (this.style === "apply" && kind === "duplicate") return;
    const text = this.style === "apply" ? `${this.child(key)}: field not declared in schema` : `${kind} field ${JSON.stringify(this.child(key))}`;
    if (this.strict.length >= MAX_STRICT_ERRORS || this.seen.has(text)) return;
    this.seen.add(text);
    this.strict.push(text);
  }

  private at<T>(path: string, f: () => T): T {
    const before = this.path;
    this.path = path;
    try {
      return f();
    } finally {
      this.path = before;
    }
  }

  private child(key: string): string {
    return this.path || this.style === "apply" ? `${this.path}.${key}` : key;
  }

  /** Decodes `v` as type `t`; returns what is kept (`undefined`: nothing, after a saved error). */
  value(v: RawJson, t: string): unknown {
    if (v === null) return null;
    if (t === "any") return this.untyped(v);
    if (t.startsWith("[]")) return this.list(v, t);
    if (t.startsWith("{}")) return this.map(v, t);
    const model = MODELS[t];
    if (model) return this.object(v, t, model.go.split(".")[1]!, model.fields);
    return this.scalar(v, t);
  }

  /** An `interface{}` value: kept as it is, its repeated keys reported. */
  private untyped(v: RawJson): unknown {
    if (Array.isArray(v)) v.forEach((item, i) => this.at(`${this.path}[${i}]`, () => this.untyped(item)));
    else if (isRawObject(v)) {
      const keys = new Set<string>();
      for (const [k, item] of v.entries) {
        if (keys.has(k)) this.strictError("duplicate", k);
        keys.add(k);
        this.at(this.child(k), () => this.untyped(item));
      }
    }
    return rawToValue(v);
  }

  private list(v: RawJson, t: string): unknown {
    if (!Array.isArray(v)) return this.save(jsonKind(v), goType(t));
    const elem = t.slice(2);
    return v.map((item, i) => (item === null ? (nullElement(elem) ?? null) : this.at(`${this.path}${this.style === "apply" ? smdItem(item, elem, i) : `[${i}]`}`, () => this.value(item, elem))));
  }

  private map(v: RawJson, t: string): unknown {
    if (!isRawObject(v)) return this.save(jsonKind(v), goType(t));
    const elem = t.slice(2);
    const out: Obj = {};
    for (const [k, item] of v.entries) {
      if (k in out) this.strictError("duplicate", k);
      const zero = item === null ? nullElement(elem) : undefined;
      if (zero !== undefined) {
        out[k] = zero;
        continue;
      }
      const kept = this.at(this.child(k), () => this.value(item, elem));
      if (kept !== undefined) out[k] = k in out ? mergeInto(out[k], kept, elem) : kept;
    }
    return out;
  }

  private object(v: RawJson, t: string, struct: string, fields: Record<string, string>): unknown {
    if (!isRawObject(v)) return this.save(jsonKind(v), goType(t));
    const out: Obj = {};
    const keys = new Set<string>();
    for (const [k, item] of v.entries) {
      const type = fields[k];
      if (type === undefined) {
        this.strictError("unknown", k);
        continue;
      }
      if (keys.has(k)) this.strictError("duplicate", k);
      keys.add(k);
      if (item === null) {
        if (type.startsWith("[]") || type.startsWith("{}")) delete out[k];
        continue;
      }
      const before = [this.struct, this.fields.length] as const;
      this.struct = struct;
      this.fields.push(k);
      const kept = this.at(this.child(k), () => this.value(item, type));
      [this.struct] = before;
      this.fields.length = before[1];
      if (kept !== undefined) out[k] = k in out ? mergeInto(out[k], kept, type) : kept;
    }
    return out;
  }

  /** Go's `[]byte`: a base64 string, or (as any slice) a list of numbers 0-255; stored as base64. */
  private bytes(v: RawJson): unknown {
    if (typeof v === "string") {
      this.saved ??= goBase64Error(v);
      return v;
    }
    if (!Array.isArray(v)) return this.save(jsonKind(v), "[]uint8");
    const out: number[] = [];
    for (const item of v) {
      if (item === null) out.push(0);
      else if (!isRawNumber(item)) return this.save(jsonKind(item), "uint8");
      else if (!/^\d+$/.test(item.num) || Number(item.num) > 255) return this.save(`number ${item.num}`, "uint8");
      else out.push(Number(item.num));
    }
    return Buffer.from(out).toString("base64");
  }

  private scalar(v: RawJson, t: string): unknown {
    switch (t) {
      case "string":
        return typeof v === "string" ? v : this.save(jsonKind(v), "string");
      case "bool":
        return typeof v === "boolean" ? v : this.save(jsonKind(v), "bool");
      case "float64":
        if (!isRawNumber(v)) return this.save(jsonKind(v), "float64");
        return Number.isFinite(Number(v.num)) ? Number(v.num) : this.save(`number ${v.num}`, "float64");
      case "int32":
      case "int64":
        if (!isRawNumber(v)) return this.save(jsonKind(v), t);
        return intLiteral(v, t) ? Number(v.num) : this.save(`number ${v.num}`, t);
      case "bytes":
        return this.bytes(v);
      case "quantity": {
        // Quantity.UnmarshalJSON: a string's quotes removed, anything else as its JSON text;
        // stored and answered in its canonical form (MarshalJSON).
        const parsed = parseGoQuantity(typeof v === "string" ? v : rawText(v));
        if ("error" in parsed) throw new FatalDecodeError(parsed.error);
        return canonicalQuantity(parsed.quantity);
      }
      case "intstr":
        if (typeof v === "string") return v;
        // IntOrString.UnmarshalJSON: json.Unmarshal into its int32.
        if (!intLiteral(v, "int32")) throw new FatalDecodeError(this.typeError(isRawNumber(v) ? `number ${v.num}` : jsonKind(v), "int32"));
        return rawToValue(v);
      case "time":
      case "microtime": {
        // Time.UnmarshalJSON: json.Unmarshal into a string, then time.Parse.
        if (typeof v !== "string") throw new FatalDecodeError(this.typeError(jsonKind(v), "string"));
        const error = goTimeParseError(t === "time" ? RFC3339 : RFC3339_MICRO, v);
        if (error) throw new FatalDecodeError(error);
        // Stored as the Go value: written back in UTC, to the second or the microsecond.
        return goTimeUTC(v, t === "microtime");
      }
      default:
        throw new Error(`unknown schema type ${t}`);
    }
  }
}

/** Decodes `raw` (see `raw-json`) as `model` (see `modelOf`); `fallback` is answered as the value on errors. */
export function decodeTyped(model: string, raw: RawJson, fallback: Obj, style: PathStyle = "decoder"): TypedDecoding {
  const decoder = new Decoder(style);
  try {
    const value = decoder.value(raw, model) as Obj | undefined;
    if (decoder.saved) return { error: decoder.saved, strict: [], value: fallback };
    return { strict: decoder.strict, value: value ?? fallback };
  } catch (error) {
    if (error instanceof FatalDecodeError) return { error: error.message, strict: [], value: fallback };
    throw error;
  }
}
