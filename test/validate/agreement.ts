/**
 * @module test/validate/agreement
 * The differential check of the validation fast path against zod, for one schema and its valid
 * seeds: whenever the compiled check says true, zod accepts the value and returns data
 * deep-equal to it, and the valid seeds do pass the check (it is not a no-op). Used by
 * fast-check-agrees-with-zod.test.ts and by the examples' own tests (test/functions/), which
 * check their input schemas with seeds of their own.
 */
import assert from "node:assert/strict";
import { inspect } from "node:util";
import type { z } from "zod";
import { compileFastCheck } from "../../runtime/validate/compile.js";
import { mutants, random } from "./generate.js";

/** The schema's compiled check; fails the test when it does not compile. */
export function fastCheckOf(schema: z.ZodType): (value: unknown) => boolean {
  const check = compileFastCheck(schema);
  assert.ok(check, "the schema compiles to a fast check");
  return check;
}

/** Every mutant of the seeds the check accepts, zod accepts and returns unchanged (random source seeded by `name`). */
export function assertAgreesOnMutants(name: string, schema: z.ZodType, seeds: unknown[]): void {
  const check = fastCheckOf(schema);
  const next = random(name.length * 7919);
  let accepted = 0;
  let total = 0;
  for (const seed of seeds) {
    for (const value of mutants(seed, next, 1500)) {
      total++;
      if (!check(value)) continue;
      accepted++;
      const result = schema.safeParse(value);
      assert.ok(result.success, `zod refuses a value the check accepts: ${show(value)}: ${result.error?.message}`);
      assert.deepStrictEqual(result.data, value, `zod's output differs from a value the check accepts: ${show(value)}`);
    }
  }
  // Mutants are not all invalid: the check must accept some and refuse some.
  assert.ok(accepted > 0 && accepted < total, `accepted ${accepted} of ${total}`);
}

/** The seeds are valid for zod and pass the check, as given and as a JSON body would bring them. */
export function assertSeedsPass(schema: z.ZodType, seeds: unknown[]): void {
  const check = fastCheckOf(schema);
  for (const seed of seeds) {
    assert.ok(schema.safeParse(seed).success, `seed is valid for zod: ${show(seed)}`);
    assert.equal(check(seed), true, `check accepts ${show(seed)}`);
    // As a body would arrive (where JSON keeps it valid: `[undefined]` becomes `[null]`).
    const json: unknown = JSON.parse(JSON.stringify(seed));
    if (schema.safeParse(json).success) assert.equal(check(json), true, `check accepts the JSON of ${show(seed)}`);
  }
}

/** The value for a failure's message: JSON where it has one, else as util.inspect shows it (a bigint, a cycle, an object without a prototype). */
function show(value: unknown): string {
  try {
    return JSON.stringify(value, (_, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v === undefined ? "<undefined>" : v)) ?? inspect(value);
  } catch {
    return inspect(value, { depth: 6 });
  }
}
