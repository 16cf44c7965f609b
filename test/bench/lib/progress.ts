/**
 * @module bench/progress
 * Progress lines on stderr (stdout stays free for the final table), prefixed with the time
 * since the run started so slow steps stand out.
 */
const started = performance.now();

/**
 * Print one progress line to stderr.
 *
 * @example
 * progress("http-get: round 2/3 hono");
 */
export function progress(message: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[${seconds}s] ${message}\n`);
}
