/**
 * @module watch/keyed-queue
 * The calls of one watch, queued by object: a key's calls run one at a time in the order they
 * were pushed; calls of different keys run side by side, at most `limit` at once (a call waiting
 * for its key's previous one holds no slot, nor does a call pausing before it tries again; a call
 * pushed for a key wakes its pausing call, which is superseded then).
 * `push` makes its caller wait while `maxQueued` calls are queued or running, so a busy object
 * slows the reading of events instead of growing memory.
 */
import { setTimeout as sleep } from "node:timers/promises";

/** What a running call can do with its place in the queue. */
export interface CallPlace {
  /** Waits `ms` without holding a slot — less when a call about the same key is pushed meanwhile —, then takes one again; false (at once) when `signal` aborts. */
  pause(ms: number, signal: AbortSignal): Promise<boolean>;
  /** Whether a call about the same key was pushed after this one. */
  superseded(): boolean;
}

export class KeyedCallQueue {
  private readonly tails = new Map<string, Promise<void>>();
  /** Calls pushed per key (while the key has any): a call's number, compared with the latest, says whether it is superseded. */
  private readonly pushed = new Map<string, number>();
  /** Wakes the call of a key pausing now. */
  private readonly wakers = new Map<string, () => void>();
  private readonly inflight = new Set<Promise<void>>();
  private running = 0;
  private queued = 0;
  private readonly slotWaiters: Array<() => void> = [];
  private readonly roomWaiters: Array<() => void> = [];

  constructor(
    private readonly limit: number,
    private readonly maxQueued = Math.max(256, limit * 64),
  ) {}

  /** Queues `task` behind the last one about `key` (waiting first while the queue is full). A task's failure is its own: it is dropped here. */
  async push(key: string, task: (place: CallPlace) => Promise<void>): Promise<void> {
    while (this.queued >= this.maxQueued) await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    this.queued++;
    const number = (this.pushed.get(key) ?? 0) + 1;
    this.pushed.set(key, number);
    this.wakers.get(key)?.();
    const place: CallPlace = {
      pause: async (ms, signal) => {
        this.release();
        const wake = new AbortController();
        const woken = () => wake.abort();
        if (signal.aborted) wake.abort();
        signal.addEventListener("abort", woken, { once: true });
        this.wakers.set(key, woken);
        await sleep(ms, undefined, { signal: wake.signal }).catch(() => undefined);
        signal.removeEventListener("abort", woken);
        this.wakers.delete(key);
        await this.acquire();
        return !signal.aborted;
      },
      superseded: () => this.pushed.get(key) !== number,
    };
    const run = async () => {
      await this.acquire();
      try {
        await task(place);
      } finally {
        this.release();
      }
    };
    const done: Promise<void> = (this.tails.get(key) ?? Promise.resolve())
      .then(run)
      .catch(() => undefined)
      .finally(() => {
        this.queued--;
        this.roomWaiters.shift()?.();
        if (this.tails.get(key) === done) {
          this.tails.delete(key);
          this.pushed.delete(key);
        }
        this.inflight.delete(done);
      });
    this.tails.set(key, done);
    this.inflight.add(done);
  }

  /** Settles when every queued call has. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all(this.inflight);
  }

  /** Takes a slot, waiting for one when `limit` calls run. */
  private async acquire(): Promise<void> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    else this.running++;
  }

  /** The slot passes to the next waiter as it is, or is given back. */
  private release(): void {
    const next = this.slotWaiters.shift();
    if (next) next();
    else this.running--;
  }
}
