/**
 * The cases the fast check must decide exactly as zod's output would: absent vs `undefined`
 * optional keys, keys zod strips or refuses, non-plain objects, holes, and string lengths zod
 * counts in code points.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { compileFastCheck } from "../../runtime/validate/compile.js";

function checkOf(schema: z.ZodType): (value: unknown) => boolean {
  const check = compileFastCheck(schema);
  assert.ok(check);
  return check;
}

test("an optional key may be absent or undefined; a required one may be neither", () => {
  const check = checkOf(z.object({ a: z.string().optional(), b: z.number() }));
  assert.equal(check({ b: 1 }), true);
  assert.equal(check({ a: undefined, b: 1 }), true);
  assert.equal(check({ a: "x", b: 1 }), true);
  assert.equal(check({ a: "x" }), false);
  assert.equal(check({ a: "x", b: undefined }), false);
});

test("a key outside the shape is left to zod (it strips or refuses it), unless a catchall takes it", () => {
  assert.equal(checkOf(z.object({ a: z.number() }))({ a: 1, b: 2 }), false);
  assert.equal(checkOf(z.strictObject({ a: z.number() }))({ a: 1, b: 2 }), false);
  assert.equal(checkOf(z.looseObject({ a: z.number() }))({ a: 1, b: { any: "thing" } }), true);
  assert.equal(checkOf(z.object({ a: z.number() }).catchall(z.string()))({ a: 1, b: "s" }), true);
  assert.equal(checkOf(z.object({ a: z.number() }).catchall(z.string()))({ a: 1, b: 2 }), false);
  // zod never copies a `__proto__` key (JSON.parse makes it an own one).
  assert.equal(checkOf(z.looseObject({ a: z.number() }))(JSON.parse('{"a":1,"__proto__":{"x":1}}')), false);
  assert.equal(checkOf(z.object({ a: z.number() }))(JSON.parse('{"a":1,"__proto__":{"x":1}}')), false);
});

test("only plain objects and arrays pass (zod returns a fresh {} or [])", () => {
  const object = checkOf(z.object({}));
  assert.equal(object({}), true);
  assert.equal(object(Object.create(null)), false);
  assert.equal(object(new (class Box {})()), false);
  assert.equal(object(new Date()), false);
  assert.equal(object([]), false);
  const array = checkOf(z.array(z.number()));
  class List extends Array<number> {}
  assert.equal(array(List.from([1])), false);
});

test("an array with a hole is left to zod, which would fill it with undefined", () => {
  const check = checkOf(z.array(z.string().optional()));
  assert.equal(check([undefined, "a"]), true);
  assert.equal(check([, "a"]), false); // eslint-disable-line no-sparse-arrays
  const parsed = z.array(z.string().optional()).safeParse([, "a"]); // eslint-disable-line no-sparse-arrays
  assert.ok(parsed.success);
  assert.ok(0 in parsed.data);
});

test("string lengths count code points, as zod does", () => {
  const check = checkOf(z.string().min(2).max(3));
  assert.equal(check("😀😀😀"), true); // 6 UTF-16 units, 3 code points
  assert.equal(check("😀😀😀😀"), false);
  assert.equal(check("😀"), false); // 2 units, 1 code point
  assert.equal(check("\ud83d"), false); // a lone surrogate is one
  assert.equal(check("\ud83d\ud83d"), true);
  for (const value of ["😀😀😀", "😀😀😀😀", "😀", "\ud83d", "\ud83d\ud83d"]) {
    assert.equal(check(value), z.string().min(2).max(3).safeParse(value).success, value);
  }
});

test("numbers: finite only; int() means a safe integer; bounds inclusive or not as declared", () => {
  const check = checkOf(z.number().int().gt(0).lte(10));
  for (const value of [NaN, Infinity, -Infinity, 0, 0.5, 1, 10, 10.5, 11, "1", 2 ** 53]) {
    assert.equal(check(value), z.number().int().gt(0).lte(10).safeParse(value).success, String(value));
  }
  const any = checkOf(z.number());
  assert.equal(any(2 ** 60), true);
  assert.equal(any(NaN), false);
});

test("a global regex is tested from the start every time", () => {
  const check = checkOf(z.string().regex(/^a/g));
  assert.equal(check("ab"), true);
  assert.equal(check("ab"), true);
});
