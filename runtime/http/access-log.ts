/**
 * @module http/access-log
 * Writes the one access line of each request: exactly the JSON line pino would write for
 * `logger.info({method, path, status, durationMs, fn, requestId}, "request")` (same fields, same
 * order, the logger's level label, time format, base fields and bindings), built directly and
 * written to the logger's own destination stream. pino's generic path (the field loop, its
 * redaction pass, per-value type dispatch) costs more than the rest of a trivial call.
 *
 * Safe to skip redaction: an access line holds only fields set by the HTTP adapter (the path
 * without its query string, never a header or a body). A logger this writer cannot mirror
 * exactly (a mixin, a `formatters.log`, a `streamWrite` hook, a nested key, a message prefix,
 * a serializer of one of these fields, a stream wanting metadata such as a multistream) gets
 * its lines through `logger.info` instead, so the output is the same either way.
 */
import { pino, type Logger } from "pino";

/**
 * Log one request at info level. `durationMs` and `fn` are left out when undefined (requests
 * that reached no function).
 */
export type AccessLog = (method: string, path: string, status: number, requestId: string, durationMs?: number, fn?: string) => void;

const FIELDS = ["method", "path", "status", "durationMs", "fn", "requestId", "msg"];
const {
  chindingsSym,
  endSym,
  lsCacheSym,
  messageKeySym,
  mixinSym,
  nestedKeySym,
  msgPrefixSym,
  serializersSym,
  streamSym,
  stringifiersSym,
  timeSym,
  formattersSym,
  hooksSym,
  needsMetadataGsym,
  wildcardFirstSym,
} = pino.symbols as typeof pino.symbols & { readonly msgPrefixSym: symbol };
const INFO = 30;
/** Strings JSON writes as is between quotes. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function quote(value: string): string {
  return PLAIN.test(value) ? `"${value}"` : JSON.stringify(value);
}

/** Numbers as pino writes them (non-finite ones as `null`). */
function number(value: number): string {
  return Number.isFinite(value) ? String(value) : "null";
}

/** True when a line built here is byte for byte the line `logger.info` would write. */
function mirrorable(logger: Logger): boolean {
  const l = logger as unknown as Record<symbol, unknown>;
  if (l[streamSym] === undefined || typeof l[timeSym] !== "function" || typeof (l[lsCacheSym] as Record<number, string> | undefined)?.[INFO] !== "string") return false;
  if (l[mixinSym] || l[nestedKeySym] || l[msgPrefixSym] !== undefined || l[messageKeySym] !== "msg") return false;
  if ((l[formattersSym] as { log?: unknown } | undefined)?.log) return false;
  if ((l[hooksSym] as { streamWrite?: unknown } | undefined)?.streamWrite) return false;
  if ((l[streamSym] as Record<symbol, unknown>)[needsMetadataGsym] === true) return false;
  const serializers = l[serializersSym] as Record<string, unknown>;
  const stringifiers = l[stringifiersSym] as Record<string | symbol, unknown>;
  // A wildcard redaction path would apply to our fields too.
  if (stringifiers[wildcardFirstSym]) return false;
  return !FIELDS.some((f) => serializers[f] || stringifiers[f]);
}

/**
 * The access-line writer of `logger`.
 *
 * @example
 * const accessLog = accessLogWriter(logger);
 * accessLog("GET", "/hello", 200, "3b241101-e2bb-4255-8caf-4136c566a962", 0.42, "hello");
 * // {"level":"info","time":"…","pid":7,"method":"GET","path":"/hello","status":200,"durationMs":0.42,"fn":"hello","requestId":"3b24…","msg":"request"}
 */
export function accessLogWriter(logger: Logger): AccessLog {
  if (!mirrorable(logger)) {
    return function accessLogViaPino(method, path, status, requestId, durationMs, fn) {
      logger.info({ method, path, status, durationMs, fn, requestId }, "request");
    };
  }
  const l = logger as unknown as Record<symbol, unknown>;
  const time = l[timeSym] as () => string;
  const stream = l[streamSym] as { write(line: string): unknown };
  const levelPrefix = (l[lsCacheSym] as Record<number, string>)[INFO]!;
  // The last method and path, and the last function, as quoted: a server's lines repeat them.
  let method = "";
  let methodAndPath = `,"method":"","path":""`;
  let path = "";
  let fnName = "";
  let fnField = `,"fn":""`;
  return function accessLog(m, p, status, requestId, durationMs, fn) {
    if (!logger.isLevelEnabled("info")) return;
    if (m !== method || p !== path) {
      method = m;
      path = p;
      methodAndPath = `,"method":${quote(m)},"path":${quote(p)}`;
    }
    let line = `${levelPrefix}${time()}${l[chindingsSym] as string}${methodAndPath},"status":${number(status)}`;
    if (durationMs !== undefined) line += `,"durationMs":${number(durationMs)}`;
    if (fn !== undefined) {
      if (fn !== fnName) {
        fnName = fn;
        fnField = `,"fn":${quote(fn)}`;
      }
      line += fnField;
    }
    stream.write(`${line},"requestId":${quote(requestId)},"msg":"request"${l[endSym] as string}`);
  };
}
