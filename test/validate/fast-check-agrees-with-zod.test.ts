/**
 * Differential test of the validation fast path: for many generated inputs (valid, boundary and
 * invalid ones), whenever the compiled check says true, zod accepts the value and returns data
 * deep-equal to it; and the valid seeds are in fact accepted by the check (it is not a no-op).
 * The examples' input schemas are checked the same way by their own tests (test/functions/).
 */
import { test, describe } from "node:test";
import { z } from "zod";
import { payload, payloadSchema } from "../bench/lib/payload.js";
import { assertAgreesOnMutants, assertSeedsPass } from "./agreement.js";

const kitchenSink = z.object({
  s: z.string().min(2).max(4),
  exact: z.string().length(3),
  ranged: z.number().gt(0).lt(10),
  small: z.int().max(5),
  i32: z.int32(),
  positive: z.number().positive().lte(100),
  either: z.union([z.string().max(2), z.number().int(), z.null()]),
  lit: z.literal(["a", 1]),
  opt: z.string().optional(),
  nul: z.number().nullable(),
  maybe: z.boolean().optional().nullable(),
  list: z.array(z.string().optional()).min(1).max(3),
  strict: z.strictObject({ a: z.number() }),
  loose: z.looseObject({ k: z.string() }),
  numbers: z.object({}).catchall(z.number()),
  global: z.string().regex(/^a+$/g),
});

const kitchenSeeds = [
  {
    s: "ab",
    exact: "abc",
    ranged: 5,
    small: 5,
    i32: -2147483648,
    positive: 100,
    either: "xy",
    lit: "a",
    opt: "o",
    nul: null,
    maybe: true,
    list: ["a", "b", "c"],
    strict: { a: 1 },
    loose: { k: "v", extra: [1, { deep: true }] },
    numbers: { one: 1, two: 2.5 },
    global: "aaa",
  },
  { s: "😀😀", exact: "a😀b", ranged: 0.001, small: -9007199254740991, i32: 2147483647, positive: 1e-9, either: 42, lit: 1, nul: 3, maybe: null, list: [undefined], strict: { a: -0 }, loose: { k: "" }, numbers: {}, global: "a" },
  { s: "abcd", exact: "xyz", ranged: 9.999, small: 0, i32: 0, positive: 0.5, either: null, lit: "a", opt: undefined, nul: 0, list: ["😀😀😀😀"], strict: { a: 0 }, loose: { k: "a", opt: undefined }, numbers: { z: -1 }, global: "aaaa" },
];

interface Case {
  name: string;
  schema: z.ZodType;
  seeds: unknown[];
}

const cases: Case[] = [
  { name: "the POST benchmark's payload", schema: payloadSchema, seeds: [payload, { ...payload, tags: [], items: [] }, { ...payload, name: "x".repeat(100), tags: Array(20).fill("t".repeat(40)) }] },
  // The shapes of the examples' inputs (list-pods', github-webhook's), as schemas of the test's own.
  { name: "a strict object of optional fields, one an enum", schema: z.strictObject({ labelSelector: z.string().max(1000).optional(), phase: z.enum(["Pending", "Running", "Failed"]).optional() }), seeds: [{}, { labelSelector: "app=x" }, { phase: "Running" }, { labelSelector: "", phase: "Failed" }, { phase: undefined }] },
  {
    name: "a loose object of optional fields and loose objects",
    schema: z.looseObject({ ref: z.string().optional(), deleted: z.boolean().optional(), repository: z.looseObject({ full_name: z.string(), id: z.number() }).optional() }),
    seeds: [{}, { ref: "refs/heads/main", deleted: false, repository: { full_name: "a/b", id: 1 }, sender: { login: "x" } }],
  },
  { name: "a schema with every supported construct", schema: kitchenSink, seeds: kitchenSeeds },
  { name: "a top-level array of objects", schema: z.array(z.object({ n: z.number().int().nonnegative(), t: z.string().optional() })).max(3), seeds: [[], [{ n: 0 }, { n: 1, t: "x" }, { n: 2, t: undefined }]] },
  { name: "a top-level union of scalars", schema: z.union([z.enum(["a", "b"]), z.number().min(-1).max(1), z.literal(null)]), seeds: ["a", "b", -1, 1, 0.5, null] },
];

describe("the fast check agrees with zod", () => {
  for (const { name, schema, seeds } of cases) {
    test(`${name}: every value the check accepts, zod accepts and returns unchanged`, () => {
      assertAgreesOnMutants(name, schema, seeds);
    });

    test(`${name}: the valid seeds pass the check`, () => {
      assertSeedsPass(schema, seeds);
    });
  }
});
