import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { invoke } from "../../runtime/invoke.js";
import { InputError } from "../../runtime/errors.js";
import { fakeKube, loaded, req, testApp } from "./helpers.js";

/**
 * A recursive schema (a z.lazy tree, z.json()) makes zod recurse once per level of the input:
 * a body nested a few thousand deep (~13 KB, well under the body limit) overflows the stack.
 * That is bad input, not a fault of the function: 400 naming the field, never a 500. A stack
 * overflow on shallow input is the function's own (a transform recursing forever): a 500.
 */

interface Tree {
  children: Tree[];
}
const Tree: z.ZodType<Tree> = z.lazy(() => z.object({ children: z.array(Tree) }));
const input = z.object({ data: z.json().optional(), tree: Tree.optional() });
const asyncInput = z.object({ tree: Tree.optional() }).refine(async () => true);

const deepTree = (n: number) => `{"tree":${'{"children":['.repeat(n)}{"children":[]}${"]}".repeat(n)}}`;
const deepJson = (n: number) => `{"data":${"[".repeat(n)}${"]".repeat(n)}}`;
const post = (path: string, body: string) => req(path, { method: "POST", body, headers: { "content-type": "application/json" } });

interface ErrorBody {
  error: { code: string; message: string; requestId: string; issues: { path: string; message: string }[] };
}

describe("input nested too deeply for the schema", () => {
  const functions = () => [
    loaded({ name: "nested", input, handler: ({ input }) => ({ tree: input.tree !== undefined }) }),
    loaded({ name: "nested-async", input: asyncInput, handler: () => ({ ok: true }) }),
  ];

  for (const [name, path, body] of [
    ["a z.lazy tree", "/nested", deepTree(5000)],
    ["z.json()", "/nested", deepJson(20_000)],
    ["an asynchronous schema", "/nested-async", deepTree(5000)],
  ] as const) {
    test(`${name}: 400 invalid_input naming the field, not a 500`, async () => {
      const app = testApp(functions());
      const res = await app.fetch(post(path, body));
      assert.equal(res.status, 400);
      const json = (await res.json()) as ErrorBody;
      assert.equal(json.error.code, "invalid_input");
      assert.equal(json.error.requestId, res.headers.get("x-request-id"));
      assert.match(json.error.message, /nested too deeply/);
      assert.equal(json.error.issues.length, 1);
      assert.equal(json.error.issues[0]!.path, body.startsWith('{"tree"') ? "tree" : "data");
      assert.match(json.error.issues[0]!.message, /nested too deeply/);
      assert.ok(!app.lines.some((line) => line.includes("Maximum call stack")), "not logged as a failure of the function");
    });
  }

  test("a shallow tree still reaches the handler", async () => {
    const app = testApp(functions());
    const res = await app.fetch(post("/nested", deepTree(50)));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { tree: true });
  });

  test("a stack overflow of the function's own schema code on shallow input is its fault: 500, logged", async () => {
    const recurse = (n: number): number => recurse(n + 1) + 1;
    const app = testApp([loaded({ name: "loops", input: z.object({ n: z.number().transform((n) => recurse(n)) }), handler: () => 1 })]);
    const res = await app.fetch(post("/loops", '{"n":1}'));
    assert.equal(res.status, 500);
    assert.ok(app.records().some((r) => r.msg === "call failed" && r.level === "error"));
  });

  test("invoke() rejects with an InputError for every trigger", async () => {
    const fn = loaded({ name: "nested", input, handler: () => 1 });
    const { kube } = fakeKube();
    const logger = testApp([]).logger;
    const error = await invoke({ fn, input: JSON.parse(deepTree(5000)), trigger: { type: "run" }, requestId: "r1", dryRun: false, kube, logger }).catch((e: unknown) => e);
    assert.ok(error instanceof InputError);
    assert.deepEqual(error.issues.map((i) => i.path), ["tree"]);
  });
});
