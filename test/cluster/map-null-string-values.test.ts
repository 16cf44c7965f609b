/**
 * A JSON null as a value of a map[string]string field (a ConfigMap's `data`, labels,
 * annotations, a pod's `nodeSelector`) that reaches the decoder is stored as "": 1.32's decoder
 * (sigs.k8s.io/json, encoding/json's rules) decodes each map element into a fresh zero value,
 * and a null leaves a string's alone. That is what a create, a PUT and a JSON patch `add` of
 * null store; a merge patch's null deletes the key before anything is decoded.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/nulls/configmaps";

describe("a null map[string]string value", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("nulls");
  });
  after(() => t.close());

  test("a create stores it as \"\" (data, labels, annotations) and answers so", async () => {
    const created = await t.send("POST", CM, { body: { metadata: { name: "created", labels: { a: null }, annotations: { b: null } }, data: { x: null, y: "1" } } });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.data, { x: "", y: "1" });
    assert.deepEqual(created.body.metadata.labels, { a: "" });
    assert.deepEqual(created.body.metadata.annotations, { b: "" });
    const read = await t.send("GET", `${CM}/created`);
    assert.deepEqual(read.body.data, { x: "", y: "1" });
  });

  test("a PUT stores it as \"\"", async () => {
    const created = await t.send("POST", CM, { body: { metadata: { name: "put" }, data: { x: "1" } } });
    const put = await t.send("PUT", `${CM}/put`, { body: { metadata: { name: "put", resourceVersion: created.body.metadata.resourceVersion, labels: { a: null } }, data: { x: null } } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body.data, { x: "" });
    assert.deepEqual(put.body.metadata.labels, { a: "" });
    assert.deepEqual((await t.send("GET", `${CM}/put`)).body.data, { x: "" });
  });

  test("a JSON patch adding null stores \"\"; a merge patch's null deletes the key", async () => {
    await t.send("POST", CM, { body: { metadata: { name: "patched" }, data: { x: "1", y: "2" } } });
    const added = await t.send("PATCH", `${CM}/patched`, { body: [{ op: "add", path: "/data/z", value: null }, { op: "add", path: "/metadata/labels", value: { a: null } }], contentType: "application/json-patch+json" });
    assert.equal(added.status, 200, added.text);
    assert.deepEqual(added.body.data, { x: "1", y: "2", z: "" });
    assert.deepEqual(added.body.metadata.labels, { a: "" });
    const merged = await t.send("PATCH", `${CM}/patched`, { body: { data: { x: null } }, contentType: "application/merge-patch+json" });
    assert.equal(merged.status, 200, merged.text);
    assert.deepEqual(merged.body.data, { y: "2", z: "" });
  });

  test("a pod's nodeSelector", async () => {
    const created = await t.send("POST", "/api/v1/namespaces/nulls/pods", { body: { metadata: { name: "p" }, spec: { nodeSelector: { disk: null }, containers: [{ name: "main", image: "busybox" }] } } });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.spec.nodeSelector, { disk: "" });
  });
});
