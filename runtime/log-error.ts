/**
 * @module log-error
 * How a thrown value is written to the log (pino's `err` serializer). pino's standard one copies
 * every enumerable property, so a library's error carrying its request (axios hangs the request
 * config, `headers.Authorization` included, under `err.config`) or a `token` field put the
 * credential in clear in the log. This one keeps the type, message and stack, the `cause` chain
 * and an AggregateError's `errors`, and the error's own data as plain values (a `code`, a
 * Kubernetes `Status`, `missingPermission`), with every field whose name says it holds a
 * credential censored, at any depth, and credentials inside strings too: a `Bearer` or `Basic`
 * value, a URL's `?access_token=` (any query parameter named like a credential), a JSON text's
 * `"password": "..."` (axios keeps the request body as such a string). Class instances other
 * than errors (a socket, a request) are named, not walked; depth and array length are bounded.
 */

/** Words (regular expression sources) whose presence in a name says it holds a credential: a field's, a query parameter's, a JSON key's. */
const CREDENTIAL_WORDS = ["token", "authori[sz]ation", "secret", "passw(?:or)?d", "cookie", "credential", "api.?key", "private.?key", "signature", "bearer", "session", "jwt"].join("|");

/** Field names that hold credentials, in any letter case (`auth` only as the whole name, or `x-auth…`). */
export const CREDENTIAL_FIELD = new RegExp(`${CREDENTIAL_WORDS}|^(?:x-)?auth$|^x-auth`, "i");

/** A credential's name inside a string: a query parameter's or a JSON key's (there `auth` anywhere in it). */
// Bounded repetitions: a long string without a separator must not make the match quadratic.
const NAMED = `[^\\s"&=?#:]{0,40}(?:${CREDENTIAL_WORDS}|auth)[^\\s"&=?#:]{0,40}`;
const IN_STRINGS: [RegExp, string][] = [
  // A token-like value (8 or more token68 characters): "the Bearer token is missing" stays as it is.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]{8,}=*/gi, "$1 [redacted]"],
  // A query's or a form body's parameter (`refresh_token=...&grant_type=...` starts the string).
  [new RegExp(`((?:^|[?&])${NAMED}=)[^&#\\s"']*`, "gi"), "$1[redacted]"],
  // A URL's user and password (`https://alice:s3cret@proxy:3128`).
  // Through the last `@` before the path (a password may hold `@`); bounded scheme: linear.
  [/\b([a-z][a-z0-9+.-]{0,30}:\/\/)[^/\s"'?#@]*(?:@[^/\s"'?#@]*)*@/gi, "$1[redacted]@"],
  [new RegExp(`("${NAMED}"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, "gi"), '$1"[redacted]"'],
];

/** `text` with the credentials it carries (see the module) censored. */
export function scrubString(text: string): string {
  let out = text;
  for (const [pattern, replacement] of IN_STRINGS) out = out.replace(pattern, replacement);
  return out;
}

const CENSOR = "[redacted]";
const MAX_DEPTH = 6;
const MAX_ITEMS = 50;

type Plain = string | number | boolean | null | undefined | Plain[] | { [key: string]: Plain };

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function walk(value: unknown, depth: number, seen: Set<object>): Plain {
  if (typeof value === "string") return scrubString(value);
  if (value === null || value === undefined || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object") return `[${typeof value}]`;
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[nested too deeply]";
  seen.add(value);
  try {
    if (value instanceof Error) return errorFields(value, depth, seen);
    if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((item) => walk(item, depth + 1, seen));
    if (!isPlainObject(value)) return `[${value.constructor?.name ?? "object"}]`;
    return fields(value as Record<string, unknown>, depth, seen);
  } finally {
    seen.delete(value);
  }
}

function fields(source: Record<string, unknown>, depth: number, seen: Set<object>, skip?: ReadonlySet<string>): { [key: string]: Plain } {
  const out: { [key: string]: Plain } = {};
  let count = 0;
  for (const key of Object.keys(source)) {
    if (skip?.has(key)) continue;
    if (++count > MAX_ITEMS) break;
    if (CREDENTIAL_FIELD.test(key)) {
      out[key] = CENSOR;
      continue;
    }
    let item: unknown;
    try {
      item = source[key];
    } catch {
      out[key] = "[unreadable]";
      continue;
    }
    out[key] = walk(item, depth + 1, seen);
  }
  return out;
}

const ERROR_KEYS = new Set(["name", "message", "stack", "cause", "errors"]);

function errorFields(error: Error, depth: number, seen: Set<object>): { [key: string]: Plain } {
  const out: { [key: string]: Plain } = { type: error.constructor?.name ?? error.name, message: scrubString(String(error.message)), stack: error.stack === undefined ? undefined : scrubString(error.stack) };
  Object.assign(out, fields(error as unknown as Record<string, unknown>, depth, seen, ERROR_KEYS));
  if (error.cause !== undefined) out.cause = walk(error.cause, depth + 1, seen);
  if (error instanceof AggregateError) out.errors = walk(error.errors, depth + 1, seen);
  return out;
}

/**
 * The log form of a thrown value: see the module. Never throws (a getter that throws is written
 * as such).
 *
 * @example
 * pino({ serializers: { err: serializeError } });
 */
export function serializeError(value: unknown): unknown {
  try {
    return walk(value, 0, new Set());
  } catch (error) {
    let why: string;
    try {
      why = error instanceof Error ? error.message : String(error);
    } catch {
      why = "[unreadable]";
    }
    return { type: "Unserializable", message: `the thrown value could not be read: ${why}` };
  }
}

/** How deep `censorFields` looks into a logged object (deeper values are written as a marker). */
const CENSOR_DEPTH = 16;

/**
 * A handler's logged fields as the log should hold them: every field whose name says it holds a
 * credential censored at any depth of plain objects and arrays, credentials inside strings
 * censored (`scrubString`); nothing dropped or shortened but a cycle (`[circular]`), what is
 * nested over 16 deep (`[nested too deeply]`) and a field whose getter throws (`[unreadable]`).
 * An error, under any key, is written as `serializeError` writes it; other class instances are
 * left to pino. Never throws. For a pino child's `formatters.log`.
 *
 * @example
 * logger.child({ fn }, { formatters: { log: censorFields } });
 */
export function censorFields(object: object, errorsKept?: ReadonlySet<string>): object {
  try {
    if (errorsKept === undefined) return censored(object, 0, new Set()) as object;
    // An error under a key a serializer of the handler's own writes is handed to it as it is.
    const out = censored(object, 0, new Set()) as Record<string, unknown>;
    for (const key of errorsKept) {
      const value = (object as Record<string, unknown>)[key];
      if (value instanceof Error) out[key] = value;
    }
    return out;
  } catch {
    // A Proxy whose every trap throws: write nothing of it rather than throw from a log call.
    return { fields: "[unreadable]" };
  }
}

/**
 * One value as `censorFields` writes a field: for what a handler's own serializer returns (pino
 * runs serializers after the log formatter). Never throws.
 *
 * @example
 * censorValue({ headers: { Authorization: "Bearer abc" } }); // { headers: { Authorization: "[redacted]" } }
 */
export function censorValue(value: unknown): unknown {
  try {
    return censored(value, 0, new Set());
  } catch {
    return "[unreadable]";
  }
}

function censored(value: unknown, depth: number, seen: Set<object>): unknown {
  if (typeof value === "string") return scrubString(value);
  if (typeof value !== "object" || value === null) return value;
  // An error under any key is written as the `err` serializer writes it (axios hangs its request's headers on it).
  if (value instanceof Error) return serializeError(value);
  const array = Array.isArray(value);
  if (!array && !isPlainObject(value)) return value;
  if (seen.has(value)) return "[circular]";
  if (depth >= CENSOR_DEPTH) return "[nested too deeply]";
  seen.add(value);
  try {
    if (array) return value.map((item) => censored(item, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      let item: unknown;
      try {
        item = (value as Record<string, unknown>)[key];
      } catch {
        out[key] = "[unreadable]";
        continue;
      }
      out[key] = CREDENTIAL_FIELD.test(key) && item !== undefined ? CENSOR : censored(item, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
