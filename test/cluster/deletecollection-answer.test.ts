/**
 * A deletecollection answers the list as it was read before anything was deleted, as 1.32's
 * Store.DeleteCollection returns the list it read (its items and its resourceVersion), not the
 * objects as the deletes left them; a `limit` deletes one page only and answers it. Its handler
 * decodes and validates the list options (400, 422) and converts the field labels (400) before
 * it reads the DeleteOptions.
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

describe("deletecollection's list options", () => {
  let t: TestCluster;
  const NS = "/api/v1/namespaces/dcp";
  const names = (body: { items: { metadata: { name: string } }[] }) => body.items.map((i) => i.metadata.name);
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "dcp" } } });
    for (const name of ["p1", "p2", "p3", "p4", "p5"]) await t.send("POST", `${NS}/secrets`, { body: { metadata: { name } } });
  });
  after(() => t.close());

  test("a limit deletes one page, as a list with that limit reads it, and answers it with its continue and remainingItemCount", async () => {
    const page = await t.send("GET", `${NS}/secrets?limit=2`);
    assert.deepEqual(names(page.body), ["p1", "p2"]);
    const first = await t.send("DELETE", `${NS}/secrets?limit=2`);
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, page.body);
    assert.equal(first.body.metadata.remainingItemCount, 3);
    assert.deepEqual(names((await t.send("GET", `${NS}/secrets`)).body), ["p3", "p4", "p5"]);
    // Its continue deletes the next page, read at the first page's version.
    const second = await t.send("DELETE", `${NS}/secrets?limit=2&continue=${first.body.metadata.continue}`);
    assert.deepEqual([names(second.body), second.body.metadata.resourceVersion, second.body.metadata.remainingItemCount], [["p3", "p4"], page.body.metadata.resourceVersion, 1]);
    assert.deepEqual(names((await t.send("GET", `${NS}/secrets`)).body), ["p5"]);
  });

  test("list options are decoded and validated first (400, 422), then the field labels converted (400), then the DeleteOptions", async () => {
    const cases: [string, number, string][] = [
      ["limit=abc", 400, 'strconv.ParseInt: parsing "abc": invalid syntax'],
      ["resourceVersionMatch=Exact", 422, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided'],
      ["resourceVersionMatch=Exact&fieldSelector=spec.foo%3Dx", 422, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided'],
      ["fieldSelector=spec.foo%3Dx", 400, '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"'],
      ["fieldSelector=spec.foo", 400, "invalid selector: 'spec.foo'; can't understand 'spec.foo'"],
    ];
    for (const [query, status, message] of cases) {
      // A DeleteOptions body that is itself invalid: the list options' error comes first.
      const answer = await t.send("DELETE", `${NS}/configmaps?${query}`, { body: { propagationPolicy: "Foo" } });
      assert.deepEqual([answer.status, answer.body.message], [status, message], query);
    }
    // The codec's 400s come before ValidateListOptions' 422, for a list as for a deletecollection.
    for (const method of ["GET", "DELETE"]) {
      const answer = await t.send(method, `${NS}/configmaps?labelSelector=a%20b&resourceVersionMatch=Exact`);
      assert.equal(answer.status, 400, method);
      assert.equal(answer.body.message, (await t.send("GET", `${NS}/configmaps?labelSelector=a%20b`)).body.message, method);
    }
    assert.ok((await t.send("GET", `${NS}/configmaps`)).body.items.length > 0, "nothing was deleted");
  });
});
