/**
 * @module cluster/controller-retries
 * The emulator's controllers' work that an admission webhook refused, tried again later as a
 * controller's rate-limited work queue retries an item that failed (client-go workqueue's
 * ItemExponentialFailureRateLimiter): after 5 ms, then twice as long each time up to the
 * controller's maximum, forgotten once it succeeds. Timers do not hold the process.
 */

/** A pending retry: its delay, how many were asked for, and, while one is due, its timer. */
interface Retry {
  delay: number;
  count: number;
  timer?: ReturnType<typeof setTimeout>;
}

/** The retries of the controllers' refused work, by work key (`gc <uid>`, `namespace <name>`...). */
export class ControllerRetries {
  readonly #retries = new Map<string, Retry>();

  /**
   * `work` again after 5 ms, or twice the key's last delay (at most `maxMs`); nothing when one is
   * already due. `limit`: how many retries before the key is forgotten (a controller's
   * maxRetries: its work waits for the next change of the object).
   */
  later(key: string, work: () => void, maxMs: number, limit = Infinity): void {
    const previous = this.#retries.get(key);
    if (previous?.timer) return;
    const count = (previous?.count ?? 0) + 1;
    if (count > limit) {
      this.#retries.delete(key);
      return;
    }
    const delay = previous ? Math.min(previous.delay * 2, maxMs) : 5;
    const entry: Retry = { delay, count };
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      work();
    }, delay);
    entry.timer.unref?.();
    this.#retries.set(key, entry);
  }

  /** Forgets `key`'s retries: its work succeeded. */
  succeeded(key: string): void {
    const entry = this.#retries.get(key);
    if (entry?.timer) clearTimeout(entry.timer);
    this.#retries.delete(key);
  }

  /** Cancels every retry (the server stops). */
  stop(): void {
    for (const entry of this.#retries.values()) if (entry.timer) clearTimeout(entry.timer);
    this.#retries.clear();
  }
}
