/**
 * @module log
 * The process logger: pino, one JSON line per event on stderr or stdout, with secrets redacted
 * by path as a second line of defence (podfn never puts them in log objects to begin with).
 * Lines to a file descriptor are gathered and written in batches (see `LineBatch`).
 * `pretty: true` (used by `podfn dev`) prints short human-readable lines instead.
 */
import { pino, type Logger, type DestinationStream } from "pino";
import { formatPretty } from "./log-pretty.js";

export type { Logger } from "pino";

export interface LoggerOptions {
  /** Default `info`. */
  level?: string;
  /** Human-readable lines instead of JSON. Default false. */
  pretty?: boolean;
  /** Where lines go. Default: file descriptor 1 (stdout); `podfn run` uses 2 (stderr). */
  destination?: DestinationStream | 1 | 2;
  /** Fields added to every line. */
  base?: Record<string, unknown>;
}

/** Paths never written even if a caller logs them. No wildcards: they cost microseconds a line. */
export const REDACTED_PATHS = ["token", "authorization", "headers.authorization", "req.headers.authorization", "secret", "password"];

/** Lines are handed to the stream once this many bytes are gathered (~250 access lines). */
const BATCH_BYTES = 48 * 1024;
/** The gathering buffer (and the largest write): a batch plus room for a long line. */
const BUFFER_BYTES = 64 * 1024;
/** …or this long after the first line of a batch, in milliseconds. */
const FLUSH_EVERY_MS = 100;

/**
 * Lines encoded into one buffer and handed to pino's file-descriptor stream (sonic-boom, which
 * writes asynchronously, retries `EAGAIN` and stops at `EPIPE`) once per `BATCH_BYTES`, or
 * `FLUSH_EVERY_MS` after the first line: under load, one write (one trip through libuv's thread
 * pool) for dozens of access lines, and no joining of strings. Fed line by line, sonic-boom costs
 * more than building the lines (in its string mode it re-measures its whole pending buffer on
 * every `write`). Lines still gathered when the process exits are written synchronously, as pino
 * flushes its own.
 */
type SonicBoom = ReturnType<typeof pino.destination>;

/** Every batch of the process, written out by one `exit` listener. */
const batches = new Set<LineBatch>();

function flushAtExit(): void {
  for (const batch of batches) batch.flushSync();
}

/**
 * A destination that also takes lines made later (the access lines, see http/access-log.ts):
 * `gatherFrom(gather)` registers a function writing lines kept elsewhere through `write`. The
 * destination calls it before taking any other line and before each write to its file, so every
 * line keeps its place; `waiting()` says such lines exist (they are written within
 * `FLUSH_EVERY_MS`, as any line). Made in bulk, lines cost less than one by one between requests.
 */
export interface GatheringDestination extends DestinationStream {
  gatherFrom(gather: () => void): void;
  waiting(): void;
}

/** True for a destination that can take lines made later (a `LineBatch`). */
export function isGathering(stream: unknown): stream is GatheringDestination {
  return stream instanceof LineBatch;
}

class LineBatch implements GatheringDestination {
  #buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  #used = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #gatherers: (() => void)[] = [];
  /** A gatherer holds lines. */
  #waiting = false;
  readonly #stream: SonicBoom;
  readonly #flush = () => {
    this.#timer = undefined;
    this.#drain();
  };

  constructor(stream: SonicBoom) {
    this.#stream = stream;
    if (batches.size === 0) process.on("exit", flushAtExit);
    batches.add(this);
  }

  gatherFrom(gather: () => void): void {
    this.#gatherers.push(gather);
  }

  waiting(): void {
    this.#waiting = true;
    this.#timer ??= setTimeout(this.#flush, FLUSH_EVERY_MS);
  }

  #gather(): void {
    this.#waiting = false;
    for (const gather of this.#gatherers) gather();
  }

  write(line: string): void {
    if (this.#waiting) this.#gather();
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const most = line.length * 3;
    if (this.#used + most > BUFFER_BYTES) {
      this.#drain();
      if (most > BUFFER_BYTES) {
        this.#stream.write(Buffer.from(line) as unknown as string);
        return;
      }
    }
    this.#used += this.#buffer.write(line, this.#used);
    if (this.#used >= BATCH_BYTES) this.#drain();
    else this.#timer ??= setTimeout(this.#flush, FLUSH_EVERY_MS);
  }

  /** Write everything gathered and wait for it (what `logger.flush(cb)` calls). */
  flush(callback?: (error?: Error) => void): void {
    this.#drain();
    this.#stream.flush(callback);
  }

  /**
   * Write everything gathered before returning (pino calls it after a `fatal` line; the `exit`
   * listener calls it last). The stream is switched to synchronous writes first: handed to it
   * in asynchronous mode, the batch would go to a thread-pool write the exit can cut short, and
   * its own `flushSync` skips a write in flight.
   */
  flushSync(): void {
    try {
      (this.#stream as unknown as { sync: boolean }).sync = true;
      this.#drain();
      this.#stream.flushSync();
    } catch {
      // Ended or broken (EPIPE): nothing more can be written, as with pino's own flush.
    }
  }

  #drain(): void {
    if (this.#waiting) this.#gather();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#used === 0) return;
    const batch = this.#buffer.subarray(0, this.#used);
    // The stream keeps the batch until written: the next lines go to a new buffer.
    this.#buffer = Buffer.allocUnsafe(BUFFER_BYTES);
    this.#used = 0;
    // A buffer: the stream is in `contentMode: "buffer"` (its types only know strings).
    this.#stream.write(batch as unknown as string);
  }
}

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
 * @example
 * const log = createLogger({ level: "debug" });
 * log.info({ fn: "whoami" }, "loaded");
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const fd = typeof options.destination === "number" ? options.destination : 1;
  const destination =
    typeof options.destination === "object"
      ? options.destination
      : options.pretty
        ? { write: (line: string) => void process[fd === 2 ? "stderr" : "stdout"].write(formatPretty(line)) }
        : new LineBatch(pino.destination({ dest: fd, sync: false, contentMode: "buffer", maxWrite: BUFFER_BYTES }));
  return pino(
    {
      level: options.level ?? "info",
      base: options.base ?? { pid: process.pid },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      timestamp: isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
