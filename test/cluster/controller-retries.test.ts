/**
 * The emulator's controllers retry refused work as client-go's rate-limited work queue does:
 * after 5 ms, doubling up to the controller's maximum delay; a controller with maxRetries (the
 * tokens controller's 10) forgets the work after that many retries, until its next event.
 */
import { afterEach, beforeEach, mock, test } from "node:test";
import assert from "node:assert/strict";
import { ControllerRetries } from "../../runtime/testing/cluster/controller-retries.js";

beforeEach(() => mock.timers.enable({ apis: ["setTimeout"] }));
afterEach(() => mock.timers.reset());

/** Work that fails every time it runs (asking `retries` for another go), and how often it ran. */
function failing(retries: ControllerRetries, limit?: number) {
  const state = { runs: 0, work: () => {} };
  state.work = () => {
    state.runs++;
    retries.later("key", state.work, 1_000_000, limit);
  };
  return state;
}

/** Lets `ms` pass, a millisecond at a time (each retry's timer is set as the last one fires). */
function pass(ms: number): void {
  for (let i = 0; i < ms; i++) mock.timers.tick(1);
}

test("a controller with maxRetries stops after that many retries of failing work, and starts again at 5 ms", () => {
  const retries = new ControllerRetries();
  const w = failing(retries, 10);
  retries.later("key", w.work, 1_000_000, 10);
  pass(5 * (2 ** 10 - 1));
  assert.equal(w.runs, 10, "ten retries: 5 ms, then doubling to 2.56 s");
  pass(20_000);
  assert.equal(w.runs, 10, "then forgotten");
  retries.later("key", w.work, 1_000_000, 10);
  pass(5);
  assert.equal(w.runs, 11, "a new failure starts again at 5 ms");
  retries.stop();
});

test("without a limit the work is retried for as long as it fails", () => {
  const retries = new ControllerRetries();
  const w = failing(retries);
  retries.later("key", w.work, 1_000_000);
  pass(5 * (2 ** 12 - 1));
  assert.equal(w.runs, 12);
  retries.stop();
});
