/**
 * The JSON patch `test` operation as evanphx/json-patch v4 decides it and the 422 that
 * handlers/patch.go answers for any failed operation (NewGenericServerResponse with the
 * library's message dropped: a generic message, empty details, no causes).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/default/configmaps";
const FAILED = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server rejected our request due to an error in our request", reason: "Invalid", details: {}, code: 422 };

describe("JSON patch test operation", () => {
  let t: TestCluster;
  const patch = (name: string, body: string) => t.send("PATCH", `${CM}/${name}`, { body, contentType: "application/json-patch+json" });
  before(async () => {
    t = await testCluster();
    await t.send("POST", CM, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", labels: { a: "1", b: "2" } }, data: { html: "a<b" } } });
  });
  after(() => t.close());

  test("objects compare whatever their key order", async () => {
    const answer = await patch("c", '[{"op":"test","path":"/metadata/labels","value":{"b":"2","a":"1"}}]');
    assert.equal(answer.status, 200);
    assert.equal((await patch("c", '[{"op":"test","path":"/metadata/labels","value":{"a":"1"}}]')).status, 422);
  });

  test("value null passes on a missing key and fails on a present one", async () => {
    assert.equal((await patch("c", '[{"op":"test","path":"/metadata/labels/absent","value":null}]')).status, 200);
    assert.equal((await patch("c", '[{"op":"test","path":"/metadata/labels/a","value":null}]')).status, 422);
    assert.equal((await patch("c", '[{"op":"test","path":"/metadata/labels/absent","value":"x"}]')).status, 422);
    assert.equal((await patch("c", '[{"op":"test","path":"/metadata/nothing/here","value":null}]')).status, 422, "a missing parent fails");
  });

  test("scalars compare as encoded bytes: HTML characters are escaped in the stored object", async () => {
    assert.equal((await patch("c", '[{"op":"test","path":"/data/html","value":"a<b"}]')).status, 422);
    assert.equal((await patch("c", '[{"op":"test","path":"/data/html","value":"a\\u003cb"}]')).status, 200);
  });

  test("a failed operation answers the generic 422 with empty details", async () => {
    const failed = await patch("c", '[{"op":"test","path":"/metadata/labels/a","value":"9"}]');
    assert.deepEqual(failed.body, FAILED);
    assert.deepEqual((await patch("c", '[{"op":"remove","path":"/data/missing"}]')).body, FAILED);
  });
});
