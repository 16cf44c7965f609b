/**
 * @module cluster/continue-token
 * A list's `continue` token, as 1.32's storage.EncodeContinue and DecodeContinue make and read it:
 * base64 (RawURLEncoding: no padding, `\r` and `\n` skipped) of `{"v":"meta.k8s.io/v1","rv":N,"start":KEY}`,
 * KEY relative to the list's key prefix (`worker-0\u0000`: the next key after the page's last).
 * Read as Go reads it: the JSON checked first (go-json-syntax), then decoded into the token's
 * struct (keys matched case-insensitively, the last repeated one winning, `null` leaving a field
 * unset, a value of the wrong type the first `json: cannot unmarshal` error), then judged: an
 * unknown version, a version 0, an empty start key, or a start key that path.Clean would change
 * (`a/../b`, a trailing `/`) is refused. Every error is a `ContinueTokenError` whose message the
 * list answers as its 400 `invalid continue token: <message>`.
 */
import { goJsonSyntaxError } from "./go-json-syntax.js";
import { parseGoInt64 } from "./go-scalars.js";
import { rawFromText, isRawNumber, isRawObject, type RawJson } from "./raw-json.js";

/** A continue token that does not decode, with DecodeContinue's words. */
export class ContinueTokenError extends Error {
  readonly code = "CONTINUE_TOKEN_INVALID";
}

/** A decoded token: the version to read at (-1: the latest) and the key the page starts from (inclusive). */
export interface ContinueToken {
  rv: number;
  /** The start key, relative to the list's prefix, cleaned (no leading `/`). */
  start: string;
}

/** storage.EncodeContinue: the token starting at key `start` (relative to the list's prefix), read at `rv`. */
export function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv, start })).toString("base64url");
}

/** The start key of the page after one whose last key is `lastKey`: the next key there can be. */
export const keyAfter = (lastKey: string): string => `${lastKey}\u0000`;

const invalid = (why: string) => new ContinueTokenError(`continue key is not valid: ${why}`);

/** base64.RawURLEncoding.DecodeString: the bytes, or its CorruptInputError's words. */
function decodeRawUrlBase64(token: string): Buffer {
  const clean: string[] = [];
  let quantum = 0;
  for (let i = 0; i < token.length; i++) {
    const c = token[i]!;
    if (c === "\n" || c === "\r") continue;
    if (!/[A-Za-z0-9_-]/.test(c)) throw invalid(`illegal base64 data at input byte ${i}`);
    clean.push(c);
    quantum = (quantum + 1) % 4;
  }
  // A last quantum of one character cannot be decoded: Go names the input's last byte.
  if (quantum === 1) throw invalid(`illegal base64 data at input byte ${token.length - 1}`);
  return Buffer.from(clean.join(""), "base64url");
}

/** Go's foldName of a JSON key (upper case of the lower case), to match a field case-insensitively. */
const folded = (key: string) => [...key].map((c) => c.toLowerCase().toUpperCase()).join("");

const kindOf = (v: RawJson): string => (v === null ? "null" : typeof v === "string" ? "string" : typeof v === "boolean" ? "bool" : isRawNumber(v) ? "number" : Array.isArray(v) ? "array" : "object");

/** json.Unmarshal into continueToken: the fields set, or the first type error's words. */
function unmarshal(data: Buffer): { v: string; rv: bigint; start: string } {
  const syntax = goJsonSyntaxError(data);
  if (syntax) throw invalid(syntax);
  const value = rawFromText(data.toString("utf8"));
  const token = { v: "", rv: 0n, start: "" };
  if (value === null) return token;
  if (!isRawObject(value)) throw invalid(`json: cannot unmarshal ${kindOf(value)} into Go value of type storage.continueToken`);
  let first: string | undefined;
  const typeError = (what: string, field: string, type: string) => {
    first ??= `json: cannot unmarshal ${what} into Go struct field continueToken.${field} of type ${type}`;
  };
  for (const [key, v] of value.entries) {
    const field = { V: "v", RV: "rv", START: "start" }[folded(key)] as "v" | "rv" | "start" | undefined;
    if (!field || v === null) continue;
    if (field === "rv") {
      if (!isRawNumber(v)) typeError(kindOf(v), "rv", "int64");
      else {
        const n = parseGoInt64(v.num);
        if (typeof n === "string") typeError(`number ${v.num}`, "rv", "int64");
        else token.rv = n;
      }
    } else if (typeof v !== "string") typeError(kindOf(v), field, "string");
    else token[field] = v;
  }
  if (first) throw invalid(first);
  return token;
}

/** path.Clean of a rooted path. */
function cleanRooted(path: string): string {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  return `/${out.join("/")}`;
}

/** storage.DecodeContinue: the token's version and start key; throws a ContinueTokenError. */
export function decodeContinue(token: string): ContinueToken {
  const c = unmarshal(decodeRawUrlBase64(token));
  if (c.v !== "meta.k8s.io/v1") throw invalid(`server does not recognize this encoded version ${c.v}`);
  if (c.rv === 0n) throw invalid("incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  if (c.start === "") throw invalid("encoded start key empty (version meta.k8s.io/v1)");
  // Against path traversal: a key that path.Clean would change is refused.
  const key = c.start.startsWith("/") ? c.start : `/${c.start}`;
  if (cleanRooted(key) !== key) throw invalid(c.start);
  return { rv: Number(c.rv), start: key.slice(1) };
}
