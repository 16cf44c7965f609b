/**
 * Test instruments: injected faults (429 with Retry-After, delay, dropped connection, `times`)
 * and the request log.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

describe("fault injection", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  test("a 429 with Retry-After, for the given number of times", async () => {
    const remove = t.cluster.inject({ match: { verb: "list", resource: "configmaps", namespace: "default" }, status: 429, retryAfterSeconds: 2, times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await t.send("GET", "/api/v1/namespaces/default/configmaps");
      assert.equal(res.status, 429);
      assert.equal(res.headers["retry-after"], "2");
      assert.deepEqual(res.body, {
        kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Too many requests, please try again later.",
        reason: "TooManyRequests", details: { retryAfterSeconds: 2 }, code: 429,
      });
    }
    assert.equal((await t.send("GET", "/api/v1/namespaces/default/configmaps")).status, 200);
    assert.equal((await t.send("GET", "/api/v1/namespaces/kube-system/configmaps")).status, 200);
    remove();
  });

  test("a delay holds the answer", async () => {
    const remove = t.cluster.inject({ match: { verb: "get", resource: "namespaces", name: "default" }, delayMs: 150, times: 1 });
    const started = performance.now();
    const res = await t.send("GET", "/api/v1/namespaces/default");
    assert.equal(res.status, 200);
    assert.ok(performance.now() - started >= 140);
    remove();
  });

  test("a dropped connection answers nothing, and the request log shows it", async () => {
    t.cluster.inject({ match: { user: "system:admin", verb: "get", resource: "serviceaccounts" }, dropConnection: true, times: 1 });
    await assert.rejects(t.send("GET", "/api/v1/namespaces/default/serviceaccounts/default"));
    const dropped = t.cluster.requests.find((r) => r.resource === "serviceaccounts" && r.status === 0);
    assert.ok(dropped);
    assert.equal(dropped.user, "system:admin");
    assert.equal(dropped.path, "/api/v1/namespaces/default/serviceaccounts/default");
    assert.equal((await t.send("GET", "/api/v1/namespaces/default/serviceaccounts/default")).status, 200);
  });

  test("faults match per user and subresource", async () => {
    const sa = await t.cluster.serviceAccount("default", "faulty");
    const remove = t.cluster.inject({ match: { user: "system:serviceaccount:default:faulty" }, status: 503 });
    assert.equal((await t.send("GET", "/version", { token: sa.token })).status, 503);
    assert.equal((await t.send("GET", "/version")).status, 200);
    remove();
    assert.equal((await t.send("GET", "/version", { token: sa.token })).status, 200);
  });
});
