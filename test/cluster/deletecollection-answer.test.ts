/**
 * A deletecollection answers the list as it was read before anything was deleted, as 1.32's
 * Store.DeleteCollection returns the list it read (its items and its resourceVersion), not the
 * objects as the deletes left them.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/dcl/configmaps";

describe("deletecollection", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "dcl" } } });
  });
  after(() => t.close());

  test("answers the items and resourceVersion of the list read before deleting", async () => {
    await t.send("POST", CM, { body: { metadata: { name: "x1", labels: { a: "1" } } } });
    await t.send("POST", CM, { body: { metadata: { name: "x2", labels: { a: "1" }, finalizers: ["example.com/f"] } } });
    await t.send("POST", CM, { body: { metadata: { name: "x3", labels: { a: "2" } } } });
    const before = await t.send("GET", `${CM}?labelSelector=a%3D1`);
    const res = await t.send("DELETE", `${CM}?labelSelector=a%3D1`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, before.body);
    assert.equal((await t.send("GET", `${CM}/x1`)).status, 404);
    assert.ok((await t.send("GET", `${CM}/x2`)).body.metadata.deletionTimestamp, "x2 is held by its finalizer");
    await t.send("PATCH", `${CM}/x2`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
  });
});
