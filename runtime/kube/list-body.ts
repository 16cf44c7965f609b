/**
 * @module kube/list-body
 * A list body (JSON bytes) parsed lazily: everything but `items` is parsed up front
 * (`metadata` with the continue token and resourceVersion, `kind`, `apiVersion`), and each
 * element of `items` is located by a byte scanner (strings, escapes and nesting) and parsed
 * only when asked for. A consumer that walks a 500-item page one object at a time then holds
 * the page's bytes and one parsed object, not the page's text and 500 objects.
 *
 * A body the scanner cannot split (not an object, `items` missing, repeated or not an array,
 * a syntax error between items) is parsed whole with `JSON.parse`, so such answers give the
 * same value, or the same `SyntaxError`, as before. An item whose own text is not valid JSON
 * throws its `SyntaxError` when it is reached.
 */

/** A parsed list body whose items are parsed on demand. */
export interface ListBody {
  /** The body's members but `items` (whose value here is unspecified). */
  readonly head: Record<string, unknown>;
  /** Number of items. */
  readonly length: number;
  /** Parses item `index` (a new object on every call). */
  item(index: number): unknown;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Thrown inside the scanner when the body does not split; the caller falls back to JSON.parse. */
class Unsplittable extends Error {}

function unsplittable(): never {
  throw new Unsplittable();
}

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(bytes: Buffer, i: number): number {
  while (isSpace(bytes[i])) i++;
  return i;
}

/** Index after the string that opens at `i` (a quote). UTF-8 continuation bytes never equal a quote or a backslash. */
function stringEnd(bytes: Buffer, i: number): number {
  for (;;) {
    const quote = bytes.indexOf(QUOTE, i + 1);
    if (quote < 0) unsplittable();
    let k = quote - 1;
    while (bytes[k] === BACKSLASH) k--;
    if ((quote - 1 - k) % 2 === 0) return quote + 1;
    i = quote;
  }
}

/** Index after the value that starts at `i`. Nesting is counted, not checked: JSON.parse checks each value. */
function valueEnd(bytes: Buffer, i: number): number {
  const first = bytes[i];
  if (first === QUOTE) return stringEnd(bytes, i);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (;;) {
      const c = bytes[i];
      if (c === QUOTE) {
        i = stringEnd(bytes, i);
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth === 0) return i + 1;
      } else if (c === undefined) unsplittable();
      i++;
    }
  }
  const start = i;
  for (;;) {
    const c = bytes[i];
    if (c === undefined || c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) break;
    i++;
  }
  return i === start ? unsplittable() : i;
}

/** [start, end) of the top-level `items` array, when the body is an object with exactly one. */
function itemsSpan(bytes: Buffer): [number, number] {
  let i = skipSpace(bytes, 0);
  if (bytes[i] !== OPEN_BRACE) unsplittable();
  i = skipSpace(bytes, i + 1);
  let span: [number, number] | undefined;
  for (;;) {
    if (bytes[i] !== QUOTE) unsplittable();
    const keyEnd = stringEnd(bytes, i);
    const raw = bytes.toString("utf8", i, keyEnd);
    const key = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
    i = skipSpace(bytes, keyEnd);
    if (bytes[i] !== COLON) unsplittable();
    i = skipSpace(bytes, i + 1);
    const end = valueEnd(bytes, i);
    if (key === "items") {
      if (span || bytes[i] !== OPEN_BRACKET) unsplittable();
      span = [i, end];
    }
    i = skipSpace(bytes, end);
    const c = bytes[i];
    if (c === CLOSE_BRACE) return span ?? unsplittable();
    if (c !== COMMA) unsplittable();
    i = skipSpace(bytes, i + 1);
  }
}

/** Start and end offsets of each element of the array spanning [start, end). */
function elementOffsets(bytes: Buffer, start: number, end: number): number[] {
  const offsets: number[] = [];
  let i = skipSpace(bytes, start + 1);
  if (bytes[i] === CLOSE_BRACKET) return i + 1 === end ? offsets : unsplittable();
  for (;;) {
    const valueStart = i;
    i = valueEnd(bytes, i);
    offsets.push(valueStart, i);
    i = skipSpace(bytes, i);
    const c = bytes[i];
    if (c === CLOSE_BRACKET && i + 1 === end) return offsets;
    if (c !== COMMA) unsplittable();
    i = skipSpace(bytes, i + 1);
  }
}

function parsedWhole(value: unknown): ListBody {
  const items = (value as { items?: unknown } | null)?.items;
  const list = Array.isArray(items) ? (items as unknown[]) : [];
  return {
    head: value as Record<string, unknown>,
    length: list.length,
    item: function item(index) {
      return list[index];
    },
  };
}

/**
 * Splits a list body (UTF-8 JSON). Throws `SyntaxError` when `JSON.parse` of the body would,
 * except for errors inside an item, which `item()` throws. The body must not change while the
 * result is in use.
 *
 * @example
 * const list = parseListBody(Buffer.from('{"kind":"PodList","metadata":{"continue":"x"},"items":[{"a":1},{"a":2}]}'));
 * list.head.metadata; // { continue: "x" }
 * list.item(1);       // { a: 2 }
 */
export function parseListBody(body: Buffer): ListBody {
  // As undici's `text()`, a UTF-8 byte order mark is not part of the text.
  const bytes = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? body.subarray(3) : body;
  let span: [number, number];
  let offsets: number[];
  try {
    span = itemsSpan(bytes);
    offsets = elementOffsets(bytes, span[0], span[1]);
  } catch (error) {
    if (error instanceof Unsplittable) return parsedWhole(JSON.parse(bytes.toString("utf8")));
    throw error;
  }
  const head = JSON.parse(`${bytes.toString("utf8", 0, span[0])}[]${bytes.toString("utf8", span[1])}`) as Record<string, unknown>;
  return {
    head,
    length: offsets.length / 2,
    item: function item(index) {
      return JSON.parse(bytes.toString("utf8", offsets[2 * index], offsets[2 * index + 1]));
    },
  };
}
