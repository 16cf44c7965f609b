/**
 * `timeoutMs` bounds a call's asynchronous schema work as it bounds its handler: an input check
 * (an async `refine` or `transform`) that is slow or never settles is a 504 with the call's
 * slots let go, on a synchronous route and before an async route's 202; so is an output check
 * past the time left; and shutdown's drain deadline abandons a call stuck in one (503).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { invoke, parseInput } from "../../runtime/invoke.js";
import { TimeoutError } from "../../runtime/errors.js";
import { fakeKube, loaded, postJson, testApp, captureLogger } from "./helpers.js";

const never = () => new Promise<boolean>(() => {});
const late = (ms: number) => () => new Promise<boolean>((resolve) => setTimeout(resolve, ms, true));

// Without the bound these calls never answer: the test's own timeout turns that into a failure.
const BOUNDED = { timeout: 20_000 };

describe("schema work within timeoutMs", () => {
  test("an input check that never settles is a 504 timeout, and the function's one slot is free again", BOUNDED, async () => {
    let runs = 0;
    const app = testApp([loaded({ name: "f", timeoutMs: 100, maxInflight: 1, input: z.object({ name: z.string() }).refine(never), handler: () => ++runs })]);
    for (const attempt of [1, 2]) {
      const res = await app.fetch(postJson("/f", { name: "x" }));
      assert.equal(res.status, 504, `attempt ${attempt}: not 429, the first call's slot was let go`);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, "timeout");
    }
    assert.equal(runs, 0, "the handler never ran");
  });

  test("the time an input check took counts: the handler gets what is left of timeoutMs, whether invoke parses or parseInput did first (podfn run, async routes: spentMs)", BOUNDED, async (t) => {
    t.mock.timers.enable({ apis: ["setTimeout", "Date"] });
    const flush = () => new Promise((resolve) => setImmediate(resolve));
    let release: (ok: boolean) => void = () => {};
    const fn = loaded({
      name: "f",
      timeoutMs: 1000,
      input: z.object({}).refine(() => new Promise<boolean>((resolve) => (release = resolve))),
      handler: ({ signal }) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
    });
    const { logger } = captureLogger();
    const base = { fn, input: {}, trigger: { type: "run" as const }, requestId: "r", dryRun: false, kube: fakeKube().kube, logger };
    /** Settles `call` only once 900 ms went to the input's check and the next 100 ms to the handler. */
    const timesOutAt1000 = async (call: Promise<unknown>) => {
      const state: { outcome: unknown } = { outcome: "pending" };
      call.then(() => (state.outcome = "resolved"), (error: unknown) => (state.outcome = error));
      await flush();
      t.mock.timers.tick(99);
      await flush();
      assert.equal(state.outcome, "pending");
      t.mock.timers.tick(1);
      await flush();
      const outcome = state.outcome as unknown;
      assert.ok(outcome instanceof TimeoutError, String(outcome));
    };

    const parsing = invoke(base);
    await flush();
    t.mock.timers.tick(900);
    release(true);
    await timesOutAt1000(parsing);

    const parseStarted = Date.now();
    const parsed = parseInput(fn, {});
    await flush();
    t.mock.timers.tick(900);
    release(true);
    const input = await parsed;
    await timesOutAt1000(invoke({ ...base, input, inputParsed: true, spentMs: Date.now() - parseStarted }));
  });

  test("an output check past the time left is a 504, not the late result", BOUNDED, async () => {
    const app = testApp([loaded({ name: "f", timeoutMs: 100, output: z.string().refine(late(1000)), handler: () => "done" })]);
    const res = await app.fetch(postJson("/f", {}));
    assert.equal(res.status, 504);
    const asyncHandler = testApp([loaded({ name: "g", timeoutMs: 100, output: z.string().refine(never), handler: async () => "done" })]);
    assert.equal((await asyncHandler.fetch(postJson("/g", {}))).status, 504);
  });

  test("an async route whose input check never settles is answered 504, not left without an answer, and frees its slot", BOUNDED, async () => {
    let runs = 0;
    const app = testApp([loaded({ name: "f", async: true, timeoutMs: 100, maxInflight: 1, input: z.object({}).refine(never), handler: () => ++runs })]);
    for (const attempt of [1, 2]) assert.equal((await app.fetch(postJson("/f", {}))).status, 504, `attempt ${attempt}`);
    const quick = testApp([loaded({ name: "f", async: true, timeoutMs: 10_000, input: z.object({}).refine(late(10)), handler: () => ++runs })]);
    assert.equal((await quick.fetch(postJson("/f", {}))).status, 202, "a check within the time is accepted");
  });

  test("invoke() and parseInput() reject with TimeoutError for an input check that never settles, and a drain that gives up abandons it first", BOUNDED, async () => {
    const fn = loaded({ name: "f", timeoutMs: 100, input: z.object({}).refine(never), handler: () => "ran" });
    const { logger } = captureLogger();
    const base = { fn, input: {}, trigger: { type: "run" as const }, requestId: "r", dryRun: false, kube: fakeKube().kube, logger };
    await assert.rejects(invoke(base), TimeoutError);
    await assert.rejects(parseInput(fn, {}), TimeoutError, "podfn run parses first: its exit is a timeout's (4), not a run that never ends");
    let giveUp: ((reason: unknown) => void) | undefined;
    const abandon = { whenAbandoned: (g: (reason: unknown) => void) => ((giveUp = g), () => (giveUp = undefined)) };
    const slow = loaded({ name: "s", timeoutMs: 60_000, input: z.object({}).refine(never), handler: () => "ran" });
    const call = invoke({ ...base, fn: slow, abandon } as never);
    await new Promise((resolve) => setImmediate(resolve));
    giveUp!(new Error("shutting down"));
    await assert.rejects(call, /shutting down/);
  });
});
