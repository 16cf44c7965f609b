/**
 * A Table of a list page keeps the list's `remainingItemCount` beside `continue`, as 1.32's
 * printers GenerateTable copies the ListMeta (pkg/printers/tablegenerator.go); a page a
 * selector filtered has none, as its list has none.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";
const CMS = "/api/v1/namespaces/tr/configmaps";

describe("Table list metadata", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    assert.equal((await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "tr" } } })).status, 201);
    for (const name of ["a", "b", "c"]) {
      assert.equal((await t.send("POST", CMS, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name, labels: { x: "1" } } } })).status, 201);
    }
  });
  after(() => t.close());

  test("a Table page carries the list's remainingItemCount and continue", async () => {
    const list = (await t.send("GET", `${CMS}?limit=1`)).body;
    assert.equal(list.metadata.remainingItemCount, 3, "a, b, c and the namespace's kube-root-ca.crt");
    const res = await t.send("GET", `${CMS}?limit=1`, { accept: TABLE });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body.metadata, list.metadata);
    assert.equal(res.body.rows.length, 1);
  });

  test("a filtered page has a continue token and no remainingItemCount, as its list", async () => {
    const res = await t.send("GET", `${CMS}?limit=1&labelSelector=x%3D1`, { accept: TABLE });
    assert.ok(res.body.metadata.continue);
    assert.equal("remainingItemCount" in res.body.metadata, false);
  });
});
