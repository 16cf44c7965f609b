/**
 * @module log
 * The process logger: pino, one JSON line per event on stderr or stdout, with secrets redacted
 * by path as a second line of defence (podfn never puts them in log objects to begin with), and
 * every secret the process holds censored by value in each line, whatever destination it goes
 * to (runtime/secret-values.ts).
 * Lines to a file descriptor are gathered and written in batches (runtime/log-batch.ts).
 * `pretty: true` (used by `podfn dev`) prints short human-readable lines instead.
 * What a handler writes to stdout or stderr through Node's streams (`console.log`,
 * `console.error`) is the logger's output too (`takeStdio`, runtime/stdio.ts): censored as its
 * lines are, and in order with them; in JSON, each write is one line of its own
 * (`{"level":"info",…,"stream":"stdout","msg":"…"}`, stderr's at `warn`), so a log shipper
 * reading JSON lines (Fluent Bit, Promtail) takes it whole: a printed stack stays one record.
 */
import { pino, type Logger as PinoLogger, type DestinationStream, type LogFn } from "pino";
import format from "quick-format-unescaped";
import { formatPretty } from "./log-pretty.js";
import { LineBatch, BUFFER_BYTES } from "./log-batch.js";
import { scrubString, serializeError } from "./log-error.js";
import { censorSecrets } from "./secret-values.js";
import { routeStdio, writeStdio } from "./stdio.js";

export { isGathering, type GatheringDestination } from "./log-batch.js";

/** A pino logger: `log.info({ pod }, "deleted")`, `log.child({ job })`, `log.error({ err }, "failed")`. */
export type Logger = PinoLogger;

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** Lowest level written: `trace`, `debug`, `info`, `warn`, `error`, `fatal` or `silent`. Default `info`. */
  level?: string;
  /** Human-readable lines instead of JSON. Default false. */
  pretty?: boolean;
  /** Where lines go. Default: file descriptor 1 (stdout); `podfn run` gives its stderr. */
  destination?: DestinationStream | 1 | 2;
  /**
   * What the process writes to stdout and stderr through Node's streams (a handler's
   * `console.log`, `console.error`, `process.stdout.write`) is this logger's output too, with
   * every secret the process holds censored, in order with its lines: each write a JSON line of
   * this logger's (`stdioLines`) into the batch or to the given destination (both descriptors'
   * writes), or the text as written on its own descriptor under `pretty`.
   * Only in the CLI's process (`watchStdioStreams`). Default: true for a file descriptor (`serve`,
   * `dev`), false for a destination given (`podfn run` sets it).
   */
  takeStdio?: boolean;
  /** Fields added to every line. */
  base?: Record<string, unknown>;
}

/**
 * Paths never written even if a caller logs them. No wildcards: they cost microseconds a line.
 * Errors (`err`) are censored by field name at any depth by their serializer (log-error.ts).
 */
export const REDACTED_PATHS = [
  "token",
  "authorization",
  "Authorization",
  "headers.authorization",
  "headers.Authorization",
  "headers.cookie",
  "headers.Cookie",
  "req.headers.authorization",
  "req.headers.Authorization",
  "secret",
  "password",
];

/** How long `flushLogger` waits by default for a reader to take the last lines (within the pod grace period: drain, abort grace, this). */
export const FLUSH_AT_EXIT_MS = 2000;

let stampMs = Number.NaN;
let stamp = "";

/** pino's `isoTime` (`,"time":"2024-01-01T00:00:00.000Z"`), formatted once per millisecond. */
function isoTime(): string {
  const now = Date.now();
  if (now !== stampMs) {
    stampMs = now;
    stamp = `,"time":"${new Date(now).toISOString()}"`;
  }
  return stamp;
}

/**
 * Resolves once every line logged so far is written (a slow reader of the pipe may hold them for
 * a while), the stream broke, or `timeoutMs` passed. Await it before exiting: `process.exit`
 * cuts a write still in flight.
 *
 * @example
 * await flushLogger(logger);
 * process.exit(0);
 */
export function flushLogger(logger: Logger, timeoutMs = FLUSH_AT_EXIT_MS): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    logger.flush(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const { formatOptsSym } = pino.symbols as typeof pino.symbols & { readonly formatOptsSym: symbol };

/**
 * pino's `logMethod` hook: the message as pino would write it (its interpolations filled in by
 * pino's own formatter, or an error's message when none is given) through `scrubString`, so a
 * credential split across `"Bearer %s"` and its argument, or inside an object for `%j`, is
 * censored too.
 */
function scrubbedMessages(this: Logger, args: Parameters<LogFn>, method: LogFn): void {
  const values = args as unknown[];
  const first = values[0];
  // As pino's LOG reads its arguments: an object (or null, or undefined) first, the message next.
  const at = typeof first === "object" || first === undefined ? 1 : 0;
  const withObject = at === 1 && first !== null && first !== undefined;
  let message = values[at];
  if (message === undefined && withObject) {
    // pino writes an error's message when no message is given: `log.error(err)`, `{ err }`.
    const err = first instanceof Error ? first : (first as { msg?: unknown; err?: unknown }).msg === undefined ? (first as { err?: unknown }).err : undefined;
    if (err instanceof Error && typeof err.message === "string") message = err.message;
  }
  if (typeof message !== "string") {
    // No message pino would format: still, no string argument goes out uncensored.
    return method.apply(this, values.map((v) => (typeof v === "string" ? scrubString(v) : v)) as Parameters<LogFn>);
  }
  const formatted = values.length > at + 1 ? format(message, values.slice(at + 1), (this as unknown as Record<symbol, { stringify?: (value: unknown) => string }>)[formatOptsSym]) : message;
  const scrubbed = scrubString(String(formatted));
  return method.apply(this, (at === 1 ? [first, scrubbed] : [scrubbed]) as Parameters<LogFn>);
}

/** The batched destination of fd 1 or 2. */
function batchFor(fd: 1 | 2): LineBatch {
  return new LineBatch(pino.destination({ dest: fd, sync: false, contentMode: "buffer", maxWrite: BUFFER_BYTES }));
}

/** A destination, and where what the streams are written goes when it takes them (`takeStdio`). */
interface Destination {
  lines: DestinationStream;
  /** What a write to fd 1 or 2 through Node's stream becomes, when not a JSON line of the logger's (`pretty`: the text as written). */
  stdio?(fd: 1 | 2): { write(text: string): void };
}

const { writeSym } = pino.symbols;

/** The level of a write to stdout (info) or stderr (warn) through Node's streams, as a JSON line. */
const STDIO_LEVELS = { 1: 30, 2: 40 } as const;

/** The writers of each logger's taken stdio (`routeStdio` holds them weakly): as long as the logger. */
const stdioWriters = new WeakMap<Logger, unknown>();

/**
 * What a write to fd 1 or 2 through Node's stream becomes in JSON: one line of `logger` at
 * `STDIO_LEVELS`, whatever the logger's level (such output was never dropped), with
 * `stream` naming the descriptor and the text written (less one final newline) as `msg`,
 * credentials in it censored as in messages (`scrubString`). A multi-line text (a stack a
 * handler printed) stays in one line.
 */
function stdioLines(logger: Logger, fd: 1 | 2): { write(text: string): void } {
  const stream = fd === 1 ? "stdout" : "stderr";
  const level = STDIO_LEVELS[fd];
  const write = (logger as unknown as Record<symbol, (obj: object, msg: string, level: number) => void>)[writeSym]!;
  return {
    write(text: string) {
      write.call(logger, { stream }, scrubString(text.endsWith("\n") ? text.slice(0, -1) : text), level);
    },
  };
}

function destinationOf(options: LoggerOptions, fd: 1 | 2): Destination {
  const given = options.destination;
  if (typeof given === "object") {
    // Both descriptors' writes go where the lines go, as lines (`stdioLines`): `podfn run`'s stdout holds its result alone.
    return { lines: { write: (line: string) => void given.write(censorSecrets(line)) } };
  }
  if (options.pretty) {
    // Written as the CLI's own output (never taken back by the route), each on its descriptor.
    const taken = ([1, 2] as const).map((to) => ({ write: (text: string) => writeStdio(to, censorSecrets(text)) }));
    // The destination, which the logger holds, holds them: routes are held weakly.
    const lines = { taken, write: (line: string) => writeStdio(fd, formatPretty(censorSecrets(line))) };
    return { lines, stdio: (to) => taken[to - 1]! };
  }
  // Into the batch, which censors, as lines (`stdioLines`): a stream's write does not overtake lines still gathered.
  return { lines: batchFor(fd) };
}

/**
 * A pino logger as podfn's own: one JSON line per event (ISO `time`, `level` as a word), errors
 * under `err` serialized with their cause and code, token and authorization fields redacted,
 * and every secret the process holds censored by value in each line.
 *
 * @example
 * const log = createLogger({ level: "debug" });
 * log.info({ fn: "whoami" }, "loaded");
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const fd = typeof options.destination === "number" ? options.destination : 1;
  const { lines: destination, stdio } = destinationOf(options, fd);
  const logger = pino(
    {
      level: options.level ?? "info",
      base: options.base ?? { pid: process.pid },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      serializers: { err: serializeError },
      // A message carrying a credential (`Bearer ...`, `?access_token=`) is censored as errors are.
      hooks: { logMethod: scrubbedMessages },
      timestamp: isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  if (options.takeStdio ?? typeof options.destination !== "object") {
    const writers = ([1, 2] as const).map((to) => stdio?.(to) ?? stdioLines(logger, to));
    stdioWriters.set(logger, writers);
    routeStdio(1, writers[0]!);
    routeStdio(2, writers[1]!);
  }
  return logger;
}
