/**
 * Which discovery document `/api` and `/apis` answer, as 1.32's WrappedHandler negotiates the
 * Accept header (NegotiateMediaTypeOptions with DiscoveryEndpointRestrictions): the first
 * acceptable clause by quality wins — a plain one is the legacy document, an
 * `APIGroupDiscoveryList` of `apidiscovery.k8s.io` `v2` or `v2beta1` the aggregated one in that
 * version (the same document, its apiVersion and Content-Type naming the version).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
const V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

describe("aggregated discovery negotiation", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  test("v2beta1 is served: the v2 document under apidiscovery.k8s.io/v2beta1", async () => {
    for (const path of ["/api", "/apis"]) {
      const v2 = await t.send("GET", path, { accept: V2 });
      const beta = await t.send("GET", path, { accept: `${V2BETA1},application/json` });
      assert.equal(beta.status, 200);
      assert.equal(beta.headers["content-type"], V2BETA1);
      assert.equal(beta.body.kind, "APIGroupDiscoveryList");
      assert.equal(beta.body.apiVersion, "apidiscovery.k8s.io/v2beta1");
      assert.deepEqual({ ...beta.body, apiVersion: "apidiscovery.k8s.io/v2" }, v2.body);
      assert.equal(v2.headers["content-type"], V2);
    }
  });

  test("the first acceptable clause wins: a plain clause first is the legacy document", async () => {
    const legacy = await t.send("GET", "/apis", { accept: `application/json,${V2}` });
    assert.equal(legacy.body.kind, "APIGroupList");
    assert.equal(legacy.headers["content-type"], "application/json");
    assert.equal((await t.send("GET", "/api", { accept: `application/json,${V2}` })).body.kind, "APIVersions");
    // kubectl's order: v2, then v2beta1, then plain JSON.
    assert.equal((await t.send("GET", "/apis", { accept: `${V2},${V2BETA1},application/json` })).headers["content-type"], V2);
    // Quality orders the clauses before they are tried.
    assert.equal((await t.send("GET", "/apis", { accept: `application/json;q=0.5,${V2BETA1}` })).body.apiVersion, "apidiscovery.k8s.io/v2beta1");
    // A conversion discovery cannot make is passed over.
    assert.equal((await t.send("GET", "/apis", { accept: `application/json;as=Table;v=v1;g=meta.k8s.io,${V2}` })).body.kind, "APIGroupDiscoveryList");
    assert.equal((await t.send("GET", "/apis", { accept: "application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList" })).body.kind, "APIGroupList");
  });
});
