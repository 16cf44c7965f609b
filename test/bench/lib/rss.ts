/**
 * @module bench/rss
 * Resident memory of a child process, read from /proc/PID/status (Linux), and a sampler
 * that keeps the largest value seen while a load runs.
 */
import { readFileSync } from "node:fs";

/** VmRSS of `pid` in MB, NaN when it cannot be read (process gone, not Linux). */
export function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * Sample the RSS of `pid` every `intervalMs` until `stop()`; `stop()` returns the peak in MB.
 *
 * @example
 * const sampler = sampleRss(server.pid);
 * await load(...);
 * const peakMb = sampler.stop();
 */
export function sampleRss(pid: number, intervalMs = 200): { stop: () => number } {
  let peak = rssMb(pid);
  const timer = setInterval(function sample() {
    const now = rssMb(pid);
    if (now > peak || !Number.isFinite(peak)) peak = now;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}
