/**
 * A list of a resourceVersion the server has not reached: the watch cache waits for it (up to
 * 3 s), then answers 504 "Timeout: Too large resource version" with retryAfterSeconds 1 and the
 * Retry-After header (ErrorNegotiated sets it for any Status with a retry delay); a list
 * delegated to etcd (limit, Exact) answers at once with etcd's error as a 500. The 1.32 watch
 * cache does not paginate (resourceVersion=0 with a limit: every item, no continue), and a
 * continued list may not name a resourceVersion other than 0.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const CMS = "/api/v1/namespaces/rv/configmaps";
const cm = (name: string) => ({ body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name } } });

describe("list of a future resourceVersion", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("rv");
  });
  after(() => t.close());

  const current = async (): Promise<number> => Number((await t.send("GET", CMS)).body.metadata.resourceVersion);

  test("the cache waits 3 s, then 504 with the real message, retryAfterSeconds 1 and Retry-After: 1", async () => {
    const now = await current();
    const started = Date.now();
    const res = await t.send("GET", `${CMS}?resourceVersion=${now + 100}`);
    assert.ok(Date.now() - started >= 2900, "waited for the version");
    assert.equal(res.status, 504);
    assert.equal(res.headers["retry-after"], "1");
    assert.deepEqual(res.body, {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
      message: `Timeout: Too large resource version: ${now + 100}, current: ${now}`,
      reason: "Timeout",
      details: { causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }], retryAfterSeconds: 1 },
      code: 504,
    });
  });

  test("a write reaching the version while the cache waits lets the list through", async () => {
    const now = await current();
    const pending = t.send("GET", `${CMS}?resourceVersion=${now + 1}`);
    await new Promise((r) => setTimeout(r, 100));
    await t.send("POST", CMS, cm("arrives"));
    const res = await pending;
    assert.equal(res.status, 200);
    assert.ok(res.body.items.some((i: any) => i.metadata.name === "arrives"));
  });

  test("delegated to etcd (a limit, or Exact): at once, etcd's future-revision error as a bare 500 (kubernetes#132358)", async () => {
    const now = await current();
    for (const query of [`resourceVersion=${now + 50}&limit=10`, `resourceVersion=${now + 50}&resourceVersionMatch=Exact`]) {
      const started = Date.now();
      const res = await t.send("GET", `${CMS}?${query}`);
      assert.ok(Date.now() - started < 1000, query);
      assert.equal(res.status, 500, query);
      assert.equal(res.headers["retry-after"], undefined, query);
      assert.deepEqual(res.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "etcdserver: mvcc: required revision is a future revision", code: 500 }, query);
    }
  });

  test("resourceVersion=0 with a limit is served by the cache: every item, no continue", async () => {
    for (const name of ["p1", "p2", "p3"]) await t.send("POST", CMS, cm(name));
    const all = (await t.send("GET", CMS)).body.items.length;
    for (const query of ["resourceVersion=0&limit=1", "resourceVersion=0&resourceVersionMatch=NotOlderThan&limit=1"]) {
      const res = await t.send("GET", `${CMS}?${query}`);
      assert.equal(res.status, 200, query);
      assert.equal(res.body.items.length, all, query);
      assert.equal(res.body.metadata.continue, undefined, query);
    }
    const paged = await t.send("GET", `${CMS}?limit=1`);
    assert.equal(paged.body.items.length, 1);
    assert.ok(paged.body.metadata.continue);
  });

  test("continue with a resourceVersion other than 0 is 400 as storage.ValidateListOptions answers it", async () => {
    const first = await t.send("GET", `${CMS}?limit=1`);
    const token = encodeURIComponent(first.body.metadata.continue);
    const refused = await t.send("GET", `${CMS}?limit=1&continue=${token}&resourceVersion=${first.body.metadata.resourceVersion}`);
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "specifying resource version is not allowed when using continue", reason: "BadRequest", code: 400 });
    assert.equal((await t.send("GET", `${CMS}?limit=1&continue=${token}&resourceVersion=0`)).status, 200);
  });
});
