/**
 * Aggregated discovery's HTTP caching, as 1.32's discovery/aggregated etag.go serves it: an
 * `ETag` that is the quoted upper-case hex SHA-512 of the v2 list as json.Marshal writes it (no
 * kind or apiVersion), the same for v2 and v2beta1, with `Vary: Accept` and
 * `Cache-Control: public`; a request whose `If-None-Match` is that ETag gets a bodiless 304. The
 * ETag changes when a type is registered.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Agent, request } from "undici";
import { testCluster, type TestCluster } from "./helpers.js";

const V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
const V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

describe("aggregated discovery ETag", () => {
  let t: TestCluster;
  let agent: Agent;
  const get = async (path: string, accept: string, ifNoneMatch?: string) => {
    const headers: Record<string, string> = { authorization: `Bearer ${t.cluster.adminToken}`, accept };
    if (ifNoneMatch) headers["if-none-match"] = ifNoneMatch;
    const res = await request(`${t.cluster.url}${path}`, { headers, dispatcher: agent });
    return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
  };
  before(async () => {
    t = await testCluster();
    agent = new Agent({ connect: { ca: t.cluster.caPem } });
  });
  after(async () => {
    await t.close();
    await agent.close();
  });

  test("the ETag is the quoted SHA-512 of the v2 list without its TypeMeta; Vary: Accept, Cache-Control: public", async () => {
    for (const path of ["/api", "/apis"]) {
      const res = await get(path, V2);
      assert.equal(res.status, 200);
      const { kind: _kind, apiVersion: _apiVersion, ...untyped } = JSON.parse(res.text);
      const hash = createHash("sha512").update(JSON.stringify(untyped)).digest("hex").toUpperCase();
      assert.equal(res.headers.etag, `"${hash}"`);
      assert.equal(res.headers.vary, "Accept");
      assert.equal(res.headers["cache-control"], "public");
      assert.equal((await get(path, V2BETA1)).headers.etag, res.headers.etag, "one ETag for every version");
    }
    const legacy = await get("/apis", "application/json");
    assert.equal(legacy.headers.etag, undefined);
    assert.equal(legacy.headers["cache-control"], "no-cache, private");
  });

  test("a matching If-None-Match is a bodiless 304; another, or a changed document, the document", async () => {
    const first = await get("/apis", V2);
    const etag = String(first.headers.etag);
    const cached = await get("/apis", V2, etag);
    assert.equal(cached.status, 304);
    assert.equal(cached.text, "");
    assert.equal(cached.headers.etag, etag);
    assert.equal(cached.headers["content-type"], undefined);
    assert.equal((await get("/apis", V2, etag.slice(1, -1))).status, 200, "the quotes are part of the match");
    t.cluster.createResourceType({ group: "example.com", version: "v1", resource: "widgets", kind: "Widget", namespaced: true });
    const changed = await get("/apis", V2, etag);
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.etag, etag);
  });
});
