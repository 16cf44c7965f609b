/**
 * @module cluster/field-decoding
 * A request's object decoded into its kind's Go type, as the real server's JSON decoder
 * (sigs.k8s.io/json: case-sensitive, `encoding/json`'s rules and messages) does it, from the
 * 1.32 schema (`schema-1.32`):
 * - **Unknown fields** are dropped and reported as strict-decoding errors, `unknown field
 *   "spec.containers[0].imagePullPolic"` (deduplicated, at most 100), which `fieldValidation`
 *   turns into warnings (`Warn`, the default), a 400 (`Strict`) or nothing (`Ignore`).
 * - **Wrong JSON types** fail the decoding: `json: cannot unmarshal string into Go struct field
 *   DeploymentSpec.spec.replicas of type int32` (the first such error; an error of a custom
 *   decoder, a quantity's or a time's, stops the decoding and wins), integers checked for their
 *   range, quantities, times and base64 `[]byte` parsed with Go's messages.
 * Named Go string and map types are reported by their underlying type (`string`, not
 * `v1.DNSPolicy`); duplicate JSON keys are not seen (`JSON.parse` keeps the last).
 */
import { goBase64Error, goQuantityError, goTimeParseError, RFC3339, RFC3339_MICRO } from "./go-scalars.js";
import { KINDS, MODELS } from "./schema-1.32.js";

type Obj = Record<string, unknown>;

/** The outcome of decoding an object into its type. */
export interface TypedDecoding {
  /** The decoding error, worded as the decoder words it; the object is unusable. */
  error?: string;
  /** Strict-decoding errors (`unknown field "..."`), in document order. */
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

const INT_RANGE = { int32: [-(2 ** 31), 2 ** 31 - 1], int64: [Number.MIN_SAFE_INTEGER * 1024, Number.MAX_SAFE_INTEGER * 1024] } as const;

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (typeof v === "object") return "object";
  return typeof v === "boolean" ? "bool" : typeof v;
}

/** reflect.Type.String() of a schema type. */
function goType(t: string): string {
  if (t.startsWith("[]")) return `[]${goType(t.slice(2))}`;
  if (t.startsWith("{}")) return t === "{}quantity" ? "v1.ResourceList" : `map[string]${goType(t.slice(2))}`;
  if (t === "bytes") return "[]uint8";
  return MODELS[t]?.go ?? t;
}

class Decoder {
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

  private unknown(key: string): void {
    const text = `unknown field ${JSON.stringify(this.path ? `${this.path}.${key}` : key)}`;
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

  /** Decodes `v` as type `t`; returns what is kept (`undefined`: nothing, after a saved error). */
  value(v: unknown, t: string): unknown {
    if (v === null) return null;
    if (t === "any") return v;
    if (t.startsWith("[]")) return this.list(v, t);
    if (t.startsWith("{}")) return this.map(v, t);
    const model = MODELS[t];
    if (model) return this.object(v, t, model.go.split(".")[1]!, model.fields);
    return this.scalar(v, t);
  }

  private list(v: unknown, t: string): unknown {
    const elem = t.slice(2);
    if (elem === "uint8" || !Array.isArray(v)) return this.save(jsonKind(v), goType(t));
    return v.map((item, i) => this.at(`${this.path}[${i}]`, () => this.value(item, elem)));
  }

  private map(v: unknown, t: string): unknown {
    if (typeof v !== "object" || Array.isArray(v)) return this.save(jsonKind(v), goType(t));
    const elem = t.slice(2);
    const out: Obj = {};
    for (const [k, item] of Object.entries(v as Obj)) {
      const kept = this.at(this.path ? `${this.path}.${k}` : k, () => this.value(item, elem));
      if (kept !== undefined) out[k] = kept;
    }
    return out;
  }

  private object(v: unknown, t: string, struct: string, fields: Record<string, string>): unknown {
    if (typeof v !== "object" || Array.isArray(v)) return this.save(jsonKind(v), goType(t));
    const out: Obj = {};
    for (const [k, item] of Object.entries(v as Obj)) {
      const type = fields[k];
      if (type === undefined) {
        this.unknown(k);
        continue;
      }
      const before = [this.struct, this.fields.length] as const;
      this.struct = struct;
      this.fields.push(k);
      const kept = this.at(this.path ? `${this.path}.${k}` : k, () => this.value(item, type));
      [this.struct] = before;
      this.fields.length = before[1];
      if (kept !== undefined) out[k] = kept;
    }
    return out;
  }

  private scalar(v: unknown, t: string): unknown {
    switch (t) {
      case "string":
        return typeof v === "string" ? v : this.save(jsonKind(v), "string");
      case "bool":
        return typeof v === "boolean" ? v : this.save(jsonKind(v), "bool");
      case "float64":
        return typeof v === "number" ? v : this.save(jsonKind(v), "float64");
      case "int32":
      case "int64":
        return this.integer(v, t);
      case "bytes":
        if (typeof v !== "string") return this.save(jsonKind(v), "[]uint8");
        this.saved ??= goBase64Error(v);
        return v;
      case "quantity": {
        // Quantity.UnmarshalJSON: a string's quotes removed, anything else as its JSON text.
        const error = goQuantityError(typeof v === "string" ? v : JSON.stringify(v));
        if (error) throw new FatalDecodeError(error);
        return v;
      }
      case "intstr":
        if (typeof v === "string") return v;
        // IntOrString.UnmarshalJSON: json.Unmarshal into its int32.
        if (typeof v !== "number" || !Number.isInteger(v) || v < INT_RANGE.int32[0] || v > INT_RANGE.int32[1]) {
          throw new FatalDecodeError(this.typeError(typeof v === "number" ? `number ${v}` : jsonKind(v), "int32"));
        }
        return v;
      case "time":
      case "microtime": {
        // Time.UnmarshalJSON: json.Unmarshal into a string, then time.Parse.
        if (typeof v !== "string") throw new FatalDecodeError(this.typeError(jsonKind(v), "string"));
        const error = goTimeParseError(t === "time" ? RFC3339 : RFC3339_MICRO, v);
        if (error) throw new FatalDecodeError(error);
        return v;
      }
      default:
        throw new Error(`unknown schema type ${t}`);
    }
  }

  private integer(v: unknown, t: "int32" | "int64"): unknown {
    if (typeof v !== "number") return this.save(jsonKind(v), t);
    const [min, max] = INT_RANGE[t];
    if (!Number.isInteger(v) || v < min || v > max) return this.save(`number ${v}`, t);
    return v;
  }
}

/** Decodes `obj` as `model` (see `modelOf`). */
export function decodeTyped(model: string, obj: Obj): TypedDecoding {
  const decoder = new Decoder();
  try {
    const value = decoder.value(obj, model) as Obj | undefined;
    if (decoder.saved) return { error: decoder.saved, strict: [], value: obj };
    return { strict: decoder.strict, value: value ?? obj };
  } catch (error) {
    if (error instanceof FatalDecodeError) return { error: error.message, strict: [], value: obj };
    throw error;
  }
}
