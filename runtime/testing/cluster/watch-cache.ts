/**
 * @module cluster/watch-cache
 * One resource's watch history, as the apiserver's cacher keeps one watch cache per
 * group/resource (storage/cacher/watch_cache.go): a ring of that resource's latest change
 * events, all namespaces together, and the version of the list the cache started from. A watch
 * from a resourceVersion is served as long as the ring still reaches back to it
 * (getAllEventsSinceLocked): to the list's version while no event has been dropped from the ring,
 * else to one less than its oldest event's. An older one is the 410 Expired
 * `too old resource version: X (Y)`, Y being that bound. Churn on another resource never moves it.
 */
import type { ChangeEvent } from "./store.js";

/** The change history watches of one resource are served from. */
export class WatchCache {
  readonly #events: ChangeEvent[] = [];
  #start = 0;
  /** Whether the ring has dropped an event since the initial list (upstream's removedEventSinceRelist). */
  #dropped = false;
  readonly #capacity: number;
  readonly #listResourceVersion: number;

  /**
   * `capacity`: how many events the ring keeps (upstream sizes it between 100 and 102400 by the
   * events' age; here it is fixed). `listResourceVersion`: the version the cache listed at when
   * it started (the server's start for built-in types, 0 here as the emulator's first write is 1).
   */
  constructor(capacity: number, listResourceVersion: number) {
    this.#capacity = Math.max(1, capacity);
    this.#listResourceVersion = listResourceVersion;
  }

  /** Adds a change of this resource, dropping the oldest one when the ring is full. */
  add(event: ChangeEvent): void {
    this.#events.push(event);
    if (this.#events.length - this.#start > this.#capacity) {
      this.#start++;
      this.#dropped = true;
    }
    if (this.#start > 4096) {
      this.#events.splice(0, this.#start);
      this.#start = 0;
    }
  }

  /**
   * The oldest resourceVersion a watch may start from (upstream's `oldest - 1`): the initial
   * list's version while the ring has dropped nothing, else its oldest event's version minus one.
   */
  get oldestWatchable(): number {
    return this.#dropped ? this.#events[this.#start]!.rv - 1 : this.#listResourceVersion;
  }

  /** The 410's message for a watch from `rv`, or undefined when the ring still serves it. */
  tooOld(rv: number): string | undefined {
    const oldest = this.oldestWatchable;
    return rv < oldest ? `too old resource version: ${rv} (${oldest})` : undefined;
  }

  /** This resource's events with a version after `since`, oldest first. */
  eventsSince(since: number): ChangeEvent[] {
    const out: ChangeEvent[] = [];
    for (let i = this.#start; i < this.#events.length; i++) if (this.#events[i]!.rv > since) out.push(this.#events[i]!);
    return out;
  }
}
