/**
 * An Apply entry's time, as 1.32's managedFieldsUpdater.Apply sets it: only when the apply changes
 * the object (Updater.Apply returns no object for an apply that changes nothing, and no time is
 * set). A second manager applying exactly the live values gets an entry without a time
 * (kubernetes#127938); a manager re-applying what is there keeps the time it had.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/default/configmaps";

describe("the time of an Apply entry", () => {
  let t: TestCluster;
  let clock = Date.parse("2026-03-01T10:00:00Z");
  before(async () => {
    t = await testCluster({ now: () => clock });
  });
  after(() => t.close());

  const cm = (data: Record<string, string>) => JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "same" }, data });
  const apply = async (manager: string, data: Record<string, string>) => {
    const res = await t.send("PATCH", `${CM}/same?fieldManager=${manager}`, { body: cm(data), contentType: "application/apply-patch+yaml" });
    assert.ok(res.status === 200 || res.status === 201, res.text);
    return new Map<string, string | undefined>((res.body.metadata.managedFields as any[]).map((e) => [e.manager, e.time]));
  };

  test("a time only for an apply that changes the object", async () => {
    assert.equal((await apply("first", { k: "v" })).get("first"), "2026-03-01T10:00:00Z");
    clock += 60_000;
    const second = await apply("second", { k: "v" });
    assert.ok(second.has("second"), "the second manager shares the field");
    assert.equal(second.get("second"), undefined, "applying the live values changes nothing: no time");
    assert.equal(second.get("first"), "2026-03-01T10:00:00Z");
    clock += 60_000;
    assert.equal((await apply("first", { k: "v" })).get("first"), "2026-03-01T10:00:00Z", "re-applied unchanged: the time it had");
    clock += 60_000;
    assert.equal((await apply("second", { k: "v", j: "w" })).get("second"), "2026-03-01T10:03:00Z", "a change: now");
  });
});
