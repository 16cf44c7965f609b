/**
 * Discovery documents against the recorded ones: every resource the emulator serves is described
 * as the real server describes it (name, kind, scope, verbs, short names, subresources), legacy and
 * aggregated; custom resource types appear once registered; health and version are public.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { fixture, testCluster, type TestCluster } from "./helpers.js";

const KEYS = ["name", "singularName", "namespaced", "kind", "verbs", "shortNames", "categories", "group", "version"];
const pick = (r: Record<string, unknown>) => Object.fromEntries(KEYS.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]));

describe("discovery", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  for (const [name, path] of [
    ["discovery-api-v1", "/api/v1"], ["discovery-apps-v1", "/apis/apps/v1"], ["discovery-batch-v1", "/apis/batch/v1"],
    ["discovery-rbac-v1", "/apis/rbac.authorization.k8s.io/v1"], ["discovery-coordination-v1", "/apis/coordination.k8s.io/v1"],
    ["discovery-authentication-v1", "/apis/authentication.k8s.io/v1"], ["discovery-authorization-v1", "/apis/authorization.k8s.io/v1"],
    ["discovery-events-v1", "/apis/events.k8s.io/v1"], ["discovery-policy-v1", "/apis/policy/v1"],
  ] as const) {
    test(`${path} describes each served resource as the real server`, async () => {
      const ours = await t.send("GET", path);
      const recorded = fixture(name).response.body;
      assert.equal(ours.body.kind, recorded.kind);
      assert.equal(ours.body.groupVersion, recorded.groupVersion);
      assert.equal(ours.body.apiVersion, recorded.apiVersion);
      const real = new Map<string, Record<string, unknown>>(recorded.resources.map((r: Record<string, unknown>) => [r.name as string, r]));
      assert.ok(ours.body.resources.length > 0);
      for (const r of ours.body.resources) {
        assert.ok(real.has(r.name), `${r.name} is a real resource`);
        assert.deepEqual(pick(r), pick(real.get(r.name)!), r.name);
      }
    });
  }

  test("/api and /apis, legacy and aggregated", async () => {
    const api = await t.send("GET", "/api");
    assert.deepEqual(Object.keys(api.body), Object.keys(fixture("discovery-api").response.body));
    const apis = await t.send("GET", "/apis");
    const realGroups = new Set(fixture("discovery-apis").response.body.groups.map((g: { name: string }) => g.name));
    for (const g of apis.body.groups) assert.ok(realGroups.has(g.name), g.name);
    const f = fixture("discovery-aggregated-apis");
    const agg = await t.send("GET", "/apis", { accept: f.request.accept! });
    assert.equal(agg.headers["content-type"], f.response.contentType);
    const realApps = f.response.body.items.find((i: { metadata: { name: string } }) => i.metadata.name === "apps");
    const ourApps = agg.body.items.find((i: { metadata: { name: string } }) => i.metadata.name === "apps");
    const deployments = (item: any) => item.versions[0].resources.find((r: { resource: string }) => r.resource === "deployments");
    assert.deepEqual(deployments(ourApps), deployments(realApps));
  });

  test("networking.k8s.io and discovery.k8s.io are described as the real server describes them", async () => {
    const f = fixture("discovery-aggregated-apis");
    const agg = await t.send("GET", "/apis", { accept: f.request.accept! });
    const group = (body: any, name: string) => body.items.find((i: { metadata: { name: string } }) => i.metadata.name === name);
    for (const name of ["networking.k8s.io", "discovery.k8s.io"]) assert.deepEqual(group(agg.body, name), group(f.response.body, name), name);
  });

  test("a custom resource type appears in discovery and is served", async () => {
    t.cluster.createResourceType({ group: "example.com", version: "v1", resource: "widgets", kind: "Widget", namespaced: true });
    const list = await t.send("GET", "/apis/example.com/v1");
    assert.deepEqual(list.body.resources.map((r: { name: string }) => r.name), ["widgets", "widgets/status"]);
    const created = await t.send("POST", "/apis/example.com/v1/namespaces/default/widgets", { body: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w1" }, spec: { size: 3 } } });
    assert.equal(created.status, 201);
    assert.equal(created.body.metadata.generation, 1);
    const items = (await t.send("GET", "/apis/example.com/v1/widgets")).body.items;
    assert.deepEqual(items.map((i: { kind: string; metadata: { name: string } }) => [i.kind, i.metadata.name]), [["Widget", "w1"]]);
    // No strategic merge for a custom type: the patch handler's 415 names what it takes.
    for (const contentType of ["application/strategic-merge-patch+json", "text/plain"]) {
      const smp = await t.send("PATCH", "/apis/example.com/v1/namespaces/default/widgets/w1", { body: { spec: { size: 4 } }, contentType });
      assert.equal(smp.status, 415);
      assert.deepEqual(smp.body, {
        kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "UnsupportedMediaType", code: 415,
        message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
      });
    }
    const merged = await t.send("PATCH", "/apis/example.com/v1/namespaces/default/widgets/w1", { body: { spec: { size: 4 } }, contentType: "application/merge-patch+json" });
    assert.equal(merged.body.spec.size, 4);
  });

  test("a 404: a served group version's is the Status, any other path's Go's plain-text page", async () => {
    const resource = await t.send("GET", "/api/v1/foos");
    assert.equal(resource.status, 404);
    assert.equal(resource.body.message, "the server could not find the requested resource");
    for (const path of ["/apis/nope.io/v1/things", "/apis/apps/v9/deployments", "/apis/nope.io", "/foo/bar", "/api/v9"]) {
      const plain = await t.send("GET", path);
      assert.equal(plain.status, 404, path);
      assert.equal(plain.headers["content-type"], "text/plain; charset=utf-8", path);
      assert.equal(plain.text, "404 page not found\n", path);
    }
  });

  test("health and version answer anonymous callers", async () => {
    const health = await t.send("GET", "/healthz", { token: null });
    assert.equal(health.status, 200);
    assert.equal(health.text, "ok");
    assert.equal((await t.send("GET", "/version", { token: null })).body.gitVersion, "v1.32.6");
  });

  test("health: ?verbose lists the checks, ?exclude marks one, a check has its own path", async () => {
    const readyz = await t.send("GET", "/readyz?verbose");
    assert.equal(readyz.status, 200);
    assert.equal(readyz.headers["content-type"], "text/plain; charset=utf-8");
    assert.equal(readyz.text, "[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]etcd-readiness ok\n[+]informer-sync ok\n[+]shutdown ok\nreadyz check passed\n");
    const livez = await t.send("GET", "/livez?verbose=1&exclude=etcd&exclude=nope");
    assert.equal(livez.text, '[+]ping ok\n[+]log ok\n[+]etcd excluded: ok\nwarn: some health checks cannot be excluded: no matches for "nope"\nlivez check passed\n');
    assert.equal((await t.send("GET", "/livez?exclude=etcd")).text, "ok");
    for (const path of ["/readyz/ping", "/livez/etcd", "/healthz/log", "/readyz/informer-sync"]) {
      const one = await t.send("GET", path);
      assert.deepEqual([one.status, one.text], [200, "ok"], path);
    }
    for (const path of ["/livez/informer-sync", "/readyz/nope", "/readyz/ping/x"]) assert.equal((await t.send("GET", path)).text, "404 page not found\n", path);
  });
});
