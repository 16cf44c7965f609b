/**
 * @module test/watch/fake-clock
 * A `WatchClock` that moves only when a test says (`advance`): the timers it was asked for
 * (`timers`, each with its delay and whether it was cancelled or fired) fire in order, at once.
 */
import type { WatchClock } from "../../runtime/watch/watch-clock.js";

export interface FakeTimer {
  ms: number;
  at: number;
  fire: () => void;
  cancelled: boolean;
  fired: boolean;
}

export class FakeClock implements WatchClock {
  #now = 1_000_000;
  /** Every timer asked for, in order. */
  readonly timers: FakeTimer[] = [];

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fire: () => void): () => void {
    const timer: FakeTimer = { ms, at: this.#now + ms, fire, cancelled: false, fired: false };
    this.timers.push(timer);
    return () => void (timer.cancelled = true);
  }

  /** Moves time on by `ms`, firing the timers due by then (earliest first). */
  advance(ms: number): void {
    this.#now += ms;
    for (const timer of [...this.timers].sort((a, b) => a.at - b.at)) {
      if (timer.cancelled || timer.fired || timer.at > this.#now) continue;
      timer.fired = true;
      timer.fire();
    }
  }

  /** The timers neither cancelled nor fired. */
  pending(): FakeTimer[] {
    return this.timers.filter((t) => !t.cancelled && !t.fired);
  }
}
