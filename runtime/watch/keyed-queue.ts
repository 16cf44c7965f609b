/**
 * @module watch/keyed-queue
 * The calls of one watch, queued by object: a key's calls run one at a time in the order they
 * were pushed; calls of different keys run side by side, at most `limit` at once (a call waiting
 * for its key's previous one holds no slot, nor does a call pausing before it tries again; a call
 * pushed for a key wakes its pausing call, which is superseded then). A call pushed with a
 * `newer` question (an event that may be the watch's own write's, told only later; a REQUEUE,
 * newer only while it is still due) supersedes the calls before it only when it answers yes,
 * and wakes none unless pushed with `wakes`.
 * `push` makes its caller wait while `maxQueued` calls are queued or running, so a busy object
 * slows the reading of events instead of growing memory.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { settledOrGrace } from "../signals.js";

/** What a running call can do with its place in the queue. */
export interface CallPlace {
  /** Waits `ms` without holding a slot — less when a call about the same key is pushed meanwhile —, then takes one again; false (at once) when `signal` aborts. */
  pause(ms: number, signal: AbortSignal): Promise<boolean>;
  /** Whether a call about the same key was pushed after this one (one pushed with `newer`: that says yes). */
  superseded(): boolean;
  /**
   * Waits for `settled` (a timed-out handler still running) without holding a slot, and without
   * letting the key's next call start: `maxMs` at most, and once `signal` aborts `graceMs` more
   * at most. True when it settled.
   */
  outlast(settled: Promise<void>, signal: AbortSignal, graceMs: number, maxMs: number): Promise<boolean>;
}

export class KeyedCallQueue {
  /** Each key's last call queued: the next one waits for it. */
  private readonly tails = new Map<string, Promise<void>>();
  /** Each key's calls queued, running or pausing, in order, with what says whether each is a newer change. */
  private readonly pending = new Map<string, Array<{ newer: () => boolean }>>();
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

  /**
   * Queues `task` behind the last one about `key` (waiting first while the queue is full). A
   * task's failure is its own: it is dropped here. `newer`: whether it is a newer change of the
   * object, asked when a call before it asks `superseded()` (default: it is). `wakes`: whether
   * it ends the key's pausing call's pause (default: when pushed without `newer`).
   */
  async push(key: string, task: (place: CallPlace) => Promise<void>, newer: () => boolean = isNewer, wakes = newer === isNewer): Promise<void> {
    while (this.queued >= this.maxQueued) await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    this.queued++;
    if (wakes) this.wakers.get(key)?.();
    const pending = this.pending.get(key) ?? [];
    this.pending.set(key, pending);
    const entry = { newer };
    pending.push(entry);
    // This call's settling, once queued below (the place's methods run only after that).
    let done!: Promise<void>;
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
      superseded: () => {
        for (let at = pending.indexOf(entry) + 1; at < pending.length; at++) if (pending[at]!.newer()) return true;
        return false;
      },
      outlast: async (settled, signal, graceMs, maxMs) => {
        this.release();
        const ended = await settledOrGrace(settled, signal, graceMs, maxMs);
        await this.acquire();
        return ended;
      },
    };
    const run = async () => {
      await this.acquire();
      try {
        await task(place);
      } finally {
        this.release();
      }
    };
    done = (this.tails.get(key) ?? Promise.resolve())
      .then(run)
      .catch(() => undefined)
      .finally(() => {
        this.queued--;
        this.roomWaiters.shift()?.();
        if (this.tails.get(key) === done) this.tails.delete(key);
        pending.splice(pending.indexOf(entry), 1);
        if (pending.length === 0 && this.pending.get(key) === pending) this.pending.delete(key);
        this.inflight.delete(done);
      });
    this.tails.set(key, done);
    this.inflight.add(done);
  }

  /** Whether a call about `key` is queued, running or pausing. */
  busy(key: string): boolean {
    return this.tails.has(key);
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

/** A call pushed without a `newer` question: a newer change. */
function isNewer(): boolean {
  return true;
}
