/**
 * A resourceVersion that is not an unsigned integer, as 1.32 answers it: APIObjectVersioner's
 * ParseResourceVersion makes it a storage.InvalidError. The watch cache (a list it serves, a
 * GET, a watch) returns it as is, so the client gets ErrorToAPIStatus's 500 with no reason (a
 * watch before its stream); a list delegated to etcd (a limit, Exact) gets etcd3's 400
 * `invalid resource version: ...`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const CMS = "/api/v1/namespaces/rvn/configmaps";
const ABC = 'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax';
const bare = (message: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code: 500 });
const badRequest = (message: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "BadRequest", code: 400 });

describe("resourceVersion that is not a number", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("rvn");
    await t.send("POST", CMS, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "one" } } });
  });
  after(() => t.close());

  test("a list the watch cache serves: 500 with ParseUint's error and no reason", async () => {
    const res = await t.send("GET", `${CMS}?resourceVersion=abc`);
    assert.equal(res.status, 500);
    assert.deepEqual(res.body, bare(ABC));
    const notOlder = await t.send("GET", `${CMS}?resourceVersion=abc&resourceVersionMatch=NotOlderThan`);
    assert.deepEqual(notOlder.body, bare(ABC));
  });

  test("a list delegated to etcd (a limit, or Exact): 400 invalid resource version", async () => {
    for (const query of ["resourceVersion=abc&limit=1", "resourceVersion=abc&resourceVersionMatch=Exact", "resourceVersion=abc&resourceVersionMatch=NotOlderThan&limit=1"]) {
      const res = await t.send("GET", `${CMS}?${query}`);
      assert.equal(res.status, 400, query);
      assert.deepEqual(res.body, badRequest(`invalid resource version: ${ABC}`), query);
    }
  });

  test("ParseUint's own wording: a sign, a too large number", async () => {
    const signed = await t.send("GET", `${CMS}?resourceVersion=%2B5`);
    assert.deepEqual(signed.body, bare('resourceVersion: Invalid value: "+5": strconv.ParseUint: parsing "+5": invalid syntax'));
    const huge = "18446744073709551616";
    const range = await t.send("GET", `${CMS}?resourceVersion=${huge}&limit=1`);
    assert.deepEqual(range.body, badRequest(`invalid resource version: resourceVersion: Invalid value: "${huge}": strconv.ParseUint: parsing "${huge}": value out of range`));
  });

  test("a GET of one object (there or not): the cache's 500", async () => {
    for (const name of ["one", "missing"]) {
      const res = await t.send("GET", `${CMS}/${name}?resourceVersion=abc`);
      assert.equal(res.status, 500, name);
      assert.deepEqual(res.body, bare(ABC), name);
    }
  });

  test("a watch: the 500 Status as the answer, not an event in a stream", async () => {
    const res = await t.send("GET", `${CMS}?watch=1&resourceVersion=abc`);
    assert.equal(res.status, 500);
    assert.deepEqual(res.body, bare(ABC));
  });
});
