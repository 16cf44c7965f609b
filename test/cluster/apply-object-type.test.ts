/**
 * Server-side apply checks the applied object's type as 1.32's fieldmanager versionCheckManager
 * does, before anything else looks at it: a missing or wrong apiVersion or kind is 400
 * `invalid object type: <group>/<version>, Kind=<kind>` (nothing filled in from the URL).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/default/configmaps";
const AP = "application/apply-patch+yaml";
const badRequest = (message: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "BadRequest", code: 400 });

describe("server-side apply's object type", () => {
  let t: TestCluster;
  const apply = (name: string, body: unknown) => t.send("PATCH", `${CM}/${name}?fieldManager=m`, { body, contentType: AP });
  before(async () => {
    t = await testCluster();
    await t.send("POST", CM, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "s2" }, data: { a: "1" } } });
  });
  after(() => t.close());

  test("without apiVersion and kind: invalid object type /, Kind= (existing or absent object)", async () => {
    assert.deepEqual((await apply("s2", { metadata: { name: "s2" } })).body, badRequest("invalid object type: /, Kind="));
    assert.deepEqual((await apply("s9", { metadata: { name: "s9" } })).body, badRequest("invalid object type: /, Kind="));
    assert.equal((await t.send("GET", `${CM}/s9`)).status, 404, "nothing created");
    assert.deepEqual((await apply("s2", "")).body, badRequest("invalid object type: /, Kind="), "an empty document");
  });

  test("a missing apiVersion, a wrong kind, a wrong group", async () => {
    assert.deepEqual((await apply("s2", { kind: "ConfigMap", metadata: { name: "s2" } })).body, badRequest("invalid object type: /, Kind=ConfigMap"));
    assert.deepEqual((await apply("s2", { apiVersion: "v1", kind: "Secret", metadata: { name: "s2" } })).body, badRequest("invalid object type: /v1, Kind=Secret"));
    assert.deepEqual((await apply("s2", { apiVersion: "apps/v1", kind: "ConfigMap", metadata: { name: "s2" } })).body, badRequest("invalid object type: apps/v1, Kind=ConfigMap"));
    assert.deepEqual((await apply("s2", { apiVersion: "a/b/c", kind: "ConfigMap", metadata: { name: "s2" } })).body, badRequest("invalid object type: /, Kind="), "an unparseable apiVersion empties the kind too");
  });

  test("checked before the name", async () => {
    assert.deepEqual((await apply("s2", { apiVersion: "v1", kind: "Secret", metadata: { name: "other" } })).body, badRequest("invalid object type: /v1, Kind=Secret"));
  });

  test("the right type applies", async () => {
    const ok = await apply("s2", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "s2" }, data: { b: "2" } });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body.data, { a: "1", b: "2" });
    const deployments = "/apis/apps/v1/namespaces/default/deployments";
    const wrongGroup = await t.send("PATCH", `${deployments}/d?fieldManager=m`, { body: { apiVersion: "v1", kind: "Deployment", metadata: { name: "d" } }, contentType: AP });
    assert.deepEqual(wrongGroup.body, badRequest("invalid object type: /v1, Kind=Deployment"));
  });
});
