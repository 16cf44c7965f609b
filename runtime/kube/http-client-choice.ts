/**
 * @module kube/http-client-choice
 * Which HTTP client carries a Kubernetes client's requests. `"auto"` (the default): Node's own
 * HTTPS client while the client is quiet (kube/node-https-pool.ts, ~1 MB of memory), undici's
 * pool once it is busy (~10 MB, ~25% faster a request) — busy meaning more than `BUSY_REQUESTS`
 * requests started within `BUSY_WINDOW_MS` (streams — watches, followed logs — not counted: a
 * serve starting ten watches is not busy); a client stays on undici from then on. An idle `podfn serve`
 * (a leader election, watches) and a CronJob's handful of calls stay small; a function serving
 * traffic that calls the API moves to undici within its first second of load. A client with a
 * proxy always uses undici (the client here that tunnels).
 */

/** `"auto"`, or one client for every request. */
export const HTTP_CLIENT_CHOICES = ["auto", "undici", "node"] as const;
export type HttpClientChoice = (typeof HTTP_CLIENT_CHOICES)[number];

/** More requests than this started within `BUSY_WINDOW_MS` make a client busy. */
export const BUSY_REQUESTS = 16;
export const BUSY_WINDOW_MS = 1000;

/**
 * Counts request starts; busy once more than `BUSY_REQUESTS` of them fall within `BUSY_WINDOW_MS`.
 *
 * @example
 * const meter = new BusyMeter();
 * if (meter.started()) useUndici();
 */
export class BusyMeter {
  /** The last BUSY_REQUESTS start times (ms), a ring. */
  readonly #starts = new Float64Array(BUSY_REQUESTS).fill(Number.NEGATIVE_INFINITY);
  #next = 0;
  #busy = false;
  readonly #now: () => number;

  /** `now`: the clock (ms). Default: `performance.now()`, looked up at the first request (the global loads node:perf_hooks). */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  get busy(): boolean {
    return this.#busy;
  }

  /** Notes a request start; whether the client is busy (from then on, for good). */
  started(): boolean {
    if (this.#busy) return true;
    const now = this.#now();
    const oldest = this.#starts[this.#next]!;
    this.#starts[this.#next] = now;
    this.#next = (this.#next + 1) % BUSY_REQUESTS;
    return (this.#busy = now - oldest < BUSY_WINDOW_MS);
  }
}
