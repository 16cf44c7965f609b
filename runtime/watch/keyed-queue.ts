/**
 * @module watch/keyed-queue
 * The calls of one watch, queued by object: a key's calls run one at a time in the order they
 * were pushed; calls of different keys run side by side, at most `limit` at once (a call waiting
 * for its key's previous one holds no slot). `push` makes its caller wait while `maxQueued`
 * calls are queued or running, so a busy object slows the reading of events instead of growing
 * memory.
 */

export class KeyedCallQueue {
  private readonly tails = new Map<string, Promise<void>>();
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
  async push(key: string, task: () => Promise<void>): Promise<void> {
    while (this.queued >= this.maxQueued) await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    this.queued++;
    const run = async () => {
      if (this.running >= this.limit) await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
      else this.running++;
      try {
        await task();
      } finally {
        // The slot passes to the next waiter as it is, or is given back.
        const next = this.slotWaiters.shift();
        if (next) next();
        else this.running--;
      }
    };
    const done: Promise<void> = (this.tails.get(key) ?? Promise.resolve())
      .then(run)
      .catch(() => undefined)
      .finally(() => {
        this.queued--;
        this.roomWaiters.shift()?.();
        if (this.tails.get(key) === done) this.tails.delete(key);
        this.inflight.delete(done);
      });
    this.tails.set(key, done);
    this.inflight.add(done);
  }

  /** Settles when every queued call has. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all(this.inflight);
  }
}
