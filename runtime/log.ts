/**
 * @module log
 * The process logger: pino, one JSON line per event on stderr or stdout, with secrets redacted
 * by path as a second line of defence (podfn never puts them in log objects to begin with).
 * Lines to a file descriptor are gathered and written once per turn of the event loop (see
 * `LineBatch`).
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

/**
 * The lines logged during one turn of the event loop, handed to pino's file-descriptor stream
 * (sonic-boom, which writes asynchronously, retries `EAGAIN` and stops at `EPIPE`) as one string
 * at the end of the turn: under load, one write for dozens of access lines, and no line waits
 * longer than the turn. sonic-boom itself measures its whole pending buffer on every `write`, a
 * cost that grows with the buffer: fed line by line it costs more than building the lines.
 * Lines still gathered when the process exits are written synchronously, as pino flushes its own.
 */
type SonicBoom = ReturnType<typeof pino.destination>;

/** Every batch of the process, written out by one `exit` listener. */
const batches = new Set<LineBatch>();

function flushAtExit(): void {
  for (const batch of batches) batch.flushSync();
}

class LineBatch implements DestinationStream {
  #lines: string[] = [];
  #scheduled = false;
  readonly #stream: SonicBoom;
  readonly #flush = () => {
    this.#scheduled = false;
    this.#drain();
  };

  constructor(stream: SonicBoom) {
    this.#stream = stream;
    if (batches.size === 0) process.on("exit", flushAtExit);
    batches.add(this);
  }

  write(line: string): void {
    this.#lines.push(line);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flush);
    }
  }

  /** Write everything gathered and wait for it (what `logger.flush(cb)` calls). */
  flush(callback?: (error?: Error) => void): void {
    this.#drain();
    this.#stream.flush(callback);
  }

  /** Write everything gathered before returning (pino calls it after a `fatal` line). */
  flushSync(): void {
    try {
      this.#drain();
      this.#stream.flushSync();
    } catch {
      // Ended or broken (EPIPE): nothing more can be written, as with pino's own flush.
    }
  }

  #drain(): void {
    if (this.#lines.length === 0) return;
    const text = this.#lines.length === 1 ? this.#lines[0]! : this.#lines.join("");
    this.#lines = [];
    this.#stream.write(text);
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
        : new LineBatch(pino.destination({ dest: fd, sync: false }));
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
