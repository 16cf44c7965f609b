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
 * Any failure is a `PatchError(422)`: handlers/patch.go answers them all with one generic 422.
 */
import { parseRawJson, testPasses, type RawNode } from "./json-patch-test.js";
import { PatchError } from "./patch.js";

type Json = unknown;
type Obj = Record<string, any>;
type Container = Obj | Json[];

function isObject(v: Json): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

const failed = (what: string) => new PatchError(422, what);

/** rfc6901Decoder: `~1` is `/`, `~0` is `~`. */
const decodeKey = (k: string) => k.replace(/~1/g, "/").replace(/~0/g, "~");

/** strconv.Atoi; `undefined` where it errors. */
function atoi(key: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(key)) return undefined;
  const n = Number(key);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** An own property, without `__proto__` surprises. */
function setKey(obj: Obj, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

/** The container's value at `key`: `undefined` for a missing object key (nil); throws on a bad index. */
function get(con: Container, key: string): Json {
  if (!Array.isArray(con)) return Object.prototype.hasOwnProperty.call(con, key) ? con[key] : undefined;
  let idx = atoi(key);
  if (idx === undefined) throw failed(`bad index ${key}`);
  if (idx < 0) {
    if (idx < -con.length) throw failed(`invalid index ${idx}`);
    idx += con.length;
  }
  if (idx >= con.length) throw failed(`invalid index ${idx}`);
  return con[idx];
}

/** partialArray.set / partialDoc.set (replace: the index was read by `get` first). */
function set(con: Container, key: string, value: Json): void {
  if (!Array.isArray(con)) return setKey(con, key, value);
  let idx = atoi(key)!;
  if (idx < 0) idx += con.length;
  con[idx] = value;
}

function add(con: Container, key: string, value: Json): void {
  if (!Array.isArray(con)) return setKey(con, key, value);
  if (key === "-") {
    con.push(value);
    return;
  }
  let idx = atoi(key);
  if (idx === undefined) throw failed(`bad index ${key}`);
  const size = con.length + 1;
  if (idx >= size || idx < -size) throw failed(`invalid index ${idx}`);
  if (idx < 0) idx += size;
  con.splice(idx, 0, value);
}

function remove(con: Container, key: string): void {
  if (!Array.isArray(con)) {
    if (!Object.prototype.hasOwnProperty.call(con, key)) throw failed(`missing key ${key}`);
    delete con[key];
    return;
  }
  let idx = atoi(key);
  if (idx === undefined) throw failed(`bad index ${key}`);
  if (idx >= con.length || idx < -con.length) throw failed(`invalid index ${idx}`);
  if (idx < 0) idx += con.length;
  con.splice(idx, 1);
}

/** findObject: the container of the path's last segment, and that segment decoded. */
function findObject(root: Json, path: string, op: string): { con: Container; key: string } {
  const split = path.split("/");
  const missing = failed(`${op} operation does not apply: doc is missing path: ${path}`);
  if (split.length < 2 || !(Array.isArray(root) || isObject(root))) throw missing;
  let con: Container = root;
  for (const part of split.slice(1, -1)) {
    let next: Json;
    try {
      next = get(con, decodeKey(part));
    } catch {
      throw missing;
    }
    if (!(Array.isArray(next) || isObject(next))) throw missing;
    con = next;
  }
  return { con, key: decodeKey(split[split.length - 1]!) };
}

/** Operation.Path / From: a JSON string, or the operation fails. */
function pointer(operation: Obj, field: "path" | "from"): string {
  const value = operation[field];
  if (typeof value !== "string") throw failed(`operation missing ${field} field`);
  return value;
}

/** The operation's value: an absent `value` is a nil node, written as null. */
const valueOf = (operation: Obj): Json => (Object.prototype.hasOwnProperty.call(operation, "value") ? structuredClone(operation.value) : null);

/**
 * Applies `patch` (already parsed) to a copy of `doc`. `raw` is the patch as `parseRawJson`
 * read it (the `test` operation compares raw values, as the library does).
 */
export function jsonPatch(doc: Json, patch: Json, raw?: RawNode): Json {
  if (!Array.isArray(patch)) throw new PatchError(400, "json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  let out: Json = structuredClone(doc);
  for (const [index, operation] of (patch as Obj[]).entries()) {
    const op = isObject(operation) && typeof operation.op === "string" ? operation.op : "unknown";
    const o = (operation ?? {}) as Obj;
    switch (op) {
      case "add": {
        const { con, key } = findObject(out, pointer(o, "path"), op);
        add(con, key, valueOf(o));
        break;
      }
      case "remove": {
        const { con, key } = findObject(out, pointer(o, "path"), op);
        remove(con, key);
        break;
      }
      case "replace": {
        const path = pointer(o, "path");
        if (path === "") {
          const value = valueOf(o);
          // v4 wraps a nil error there (errors.Wrapf(nil, ...) is nil): another value is a no-op, not a failure.
          if (Array.isArray(value) || isObject(value)) out = value;
          break;
        }
        const { con, key } = findObject(out, path, op);
        get(con, key);
        set(con, key, valueOf(o));
        break;
      }
      case "move": {
        const from = findObject(out, pointer(o, "from"), op);
        const value = get(from.con, from.key);
        remove(from.con, from.key);
        const to = findObject(out, pointer(o, "path"), op);
        add(to.con, to.key, value);
        break;
      }
      case "copy": {
        const from = findObject(out, pointer(o, "from"), op);
        const value = get(from.con, from.key);
        const to = findObject(out, pointer(o, "path"), op);
        add(to.con, to.key, value === undefined ? null : structuredClone(value));
        break;
      }
      case "test": {
        const path = pointer(o, "path");
        const rawOp = raw && "ary" in raw ? raw.ary[index] : undefined;
        const rawValue = rawOp && "doc" in rawOp ? (rawOp.doc.has("value") ? rawOp.doc.get("value")! : undefined) : o.value === undefined ? undefined : parseRawJson(JSON.stringify(o.value));
        if (!testPasses(out, path, rawValue)) throw failed(`testing value ${path} failed: test failed`);
        break;
      }
      default:
        throw failed(`Unexpected kind: ${op}`);
    }
  }
  return out;
}
