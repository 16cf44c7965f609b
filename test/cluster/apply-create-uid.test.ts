/**
 * A server-side apply that would create its object but names a uid is 1.32's 409 `uid
 * mismatch` (handlers/patch.go applyPatch: a patched object with a uid and no stored one),
 * checked before the name; nothing is created.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/default/configmaps";
const AP = "application/apply-patch+yaml";

describe("server-side apply creating an object with a uid", () => {
  let t: TestCluster;
  const apply = (name: string, body: unknown, query = "") => t.send("PATCH", `${CM}/${name}?fieldManager=m${query}`, { body, contentType: AP });
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  test("is 409 uid mismatch and creates nothing", async () => {
    const answer = await apply("s1", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "s1", uid: "abc" } });
    assert.deepEqual(answer.body, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'Operation cannot be fulfilled on configmaps "s1": uid mismatch: the provided object specified uid abc, and no existing object was found',
      reason: "Conflict",
      details: { name: "s1", kind: "configmaps" },
      code: 409,
    });
    assert.equal((await t.send("GET", `${CM}/s1`)).status, 404);
  });

  test("checked before the name, and on a dry run too", async () => {
    const misnamed = await apply("s1", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "other", uid: "abc" } });
    assert.equal(misnamed.status, 409);
    assert.equal((await apply("s1", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "s1", uid: "abc" } }, "&dryRun=All")).status, 409);
  });

  test("without a uid it creates", async () => {
    assert.equal((await apply("s1", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "s1" } })).status, 201);
  });
});
