/**
 * @module termination-message
 * Why `podfn run` or `podfn serve` ended in failure, said to Kubernetes: written to the
 * container's termination message file (`--termination-log`, by default
 * `/dev/termination-log`, which the kubelet makes in every container), which the kubelet copies
 * into the pod's status as `state.terminated.message`: `kubectl describe pod` shows it, and so
 * does a failed CronJob run's pod, without reading its log. Written only where the file is
 * there (never made: outside a pod there is none, and nothing is written), at most 4096 bytes
 * (the kubelet reads no more per container), credentials censored as the log censors them.
 */
import { closeSync, ftruncateSync, openSync, writeSync } from "node:fs";
import { scrubString } from "./log-error.js";
import { censorSecrets } from "./secret-values.js";

/** The most the kubelet reads of a container's termination message. */
export const TERMINATION_MESSAGE_MAX_BYTES = 4096;

const MARK = "…";

/** `text` in at most `max` UTF-8 bytes: cut on a character boundary and marked when longer. */
export function fitTerminationMessage(text: string, max = TERMINATION_MESSAGE_MAX_BYTES): Buffer {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= max) return bytes;
  const mark = Buffer.from(MARK, "utf8");
  let end = max - mark.length;
  // Back off to the first byte of a character (continuation bytes are 10xxxxxx).
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return Buffer.concat([bytes.subarray(0, end), mark]);
}

/**
 * Replaces the termination message at `path` with `text` (censored, fitted); false when there
 * is no such file or it cannot be written: the message is a courtesy, the log says it all.
 */
export function writeTerminationMessage(path: string | undefined, text: string): boolean {
  if (!path) return false;
  let fd: number | undefined;
  try {
    // "r+": an existing file only; a missing one (outside a pod) is not made.
    fd = openSync(path, "r+");
    ftruncateSync(fd, 0);
    writeSync(fd, fitTerminationMessage(censorSecrets(scrubString(text))));
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A thrown value as one message: its text, then its string `code` (`[kube_forbidden]`); never throws. */
export function failureText(error: unknown): string {
  try {
    const code = (error as { code?: unknown } | null | undefined)?.code;
    const text = error instanceof Error ? String(error.message) : String(error);
    return typeof code === "string" ? `${text} [${code}]` : text;
  } catch {
    // A message getter or proxy trap that throws, an object without toString.
    return "an error that cannot be read";
  }
}
