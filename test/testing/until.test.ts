/**
 * `podfn/testing`'s `until()`: it always ends. A condition that never holds fails at the
 * deadline; so does a check that never answers (a promise that never settles), which was
 * awaited past the deadline for ever; both name what was awaited. A deadline that is no finite
 * delay is refused at once.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { until, UntilTimeoutError } from "../../runtime/testing/index.js";

test("a condition that never holds fails at the deadline, naming what was awaited", async () => {
  const started = Date.now();
  await assert.rejects(until(() => false, "the label", 50), (e: Error & { code?: string }) => {
    assert.ok(e instanceof UntilTimeoutError);
    assert.equal(e.code, "until_timeout");
    assert.match(e.message, /^timed out waiting for the label \(50 ms\)$/);
    return true;
  });
  assert.ok(Date.now() - started < 2000);
});

test("a check that never answers fails at the deadline too, saying it had not answered", async () => {
  const started = Date.now();
  await assert.rejects(until(() => new Promise<boolean>(() => undefined), "the pod", 100), (e: Error & { code?: string }) => {
    assert.equal(e.code, "until_timeout");
    assert.match(e.message, /^timed out waiting for the pod \(100 ms\): its check had not answered$/);
    return true;
  });
  assert.ok(Date.now() - started < 2000, "ended at the deadline");
});

test("a check that fails late, after the deadline, is no unhandled rejection", async () => {
  let late!: (error: Error) => void;
  await assert.rejects(until(() => new Promise<boolean>((_, reject) => (late = reject)), "late", 20), { code: "until_timeout" });
  late(new Error("too late"));
  await new Promise((resolve) => setImmediate(resolve));
});

test("a condition that holds, or comes to, resolves; a check that throws rejects with its error", async () => {
  await until(() => true, "at once");
  let polls = 0;
  await until(async () => ++polls === 3, "three polls");
  await assert.rejects(until(() => { throw new Error("boom"); }, "x"), /^Error: boom$/);
});

test("a deadline that is no finite delay is refused", async () => {
  for (const timeoutMs of [Infinity, Number.NaN, -1]) {
    await assert.rejects(until(() => false, "forever", timeoutMs), (e: Error & { code?: string }) => e.code === "invalid_wait" && /until\(\) of forever: timeoutMs must be a finite number of milliseconds, 0 or more/.test(e.message));
  }
});
