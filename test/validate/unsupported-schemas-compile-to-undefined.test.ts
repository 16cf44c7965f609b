/**
 * The fast path declines (compiles to `undefined`) every schema whose output can differ from its
 * input or whose rules it does not mirror, so zod alone decides for those. (The examples whose
 * inputs are such schemas say so in their own tests, test/functions/.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import * as z3 from "zod/v3";
import { compileFastCheck } from "../../runtime/validate/compile.js";

interface Node {
  name: string;
  children?: Node[];
}
const tree: z.ZodType<Node> = z.object({
  name: z.string(),
  get children() {
    return z.array(tree).optional();
  },
});

const unsupported: Record<string, unknown> = {
  "a default": z.object({ a: z.string().default("x") }),
  "a prefault": z.object({ a: z.string().prefault("x") }),
  "a transform": z.string().transform((s) => s.trim()),
  "a pipe": z.string().pipe(z.string().min(1)),
  "a refinement": z.object({ a: z.string() }).refine((o) => o.a !== "x"),
  "a superRefine": z.string().superRefine(() => undefined),
  "a refinement on an optional": z.string().optional().refine(() => true),
  "a catch": z.string().catch("x"),
  "coercion": z.coerce.number(),
  "a preprocess": z.preprocess((v) => v, z.string()),
  "an overwrite (trim)": z.string().trim(),
  "a string format other than regex": z.email(),
  "a string check other than length and regex": z.string().startsWith("a"),
  "multipleOf": z.number().multipleOf(2),
  "exactOptional": z.object({ a: z.string().exactOptional() }),
  "readonly": z.object({ a: z.string() }).readonly(),
  "a discriminated union": z.discriminatedUnion("k", [z.object({ k: z.literal("a") }), z.object({ k: z.literal("b") })]),
  "a union with an object (zod may strip through an earlier option)": z.union([z.object({ a: z.string() }), z.looseObject({ a: z.string() })]),
  "xor": z.xor([z.string(), z.number()]),
  "a record": z.record(z.string(), z.string()),
  "an intersection": z.intersection(z.object({ a: z.string() }), z.object({ b: z.string() })),
  "a tuple": z.tuple([z.string()]),
  "a lazy schema": z.lazy(() => z.string()),
  "a recursive getter": tree,
  "unknown at the top": z.unknown(),
  "a date": z.date(),
  "a bigint": z.bigint(),
  "a __proto__ key in the shape": z.object({ ["__proto__"]: z.string() }),
  "a catchall with a transform": z.object({}).catchall(z.string().transform((s) => s)),
  "a zod 3 schema": z3.z.object({ a: z3.z.string() }),
  "something that is not a schema": { _zod: { def: { type: "string" } } },
};

for (const [name, schema] of Object.entries(unsupported)) {
  test(`${name} compiles to undefined`, () => {
    assert.equal(compileFastCheck(schema), undefined);
  });
}

test("the same constructs without what zod changes do compile", () => {
  assert.equal(typeof compileFastCheck(z.object({ a: z.string().optional() })), "function");
  assert.equal(typeof compileFastCheck(z.union([z.string(), z.number()])), "function");
  assert.equal(typeof compileFastCheck(z.string().regex(/a/)), "function");
});
