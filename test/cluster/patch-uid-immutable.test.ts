/**
 * A PATCH that changes `metadata.uid` is 1.32's 422 immutable-field error (a patch carries no
 * uid precondition: handlers/patch.go's DefaultUpdatedObjectInfo(nil)), the cause listed
 * twice (validateCommonFields and ValidateConfigMapUpdate); a PUT's uid stays a precondition.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/default/configmaps";
const CAUSE = { reason: "FieldValueInvalid", message: 'Invalid value: "abc": field is immutable', field: "metadata.uid" };
const IMMUTABLE = {
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message: 'ConfigMap "s2" is invalid: metadata.uid: Invalid value: "abc": field is immutable',
  reason: "Invalid",
  details: { name: "s2", kind: "ConfigMap", causes: [CAUSE, CAUSE] },
  code: 422,
};

describe("a patch changing metadata.uid", () => {
  let t: TestCluster;
  let uid: string;
  before(async () => {
    t = await testCluster();
    uid = (await t.send("POST", CM, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "s2" }, data: { a: "1" } } })).body.metadata.uid;
  });
  after(() => t.close());

  const patch = (body: unknown, contentType: string, query = "") => t.send("PATCH", `${CM}/s2${query}`, { body, contentType });

  test("is 422 field is immutable for merge, strategic, JSON and apply patches", async () => {
    assert.deepEqual((await patch({ metadata: { uid: "abc" } }, "application/merge-patch+json")).body, IMMUTABLE);
    assert.deepEqual((await patch({ metadata: { uid: "abc" } }, "application/strategic-merge-patch+json")).body, IMMUTABLE);
    assert.deepEqual((await patch([{ op: "replace", path: "/metadata/uid", value: "abc" }], "application/json-patch+json")).body, IMMUTABLE);
    const applied = await patch({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "s2", uid: "abc" } }, "application/apply-patch+yaml", "?fieldManager=m");
    assert.deepEqual(applied.body, IMMUTABLE);
  });

  test("the stored uid, or none, passes", async () => {
    assert.equal((await patch({ metadata: { uid }, data: { b: "2" } }, "application/merge-patch+json")).status, 200);
    assert.equal((await patch({ metadata: { uid: "" }, data: { c: "3" } }, "application/merge-patch+json")).status, 200);
    const kept = await patch([{ op: "remove", path: "/metadata/uid" }], "application/json-patch+json");
    assert.equal(kept.status, 200);
    assert.equal(kept.body.metadata.uid, uid);
  });

  test("a PUT's uid is still a precondition (409)", async () => {
    const current = (await t.send("GET", `${CM}/s2`)).body;
    const put = await t.send("PUT", `${CM}/s2`, { body: { ...current, metadata: { ...current.metadata, uid: "abc" } } });
    assert.equal(put.status, 409);
    assert.equal(put.body.message, `Operation cannot be fulfilled on configmaps "s2": Precondition failed: UID in precondition: abc, UID in object meta: ${uid}`);
  });
});
