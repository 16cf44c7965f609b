/**
 * Request ids (http/request-id.ts): a caller's printable `X-Request-Id` is kept; otherwise a
 * fresh random version 4 UUID, drawn 128 at a time: over several batches they stay distinct,
 * well-formed and random in every position `crypto.randomUUID` makes random.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { freshRequestId, requestIdOf } from "../../runtime/http/request-id.js";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test("fresh ids are distinct version 4, variant 10 UUIDs across several batches", () => {
  const ids = Array.from({ length: 1000 }, freshRequestId);
  for (const id of ids) assert.match(id, UUID_V4);
  assert.equal(new Set(ids).size, ids.length);
  // Every hex digit that is random in a v4 UUID takes many values; the variant digit all four.
  const digits = ids.map((id) => id.replaceAll("-", ""));
  for (let position = 0; position < 32; position++) {
    const seen = new Set(digits.map((d) => d[position]));
    if (position === 12) assert.deepEqual([...seen], ["4"]);
    else if (position === 16) assert.deepEqual([...seen].sort(), ["8", "9", "a", "b"]);
    else assert.ok(seen.size >= 12, `digit ${position} took only ${seen.size} values`);
  }
});

test("a caller's printable id of at most 128 characters is kept; anything else gets a fresh one", () => {
  assert.equal(requestIdOf("trace-abc 123"), "trace-abc 123");
  assert.equal(requestIdOf("x".repeat(128)), "x".repeat(128));
  for (const refused of [null, "", "x".repeat(129), "line\nbreak", "tab\there", "é"]) {
    assert.match(requestIdOf(refused), UUID_V4, JSON.stringify(refused));
  }
});
