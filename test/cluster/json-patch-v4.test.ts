/**
 * JSON patch operations as gopkg.in/evanphx/json-patch.v4 (the 1.32 apiserver's) applies
 * them: `replace` of a missing object key sets it (partialDoc.get answers nil, no error),
 * negative array indices count from the end (SupportNegativeIndices), `copy` from a missing
 * key adds null, `add` without a value adds null, and a path is split on `/` with its first
 * segment dropped. Failures stay the generic 422 (json-patch-test-op.test.ts).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/default/configmaps";
const JP = "application/json-patch+json";

describe("JSON patch as json-patch v4", () => {
  let t: TestCluster;
  const patch = (name: string, ops: unknown[], base = CM) => t.send("PATCH", `${base}/${name}`, { body: ops, contentType: JP });
  before(async () => {
    t = await testCluster();
    await t.send("POST", CM, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "p", finalizers: ["a.com/x", "b.com/y", "c.com/z"] }, data: { k: "v" } } });
  });
  after(() => t.close());

  test("replace of a missing object key sets it; of a missing parent or index still fails", async () => {
    const set = await patch("p", [{ op: "replace", path: "/data/new", value: "n" }]);
    assert.equal(set.status, 200);
    assert.deepEqual(set.body.data, { k: "v", new: "n" });
    assert.equal((await patch("p", [{ op: "replace", path: "/spec/nothing", value: "n" }])).status, 422);
    assert.equal((await patch("p", [{ op: "replace", path: "/metadata/finalizers/3", value: "d.com/w" }])).status, 422);
    assert.equal((await patch("p", [{ op: "remove", path: "/data/absent" }])).status, 422, "remove still needs the key");
  });

  test("replace at the document root with a value that is no object or array does nothing (v4 wraps a nil error there): 200, the object unchanged", async () => {
    const before = (await t.send("GET", `${CM}/p`)).body;
    for (const value of [1, null, "text"]) {
      const answer = await patch("p", [{ op: "replace", path: "", value }]);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.deepEqual(answer.body.data, before.data);
    }
  });

  test("negative indices count from the end for test, replace, remove and add", async () => {
    assert.equal((await patch("p", [{ op: "test", path: "/metadata/finalizers/-1", value: "c.com/z" }])).status, 200);
    const replaced = await patch("p", [{ op: "replace", path: "/metadata/finalizers/-3", value: "d.com/w" }]);
    assert.deepEqual(replaced.body.metadata.finalizers, ["d.com/w", "b.com/y", "c.com/z"]);
    const removed = await patch("p", [{ op: "remove", path: "/metadata/finalizers/-1" }]);
    assert.deepEqual(removed.body.metadata.finalizers, ["d.com/w", "b.com/y"]);
    const added = await patch("p", [{ op: "add", path: "/metadata/finalizers/-1", value: "e.com/v" }]);
    assert.deepEqual(added.body.metadata.finalizers, ["d.com/w", "b.com/y", "e.com/v"], "-1 on add is the end (index len+1-1)");
    const inserted = await patch("p", [{ op: "add", path: "/metadata/finalizers/-3", value: "f.com/u" }]);
    assert.deepEqual(inserted.body.metadata.finalizers, ["d.com/w", "f.com/u", "b.com/y", "e.com/v"]);
    assert.equal((await patch("p", [{ op: "remove", path: "/metadata/finalizers/-5" }])).status, 422, "beyond the start");
  });

  test("a negative index inside a path", async () => {
    const deployments = "/apis/apps/v1/namespaces/default/deployments";
    const labels = { app: "w" };
    const container = (name: string) => ({ name, image: "nginx" });
    await t.send("POST", deployments, { body: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "w" }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [container("a"), container("b")] } } } } });
    const answer = await patch("w", [{ op: "replace", path: "/spec/template/spec/containers/-1/image", value: "busybox" }], deployments);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.spec.template.spec.containers.map((c: any) => c.image), ["nginx", "busybox"]);
  });

  test("copy from a missing key, or add without a value, adds the key as null", async () => {
    // The remove succeeds only if the key was added.
    assert.equal((await patch("p", [{ op: "copy", from: "/data/nope", path: "/data/x" }, { op: "test", path: "/data/x", value: null }, { op: "remove", path: "/data/x" }])).status, 200);
    assert.equal((await patch("p", [{ op: "add", path: "/data/y" }, { op: "remove", path: "/data/y" }])).status, 200);
    assert.equal((await patch("p", [{ op: "move", from: "/data/nope", path: "/data/z" }])).status, 422, "move removes, so needs the key");
  });

  test("paths: the first segment is dropped; none, or the root, address nothing to add to", async () => {
    assert.equal((await patch("p", [{ op: "test", path: "ignored/data", value: { k: "v", new: "n" } }])).status, 200);
    assert.equal((await patch("p", [{ op: "add", path: "data", value: {} }])).status, 422);
    assert.equal((await patch("p", [{ op: "add", path: "", value: {} }])).status, 422);
  });
});
