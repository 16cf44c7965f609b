/**
 * invoke's use of the fast check: an input zod would return unchanged is handed over as it is
 * (no copy), except a schedule's (the definition's own object, shared by every tick); every
 * other input, and every error, is zod's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { defineFunction, type FunctionDefinition, type Trigger } from "../../runtime/function.js";
import { resolveDefinition } from "../../runtime/definition-schema.js";
import { invoke, OutputError } from "../../runtime/invoke.js";
import { InputError } from "../../runtime/errors.js";
import { createLogger } from "../../runtime/log.js";
import type { KubeClient } from "../../runtime/kube/api.js";

const logger = createLogger({ level: "silent" });
const kube = { namespace: "team-a", with: () => kube } as unknown as KubeClient;
const input = z.object({ name: z.string().min(1), tags: z.array(z.string()).max(2) });

function load(def: FunctionDefinition<z.ZodType, unknown>) {
  const result = resolveDefinition(defineFunction(def), "test.ts");
  assert.ok(result.ok);
  return result.fn;
}

function received(raw: unknown, trigger: Trigger = { type: "run" }) {
  let seen: unknown;
  const fn = load({ name: "seen", http: { auth: "none" }, input, handler: (ctx) => void (seen = ctx.input) });
  return invoke({ fn, input: raw, trigger, requestId: "r1", dryRun: false, kube, logger }).then(() => seen);
}

test("an input zod would return unchanged reaches the handler as it is", async () => {
  const raw = { name: "a", tags: ["x"] };
  assert.equal(await received(raw), raw);
  assert.equal(await received(raw, { type: "http", method: "POST", path: "/seen", headers: new Headers() }), raw);
});

test("a schedule's input is zod's copy, so a handler cannot change the next tick's", async () => {
  const raw = { name: "a", tags: ["x"] };
  const seen = await received(raw, { type: "schedule", schedule: "s" });
  assert.notEqual(seen, raw);
  assert.deepEqual(seen, raw);
});

test("a schedule's input under z.any() or z.unknown() (zod hands those back as they are) is a copy too: a handler changing it changes no later tick", async () => {
  for (const schema of [z.any(), z.object({ seen: z.any() }), z.object({ seen: z.array(z.unknown()) })]) {
    const fn = load({ name: "grows", schedule: { cron: "* * * * *", mode: "in-process", input: { seen: [] } }, input: schema, handler: ({ input }) => (input as { seen: number[] }).seen.push(1) });
    const stored = fn.schedules[0]!.input;
    const counts: unknown[] = [];
    for (let tick = 0; tick < 3; tick++) counts.push(await invoke({ fn, input: stored, trigger: { type: "schedule", schedule: fn.schedules[0]!.name }, requestId: "r", dryRun: false, kube, logger }));
    assert.deepEqual(counts, [1, 1, 1]);
    assert.deepEqual(stored, { seen: [] });
  }
});

test("a schedule's input that is not plain data (a URL, a function) reaches the handler as it is, only plain objects and arrays copied", async () => {
  const endpoint = new URL("https://hooks.example.com/x");
  const pick = (xs: string[]) => xs[0];
  const fn = load({
    name: "typed",
    schedule: { cron: "* * * * *", mode: "in-process", input: { endpoint, pick, list: ["a"] } },
    input: z.object({ endpoint: z.instanceof(URL), pick: z.function(), list: z.array(z.string()) }),
    handler: ({ input }) => {
      const given = input as { endpoint: URL; pick: (xs: string[]) => string; list: string[] };
      return { host: given.endpoint.host, same: given.endpoint === endpoint, first: given.pick(given.list) };
    },
  });
  const result = await invoke({ fn, input: fn.schedules[0]!.input, trigger: { type: "schedule", schedule: fn.schedules[0]!.name }, requestId: "r", dryRun: false, kube, logger });
  assert.deepEqual(result, { host: "hooks.example.com", same: true, first: "a" });
});

test("a schedule's input with an own __proto__ key (JSON.parse makes one) keeps it a key: the copy's prototype is not set from it", async () => {
  let seen: Record<string, unknown> | undefined;
  const stored = JSON.parse('{"__proto__":{"admin":true},"name":"x"}') as Record<string, unknown>;
  const fn = load({ name: "proto", schedule: { cron: "* * * * *", mode: "in-process", input: { name: "y" } }, input: z.any(), handler: ({ input }) => void (seen = input as Record<string, unknown>) });
  await invoke({ fn, input: stored, trigger: { type: "schedule", schedule: fn.schedules[0]!.name }, requestId: "r", dryRun: false, kube, logger });
  assert.equal(seen!.admin, undefined);
  assert.deepEqual(Object.keys(seen!), ["__proto__", "name"]);
  assert.notEqual(seen, stored);
});

test("an input zod changes (an unknown key stripped) is zod's output", async () => {
  assert.deepEqual(await received({ name: "a", tags: [], extra: 1 }), { name: "a", tags: [] });
});

test("a bad input is zod's InputError, naming the field", async () => {
  const error = await received({ name: "", tags: ["x", "y", "z"] }).catch((e: unknown) => e);
  assert.ok(error instanceof InputError);
  assert.deepEqual(error.issues.map((i) => i.path), ["name", "tags"]);
});

test("the output schema: a matching result is returned as it is, a wrong one is an OutputError", async () => {
  const result = { total: 1 };
  const fn = (value: unknown) => load({ name: "out", http: { auth: "none" }, input: z.object({}), output: z.object({ total: z.number().int() }), handler: () => value });
  const call = (value: unknown) => invoke({ fn: fn(value), input: {}, trigger: { type: "run" }, requestId: "r1", dryRun: false, kube, logger });
  assert.equal(await call(result), result);
  assert.deepEqual(await call({ total: 1, extra: true }), { total: 1 });
  await assert.rejects(call({ total: 1.5 }), OutputError);
});
