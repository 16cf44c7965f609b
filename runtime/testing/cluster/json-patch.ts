/**
 * @module cluster/json-patch
 * JSON patch (RFC 6902) as gopkg.in/evanphx/json-patch.v4 (v4.12, the apiserver's) applies it,
 * over plain JSON values:
 * - a path is split on `/` and its first segment dropped (`data/k` addresses `/k`; a path with
 *   no `/` addresses nothing); the segments before the last must lead to an object or array
 *   (a missing key, a null or a scalar fails);
 * - array indices are strconv.Atoi's (`+1`, `01` too) and may be negative, counted from the
 *   end (SupportNegativeIndices): `-1` is the last element for get, replace and remove, and
 *   the end for add (`-` appends);
 * - an object's key is read as null when missing (partialDoc.get): `replace` of a missing key
 *   sets it and `copy` from one adds null; `remove` (and so `move`) of a missing key fails;
 * - `add` or `copy` without a `value` sets null; `replace` at `""` replaces the document with an
 *   object or array, and with anything else does nothing (v4's error there wraps a nil error,
 *   which `errors.Wrapf` makes nil); `test` is `json-patch-test`'s.
 * Any failure is a `PatchError(422)` whose message is the library's error in its words (v4.12
 * wraps with pkg/errors' Wrapf, `<what>: <cause>`: `add operation does not apply: doc is missing
 * path: "/a/b": missing value`, `error in remove for path: '/a': Unable to remove nonexistent
 * key: a: missing value`, `testing value /a failed: test failed`): handlers/patch.go answers
 * them all with one generic 422; the mutating webhook dispatcher with the 500 `Internal error
 * occurred: <error>` (webhook-patch).
 */
import { parseRawJson, testPasses, type RawNode } from "./json-patch-test.js";
import { PatchError } from "./patch.js";
import { goQuote } from "./crd-schema-go.js";

type Json = unknown;
type Obj = Record<string, any>;
type Container = Obj | Json[];

function isObject(v: Json): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

const failed = (what: string) => new PatchError(422, what);

/** rfc6901Decoder: `~1` is `/`, `~0` is `~`. */
const decodeKey = (k: string) => k.replace(/~1/g, "/").replace(/~0/g, "~");

/** pkg/errors' Wrapf: `<message>: <cause>`. */
const MISSING = "missing value";
const INVALID_INDEX = "invalid index referenced";
const badIndex = (idx: string) => `Unable to access invalid index: ${idx}: ${INVALID_INDEX}`;

/** strconv.Atoi of an array key: the index (and how %d prints it), or Atoi's error. */
function atoi(key: string): { idx: number; text: string } | { error: string } {
  if (!/^[+-]?[0-9]+$/.test(key)) return { error: `strconv.Atoi: parsing ${goQuote(key)}: invalid syntax` };
  const big = BigInt(key);
  if (big > 2n ** 63n - 1n || big < -(2n ** 63n)) return { error: `strconv.Atoi: parsing ${goQuote(key)}: value out of range` };
  return { idx: Number(big), text: big.toString() };
}

/** An own property, without `__proto__` surprises. */
function setKey(obj: Obj, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/** container.get: the value at `key` (`undefined` for a missing object key: nil), or the library's error. */
function get(con: Container, key: string): { value: Json } | { error: string } {
  if (!Array.isArray(con)) return { value: Object.prototype.hasOwnProperty.call(con, key) ? con[key] : undefined };
  const n = atoi(key);
  if ("error" in n) return n;
  let idx = n.idx;
  if (idx < 0) {
    if (idx < -con.length) return { error: badIndex(n.text) };
    idx += con.length;
  }
  if (idx >= con.length) return { error: badIndex(String(idx)) };
  return { value: con[idx] };
}

/** partialArray.set / partialDoc.set (replace: the index was read by `get` first). */
function set(con: Container, key: string, value: Json): void {
  if (!Array.isArray(con)) return setKey(con, key, value);
  let idx = Number(key);
  if (idx < 0) idx += con.length;
  con[idx] = value;
}

/** container.add; the library's error, if any. */
function add(con: Container, key: string, value: Json): string | undefined {
  if (!Array.isArray(con)) return void setKey(con, key, value);
  if (key === "-") return void con.push(value);
  const n = atoi(key);
  if ("error" in n) return `value was not a proper array index: '${key}': ${n.error}`;
  const size = con.length + 1;
  let idx = n.idx;
  if (idx >= size || idx < -size) return badIndex(n.text);
  if (idx < 0) idx += size;
  con.splice(idx, 0, value);
  return undefined;
}

/** container.remove; the library's error, if any. */
function remove(con: Container, key: string): string | undefined {
  if (!Array.isArray(con)) {
    if (!Object.prototype.hasOwnProperty.call(con, key)) return `Unable to remove nonexistent key: ${key}: ${MISSING}`;
    delete con[key];
    return undefined;
  }
  const n = atoi(key);
  if ("error" in n) return n.error;
  let idx = n.idx;
  if (idx >= con.length || idx < -con.length) return badIndex(n.text);
  if (idx < 0) idx += con.length;
  con.splice(idx, 1);
  return undefined;
}

/** findObject: the container of the path's last segment and that segment decoded, or `undefined` (nil). */
function findObject(root: Json, path: string): { con: Container; key: string } | undefined {
  const split = path.split("/");
  if (split.length < 2 || !(Array.isArray(root) || isObject(root))) return undefined;
  let con: Container = root;
  for (const part of split.slice(1, -1)) {
    const next = get(con, decodeKey(part));
    if ("error" in next || !(Array.isArray(next.value) || isObject(next.value))) return undefined;
    con = next.value;
  }
  return { con, key: decodeKey(split[split.length - 1]!) };
}

/** encoding/json's name for the JSON type a string field was sent. */
function jsonKind(v: Json): string {
  if (Array.isArray(v)) return "array";
  if (v !== null && typeof v === "object") return "object";
  return typeof v === "boolean" ? "bool" : "number";
}

/** Operation.Path / From: the JSON string, or the library's error (missing, null, or not a string). */
function pointer(operation: Obj, field: "path" | "from"): { value: string } | { error: string } {
  const value = operation[field];
  if (value === undefined || value === null) return { error: field === "path" ? `operation missing path field: ${MISSING}` : `operation, missing from field: ${MISSING}` };
  if (typeof value !== "string") return { error: `json: cannot unmarshal ${jsonKind(value)} into Go value of type string` };
  return { value };
}

/** The operation's value: an absent `value` is a nil node, written as null. */
const valueOf = (operation: Obj): Json => (Object.prototype.hasOwnProperty.call(operation, "value") ? structuredClone(operation.value) : null);

/**
 * Applies `patch` (already parsed) to a copy of `doc`. `raw` is the patch as `parseRawJson`
 * read it (the `test` operation compares raw values, as the library does).
 */
export function jsonPatch(doc: Json, patch: Json, raw?: RawNode): Json {
  if (!Array.isArray(patch)) throw new PatchError(400, "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  const state = { doc: structuredClone(doc) };
  for (const [index, operation] of (patch as Obj[]).entries()) {
    const op = isObject(operation) && typeof operation.op === "string" ? operation.op : "unknown";
    const rawOp = raw && "ary" in raw ? raw.ary[index] : undefined;
    const error = applyOne(state, op, (operation ?? {}) as Obj, rawOp);
    if (error !== undefined) throw failed(error);
  }
  return state.doc;
}

/** One operation of kind `op` applied to `state.doc`; the library's error, as Apply returns it, if any. */
function applyOne(state: { doc: Json }, op: string, o: Obj, rawOp: RawNode | undefined): string | undefined {
  switch (op) {
    case "add": {
      const path = pointer(o, "path");
      if ("error" in path) return `add operation failed to decode path: ${MISSING}`;
      const at = findObject(state.doc, path.value);
      if (!at) return `add operation does not apply: doc is missing path: "${path.value}": ${MISSING}`;
      const error = add(at.con, at.key, valueOf(o));
      return error && `error in add for path: '${path.value}': ${error}`;
    }
    case "remove": {
      const path = pointer(o, "path");
      if ("error" in path) return `remove operation failed to decode path: ${MISSING}`;
      const at = findObject(state.doc, path.value);
      if (!at) return `remove operation does not apply: doc is missing path: "${path.value}": ${MISSING}`;
      const error = remove(at.con, at.key);
      return error && `error in remove for path: '${path.value}': ${error}`;
    }
    case "replace": {
      const path = pointer(o, "path");
      if ("error" in path) return `replace operation failed to decode path: ${path.error}`;
      if (path.value === "") {
        const value = valueOf(o);
        // v4.12 wraps a nil error there (errors.Wrapf(nil, ...) is nil): another value is a no-op, not a failure.
        if (Array.isArray(value) || isObject(value)) state.doc = value;
        return undefined;
      }
      const at = findObject(state.doc, path.value);
      if (!at) return `replace operation does not apply: doc is missing path: ${path.value}: ${MISSING}`;
      if ("error" in get(at.con, at.key)) return `replace operation does not apply: doc is missing key: ${path.value}: ${MISSING}`;
      set(at.con, at.key, valueOf(o));
      return undefined;
    }
    case "move": {
      const from = pointer(o, "from");
      if ("error" in from) return `move operation failed to decode from: ${from.error}`;
      const source = findObject(state.doc, from.value);
      if (!source) return `move operation does not apply: doc is missing from path: ${from.value}: ${MISSING}`;
      const value = get(source.con, source.key);
      if ("error" in value) return `error in move for path: '${source.key}': ${value.error}`;
      const removed = remove(source.con, source.key);
      if (removed) return `error in move for path: '${source.key}': ${removed}`;
      const path = pointer(o, "path");
      if ("error" in path) return `move operation failed to decode path: ${path.error}`;
      const to = findObject(state.doc, path.value);
      if (!to) return `move operation does not apply: doc is missing destination path: ${path.value}: ${MISSING}`;
      const error = add(to.con, to.key, value.value);
      return error && `error in move for path: '${path.value}': ${error}`;
    }
    case "copy": {
      const from = pointer(o, "from");
      if ("error" in from) return `copy operation failed to decode from: ${from.error}`;
      const source = findObject(state.doc, from.value);
      if (!source) return `copy operation does not apply: doc is missing from path: ${from.value}: ${MISSING}`;
      const value = get(source.con, source.key);
      if ("error" in value) return `error in copy for from: '${from.value}': ${value.error}`;
      const path = pointer(o, "path");
      if ("error" in path) return `copy operation failed to decode path: ${MISSING}`;
      const to = findObject(state.doc, path.value);
      if (!to) return `copy operation does not apply: doc is missing destination path: ${path.value}: ${MISSING}`;
      const error = add(to.con, to.key, value.value === undefined ? null : structuredClone(value.value));
      return error && `error while adding value during copy: ${error}`;
    }
    case "test": {
      const path = pointer(o, "path");
      if ("error" in path) return `test operation failed to decode path: ${path.error}`;
      if (path.value !== "") {
        const at = findObject(state.doc, path.value);
        if (!at) return `test operation does not apply: is missing path: ${path.value}: ${MISSING}`;
        const value = get(at.con, at.key);
        if ("error" in value) return `error in test for path: '${path.value}': ${value.error}`;
      }
      const rawValue = rawOp && "doc" in rawOp ? (rawOp.doc.has("value") ? rawOp.doc.get("value")! : undefined) : o.value === undefined ? undefined : parseRawJson(JSON.stringify(o.value));
      return testPasses(state.doc, path.value, rawValue) ? undefined : `testing value ${path.value} failed: test failed`;
    }
    default:
      return `Unexpected kind: ${op}`;
  }
}
