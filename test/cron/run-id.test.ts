/** `runId` gives version 4 UUIDs (the RFC 9562 layout crypto.randomUUID has), a fresh one each call. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runId } from "../../runtime/cron/run-id.js";

test("run ids are distinct version 4, variant 10 UUIDs", () => {
  const ids = Array.from({ length: 2000 }, runId);
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(ids).size, ids.length);
  // Every hex digit position varies (no constant or stuck digit besides the version).
  const varying = [...ids[0]!].map((_, i) => new Set(ids.map((id) => id[i])).size);
  assert.deepEqual(varying.map((n, i) => (i === 14 || [8, 13, 18, 23].includes(i) ? 1 : n > 1 ? 1 : 0)), varying.map(() => 1));
});
