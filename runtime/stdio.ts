/**
 * @module stdio
 * How the CLI writes to stdout and stderr: `fs.writeSync` on the file descriptor, as Node's own
 * streams do for files and pipes on Linux (synchronously), but without making those streams: the
 * first `process.stdout.write` or `process.stderr.write` builds a `net.Socket` for a pipe and
 * loads Node's stream and socket modules (~2 ms), which a CronJob's `podfn run` pays for two log
 * lines. A descriptor that would block (`EAGAIN`, set non-blocking by another user) gets the
 * remainder, and all later output, through the stream; a reader that is gone (`EPIPE`,
 * `podfn list | head`) ends the output quietly. Once anything else makes the stream (a handler's
 * `console.log`), output goes through it too (`watchStdioStreams`), so it stays in order. What
 * anything else writes through the streams (a handler's `console.log`, `console.error`) is the
 * process logger's to take (`routeStdio`: censored, in order with its lines); the CLI's own
 * output (`writeStdio`: `podfn run`'s result, its messages) is never taken. A child process's
 * output passed on (`forwardStdioLines`) goes a whole line at a time, between log lines.
 */
import { writeSync } from "node:fs";
import type { Readable } from "node:stream";

/** Descriptors whose output now goes through Node's stream (after an `EAGAIN`). */
const streaming: Record<1 | 2, boolean> = { 1: false, 2: false };

/** What takes a descriptor's stream writes instead of the stream (`routeStdio`): held weakly. */
interface StdioRoute {
  write(text: string): void;
}
const routes: Record<1 | 2, WeakRef<StdioRoute> | undefined> = { 1: undefined, 2: undefined };
/** Streams whose `write` consults `routes`. */
const routedStreams = new WeakSet<object>();

/** True while the CLI's own output goes through a stream: not routed. */
let ownWrite = false;

/**
 * From now on, what is written to fd 1 or 2 through Node's stream by anything but `writeStdio`
 * (a handler's `console.log` or `console.error`, `process.stdout.write`) goes to `writer`: the
 * process logger's (log.ts), which censors it and writes it where its lines go, in order with
 * them (`podfn serve`'s batch, which writes a batch at a time, so such output does not overtake
 * lines still gathered). Only once `watchStdioStreams` was called (the CLI); `writer` is held
 * weakly (a dropped logger routes nothing).
 *
 * @example
 * routeStdio(1, batch);
 */
export function routeStdio(fd: 1 | 2, writer: StdioRoute): void {
  routes[fd] = new WeakRef(writer);
}

type Write = (chunk: unknown, encoding?: unknown, callback?: unknown) => boolean;

/** Makes `stream.write` go to the descriptor's route, when it has one. */
function routeWrites(fd: 1 | 2, stream: NodeJS.WriteStream): void {
  if (routedStreams.has(stream)) return;
  routedStreams.add(stream);
  const write = stream.write as Write;
  (stream as { write: Write }).write = function routedWrite(this: NodeJS.WriteStream, chunk, encoding, callback) {
    const writer = ownWrite ? undefined : routes[fd]?.deref();
    if (!writer) return write.call(this, chunk, encoding, callback);
    const done = typeof encoding === "function" ? encoding : callback;
    const text = typeof chunk === "string" ? (typeof encoding === "string" && Buffer.isEncoding(encoding) ? Buffer.from(chunk, encoding).toString("utf8") : chunk) : Buffer.from(chunk as Uint8Array).toString("utf8");
    writer.write(text);
    if (typeof done === "function") process.nextTick(done as () => void);
    return true;
  };
}

/** Streams whose reader going away (`EPIPE`) ends their output quietly. */
const quietStreams = new WeakSet<object>();

/**
 * A reader that went away (`podfn run NAME | head -c 100` of a large result) ends the stream's
 * output quietly, as `writeStdio`'s own writes end: the stream reports it as an `error` event,
 * which without a listener is an uncaught exception (the run, done, then failed with exit 1).
 * Other errors stay uncaught.
 */
function quietOnEpipe(stream: NodeJS.WriteStream): void {
  if (quietStreams.has(stream)) return;
  quietStreams.add(stream);
  stream.on("error", function readerGone(error: NodeJS.ErrnoException) {
    if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") return;
    throw error;
  });
}

/** `stream.write(data, done)` as the CLI's own output: to the stream itself, never to a route. */
function writeOwn(fd: 1 | 2, data: string | Uint8Array, done?: () => void): void {
  const stream = fd === 1 ? process.stdout : process.stderr;
  quietOnEpipe(stream);
  ownWrite = true;
  try {
    if (done) stream.write(data, done);
    else stream.write(data);
  } finally {
    ownWrite = false;
  }
}

/**
 * Write `text` to fd 1 or 2: the CLI's own output, never taken by a route (`routeStdio`).
 *
 * @example
 * writeStdio(2, '{"level":"info","msg":"run succeeded"}\n');
 */
export function writeStdio(fd: 1 | 2, text: string): void {
  // Once the stream holds queued output, everything goes through it, in order.
  if (streaming[fd]) {
    writeOwn(fd, text);
    return;
  }
  let bytes = Buffer.from(text, "utf8");
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(writeSync(fd, bytes));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EPIPE") return;
      if (code !== "EAGAIN") throw error;
      streaming[fd] = true;
      writeOwn(fd, bytes);
      return;
    }
  }
}

/**
 * Pass on what `source` (a child process's stderr) writes to fd 1 or 2, as written but a whole
 * line at a time, so none lands in the middle of a log line; a last line without its newline
 * gets one.
 *
 * @example
 * forwardStdioLines(2, child.stderr);
 */
export function forwardStdioLines(fd: 1 | 2, source: Readable): void {
  let partial = "";
  source.setEncoding("utf8");
  source.on("data", function forwardLines(chunk: string) {
    const text = partial + chunk;
    const end = text.lastIndexOf("\n") + 1;
    if (end > 0) writeStdio(fd, text.slice(0, end));
    partial = text.slice(end);
  });
  source.on("end", function forwardLast() {
    if (partial) writeStdio(fd, `${partial}\n`);
    partial = "";
  });
}

/**
 * From the first time anything reads `process.stdout` or `process.stderr` (a handler's
 * `console.log`), `writeStdio` writes to that descriptor through the stream, behind what the
 * stream may still hold, so `podfn run`'s result stays the last line of its output. Call once, at
 * the CLI's start.
 *
 * @example
 * watchStdioStreams();
 */
export function watchStdioStreams(): void {
  for (const [fd, name] of [[1, "stdout"], [2, "stderr"]] as const) {
    const descriptor = Object.getOwnPropertyDescriptor(process, name);
    const get = descriptor?.get;
    if (!get || !descriptor.configurable) {
      streaming[fd] = true;
      continue;
    }
    Object.defineProperty(process, name, {
      configurable: true,
      enumerable: descriptor.enumerable ?? true,
      get() {
        streaming[fd] = true;
        const stream = get.call(process) as NodeJS.WriteStream;
        routeWrites(fd, stream);
        return stream;
      },
    });
  }
}

/**
 * Call `done` once the stdout and stderr streams, where something made them, hold no more
 * output (a slow reader of a pipe may leave them holding some); at once when they hold none.
 *
 * @example
 * whenStdioFlushed(() => process.exit(code));
 */
export function whenStdioFlushed(done: () => void): void {
  const pending = ([1, 2] as const).filter((fd) => {
    if (!streaming[fd]) return false;
    const stream = fd === 1 ? process.stdout : process.stderr;
    return stream.writableLength > 0 && !stream.destroyed;
  });
  let left = pending.length;
  if (left === 0) {
    done();
    return;
  }
  // An empty write's callback runs once everything written before it has gone out.
  for (const fd of pending) {
    writeOwn(fd, "", () => {
      left -= 1;
      if (left === 0) done();
    });
  }
}
