import { createRequire } from "node:module";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { defineFunction, reply, type FunctionDefinition } from "../../runtime/function.js";
import { resolveDefinition } from "../../runtime/definition-schema.js";
import { invoke, invokeNow } from "../../runtime/invoke.js";
import { InputError, TimeoutError } from "../../runtime/errors.js";
import { createLogger } from "../../runtime/log.js";
import type { KubeClient } from "../../runtime/kube/api.js";

/** A kube client double: records the options each call's view was made with. */
function fakeKube() {
  const views: { signal?: AbortSignal; dryRun?: boolean }[] = [];
  const kube = {
    namespace: "team-a",
    with(options: { signal?: AbortSignal; dryRun?: boolean }) {
      views.push(options);
      return { ...kube, dryRun: options.dryRun ?? false };
    },
  };
  return { kube: kube as unknown as KubeClient, views };
}

function load(def: FunctionDefinition<z.ZodType, unknown>) {
  const result = resolveDefinition(defineFunction(def), "test.ts");
  assert.ok(result.ok);
  return result.fn;
}

const logger = createLogger({ level: "silent" });
const call = (fn: ReturnType<typeof load>, input: unknown, extra: { signal?: AbortSignal; dryRun?: boolean } = {}) => {
  const { kube, views } = fakeKube();
  const promise = invoke({ fn, input, trigger: { type: "run" }, requestId: "r1", dryRun: extra.dryRun ?? false, kube, logger, ...(extra.signal ? { signal: extra.signal } : {}) });
  return { promise, views };
};

describe("invoke", () => {
  test("a function that declares no input gets what z.object({}) gives: {} for any plain object, zod's refusal otherwise", async () => {
    const fn = load({ name: "no-input", schedule: { cron: "0 3 * * *" }, handler: ({ input }) => input });
    const reference = z.object({});
    const values: unknown[] = [undefined, null, {}, { a: 1 }, Object.create(null), "text", 3, [], [1], new Date(0), new Map()];
    for (const value of values) {
      const expected = reference.safeParse(value === undefined ? {} : value);
      for (const trigger of [{ type: "run" as const }, { type: "schedule" as const, schedule: "0" }]) {
        const { kube } = fakeKube();
        const result = invoke({ fn, input: value, trigger, requestId: "r1", dryRun: false, kube, logger });
        if (expected.success) assert.deepStrictEqual(await result, expected.data, `input #${values.indexOf(value)}`);
        else await assert.rejects(result, (e: unknown) => e instanceof InputError && e.message.includes(expected.error.issues[0]!.message), `input #${values.indexOf(value)}`);
      }
    }
  });

  test("parses and defaults the input, and hands the handler its context", async () => {
    const fn = load({
      name: "echo",
      http: { auth: "none" },
      input: z.object({ n: z.number().int(), label: z.string().default("x") }),
      handler: (ctx) => ({ input: ctx.input, namespace: ctx.namespace, dryRun: ctx.dryRun, requestId: ctx.requestId, kubeDryRun: ctx.kube.dryRun }),
    });
    const { promise, views } = call(fn, { n: 2 }, { dryRun: true });
    assert.deepEqual(await promise, { input: { n: 2, label: "x" }, namespace: "team-a", dryRun: true, requestId: "r1", kubeDryRun: true });
    assert.equal(views.length, 1);
    assert.ok(views[0]!.signal instanceof AbortSignal);
  });

  test("bad input is an InputError naming each field", async () => {
    const fn = load({ name: "strict", http: { auth: "none" }, input: z.object({ a: z.object({ b: z.array(z.number()) }) }), handler: () => 1 });
    const error = await call(fn, { a: { b: [1, "two"] } }).promise.catch((e: unknown) => e);
    assert.ok(error instanceof InputError);
    assert.deepEqual(error.issues.map((i) => i.path), ["a.b[1]"]);
    assert.match(error.message, /a\.b\[1\]: /);
  });

  test("a strict object's misspelt key is named with the field it most likely meant, at any depth; a key like none is named alone", async () => {
    const input = z.strictObject({
      olderThanHours: z.number().default(24),
      selector: z.strictObject({ labelSelector: z.string() }).optional(),
      targets: z.array(z.strictObject({ namespace: z.string() })).default([]),
    });
    const fn = load({ name: "typo", http: { auth: "none" }, input, handler: () => 1 });
    const issues = async (value: unknown) => ((await call(fn, value).promise.catch((e: unknown) => e)) as InputError).issues;
    assert.deepEqual(await issues({ olderThanHour: 1 }), [{ path: "olderThanHour", message: 'is not a field of this input: did you mean "olderThanHours"?' }]);
    assert.deepEqual(await issues({ selector: { labelSelecter: "a=b" } }), [
      { path: "selector.labelSelector", message: "is required: expected string" },
      { path: "selector.labelSelecter", message: 'is not a field of this input: did you mean "labelSelector"?' },
    ]);
    assert.deepEqual(await issues({ targets: [{ namespace: "a" }, { namspace: "b", namespace: "c" }] }), [{ path: "targets[1].namspace", message: "is not a field of this input" }], "the field it meant is there already: no suggestion");
    assert.deepEqual(await issues({ colour: "red" }), [{ path: "colour", message: "is not a field of this input" }]);
  });

  test("a strict object's key with two adjacent letters swapped is one edit from the field it meant: named with it", async () => {
    const fn = load({ name: "swap", http: { auth: "none" }, input: z.strictObject({ key: z.string(), value: z.string() }), handler: () => 1 });
    const issues = async (value: unknown) => ((await call(fn, value).promise.catch((e: unknown) => e)) as InputError).issues;
    assert.deepEqual(await issues({ key: "a", vaule: "b" }), [
      { path: "value", message: "is required: expected string" },
      { path: "vaule", message: 'is not a field of this input: did you mean "value"?' },
    ]);
    assert.deepEqual((await issues({ kye: "a", value: "b" })).find((i) => i.path === "kye"), { path: "kye", message: 'is not a field of this input: did you mean "key"?' });
  });

  test("a field the input leaves out is named as required; a field given as null, or a schema's own message, keeps zod's words", async () => {
    const input = z.object({ name: z.string(), count: z.number({ error: "count must be a number of pods" }), tags: z.array(z.object({ key: z.string() })).optional() });
    const fn = load({ name: "required", http: { auth: "none" }, input, handler: () => 1 });
    const issues = async (value: unknown) => ((await call(fn, value).promise.catch((e: unknown) => e)) as InputError).issues;
    assert.deepEqual(await issues({ tags: [{}] }), [
      { path: "name", message: "is required: expected string" },
      { path: "count", message: "count must be a number of pods" },
      { path: "tags[0].key", message: "is required: expected string" },
    ]);
    assert.deepEqual(await issues({ name: null, count: 1 }), [{ path: "name", message: "Invalid input: expected string, received null" }]);
    assert.deepEqual(await issues([]), [{ path: "", message: "Invalid input: expected object, received array" }]);
  });

  test("an enum or literal field the input leaves out is named as required too; one given a wrong value, or a schema's own message, keeps zod's words", async () => {
    const input = z.object({ version: z.literal("4"), status: z.enum(["firing", "resolved"]), kind: z.enum(["a", "b"], { error: "kind must be a or b" }) });
    const fn = load({ name: "required-values", http: { auth: "none" }, input, handler: () => 1 });
    const issues = async (value: unknown) => ((await call(fn, value).promise.catch((e: unknown) => e)) as InputError).issues;
    assert.deepEqual(await issues({}), [
      { path: "version", message: 'is required: expected "4"' },
      { path: "status", message: 'is required: expected one of "firing"|"resolved"' },
      { path: "kind", message: "kind must be a or b" },
    ]);
    assert.deepEqual(await issues({ version: "3", status: "firing", kind: "a" }), [{ path: "version", message: 'Invalid input: expected "4"' }]);
  });

  test("past timeoutMs the call's signal aborts and a TimeoutError rejects", async () => {
    let seen: AbortSignal | undefined;
    const fn = load({
      name: "slow",
      http: { auth: "none" },
      timeoutMs: 20,
      handler: (ctx) => {
        seen = ctx.signal;
        return new Promise(() => {});
      },
    });
    await assert.rejects(call(fn, {}).promise, (e: unknown) => e instanceof TimeoutError && e.code === "timeout");
    assert.equal(seen?.aborted, true);
    assert.ok(seen?.reason instanceof TimeoutError);
  });

  test("a handler that first looks at its signal after the timeout finds it aborted", async () => {
    let late: { aborted: boolean; kubeView?: boolean } | undefined;
    let resume!: () => void;
    const resumed = new Promise<void>((r) => (resume = r));
    const fn = load({
      name: "late",
      http: { auth: "none" },
      timeoutMs: 10,
      handler: async (ctx) => {
        await new Promise((r) => setTimeout(r, 40));
        late = { aborted: ctx.signal.aborted };
        resume();
      },
    });
    await assert.rejects(call(fn, {}).promise, TimeoutError);
    await resumed;
    assert.deepEqual(late, { aborted: true });
  });

  test("an outer abort (shutdown) reaches the running handler's signal", async () => {
    const outer = new AbortController();
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const fn = load({
      name: "waits",
      http: { auth: "none" },
      handler: (ctx) =>
        new Promise((resolve) => {
          ctx.signal.addEventListener("abort", () => resolve({ aborted: ctx.signal.reason }));
          started();
        }),
    });
    const { promise } = call(fn, {}, { signal: outer.signal });
    await running;
    outer.abort("SIGTERM");
    assert.deepEqual(await promise, { aborted: "SIGTERM" });
  });

  test("a call whose outer signal is already aborted does not start", async () => {
    let ran = false;
    const fn = load({ name: "never", http: { auth: "none" }, handler: () => { ran = true; } });
    const { promise } = call(fn, {}, { signal: AbortSignal.abort("SIGTERM") });
    await assert.rejects(promise, (e: { code?: string }) => e.code === "aborted");
    assert.equal(ran, false);
  });

  test("a result that breaks the output schema is an error; a Reply is passed through", async () => {
    const fn = load({ name: "out", http: { auth: "none" }, output: z.object({ ok: z.boolean() }), handler: () => ({ ok: "yes" }) as never });
    await assert.rejects(call(fn, {}).promise, (e: { code?: string }) => e.code === "invalid_output");
    const replying = load({ name: "rep", http: { auth: "none" }, output: z.object({ ok: z.boolean() }), handler: () => reply(202, { queued: true }) });
    const result = await call(replying, {}).promise;
    assert.equal((result as { status: number }).status, 202);
  });

  test("what the handler throws is what invoke rejects with", async () => {
    const boom = new Error("boom");
    const fn = load({ name: "throws", http: { auth: "none" }, handler: () => { throw boom; } });
    await assert.rejects(call(fn, {}).promise, (e: unknown) => e === boom);
  });
  test("async refinements and transforms in the input and output schemas are honoured on every call", async () => {
    const fn = load({
      name: "async-schemas",
      http: { auth: "none" },
      input: z.object({ n: z.number().refine(async (n) => n > 0, "must be positive") }).transform(async (v) => ({ n: v.n * 2 })),
      output: z.object({ doubled: z.number() }).refine(async (o) => o.doubled < 100, "too big"),
      handler: (ctx) => ({ doubled: (ctx.input as { n: number }).n }),
    });
    for (let round = 0; round < 2; round++) {
      assert.deepEqual(await call(fn, { n: 3 }).promise, { doubled: 6 });
      const bad = await call(fn, { n: -1 }).promise.catch((e: unknown) => e);
      assert.ok(bad instanceof InputError);
      assert.match(bad.message, /must be positive/);
      await assert.rejects(call(fn, { n: 60 }).promise, /too big/);
    }
  });

  test("each check of a schema with an async refinement runs once per call, the first call too (no synchronous attempt first)", async () => {
    const runs = { sync: 0, async: 0, promise: 0, output: 0, transform: 0 };
    const fn = load({
      name: "counted-checks",
      http: { auth: "none" },
      input: z
        .object({ n: z.number() })
        .refine((v) => (runs.sync++, v.n > 0), "must be positive")
        .refine(async (v) => (runs.async++, v.n < 100), "too big")
        // A plain function returning a promise is asynchronous too.
        .refine((v) => (runs.promise++, Promise.resolve(v.n !== 7)), "not 7")
        .transform((v) => (runs.transform++, v)),
      output: z.object({ n: z.number() }).refine((o) => (runs.output++, Promise.resolve(o.n !== 8)), "not 8"),
      handler: (ctx) => ctx.input,
    });
    for (let round = 1; round <= 2; round++) {
      assert.deepEqual(await call(fn, { n: 3 }).promise, { n: 3 });
      assert.deepEqual(runs, { sync: round, async: round, promise: round, output: round, transform: round }, `call ${round}`);
    }
    await assert.rejects(call(fn, { n: 7 }).promise, /not 7/);
    await assert.rejects(call(fn, { n: 8 }).promise, /not 8/);
    assert.deepEqual(runs, { sync: 4, async: 4, promise: 4, output: 3, transform: 3 });
  });

  test("a schema with no refinement, transform or promise anywhere in it is parsed without a promise; one with any, with one", () => {
    const { kube } = fakeKube();
    const options = (input: z.ZodType) => ({ fn: load({ name: "sync-or-not", http: { auth: "none" }, input, handler: (ctx) => ctx.input }), input: { n: 1, extra: true }, trigger: { type: "run" as const }, requestId: "r1", dryRun: false, kube, logger });
    const plain = z.object({ n: z.number(), list: z.array(z.string()).optional(), pick: z.union([z.literal("a"), z.object({ b: z.string().default("x") })]).optional() });
    assert.deepEqual(invokeNow(options(plain)), { n: 1 });
    for (const schema of [plain.refine((v) => v.n > 0), z.object({ n: z.number().transform((n) => n) }), z.object({ n: z.lazy(() => z.number().check(() => {})) }), z.preprocess((v) => v, plain)]) {
      const result = invokeNow(options(schema));
      assert.ok(result instanceof Promise);
      void result.catch(() => {});
    }
  });

  test("an async refinement in a schema from another copy of zod (a CommonJS project's own) is parsed asynchronously too", async () => {
    // zod's CommonJS build: its schemas pass `instanceof ZodType` by trait, but its errors are its own classes.
    const cjs = createRequire(import.meta.url)("zod") as typeof z;
    assert.notEqual(cjs.core.$ZodAsyncError, z.core.$ZodAsyncError, "two copies of zod");
    const fn = load({
      name: "other-zod",
      http: { auth: "none" },
      input: cjs.object({ n: cjs.number() }).refine(async (v) => v.n > 0, "must be positive") as unknown as z.ZodType,
      output: cjs.object({ n: cjs.number() }).refine(async (o) => o.n < 100, "too big") as unknown as z.ZodType,
      handler: (ctx) => ctx.input,
    });
    assert.deepEqual(await call(fn, { n: 3 }).promise, { n: 3 });
    const bad = await call(fn, { n: -1 }).promise.catch((e: unknown) => e);
    assert.ok(bad instanceof InputError, String(bad));
    assert.match(bad.message, /must be positive/);
    await assert.rejects(call(fn, { n: 200 }).promise, /too big/);
  });
});
