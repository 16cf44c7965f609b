/**
 * A GET naming a resourceVersion the server has not reached: 1.32's Cacher.Get serves it from
 * the watch cache, whose WaitUntilFreshAndGet waits for it (up to 3 s), then answers 504
 * "Timeout: Too large resource version" with retryAfterSeconds 1; a write reaching the version
 * meanwhile lets the GET through. It answered at once before.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const CMS = "/api/v1/namespaces/grv/configmaps";
const cm = (name: string) => ({ body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name } } });

describe("GET of a future resourceVersion", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("grv");
    await t.send("POST", CMS, cm("c3"));
  });
  after(() => t.close());

  const current = async (): Promise<number> => Number((await t.send("GET", CMS)).body.metadata.resourceVersion);

  test("the cache waits 3 s, then 504 with the real message and retryAfterSeconds 1", async () => {
    const now = await current();
    const started = Date.now();
    const res = await t.send("GET", `${CMS}/c3?resourceVersion=${now + 999}`);
    assert.ok(Date.now() - started >= 2900, "waited for the version");
    assert.equal(res.status, 504);
    assert.equal(res.headers["retry-after"], "1");
    assert.deepEqual(res.body, {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
      message: `Timeout: Too large resource version: ${now + 999}, current: ${now}`,
      reason: "Timeout",
      details: { causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }], retryAfterSeconds: 1 },
      code: 504,
    });
  });

  test("a write reaching the version while the cache waits lets the GET through, found or not", async () => {
    const now = await current();
    const pending = Promise.all([t.send("GET", `${CMS}/c3?resourceVersion=${now + 1}`), t.send("GET", `/api/v1/namespaces/grv/pods/nope?resourceVersion=${now + 1}`)]);
    // Arrived before the write, they wait for it; after it, they are served at once.
    await t.send("POST", CMS, cm("arrives"));
    const [res, missing] = await pending;
    assert.equal(res.status, 200);
    assert.equal(res.body.metadata.name, "c3");
    assert.equal(missing.status, 404);
    assert.equal((await t.send("GET", `${CMS}/c3?resourceVersion=${now}`)).status, 200, "a version reached is served at once");
  });
});
