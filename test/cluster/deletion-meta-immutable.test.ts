/**
 * An update cannot delete an object: setting `deletionTimestamp` (or a grace period) on a live
 * object is 422 `field is immutable`, as 1.32's ValidateObjectMetaUpdate has it (rest.BeforeUpdate
 * keeps only what a deleting object already has); a DELETE deletes. An object already being
 * deleted, written back as read, is accepted.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/dm/configmaps";
const MERGE = "application/merge-patch+json";

describe("deletion metadata on update", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("dm");
  });
  after(() => t.close());

  test("a live object given a deletionTimestamp or a grace period by an update: 422, immutable, in Go's time format; nothing stored", async () => {
    assert.equal((await t.send("POST", CM, { body: { metadata: { name: "live" }, data: { a: "1" } } })).status, 201);
    const stamped = await t.send("PATCH", `${CM}/live`, { body: { metadata: { deletionTimestamp: "2026-01-01T00:00:00Z" } }, contentType: MERGE });
    assert.equal(stamped.status, 422);
    assert.equal(stamped.body.message, 'ConfigMap "live" is invalid: metadata.deletionTimestamp: Invalid value: 2026-01-01 00:00:00 +0000 UTC: field is immutable');
    assert.deepEqual(stamped.body.details.causes.map((c: { field: string }) => c.field), ["metadata.deletionTimestamp", "metadata.deletionTimestamp"]);
    const grace = await t.send("PATCH", `${CM}/live`, { body: { metadata: { deletionGracePeriodSeconds: 30 } }, contentType: MERGE });
    assert.equal(grace.body.message, 'ConfigMap "live" is invalid: metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable');
    assert.equal((await t.send("GET", `${CM}/live`)).body.metadata.deletionTimestamp, undefined);
  });

  test("an object being deleted (held by a finalizer), written back as read, is accepted; its timestamp cannot be moved", async () => {
    assert.equal((await t.send("POST", CM, { body: { metadata: { name: "held", finalizers: ["example.com/hold"] } } })).status, 201);
    assert.equal((await t.send("DELETE", `${CM}/held`)).status, 200);
    const read = (await t.send("GET", `${CM}/held`)).body;
    assert.ok(read.metadata.deletionTimestamp);
    const labelled = await t.send("PUT", `${CM}/held`, { body: { ...read, metadata: { ...read.metadata, labels: { a: "b" } } } });
    assert.equal(labelled.status, 200, JSON.stringify(labelled.body));
    const moved = await t.send("PATCH", `${CM}/held`, { body: { metadata: { deletionTimestamp: "2030-01-01T00:00:00Z" } }, contentType: MERGE });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.metadata.deletionTimestamp, read.metadata.deletionTimestamp, "kept as stored");
    await t.send("PATCH", `${CM}/held`, { body: { metadata: { finalizers: null } }, contentType: MERGE });
  });
});
