/**
 * @module cluster/raw-json
 * JSON as Go's decoder reads it, for the typed decoding (`field-decoding`): objects keep every
 * key in document order, a repeated key included, and numbers keep their literal (`1.0`,
 * `1e3`: Go's integer fields refuse both). Parsing assumes text `JSON.parse` accepted.
 */

type Obj = Record<string, unknown>;

/** A JSON value: `null`, a boolean, a string, a number's literal, a list, or an object's entries. */
export type RawJson = null | boolean | string | RawNumber | RawJson[] | RawObject;

export interface RawNumber {
  num: string;
}

export interface RawObject {
  entries: Array<[string, RawJson]>;
}

// An array has `entries` too (Array.prototype.entries): a list is never an object.
export const isRawObject = (v: RawJson): v is RawObject => v !== null && typeof v === "object" && !Array.isArray(v) && "entries" in v;
export const isRawNumber = (v: RawJson): v is RawNumber => v !== null && typeof v === "object" && "num" in v;

/** Parses JSON text (already known to be valid). */
export function rawFromText(text: string): RawJson {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const string = (): string => {
    let j = i + 1;
    while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
    const s = JSON.parse(text.slice(i, j + 1)) as string;
    i = j + 1;
    return s;
  };
  const value = (): RawJson => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const entries: Array<[string, RawJson]> = [];
      ws();
      if (text[i] === "}") return i++, { entries };
      for (;;) {
        ws();
        const key = string();
        ws();
        i++; // ':'
        entries.push([key, value()]);
        ws();
        if (text[i++] === "}") return { entries };
      }
    }
    if (c === "[") {
      i++;
      const list: RawJson[] = [];
      ws();
      if (text[i] === "]") return i++, list;
      for (;;) {
        list.push(value());
        ws();
        if (text[i++] === "]") return list;
      }
    }
    if (c === '"') return string();
    const start = i;
    while (i < text.length && !",]} \t\n\r".includes(text[i]!)) i++;
    const lit = text.slice(start, i);
    if (lit === "null") return null;
    if (lit === "true" || lit === "false") return lit === "true";
    return { num: lit };
  };
  return value();
}

/** A decoded value as raw JSON (numbers' literals as JavaScript prints them). */
export function rawFromValue(v: unknown): RawJson {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(rawFromValue);
  if (typeof v === "object") return { entries: Object.entries(v as Obj).map(([k, x]) => [k, rawFromValue(x)]) };
  if (typeof v === "number") return { num: String(v) };
  return v as boolean | string;
}

/** The JavaScript value, as `JSON.parse` would give it (the last of repeated keys wins). */
export function rawToValue(v: RawJson): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(rawToValue);
  if (isRawNumber(v)) return Number(v.num);
  const out: Obj = {};
  for (const [k, x] of v.entries) out[k] = rawToValue(x);
  return out;
}

/** JSON text of a raw value (a number as its literal). */
export function rawText(v: RawJson): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(rawText).join(",")}]`;
  if (isRawNumber(v)) return v.num;
  return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${rawText(x)}`).join(",")}}`;
}
