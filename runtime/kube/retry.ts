/**
 * @module kube/retry
 * Retry policy of the client: bounded attempts, exponential backoff with full jitter,
 * `Retry-After` parsing, an abortable sleep, and `retryOnConflict` (client-go's RetryOnConflict)
 * for read-modify-write loops.
 */
import { KubeConflictError } from "./errors.js";

/** How the transport retries. Which requests are retried is decided in `transport.ts`. */
export interface RetryOptions {
  /** Retries after the first attempt. `0` disables retries. Default: `3`. */
  retries?: number;
  /** Backoff ceiling of the first retry, in ms; doubles per retry (full jitter). Default: `200`. */
  baseDelayMs?: number;
  /** Largest backoff ceiling, in ms. Default: `5000`. */
  maxDelayMs?: number;
  /** Largest `Retry-After` honoured, in ms; longer answers wait this long. Default: `30000`. */
  maxRetryAfterMs?: number;
  /** Waits `ms`, rejecting when `signal` aborts. Injectable for tests. Default: a timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uniform random number in [0, 1) for jitter. Default: `Math.random`. */
  random?: () => number;
}

export type RetryPolicy = Required<RetryOptions>;

/**
 * Resolves after `ms`, or rejects with the signal's reason when it aborts first.
 *
 * @example
 * await sleep(100, signal);
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(function slept() {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    function onAbort(): void {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The policy with every default filled in. */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  return {
    retries: options.retries ?? 3,
    baseDelayMs: options.baseDelayMs ?? 200,
    maxDelayMs: options.maxDelayMs ?? 5000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
    sleep: options.sleep ?? sleep,
    random: options.random ?? Math.random,
  };
}

/** Full-jitter backoff before retry number `retry` (0-based): uniform in [0, min(max, base·2^retry)). */
export function backoffDelay(retry: number, policy: RetryPolicy): number {
  return Math.floor(policy.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry));
}

/**
 * The delay a `Retry-After` header asks for, in ms (seconds or an HTTP date), capped at
 * `maxMs`; undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | undefined, maxMs: number, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = /^\s*\d+\s*$/.test(header) ? Number(header) * 1000 : Date.parse(header) - now;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(Math.max(0, seconds), maxMs);
}

export interface RetryOnConflictOptions {
  /** Attempts in all. Default: `5` (client-go's DefaultRetry). */
  attempts?: number;
  /** Pause between attempts, in ms, with ±10 % jitter. Default: `10`. */
  delayMs?: number;
  /** Stops waiting between attempts. */
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Runs `fn` again while it throws `KubeConflictError` (409 from a stale resourceVersion), up to
 * `attempts` times; `fn` must read the object afresh each time. Other errors pass through.
 *
 * @example
 * await retryOnConflict(async () => {
 *   const cm = await kube.configMaps.get("settings");
 *   cm.data = { ...cm.data, mode: "on" };
 *   return kube.configMaps.replace(cm);
 * });
 */
export async function retryOnConflict<T>(fn: () => Promise<T>, options: RetryOnConflictOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const delayMs = options.delayMs ?? 10;
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof KubeConflictError) || attempt >= attempts) throw error;
      await wait(delayMs * (0.9 + Math.random() * 0.2), options.signal);
    }
  }
}
