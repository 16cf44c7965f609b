/**
 * @module log-batch
 * The process logger's destination for a file descriptor: lines encoded into one buffer and
 * handed to pino's file-descriptor stream (sonic-boom, which writes asynchronously, retries
 * `EAGAIN` and stops at `EPIPE`) once per `BATCH_BYTES`, or `FLUSH_EVERY_MS` after the first
 * line. Each asynchronous write is a trip through libuv's thread pool (~30 µs of CPU, more on a
 * busy server): under load one write carries ~1,200 access lines. Fed line by line, sonic-boom
 * costs more than building the lines (in its string mode it re-measures its whole pending buffer
 * on every `write`). Lines still gathered when the process exits are written synchronously, as
 * pino flushes its own.
 *
 * Buffers come back once the stream holds nothing (after one of its writes, sonic-boom's own
 * counters show nothing pending or in flight): a busy server, whose 240 KiB are written long
 * before the next 240 KiB are gathered, reuses two or three paged-in buffers instead of faulting
 * in a fresh one per batch. A stream that never goes idle only costs fresh buffers. A batch takes
 * its first buffer at its first line, and the exit listener holds batches weakly: the silent
 * logger of each test harness costs no buffer, and a dropped logger is collected with its batch.
 */
import type { DestinationStream, pino } from "pino";
import { PodfnError } from "./errors.js";
import { censorSecrets } from "./secret-values.js";

/** Lines are handed to the stream once this many bytes are gathered (~1,200 access lines). */
const BATCH_BYTES = 240 * 1024;
/** The gathering buffer (and the largest write): a batch plus room for a long line. */
export const BUFFER_BYTES = 256 * 1024;
/** …or this long after the first line of a batch, in milliseconds. */
const FLUSH_EVERY_MS = 100;
/** Written buffers kept for reuse. */
const SPARE_BUFFERS = 2;
/** Handed buffers followed for reuse; past this many before the stream is idle (a stalled or broken stream), the oldest are left to the GC. */
const FOLLOWED_BUFFERS = 8;

type SonicBoom = ReturnType<typeof pino.destination>;

/** sonic-boom's own counters: a write in flight, and the bytes it holds not yet written. */
interface SonicBoomState {
  _writing?: unknown;
  _len?: unknown;
}

/**
 * A stream's state by sonic-boom's counters: `idle` (holds nothing), `busy` (a write in flight,
 * EAGAIN retries included), `broken` (holds bytes with no write in flight: only a write that
 * failed leaves it so), or `undefined` when the counters cannot be read.
 */
function streamState(stream: SonicBoom): "idle" | "busy" | "broken" | undefined {
  const { _writing: writing, _len: pending } = stream as unknown as SonicBoomState;
  if (typeof writing !== "boolean" || typeof pending !== "number") return undefined;
  if (writing) return "busy";
  return pending === 0 ? "idle" : "broken";
}

/** What `flush` calls back with when the stream broke before it was asked (its error was given then). */
export const LOG_STREAM_BROKEN = new PodfnError("log_stream_broken", "the log stream stopped writing: an earlier write failed (EPIPE: its reader is gone)");

/** Every batch of the process, written out by one `exit` listener. */
const batches = new Set<WeakRef<LineBatch>>();
/**
 * A logger dropped (a test harness's) takes its batch with it. A batch holding lines not yet
 * handed to its stream stays reachable through its timer; lines in a write, through the stream.
 */
const forget = new FinalizationRegistry<WeakRef<LineBatch>>((ref) => batches.delete(ref));
let listening = false;

function flushAtExit(): void {
  for (const ref of batches) ref.deref()?.flushSync();
}

/**
 * sonic-boom 4 (what pino 10 uses) retries a synchronous write that failed for good (ENOSPC,
 * EIO) forever, 100 ms apart: `flushSync` after such a failure (pino's own at exit, the exit
 * listener here, a `fatal` line) would hang the process instead of letting it end. After a
 * failed write (the stream holds lines, none in flight) its `flushSync` is skipped: those lines
 * cannot be written. sonic-boom 5 throws instead.
 */
function guardFlushSync(stream: SonicBoom): void {
  const flushSync = stream.flushSync;
  stream.flushSync = function guardedFlushSync(this: SonicBoom): void {
    if (streamState(this) !== "broken") flushSync.call(this);
  };
}

/** An empty buffer until the first line: a logger that never writes (a silent one) holds none. */
const NO_BUFFER = Buffer.alloc(0);

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
  /**
   * `write` for text `censorSecrets` has already cleaned: access lines, whose every part that
   * could carry a secret was censored when it was made (a repeated path once).
   */
  writeCensored(text: string): void;
}

/** True for a destination that can take lines made later (a `LineBatch`). */
export function isGathering(stream: unknown): stream is GatheringDestination {
  return stream instanceof LineBatch;
}

export class LineBatch implements GatheringDestination {
  #buffer: Buffer;
  #used = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #gatherers: (() => void)[] = [];
  /** A gatherer holds lines. */
  #waiting = false;
  /** Buffers handed to the stream since it was last idle, oldest first. */
  readonly #handed: Buffer[] = [];
  readonly #spare: Buffer[] = [];
  /** `flush` callbacks waiting for the stream to be idle. */
  readonly #flushWaiters: (() => void)[] = [];
  #idleCheckScheduled = false;
  readonly #stream: SonicBoom;
  readonly #flush = () => {
    this.#timer = undefined;
    this.#drain();
  };

  constructor(stream: SonicBoom) {
    this.#stream = stream;
    this.#buffer = NO_BUFFER;
    // After sonic-boom's own bookkeeping of the write (it emits before updating its counters).
    stream.on("write", () => {
      if (this.#idleCheckScheduled) return;
      this.#idleCheckScheduled = true;
      process.nextTick(this.#checkIdle);
    });
    guardFlushSync(stream);
    if (!listening) {
      listening = true;
      process.on("exit", flushAtExit);
    }
    const ref = new WeakRef(this);
    batches.add(ref);
    forget.register(this, ref);
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

  write(text: string): void {
    if (this.#waiting) this.#gather();
    // A secret this process holds is never written, wherever a line carries it.
    this.#append(censorSecrets(text));
  }

  writeCensored(text: string): void {
    if (this.#waiting) this.#gather();
    this.#append(text);
  }

  #append(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const most = line.length * 3;
    if (this.#used + most > BUFFER_BYTES) {
      this.#drain();
      if (most > BUFFER_BYTES) {
        // A buffer of its own, never reused.
        this.#stream.write(Buffer.from(line) as unknown as string);
        return;
      }
    }
    if (this.#buffer === NO_BUFFER) this.#buffer = this.#spare.pop() ?? Buffer.allocUnsafe(BUFFER_BYTES);
    this.#used += this.#buffer.write(line, this.#used);
    if (this.#used >= BATCH_BYTES) this.#drain();
    else this.#timer ??= setTimeout(this.#flush, FLUSH_EVERY_MS);
  }

  /**
   * Write everything gathered; `callback` (on a later tick) once the stream holds nothing more:
   * all of it, and all handed before, written (what `logger.flush(cb)` calls; sonic-boom's own
   * `flush` calls back at once). A stream that breaks (EPIPE: the reader is gone) writes nothing
   * more: the callback gets its error, or `LOG_STREAM_BROKEN` when it broke before. One whose
   * counters cannot be read calls back at once, as before.
   */
  flush(callback?: (error?: Error) => void): void {
    this.#drain();
    if (!callback) return;
    const state = streamState(this.#stream);
    if (state !== "busy") {
      process.nextTick(callback, state === "broken" ? LOG_STREAM_BROKEN : undefined);
      return;
    }
    // A write that fails (EPIPE: the reader is gone) leaves the stream holding its lines for
    // good: while callbacks wait, an error calls them back with it instead.
    if (this.#flushWaiters.length === 0) this.#stream.on("error", this.#failWaiters);
    this.#flushWaiters.push(callback);
  }

  readonly #failWaiters = (error: Error): void => {
    this.#stream.off("error", this.#failWaiters);
    const callbacks = this.#flushWaiters.splice(0);
    for (const callback of callbacks) process.nextTick(callback, error);
    // Listening must not change what an error does: with no one else left (pino's filter keeps
    // listening only for EPIPE), an error of the log stream still ends the process, as before.
    if (callbacks.length > 0 && this.#stream.listenerCount("error") === 0) {
      process.nextTick(function rethrow() {
        throw error;
      });
    }
  };

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
      // Written synchronously: no `write` event says so.
      this.#checkIdle();
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
    // The stream keeps the batch until written: the next lines go to another buffer.
    if (this.#handed.length === FOLLOWED_BUFFERS) this.#handed.shift();
    this.#handed.push(this.#buffer);
    this.#buffer = NO_BUFFER;
    this.#used = 0;
    // A buffer: the stream is in `contentMode: "buffer"` (its types only know strings).
    this.#stream.write(batch as unknown as string);
  }

  /** After a write: once the stream holds nothing, its buffers come back and `flush` callbacks are due. */
  readonly #checkIdle = (): void => {
    this.#idleCheckScheduled = false;
    if (streamState(this.#stream) !== "idle") return;
    for (const buffer of this.#handed.splice(0)) if (this.#spare.length < SPARE_BUFFERS) this.#spare.push(buffer);
    if (this.#flushWaiters.length === 0) return;
    this.#stream.off("error", this.#failWaiters);
    for (const callback of this.#flushWaiters.splice(0)) process.nextTick(callback);
  };
}
