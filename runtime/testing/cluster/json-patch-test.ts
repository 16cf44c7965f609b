/**
 * @module cluster/json-patch-test
 * The JSON patch `test` operation as gopkg.in/evanphx/json-patch.v4 (v4.12, the apiserver's)
 * decides it. The current object is Go-encoded JSON (encoding/json: HTML characters escaped)
 * and the patch value is the request's raw text, so:
 * - objects compare key by key whatever their order; arrays element by element;
 * - scalars compare as compacted bytes: `1.0` is not `1`, `"\u0041"` is not `"A"`, and a
 *   stored `"a<b"` (encoded `"a\u003cb"`) is not the patch's `"a<b"`;
 * - a missing key or a JSON null passes only against `value: null`; a present value never
 *   equals `value: null` or an absent `value`;
 * - a missing parent, a bad or out-of-range array index fails; `""` tests the whole document.
 * Which failure it was (a missing path, a bad index, a value that differs) json-patch words
 * before asking here; handlers/patch.go answers every one with the same 422 (`patch-request`),
 * a mutating webhook's patch with the library's error (`webhook-patch`).
 */

type Obj = Record<string, any>;

/** A JSON value as the library holds it: scalars keep their encoded bytes; `null` is JSON null. */
export type RawNode = null | { raw: string } | { doc: Map<string, RawNode> } | { ary: RawNode[] };

/** Go's encoding/json string encoding (HTML-safe: `<`, `>`, `&`, U+2028 and U+2029 escaped). */
function goString(s: string): string {
  return `"${s.replace(/[\u0000-\u001f"\\<>&\u2028\u2029]/g, (c) => {
    if (c === '"' || c === "\\") return `\\${c}`;
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  })}"`;
}

/** The stored object's value as the server encodes it before patching. */
export function encodedNode(value: unknown): RawNode {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return { ary: value.map(encodedNode) };
  if (typeof value === "object") return { doc: new Map(Object.entries(value as Obj).map(([k, v]) => [k, encodedNode(v)])) };
  return { raw: typeof value === "string" ? goString(value) : JSON.stringify(value) };
}

/** Parses valid JSON text keeping each scalar's text (json.Compact: whitespace dropped, nothing else). */
export function parseRawJson(text: string): RawNode {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const stringEnd = (start: number): number => {
    let j = start + 1;
    while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
    return j + 1;
  };
  const value = (): RawNode => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const doc = new Map<string, RawNode>();
      ws();
      if (text[i] === "}") {
        i++;
        return { doc };
      }
      for (;;) {
        ws();
        const end = stringEnd(i);
        const key = JSON.parse(text.slice(i, end)) as string;
        i = end;
        ws();
        i++; // ':'
        doc.set(key, value());
        ws();
        if (text[i++] === "}") return { doc };
      }
    }
    if (c === "[") {
      i++;
      const ary: RawNode[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return { ary };
      }
      for (;;) {
        ary.push(value());
        ws();
        if (text[i++] === "]") return { ary };
      }
    }
    const start = i;
    if (c === '"') i = stringEnd(i);
    else while (i < text.length && !",]} \t\n\r".includes(text[i]!)) i++;
    const raw = text.slice(start, i);
    return raw === "null" ? null : { raw };
  };
  return value();
}

/** lazyNode.equal: `n` is the document's node, `o` the patch's. */
function equal(n: RawNode, o: RawNode): boolean {
  if (n === null || o === null) return n === o;
  if ("raw" in n) return "raw" in o && n.raw === o.raw;
  if ("doc" in n) {
    if (!("doc" in o) || n.doc.size !== o.doc.size) return false;
    for (const [k, v] of n.doc) {
      if (!o.doc.has(k)) return false;
      if (!equal(v, o.doc.get(k)!)) return false;
    }
    return true;
  }
  return "ary" in o && n.ary.length === o.ary.length && n.ary.every((v, idx) => equal(v, o.ary[idx]!));
}

/** strconv.Atoi, with the library's negative indices (counted from the end). */
function arrayIndex(key: string, length: number): number | undefined {
  if (!/^[+-]?\d+$/.test(key)) return undefined;
  let idx = Number(key);
  if (idx < 0) {
    if (idx < -length) return undefined;
    idx += length;
  }
  return idx < length ? idx : undefined;
}

const decodeKey = (k: string) => k.replace(/~1/g, "/").replace(/~0/g, "~");

/**
 * Whether `test` passes on `doc` (a JSON value) at `path`; `value` is the operation's raw
 * value node, `undefined` when the operation has no `value` key.
 */
export function testPasses(doc: unknown, path: string, value: RawNode | undefined): boolean {
  const root = encodedNode(doc);
  if (path === "") return value !== undefined && equal(root, value);
  const parts = path.split("/");
  if (parts.length < 2) return false;
  let con: RawNode = root;
  for (const part of parts.slice(1, -1)) {
    const next = child(con, decodeKey(part));
    if (next === undefined || next === null || "raw" in next) return false; // findObject: nil
    con = next;
  }
  if (con === null || "raw" in con) return false;
  const val = child(con, decodeKey(parts[parts.length - 1]!));
  if (val === undefined && "ary" in con) return false; // error in test for path: invalid index
  if (val === undefined || val === null) return value === undefined || value === null;
  if (value === undefined || value === null) return false;
  return equal(val, value);
}

function child(con: RawNode, key: string): RawNode | undefined {
  if (con === null || "raw" in con) return undefined;
  if ("doc" in con) return con.doc.has(key) ? con.doc.get(key)! : undefined;
  const idx = arrayIndex(key, con.ary.length);
  return idx === undefined ? undefined : con.ary[idx]!;
}
