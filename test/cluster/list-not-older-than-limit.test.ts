/**
 * A list with `resourceVersionMatch=NotOlderThan`, a `limit` and a resourceVersion other than
 * "0" is delegated to etcd in 1.32 (cacher.go shouldDelegateList: `hasLimit` whatever the
 * match): a page of `limit` items at the latest revision, a continue token and
 * remainingItemCount; a version not reached yet is etcd3's validateMinimumResourceVersion, a
 * 504 at once with no retry delay. With resourceVersion "0" the cache still serves every item.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const CMS = "/api/v1/namespaces/nol/configmaps";
const cm = (name: string) => ({ body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name } } });

describe("NotOlderThan list with a limit", () => {
  let t: TestCluster;
  let first = 0;
  before(async () => {
    t = await clusterWithNamespaces("nol");
    first = Number((await t.send("POST", CMS, cm("a"))).body.metadata.resourceVersion);
    for (const name of ["b", "c", "d"]) await t.send("POST", CMS, cm(name));
  });
  after(() => t.close());

  test("is paginated from etcd at the latest revision: limit items, continue, remainingItemCount", async () => {
    const all = (await t.send("GET", CMS)).body;
    const names = all.items.map((i: any) => i.metadata.name);
    assert.ok(names.length >= 4);
    const res = await t.send("GET", `${CMS}?resourceVersion=${first}&resourceVersionMatch=NotOlderThan&limit=2`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.items.map((i: any) => i.metadata.name), names.slice(0, 2));
    assert.equal(res.body.metadata.resourceVersion, all.metadata.resourceVersion);
    assert.equal(res.body.metadata.remainingItemCount, names.length - 2);
    const rest = await t.send("GET", `${CMS}?limit=100&continue=${encodeURIComponent(res.body.metadata.continue)}`);
    assert.deepEqual(rest.body.items.map((i: any) => i.metadata.name), names.slice(2));
  });

  test("resourceVersion=0 with NotOlderThan and a limit is still the cache's: every item, no continue", async () => {
    const all = (await t.send("GET", CMS)).body.items.length;
    const res = await t.send("GET", `${CMS}?resourceVersion=0&resourceVersionMatch=NotOlderThan&limit=2`);
    assert.equal(res.body.items.length, all);
    assert.equal(res.body.metadata.continue, undefined);
  });

  test("a version not reached is a 504 at once, without retryAfterSeconds or Retry-After", async () => {
    const now = Number((await t.send("GET", CMS)).body.metadata.resourceVersion);
    const started = Date.now();
    const res = await t.send("GET", `${CMS}?resourceVersion=${now + 10}&resourceVersionMatch=NotOlderThan&limit=2`);
    // The cache would wait 3 s for the version before its 504; etcd answers at once.
    assert.ok(Date.now() - started < 2500, "no wait for the version");
    assert.equal(res.status, 504);
    assert.equal(res.headers["retry-after"], undefined);
    assert.deepEqual(res.body, {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
      message: `Timeout: Too large resource version: ${now + 10}, current: ${now}`,
      reason: "Timeout",
      details: { causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }] },
      code: 504,
    });
  });
});
