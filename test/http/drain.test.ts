import { describe, test } from "node:test";
// own process: collects every warning of the process while it runs (scripts/run-tests.js).
import assert from "node:assert/strict";
import { Drain, ShutdownError, runShutdownHooks } from "../../runtime/lifecycle.js";
import { captureLogger } from "./helpers.js";

describe("Drain", () => {
  test("counts calls in and out, and admits none once draining", () => {
    const drain = new Drain();
    assert.equal(drain.enter(), true);
    assert.equal(drain.enter(), true);
    assert.equal(drain.inflight, 2);
    drain.leave();
    drain.begin();
    assert.equal(drain.draining, true);
    assert.equal(drain.enter(), false);
    assert.equal(drain.inflight, 1);
  });

  test("settle resolves true once the last call leaves, without aborting", async () => {
    const drain = new Drain();
    drain.enter();
    const settled = drain.settle(10_000);
    drain.leave();
    assert.equal(await settled, true);
    assert.equal(drain.signal.aborted, false);
  });

  test("settle resolves false past its deadline and aborts the signal with a ShutdownError", async () => {
    const drain = new Drain();
    drain.enter();
    assert.equal(await drain.settle(5), false);
    assert.ok(drain.signal.reason instanceof ShutdownError);
    assert.equal(drain.signal.reason.code, "shutting_down");
    const idle = drain.idle(10_000);
    drain.leave();
    assert.equal(await idle, true);
  });

  test("a body being received counts for settle without taking a call's place, and its call is admitted while draining", async () => {
    const drain = new Drain();
    assert.equal(drain.receive(), true);
    assert.equal(drain.receive(), true);
    assert.equal(drain.inflight, 0);
    let idle = false;
    const settled = drain.settle(10_000).then((value) => (idle = value));
    assert.equal(drain.receive(), false, "none begun once draining");
    drain.received();
    drain.admitReceived();
    assert.equal(drain.inflight, 1);
    assert.equal(drain.receiving, 0);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(idle, false, "the admitted call is still in flight");
    drain.leave();
    assert.equal(await settled, true);
  });

  test("many calls can listen to the signal without a listener warning", async () => {
    const drain = new Drain();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    const listeners = Array.from({ length: 50 }, () => () => {});
    for (const l of listeners) drain.signal.addEventListener("abort", l);
    await new Promise((r) => setImmediate(r));
    process.off("warning", onWarning);
    assert.deepEqual(warnings, []);
  });
});

test("runShutdownHooks runs every hook in order and logs the ones that throw", async () => {
  const log = captureLogger();
  const order: number[] = [];
  await runShutdownHooks(
    [
      () => void order.push(1),
      () => {
        throw new Error("hook broke");
      },
      async () => void order.push(3),
    ],
    log.logger,
  );
  assert.deepEqual(order, [1, 3]);
  assert.equal(log.records().filter((r) => r.msg === "onShutdown hook failed").length, 1);
});

test("onShutdown hooks share a budget: one that never settles is left when it is spent, and the hooks after it are not started", async () => {
  const log = captureLogger();
  const ran: string[] = [];
  const started = performance.now();
  await runShutdownHooks(
    [
      () => void ran.push("first"),
      () => {
        ran.push("hangs");
        return new Promise<void>(() => {});
      },
      () => void ran.push("never"),
    ],
    log.logger,
    100,
  );
  assert.ok(performance.now() - started < 5_000);
  assert.deepEqual(ran, ["first", "hangs"]);
  const warning = log.records().find((r) => r.msg === "onShutdown did not finish within 100 ms: exiting without waiting for it");
  assert.equal(warning?.skipped, 1);
});
