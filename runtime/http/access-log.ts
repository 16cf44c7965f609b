/**
 * @module http/access-log
 * Writes the one access line of each request: exactly the JSON line pino would write for
 * `logger.info({method, path, status, code, durationMs, fn, requestId, remoteAddress, userAgent}, "request")`
 * (same fields, same order, the logger's level label, time format, base fields and bindings), built directly and
 * written to the logger's own destination stream. pino's generic path (the field loop, its
 * redaction pass, per-value type dispatch) costs more than the rest of a trivial call.
 *
 * On the process logger's batching destination (`isGathering`, runtime/log-batch.ts) a request only
 * records its fields (and the time, as the logger would write it then); the lines are made in
 * bulk when the batch needs them: before any other line is added and before every write, so the
 * order of lines is unchanged. Made together, lines cost a fraction of one made between requests.
 *
 * Safe to skip redaction: an access line holds only fields set by the HTTP adapter (the path
 * without its query string, the error code of the answer, the peer's address, and of the
 * headers only `User-Agent`: never `Authorization`, a signature or a body). Secrets this process
 * holds are censored by value as in every line, but part by part: the parts a caller or the
 * process chooses (method and path, error code, function name, address, User-Agent, the
 * logger's bindings) when they change or a secret is added
 * (`censorGeneration`), the request id (a caller's `X-Request-Id`) on every line; the batch then
 * takes the lines as censored. Censoring each batch whole cost ~0.2 µs of every request. A logger this writer cannot mirror
 * exactly (a mixin, a `formatters.log`, a `streamWrite` hook, a nested key, a message prefix,
 * a serializer of one of these fields, a stream wanting metadata such as a multistream) gets
 * its lines through `logger.info` instead, so the output is the same either way.
 */
import { pino, type Logger } from "pino";
import { isGathering, type GatheringDestination } from "../log.js";
import { censorGeneration, censorSecrets } from "../secret-values.js";

/**
 * Log one request at info level. `durationMs` and `fn` are left out when undefined (requests
 * that reached no function); `code` (the podfn error code of an error answer, e.g.
 * `invalid_input`, `kube_unavailable`) when the answer carried none; `remoteAddress` (the TCP
 * peer's, never `X-Forwarded-For`; an IPv4 peer by its IPv4 address, see `peerAddress`) and `userAgent` when unknown (a request through `fetch`, a
 * request without the header).
 */
export type AccessLog = (method: string, path: string, status: number, requestId: string, durationMs?: number, fn?: string, code?: string, remoteAddress?: string, userAgent?: string) => void;

const FIELDS = ["method", "path", "status", "code", "durationMs", "fn", "requestId", "remoteAddress", "userAgent", "msg"];
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

/** Makes the access line of one request, given the time and the logger's bindings as they were then. */
type LineFormat = (
  method: string,
  path: string,
  status: number,
  requestId: string,
  durationMs: number | undefined,
  fn: string | undefined,
  code: string | undefined,
  remoteAddress: string | undefined,
  userAgent: string | undefined,
  time: string,
  bindings: string,
) => string;

/**
 * One string field of the line as written (`,"name":"value"`), censored: made again only when
 * its value changes or a secret was added since (a server's lines repeat a few values).
 */
class CensoredField {
  readonly #prefix: string;
  readonly #written: (value: string) => string;
  #at = -1;
  #value = "";
  #text = "";

  /** `written`: what is written for a value (the value itself by default). */
  constructor(name: string, written: (value: string) => string = (value) => value) {
    this.#prefix = `,"${name}":`;
    this.#written = written;
  }

  text(value: string, generation: number): string {
    if (generation !== this.#at || value !== this.#value) {
      this.#at = generation;
      this.#value = value;
      this.#text = censorSecrets(`${this.#prefix}${quote(this.#written(value))}`);
    }
    return this.#text;
  }
}

/**
 * A peer's address as written: an IPv4 peer of a dual-stack socket (a pod's `::`), which Node
 * names IPv4-mapped (`::ffff:10.1.2.3`), by its IPv4 address, as nginx, Envoy and Go name it.
 *
 * @example
 * peerAddress("::ffff:10.1.2.3"); // "10.1.2.3"
 */
export function peerAddress(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".", 7) ? address.slice(7) : address;
}

/** Access lines recorded at most before they are made at once (then again from the first). */
const MAX_PENDING = 256;
/**
 * Characters of access lines handed to the destination in one write. The batch sizes a write at
 * 3 bytes a character (UTF-8 at most) when deciding to hand a buffer over: larger joins would
 * hand over batches well short of their 240 KiB.
 */
const JOINED_CHARS = 4 * 1024;

/** The access lines waiting on one gathering destination, from every writer using it, in order. */
class PendingLines {
  #count = 0;
  readonly #formats: (LineFormat | undefined)[] = new Array(MAX_PENDING);
  readonly #methods: (string | undefined)[] = new Array(MAX_PENDING);
  readonly #paths: (string | undefined)[] = new Array(MAX_PENDING);
  readonly #statuses: number[] = new Array(MAX_PENDING).fill(0);
  readonly #requestIds: (string | undefined)[] = new Array(MAX_PENDING);
  readonly #durations: (number | undefined)[] = new Array(MAX_PENDING);
  readonly #fns: (string | undefined)[] = new Array(MAX_PENDING);
  readonly #codes: (string | undefined)[] = new Array(MAX_PENDING);
  readonly #addresses: (string | undefined)[] = new Array(MAX_PENDING);
  readonly #agents: (string | undefined)[] = new Array(MAX_PENDING);
  readonly #times: (string | undefined)[] = new Array(MAX_PENDING);
  readonly #bindings: (string | undefined)[] = new Array(MAX_PENDING);
  readonly #stream: GatheringDestination;

  constructor(stream: GatheringDestination) {
    this.#stream = stream;
    stream.gatherFrom(() => this.#gather());
  }

  add(
    format: LineFormat,
    method: string,
    path: string,
    status: number,
    requestId: string,
    durationMs: number | undefined,
    fn: string | undefined,
    code: string | undefined,
    remoteAddress: string | undefined,
    userAgent: string | undefined,
    time: string,
    bindings: string,
  ): void {
    const i = this.#count;
    if (i === 0) this.#stream.waiting();
    this.#formats[i] = format;
    this.#methods[i] = method;
    this.#paths[i] = path;
    this.#statuses[i] = status;
    this.#requestIds[i] = requestId;
    this.#durations[i] = durationMs;
    this.#fns[i] = fn;
    this.#codes[i] = code;
    this.#addresses[i] = remoteAddress;
    this.#agents[i] = userAgent;
    this.#times[i] = time;
    this.#bindings[i] = bindings;
    this.#count = i + 1;
    if (this.#count === MAX_PENDING) this.#gather();
  }

  /**
   * Make and write every recorded line, oldest first, and let go of what they held. Lines are
   * joined into writes of up to `JOINED_CHARS`: one copy into the batch buffer per write, not
   * per line (~30 ns a line).
   */
  #gather(): void {
    const count = this.#count;
    // Reset first: each write below lets the destination gather again (nothing is left then).
    this.#count = 0;
    let text = "";
    for (let i = 0; i < count; i++) {
      text += this.#formats[i]!(this.#methods[i]!, this.#paths[i]!, this.#statuses[i]!, this.#requestIds[i]!, this.#durations[i], this.#fns[i], this.#codes[i], this.#addresses[i], this.#agents[i], this.#times[i]!, this.#bindings[i]!);
      this.#formats[i] = this.#methods[i] = this.#paths[i] = this.#requestIds[i] = this.#fns[i] = this.#times[i] = this.#bindings[i] = undefined;
      this.#codes[i] = this.#addresses[i] = this.#agents[i] = undefined;
      if (text.length >= JOINED_CHARS) {
        this.#stream.writeCensored(text);
        text = "";
      }
    }
    if (text !== "") this.#stream.writeCensored(text);
  }
}

const pendingByStream = new WeakMap<GatheringDestination, PendingLines>();

/**
 * The access-line writer of `logger`.
 *
 * @example
 * const accessLog = accessLogWriter(logger);
 * accessLog("GET", "/hello", 200, "3b241101-e2bb-4255-8caf-4136c566a962", 0.42, "hello", undefined, "10.0.3.7", "curl/8.5.0");
 * // {"level":"info","time":"…","pid":7,"method":"GET","path":"/hello","status":200,"durationMs":0.42,"fn":"hello","requestId":"3b24…","remoteAddress":"10.0.3.7","userAgent":"curl/8.5.0","msg":"request"}
 */
export function accessLogWriter(logger: Logger): AccessLog {
  if (!mirrorable(logger)) {
    return function accessLogViaPino(method, path, status, requestId, durationMs, fn, code, remoteAddress, userAgent) {
      logger.info({ method, path, status, code, durationMs, fn, requestId, remoteAddress: remoteAddress === undefined ? undefined : peerAddress(remoteAddress), userAgent }, "request");
    };
  }
  const l = logger as unknown as Record<symbol, unknown>;
  const time = l[timeSym] as () => string;
  const stream = l[streamSym] as { write(line: string): unknown };
  const levelPrefix = (l[lsCacheSym] as Record<number, string>)[INFO]!;
  // The last method and path, code, function, address, User-Agent and bindings, as quoted and
  // censored: a server's lines repeat them. Each is made again when a secret was added since
  // (its `…At` is behind).
  let pathAt = -1;
  let bindingsAt = -1;
  let method = "";
  let methodAndPath = `,"method":"","path":""`;
  let path = "";
  const codeField = new CensoredField("code");
  const fnField = new CensoredField("fn");
  const addressField = new CensoredField("remoteAddress", peerAddress);
  const agentField = new CensoredField("userAgent");
  let givenBindings = "";
  let bindingsField = "";
  const format: LineFormat = function accessLine(m, p, status, requestId, durationMs, fn, code, remoteAddress, userAgent, at, bindings) {
    const generation = censorGeneration();
    if (generation !== pathAt || m !== method || p !== path) {
      pathAt = generation;
      method = m;
      path = p;
      methodAndPath = censorSecrets(`,"method":${quote(m)},"path":${quote(p)}`);
    }
    if (generation !== bindingsAt || bindings !== givenBindings) {
      bindingsAt = generation;
      givenBindings = bindings;
      bindingsField = censorSecrets(bindings);
    }
    let line = `${levelPrefix}${at}${bindingsField}${methodAndPath},"status":${number(status)}`;
    if (code !== undefined) line += codeField.text(code, generation);
    if (durationMs !== undefined) line += `,"durationMs":${number(durationMs)}`;
    if (fn !== undefined) line += fnField.text(fn, generation);
    line += `,"requestId":${censorSecrets(quote(requestId))}`;
    if (remoteAddress !== undefined) line += addressField.text(remoteAddress, generation);
    if (userAgent !== undefined) line += agentField.text(userAgent, generation);
    return `${line},"msg":"request"${l[endSym] as string}`;
  };
  if (!isGathering(stream)) {
    return function accessLog(m, p, status, requestId, durationMs, fn, code, remoteAddress, userAgent) {
      if (logger.isLevelEnabled("info")) stream.write(format(m, p, status, requestId, durationMs, fn, code, remoteAddress, userAgent, time(), l[chindingsSym] as string));
    };
  }
  let pending = pendingByStream.get(stream);
  if (!pending) pendingByStream.set(stream, (pending = new PendingLines(stream)));
  const lines = pending;
  return function accessLog(m, p, status, requestId, durationMs, fn, code, remoteAddress, userAgent) {
    if (logger.isLevelEnabled("info")) lines.add(format, m, p, status, requestId, durationMs, fn, code, remoteAddress, userAgent, time(), l[chindingsSym] as string);
  };
}
