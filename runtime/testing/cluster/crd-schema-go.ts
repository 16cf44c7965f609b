/**
 * @module cluster/crd-schema-go
 * How Go prints the values of a decoded custom resource (`interface{}` holding `string`,
 * `int64`, `float64`, `bool`, `map[string]interface{}`, `[]interface{}` or nil) in the messages
 * `crd-schema-validate` builds: `%v` and `%q` (field.Error's ErrorBody in 1.32, before it
 * switched to JSON in 1.34), `%#v` for maps and slices, and encoding/json for enum values.
 * A whole JSON number decodes to int64 (apimachinery's json.Unmarshal), any other to float64;
 * JavaScript cannot tell `1.0` from `1`, so an integral number is taken as int64.
 */
import { goCompare } from "./crd-schema-node.js";

/** Whether a number decodes as int64 (a whole number within int64's range). */
export const isGoInt = (n: number): boolean => Number.isInteger(n) && Math.abs(n) < 2 ** 63;

/** Go's `%v` (and `%#v`) of a float64: shortest digits, `%e` from 1e+06 or below 1e-04. */
export function goFloat(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (!Number.isFinite(f)) return f > 0 ? "+Inf" : "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const [mantissa, exp] = f.toExponential().split("e") as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= 6) return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return String(f);
}

/** A decoded number as Go's `%v` prints it. */
export const goNumber = (n: number): string => (isGoInt(n) ? String(n) : goFloat(n));

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u;

/** unicode.IsPrint of one character: a letter, mark, number, punctuation, symbol, or the ASCII space. */
export const isGoPrint = (ch: string): boolean => PRINTABLE.test(ch);
const SHORT: Record<string, string> = { "\x07": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v" };

/** strconv.Quote (`%q`): printable runes as they are, the rest escaped as Go escapes them. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (r >= 0xd800 && r <= 0xdfff) out += "\uFFFD"; // not UTF-8: decoded as U+FFFD
    else if (isGoPrint(ch)) out += ch;
    else if (SHORT[ch]) out += SHORT[ch];
    else if (r < 0x20 || r === 0x7f) out += `\\x${r.toString(16).padStart(2, "0")}`;
    else if (r < 0x10000) out += `\\u${r.toString(16).padStart(4, "0")}`;
    else out += `\\U${r.toString(16).padStart(8, "0")}`;
  }
  return `${out}"`;
}

/** Go's `%#v` of an unstructured value: `map[string]interface {}{"a":1}`, `[]interface {}{"x", true}`. */
export function goSharpV(v: unknown, nested = false): string {
  if (v === null || v === undefined) return nested ? "interface {}(nil)" : "<nil>";
  if (typeof v === "string") return goQuote(v);
  if (typeof v === "number") return goNumber(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[]interface {}{${v.map((x) => goSharpV(x, true)).join(", ")}}`;
  const entries = Object.keys(v as object)
    .sort(goCompare)
    .map((k) => `${goQuote(k)}:${goSharpV((v as Record<string, unknown>)[k], true)}`);
  return `map[string]interface {}{${entries.join(", ")}}`;
}

/** encoding/json's Marshal: map keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped. */
export function goJson(v: unknown): string {
  const sorted = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sorted);
    if (x === null || typeof x !== "object") return x;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x).sort(goCompare)) out[k] = sorted((x as Record<string, unknown>)[k]);
    return out;
  };
  return JSON.stringify(sorted(v)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * A value for a FieldError: `value` as it is, and `rendered` where status.ts would not print it
 * as 1.32's ErrorBody does (`%q` of an odd string, `%v` of a float64, `%#v` of a map or slice).
 */
export function goFieldValue(v: unknown): { value: unknown; rendered?: string } {
  if (typeof v === "string") {
    const q = goQuote(v);
    return q === JSON.stringify(v) ? { value: v } : { value: v, rendered: q };
  }
  if (typeof v === "number") return isGoInt(v) ? { value: v } : { value: v, rendered: goFloat(v) };
  if (v !== null && typeof v === "object") return { value: v, rendered: goSharpV(v) };
  return { value: v };
}
