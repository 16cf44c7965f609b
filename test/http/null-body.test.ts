/**
 * A JSON `null` body is a value, not the absence of one: the schema judges it as zod does
 * (an object schema refuses it, naming the root). Only an empty body stands for `{}`.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { loaded, req, testApp } from "./helpers.js";

const post = (path: string, body?: string) => req(path, { method: "POST", ...(body === undefined ? {} : { body }), headers: { "content-type": "application/json" } });

interface ErrorBody {
  error: { code: string; message: string; requestId: string; issues: { path: string; message: string }[] };
}

describe("a JSON null body", () => {
  const schema = z.looseObject({ name: z.string().optional() });
  const functions = () => [
    loaded({ name: "obj", input: schema, handler: ({ input }) => ({ input }) }),
    loaded({ name: "noinput", handler: ({ input }) => ({ input }) }),
    loaded({ name: "nullable", input: z.object({ a: z.number() }).nullable(), handler: ({ input }) => ({ input }) }),
  ];

  for (const path of ["/obj", "/noinput"]) {
    test(`${path}: 400 invalid_input naming the root, as zod refuses null`, async () => {
      const app = testApp(functions());
      const res = await app.fetch(post(path, "null"));
      assert.equal(res.status, 400);
      const body = (await res.json()) as ErrorBody;
      assert.equal(body.error.code, "invalid_input");
      assert.deepEqual(body.error.issues.map((i) => i.path), [""]);
      assert.equal(body.error.issues[0]!.message, schema.safeParse(null).error!.issues[0]!.message);
    });
  }

  test("a schema that accepts null gets null", async () => {
    const app = testApp(functions());
    const res = await app.fetch(post("/nullable", "null"));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { input: null });
  });

  test("an empty body is still {}", async () => {
    const app = testApp(functions());
    for (const path of ["/obj", "/noinput"]) {
      const res = await app.fetch(post(path));
      assert.equal(res.status, 200, path);
      assert.deepEqual(await res.json(), { input: {} }, path);
    }
  });
});
