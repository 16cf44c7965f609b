/**
 * @module watch/watch-clock
 * The time a watch's requeue timers and status pauses go by (`RunWatchesOptions.clock`): the
 * process's monotonic clock and real timers, or a test's own (which moves when the test says).
 */
import { monotonicMs } from "../clock.js";

export interface WatchClock {
  /** Milliseconds since an arbitrary fixed point (monotonic); only differences mean anything. */
  now(): number;
  /** Calls `fire` once after `ms`; the function returned cancels it (a no-op once fired). It keeps no process alive. */
  setTimer(ms: number, fire: () => void): () => void;
}

/** The longest delay `setTimeout` takes (about 24.8 days); a requeue is at most a week. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The process's monotonic clock and `setTimeout`, unref'd. */
export const realClock: WatchClock = {
  now: monotonicMs,
  setTimer(ms, fire) {
    const timer = setTimeout(fire, Math.min(Math.max(0, ms), MAX_TIMEOUT_MS));
    timer.unref();
    return () => clearTimeout(timer);
  },
};
