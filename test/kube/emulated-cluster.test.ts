/**
 * The kube client against the emulated API server, over real HTTPS with real tokens and RBAC:
 * the behaviours the fake-server tests pin one by one, end to end.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { startCluster, clientFor, ensureNamespace, type Cluster } from "podfn/testing";
import { KubeConflictError, KubeForbiddenError, KubeNotFoundError, KubeArgumentError, retryOnConflict, type KubeClient, type WatchEvent } from "podfn";
import { join } from "node:path";

const NS = "client-e2e";
let cluster: Cluster;
let admin: KubeClient;

before(async () => {
  cluster = await startCluster({ eventWindow: 20, bookmarkIntervalMs: 100 });
  admin = (await clientFor({ server: cluster.url, caPem: cluster.caPem, token: cluster.adminToken })).with({ namespace: NS });
  await ensureNamespace(admin, NS);
});

after(async () => {
  await admin.close();
  await cluster.stop();
});

const cm = (name: string, data: Record<string, string> = {}): ConfigMap => ({ metadata: { name, labels: { suite: "e2e" } }, data });

describe("kube client against the emulated cluster", () => {
  test("listMetadata iterates every page of metadata only: PartialObjectMetadata items, no data, the same names as list", async () => {
    for (let i = 0; i < 5; i++) await admin.configMaps.create({ metadata: { name: `meta-${i}`, labels: { suite: "meta" } }, data: { big: "x".repeat(1000) } });
    const items = [];
    for await (const item of admin.configMaps.listMetadata({ labelSelector: "suite=meta", limit: 2 })) items.push(item);
    assert.deepEqual(items.map((i) => i.metadata.name), ["meta-0", "meta-1", "meta-2", "meta-3", "meta-4"]);
    for (const item of items) {
      assert.equal(item.kind, "PartialObjectMetadata");
      assert.equal(item.apiVersion, "meta.k8s.io/v1");
      assert.deepEqual(item.metadata.labels, { suite: "meta" });
      assert.equal((item as unknown as { data?: unknown }).data, undefined, "no data: metadata only");
    }
    const pages = cluster.requests.filter((r) => r.verb === "list" && r.resource === "configmaps" && r.path.includes("labelSelector=suite%3Dmeta"));
    assert.equal(pages.length, 3, "three pages of two");
  });

  test("list iterates every page; listPage hands out the continue token", async () => {
    for (let i = 0; i < 7; i++) await admin.configMaps.create(cm(`page-${i}`));
    const names: string[] = [];
    for await (const item of admin.configMaps.list({ labelSelector: "suite=e2e", limit: 3 })) names.push(item.metadata!.name!);
    assert.deepEqual(names.filter((n) => n.startsWith("page-")), ["page-0", "page-1", "page-2", "page-3", "page-4", "page-5", "page-6"]);
    const first = await admin.configMaps.listPage({ labelSelector: "suite=e2e", limit: 3 });
    assert.equal(first.items.length, 3);
    assert.ok(first.metadata.continue);
    const pages = cluster.requests.filter((r) => r.verb === "list" && r.resource === "configmaps" && r.path.includes("limit=3"));
    assert.ok(pages.some((r) => r.path.includes("continue=")), "the iterator passed the continue token back");
  });

  test("a stale resourceVersion is a KubeConflictError; retryOnConflict reads again and wins", async () => {
    const created = await admin.configMaps.create(cm("conflict", { n: "0" }));
    await admin.configMaps.replace({ ...created, data: { n: "1" } });
    await assert.rejects(admin.configMaps.replace({ ...created, data: { n: "stale" } }), (e: unknown) => e instanceof KubeConflictError && e.statusCode === 409);
    let attempts = 0;
    await retryOnConflict(async () => {
      const current = await admin.configMaps.get("conflict");
      if (attempts++ === 0) await admin.configMaps.replace({ ...current, data: { n: "10" } }); // someone else writes first
      return admin.configMaps.replace({ ...current, data: { n: String(Number(current.data!.n) + 1) } });
    });
    assert.equal(attempts, 2);
    assert.equal((await admin.configMaps.get("conflict")).data!.n, "11");
  });

  test("dryRun runs the write through the server and persists nothing", async () => {
    const dry = admin.with({ dryRun: true });
    const answered = await dry.configMaps.create(cm("dry"));
    assert.equal(answered.metadata?.name, "dry");
    await assert.rejects(admin.configMaps.get("dry"), KubeNotFoundError);
  });

  test("a dry-run client's deletes and low-level writes persist nothing either (DELETE's dryRun goes in its body, which the server reads instead of the query)", async () => {
    const dry = admin.with({ dryRun: true });
    await admin.configMaps.create({ ...cm("kept-1"), metadata: { name: "kept-1", labels: { suite: "dry" } } });
    await admin.configMaps.create({ ...cm("kept-2"), metadata: { name: "kept-2", labels: { suite: "dry" } } });
    await dry.configMaps.delete("kept-1");
    await dry.configMaps.deleteCollection({ labelSelector: "suite=dry" });
    await admin.configMaps.delete("kept-2", { dryRun: true });
    assert.deepEqual((await admin.configMaps.listPage({ labelSelector: "suite=dry" })).items.map((c) => c.metadata!.name), ["kept-1", "kept-2"]);
    // kube.request: a write through the dry-run view is a dry run too.
    const path = `/api/v1/namespaces/${admin.namespace}/configmaps`;
    await dry.request({ method: "POST", path, body: cm("via-request") });
    await assert.rejects(admin.configMaps.get("via-request"), KubeNotFoundError);
    await dry.request({ method: "DELETE", path: `${path}/kept-1`, body: { apiVersion: "v1", kind: "DeleteOptions" } });
    await dry.request({ method: "DELETE", path: `${path}/kept-2` });
    // A path with a query of its own: dryRun=All joins it, it does not end up inside another parameter.
    await dry.request({ method: "DELETE", path: `${path}/kept-2?pretty=true` });
    await dry.request({ method: "PATCH", path: `${path}/kept-2?fieldManager=me`, body: { data: { changed: "yes" } }, contentType: "application/merge-patch+json" });
    // Created with data: {}, which ConfigMap's omitempty drops: none, as the real server reads it back.
    assert.equal((await admin.configMaps.get("kept-2")).data, undefined);
    assert.equal((await admin.configMaps.get("kept-1")).metadata!.name, "kept-1");
    await assert.rejects(dry.request({ method: "DELETE", path: `${path}/kept-1`, body: "{}" }), (e: unknown) => e instanceof KubeArgumentError && e.code === "kube_invalid_argument");
    assert.equal((await admin.configMaps.get("kept-1")).metadata!.name, "kept-1");
    await admin.configMaps.deleteCollection({ labelSelector: "suite=dry" });
  });

  test("watch yields what happens, and carries on after a 410 by listing again", async () => {
    const controller = new AbortController();
    const events: WatchEvent<ConfigMap>[] = [];
    const iterator = admin.configMaps.watch({ labelSelector: "suite=watch", signal: controller.signal })[Symbol.asyncIterator]();
    const next = async () => {
      const r = await iterator.next();
      assert.ok(!r.done);
      events.push(r.value);
      return r.value;
    };
    const watchedCm = (name: string) => ({ ...cm(name), metadata: { name, labels: { suite: "watch" } } });
    await admin.configMaps.create(watchedCm("w1"));
    assert.deepEqual([(await next()).type, events.at(-1)!.object.metadata!.name], ["ADDED", "w1"]);
    await admin.configMaps.patch("w1", { data: { x: "1" } });
    assert.equal((await next()).type, "MODIFIED");
    await admin.configMaps.delete("w1");
    assert.equal((await next()).type, "DELETED");
    controller.abort();
    await iterator.return?.();

    // A watch from a resourceVersion older than the server's event window: the client relists.
    const old = (await admin.configMaps.listPage({ limit: 1 })).metadata.resourceVersion!;
    for (let i = 0; i < 30; i++) await admin.configMaps.create(cm(`churn-${i}`));
    await admin.configMaps.create(watchedCm("after-410"));
    const stale = new AbortController();
    for await (const event of admin.configMaps.watch({ labelSelector: "suite=watch", resourceVersion: old, signal: stale.signal })) {
      if (event.object.metadata?.name === "after-410") {
        assert.equal(event.type, "ADDED");
        break;
      }
    }
    const requests = cluster.requests.filter((r) => r.resource === "configmaps");
    const staleWatch = requests.findIndex((r) => r.verb === "watch" && r.path.includes(`resourceVersion=${old}`));
    assert.ok(staleWatch >= 0, "watched from the old resourceVersion");
    assert.ok(requests.slice(staleWatch + 1).some((r) => r.verb === "list"), "listed again after the 410");
  });

  test('a watch from resourceVersion "0" lists from the cache and watches from the list: a resumed stream replays nothing, no object goes back to an older state', async () => {
    const zero = (name: string, data: Record<string, string> = {}) => ({ metadata: { name, labels: { suite: "zero" } }, data });
    // Created so that key order is not version order: "a" is changed after "b" and "c" exist.
    await admin.configMaps.create(zero("zero-a", { v: "1" }));
    await admin.configMaps.create(zero("zero-b"));
    await admin.configMaps.create(zero("zero-c"));
    await admin.configMaps.patch("zero-a", { data: { v: "2" } });
    const progress: string[] = [];
    const watchRequests = () => cluster.requests.filter((r) => r.verb === "watch" && r.path.includes("labelSelector=suite%3Dzero"));
    const events: string[] = [];
    const controller = new AbortController();
    // A marker made once the first stream (1 s) has ended and the watch has resumed: the events up to it are all there is.
    const marker = (async () => {
      while (watchRequests().length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      await admin.configMaps.create(zero("zero-z"));
    })();
    for await (const { type, object } of admin.configMaps.watch({ labelSelector: "suite=zero", resourceVersion: "0", timeoutSeconds: 1, signal: controller.signal, onProgress: (rv) => progress.push(rv) })) {
      events.push(`${type} ${object.metadata!.name} ${object.data?.v ?? ""}`.trim());
      if (object.metadata!.name === "zero-z") break;
    }
    await marker;
    assert.deepEqual(events, ["ADDED zero-a 2", "ADDED zero-b", "ADDED zero-c", "ADDED zero-z"]);
    // Every resume point reported is one the watch may resume from: never behind one told before.
    assert.deepEqual(progress.map(Number), [...progress.map(Number)].sort((a, b) => a - b));
    const list = cluster.requests.find((r) => r.verb === "list" && r.path.includes("labelSelector=suite%3Dzero"));
    assert.ok(list?.path.includes("resourceVersion=0"), "listed at any version (the cache), as a reflector's first list");
    assert.ok(!watchRequests()[0]!.path.includes("resourceVersion=0&"), "watched from the list's version, not from 0");
  });

  test("a ServiceAccount without the permission gets KubeForbiddenError naming the rule to declare", async () => {
    const account = await cluster.serviceAccount(NS, "nobody");
    const sa = await clientFor({ server: cluster.url, caPem: cluster.caPem, tokenFile: join(account.dir, "token"), namespace: NS });
    try {
      const error = await sa.pods.listPage().catch((e: unknown) => e);
      assert.ok(error instanceof KubeForbiddenError);
      assert.deepEqual(
        { apiGroups: error.missingPermission?.apiGroups, resources: error.missingPermission?.resources, verbs: error.missingPermission?.verbs },
        { apiGroups: [""], resources: ["pods"], verbs: ["list"] },
      );
      assert.ok(!error.message.includes(account.token), "no token in the message");
      assert.equal((await sa.whoami()).username, `system:serviceaccount:${NS}:nobody`);
      assert.equal((await sa.canI({ verb: "list", resource: "pods" })).allowed, false);
    } finally {
      await sa.close();
    }
  });

  test("a 503 then success is retried for reads; Retry-After on a 429 is honoured", async () => {
    await admin.configMaps.create(cm("flaky"));
    cluster.inject({ match: { verb: "get", resource: "configmaps", name: "flaky" }, status: 503, times: 1 });
    assert.equal((await admin.configMaps.get("flaky")).metadata?.name, "flaky");
    cluster.inject({ match: { verb: "get", resource: "configmaps", name: "flaky" }, status: 429, retryAfterSeconds: 1, times: 1 });
    assert.equal((await admin.configMaps.get("flaky")).metadata?.name, "flaky");
    const gets = cluster.requests.filter((r) => r.verb === "get" && r.name === "flaky");
    assert.deepEqual(gets.map((r) => r.status), [503, 200, 429, 200]);
    assert.ok(gets[3]!.at - gets[2]!.at >= 900, "waited for Retry-After before retrying");
  });

  test("restartDeployment, scale and emitEvent change what kubectl would show", async () => {
    await admin.deployments.create({
      metadata: { name: "web" },
      spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx" }] } } },
    });
    await admin.restartDeployment("web");
    const restarted = await admin.deployments.get("web");
    assert.match(restarted.spec!.template!.metadata!.annotations!["kubectl.kubernetes.io/restartedAt"]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await admin.deployments.scale("web", 3);
    assert.equal((await admin.deployments.getScale("web")).spec?.replicas, 3);
    const event = await admin.emitEvent({ regarding: restarted, reason: "Restarted", message: "restarted by a test" });
    assert.equal(event.regarding?.name, "web");
    assert.equal((await admin.eventsV1.get(event.metadata!.name!)).note, "restarted by a test");
  });
});
