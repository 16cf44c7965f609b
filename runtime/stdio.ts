/**
 * @module stdio
 * How the CLI writes to stdout and stderr: `fs.writeSync` on the file descriptor, as Node's own
 * streams do for files and pipes on Linux (synchronously), but without making those streams: the
 * first `process.stdout.write` or `process.stderr.write` builds a `net.Socket` for a pipe and
 * loads Node's stream and socket modules (~2 ms), which a CronJob's `podfn run` pays for two log
 * lines. A descriptor that would block (`EAGAIN`, set non-blocking by another user) gets the
 * remainder, and all later output, through the stream; a reader that is gone (`EPIPE`,
 * `podfn list | head`) ends the output quietly.
 */
import { writeSync } from "node:fs";

/** Descriptors whose output now goes through Node's stream (after an `EAGAIN`). */
const streaming: Record<1 | 2, boolean> = { 1: false, 2: false };

/**
 * Write `text` to fd 1 or 2.
 *
 * @example
 * writeStdio(2, '{"level":"info","msg":"run succeeded"}\n');
 */
export function writeStdio(fd: 1 | 2, text: string): void {
  // Once the stream holds queued output, everything goes through it, in order.
  if (streaming[fd]) {
    (fd === 1 ? process.stdout : process.stderr).write(text);
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
      (fd === 1 ? process.stdout : process.stderr).write(bytes);
      return;
    }
  }
}
