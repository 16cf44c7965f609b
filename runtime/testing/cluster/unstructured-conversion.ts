/**
 * @module cluster/unstructured-conversion
 * The strategic merge patch's typed decoding: the patched object is not JSON again but a Go map,
 * converted by `runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation`
 * (apimachinery's converter.go), whose words differ from the JSON decoder's: `unrecognized type:
 * int32`, `cannot convert int64 to string`, `cannot restore struct from: string`, the first
 * error ending the conversion, without a field path; unknown fields are collected as `unknown
 * field "spec.x"` and sorted. Numbers are Go's `int64` when whole, else `float64`. A null is
 * reflect.Zero of its type (fromUnstructured of an invalid value): a struct field left unset, a
 * list or map element its zero value (`nullElement`, as the JSON decoder).
 */
import { canonicalQuantity, goBase64Error, goTimeParseError, goTimeUTC, parseGoQuantity, RFC3339, RFC3339_MICRO } from "./go-scalars.js";
import { nullElement } from "./field-decoding.js";
import { MODELS } from "./schema-1.32.js";

type Obj = Record<string, unknown>;

class ConversionError {
  constructor(readonly message: string) {}
}

/** reflect.Kind / Type of a value of the patched map. */
function goKind(v: unknown): string {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int64" : "float64";
  return Array.isArray(v) ? "slice" : "map";
}

const isMap = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** json.Unmarshal of the value's JSON into a Go type, as the custom unmarshallers call it. */
function unmarshalError(v: unknown, type: string): string {
  const kind = Array.isArray(v) ? "array" : isMap(v) ? "object" : typeof v === "boolean" ? "bool" : typeof v;
  return `json: cannot unmarshal ${typeof v === "number" && type !== "string" ? `number ${v}` : kind} into Go value of type ${type}`;
}

class Converter {
  unknown: string[] = [];

  convert(v: unknown, t: string, path: string): unknown {
    if (v === null || v === undefined) return v;
    if (t === "any") return v;
    if (t.startsWith("[]")) {
      if (!Array.isArray(v)) throw new ConversionError(`cannot restore slice from ${goKind(v)}`);
      return v.map((item, i) => this.element(item, t.slice(2), `${path}[${i}]`));
    }
    if (t.startsWith("{}")) {
      if (!isMap(v)) throw new ConversionError(`cannot restore map from ${goKind(v)}`);
      const out: Obj = {};
      for (const [k, item] of Object.entries(v)) out[k] = this.element(item, t.slice(2), path ? `${path}.${k}` : k);
      return out;
    }
    const model = MODELS[t];
    if (model) {
      if (!isMap(v)) throw new ConversionError(`cannot restore struct from: ${goKind(v)}`);
      const out: Obj = {};
      for (const [k, item] of Object.entries(v)) {
        const type = model.fields[k];
        const at = path ? `${path}.${k}` : k;
        if (type === undefined) this.unknown.push(`unknown field ${JSON.stringify(at)}`);
        else if (item !== null && item !== undefined) out[k] = this.convert(item, type, at);
      }
      return out;
    }
    return this.scalar(v, t);
  }

  /** A list or map element: a null is its type's zero value. */
  private element(v: unknown, t: string, path: string): unknown {
    return v === null ? (nullElement(t) ?? null) : this.convert(v, t, path);
  }

  private scalar(v: unknown, t: string): unknown {
    const kind = goKind(v);
    const goType = t === "bytes" ? "[]uint8" : t;
    switch (t) {
      case "string":
        if (kind === "string") return v;
        throw new ConversionError(kind === "int64" ? "cannot convert int64 to string" : "unrecognized type: string");
      case "bool":
        if (kind === "bool") return v;
        throw new ConversionError("unrecognized type: bool");
      case "int32":
      case "int64":
        if (kind === "int64") return v;
        throw new ConversionError(kind === "float64" ? `cannot convert float64 to ${goType}` : `unrecognized type: ${goType}`);
      case "float64":
        if (kind === "int64" || kind === "float64") return v;
        throw new ConversionError("unrecognized type: float64");
      case "bytes": {
        if (kind === "string") {
          const error = goBase64Error(v as string);
          if (error) throw new ConversionError(`error decoding from json: ${error}`);
          return v;
        }
        if (kind !== "slice") throw new ConversionError(`cannot restore slice from ${kind}`);
        return v;
      }
      case "quantity": {
        const parsed = parseGoQuantity(typeof v === "string" ? v : JSON.stringify(v));
        if ("error" in parsed) throw new ConversionError(parsed.error);
        return canonicalQuantity(parsed.quantity);
      }
      case "intstr":
        if (kind === "string") return v;
        if (kind === "int64" && (v as number) >= -(2 ** 31) && (v as number) < 2 ** 31) return v;
        throw new ConversionError(unmarshalError(v, "int32"));
      case "time":
      case "microtime": {
        if (kind !== "string") throw new ConversionError(unmarshalError(v, "string"));
        const error = goTimeParseError(t === "time" ? RFC3339 : RFC3339_MICRO, v as string);
        if (error) throw new ConversionError(error);
        return goTimeUTC(v as string, t === "microtime");
      }
      default:
        throw new Error(`unknown schema type ${t}`);
    }
  }
}

/** Converts the patched object (a decoded JSON value) into `model`: its error, or the sorted unknown fields and the value without them. */
export function convertUnstructured(model: string, obj: Obj): { error?: string; strict: string[]; value: Obj } {
  const converter = new Converter();
  try {
    const value = converter.convert(obj, model, "") as Obj;
    return { strict: converter.unknown.sort(), value };
  } catch (error) {
    if (error instanceof ConversionError) return { error: error.message, strict: [], value: obj };
    throw error;
  }
}
