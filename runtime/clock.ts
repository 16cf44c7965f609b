/**
 * @module clock
 * A monotonic clock in milliseconds for durations and deadlines, from `process.hrtime`: the
 * first `performance.now()` of a process loads Node's performance-timeline modules (~0.7 ms),
 * which a CronJob's `podfn run` has no other use for.
 */

/**
 * Milliseconds since an arbitrary fixed point; only differences mean anything.
 *
 * @example
 * const started = monotonicMs();
 * const durationMs = monotonicMs() - started;
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
