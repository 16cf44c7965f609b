import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import type { ConfigMap, Pod } from "kubernetes-types/core/v1.js";
import { createKubeClient } from "../../runtime/kube/client.js";
import type { JsonPatchOperation, KubeClient } from "../../runtime/kube/api.js";
import { KubeArgumentError } from "../../runtime/kube/errors.js";
import { fixture, sendJson, startFakeApiServer } from "./helpers/fake-apiserver.js";
import type { FakeApiServer, Handler, RecordedRequest } from "./helpers/fake-apiserver.js";

const NOW = Date.parse("2024-01-01T00:00:00Z");

/** Echoes writes back as the object, answers GETs with an empty list. */
const echo: Handler = (req, res) => {
  if (req.method === "GET") return sendJson(res, 200, { kind: "List", apiVersion: "v1", metadata: { resourceVersion: "10" }, items: [] });
  sendJson(res, req.method === "POST" ? 201 : 200, req.body && req.headers["content-type"] !== "application/json-patch+json" ? JSON.parse(req.body) : { kind: "Status", status: "Success" });
};

describe("resource clients", () => {
  let handler: Handler = echo;
  let server: FakeApiServer;
  let kube: KubeClient;
  const last = (): RecordedRequest => server.requests.at(-1)!;
  const body = (): Record<string, unknown> => JSON.parse(last().body) as Record<string, unknown>;

  before(async () => {
    server = await startFakeApiServer((req, res) => handler(req, res));
    kube = createKubeClient({ credentials: server.credentials(), now: () => NOW, hostname: "podfn-7d9f-abcde" });
  });
  after(async () => {
    await kube.close();
    await server.close();
  });

  test("list() yields every item of three pages, passing limit and continue", async () => {
    const pages: Record<string, { items: string[]; next?: string }> = {
      "": { items: ["a", "b"], next: "c1" },
      c1: { items: ["c", "d"], next: "c2" },
      c2: { items: ["e"] },
    };
    handler = (req, res) => {
      const page = pages[req.query.get("continue") ?? ""]!;
      sendJson(res, 200, { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "9", ...(page.next ? { continue: page.next } : {}) }, items: page.items.map((name) => ({ metadata: { name } })) });
    };
    const names: string[] = [];
    const pods: Pod[] = [];
    for await (const pod of kube.pods.list({ labelSelector: "app=web,tier!=db", fieldSelector: "status.phase=Failed" })) {
      names.push(pod.metadata!.name!);
      pods.push(pod);
    }
    assert.deepEqual(names, ["a", "b", "c", "d", "e"]);
    assert.equal(pods[0]?.kind, "Pod", "list items get their kind");
    assert.equal(pods[0]?.apiVersion, "v1");
    const requests = server.requests.slice(-3);
    assert.deepEqual(requests.map((r) => r.query.get("continue")), [null, "c1", "c2"]);
    for (const r of requests) {
      assert.equal(r.path, "/api/v1/namespaces/golden/pods");
      assert.equal(r.query.get("limit"), "500");
      assert.equal(r.query.get("labelSelector"), "app=web,tier!=db");
      assert.equal(r.query.get("fieldSelector"), "status.phase=Failed");
    }
    handler = echo;
  });

  test("listPage: all namespaces, cluster-scoped, named groups, one page only", async () => {
    await kube.jobs.listPage({ namespace: "*", limit: 2, continue: "tok" });
    assert.equal(last().path, "/apis/batch/v1/jobs");
    assert.equal(last().query.get("limit"), "2");
    assert.equal(last().query.get("continue"), "tok");
    await kube.nodes.listPage({ namespace: "ignored" });
    assert.equal(last().path, "/api/v1/nodes");
    await kube.clusterRoles.get("admin");
    assert.equal(last().path, "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin");
    await kube.leases.listPage({ namespace: "kube-system" });
    assert.equal(last().path, "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases");
    await kube.eventsV1.listPage();
    assert.equal(last().path, "/apis/events.k8s.io/v1/namespaces/golden/events");
  });

  test("create fills apiVersion and kind, sends fieldManager, honours the object's namespace", async () => {
    const created = await kube.configMaps.create({ metadata: { name: "settings", namespace: "team-a" }, data: { k: "v" } });
    assert.equal(last().method, "POST");
    assert.equal(last().path, "/api/v1/namespaces/team-a/configmaps");
    assert.equal(last().headers["content-type"], "application/json");
    assert.equal(last().query.get("fieldManager"), "podfn");
    assert.equal(last().query.get("dryRun"), null);
    assert.equal(created.apiVersion, "v1");
    assert.equal(created.kind, "ConfigMap");
    await kube.deployments.create({ metadata: { name: "web" } });
    assert.equal(body().apiVersion, "apps/v1");
    assert.equal(body().kind, "Deployment");
  });

  test("fieldValidation is sent on creates, replaces and patches when asked, never on deletes", async () => {
    await kube.configMaps.create({ metadata: { name: "x" } }, { fieldValidation: "Strict" });
    assert.equal(last().query.get("fieldValidation"), "Strict");
    await kube.configMaps.replace({ metadata: { name: "x", resourceVersion: "3" } }, { fieldValidation: "Ignore" });
    assert.equal(last().query.get("fieldValidation"), "Ignore");
    await kube.configMaps.patch("x", { data: { a: "b" } }, { fieldValidation: "Strict" });
    assert.equal(last().query.get("fieldValidation"), "Strict");
    await kube.configMaps.create({ metadata: { name: "y" } });
    assert.equal(last().query.get("fieldValidation"), null, "the server's default unless asked");
    await kube.configMaps.delete("x", { fieldValidation: "Strict" });
    assert.equal(last().query.get("fieldValidation"), null);
    await kube.emitEvent({ regarding: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" } }, reason: "R", message: "m", fieldValidation: "Strict" });
    assert.equal(last().query.get("fieldValidation"), "Strict", "emitEvent passes it on");
  });

  test("dryRun=All on every write when the option or the client view says so", async () => {
    await kube.configMaps.create({ metadata: { name: "x" } }, { dryRun: true });
    assert.equal(last().query.get("dryRun"), "All");
    const dry = kube.with({ dryRun: true });
    assert.equal(dry.dryRun, true);
    const writes: [string, () => Promise<unknown>][] = [
      ["POST", () => dry.configMaps.create({ metadata: { name: "x" } })],
      ["PUT", () => dry.configMaps.replace({ metadata: { name: "x", resourceVersion: "3" } })],
      ["PATCH", () => dry.configMaps.patch("x", { data: { a: "b" } })],
      ["PATCH", () => dry.configMaps.apply({ metadata: { name: "x" } })],
      ["DELETE", () => dry.configMaps.delete("x")],
      ["DELETE", () => dry.configMaps.deleteCollection({ labelSelector: "a=b" })],
      ["POST", () => dry.pods.evict("worker-0")],
      ["PATCH", () => dry.deployments.scale("web", 0)],
      ["PATCH", () => dry.restartDeployment("web")],
      ["POST", () => dry.emitEvent({ regarding: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" } }, reason: "R", message: "m" })],
    ];
    for (const [method, write] of writes) {
      await write();
      assert.equal(last().method, method);
      assert.equal(last().query.get("dryRun"), "All", `${method} ${last().path}`);
    }
    await kube.configMaps.create({ metadata: { name: "x" } });
    assert.equal(last().query.get("dryRun"), null, "the root client is unchanged");
  });

  test("a dry-run client stays one: a call's dryRun: false, or a view's, cannot make a write real", async () => {
    const dry = kube.with({ dryRun: true });
    await dry.configMaps.delete("x", { dryRun: false });
    assert.equal(last().query.get("dryRun"), "All");
    assert.deepEqual(body().dryRun, ["All"], "in the DELETE body the server reads too");
    const undone = dry.with({ dryRun: false });
    assert.equal(undone.dryRun, true);
    await undone.configMaps.create({ metadata: { name: "x" } }, { dryRun: false });
    assert.equal(last().query.get("dryRun"), "All");
  });

  test("evict: DeleteOptions' own dryRun makes the eviction a dry run (query and body agree, as the server requires)", async () => {
    handler = (_req, res) => sendJson(res, 201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
    await kube.pods.evict("worker-0", { deleteOptions: { dryRun: true, gracePeriodSeconds: 0 } });
    assert.equal(last().query.get("dryRun"), "All");
    assert.deepEqual(body().deleteOptions, { apiVersion: "v1", kind: "DeleteOptions", dryRun: ["All"], gracePeriodSeconds: 0 });
    await kube.with({ dryRun: true }).pods.evict("worker-0");
    assert.deepEqual(body().deleteOptions, { apiVersion: "v1", kind: "DeleteOptions", dryRun: ["All"] });
    handler = echo;
  });

  test("a 2xx answer carrying a Failure Status is an error (an eviction two budgets cover; client-go's Into() refuses it too)", async () => {
    const message = "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.";
    handler = (_req, res) => sendJson(res, 201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code: 500 });
    await assert.rejects(kube.pods.evict("worker-0"), (e: any) => e.statusCode === 500 && e.status.message === message && e.message.includes(message));
    handler = echo;
  });

  test("a list whose page is a 2xx Failure Status throws it, never yields an empty list (a cleanup would see nothing there)", async () => {
    const status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "etcd is sad", reason: "InternalError", code: 500 };
    handler = (_req, res) => sendJson(res, 200, status);
    const read = async (items: AsyncIterable<unknown>) => {
      for await (const _ of items) void _;
    };
    for (const [name, items] of [["list", () => kube.pods.list()], ["listMetadata", () => kube.pods.listMetadata()]] as const) {
      await assert.rejects(read(items()), (e: any) => e.statusCode === 500 && e.code === "kube_internal_error" && e.message.includes("etcd is sad"), name);
    }
    handler = echo;
  });

  test("a name or namespace that is not one path segment is refused before any request, as client-go refuses it", async () => {
    const before = server.requests.length;
    for (const [call, message] of [
      [() => kube.deployments.get(".."), `invalid resource name "..": may not be '..'`],
      [() => kube.deployments.get("."), `invalid resource name ".": may not be '.'`],
      [() => kube.deployments.patch("a/b", {}), `invalid resource name "a/b": may not contain '/'`],
      [() => kube.configMaps.delete("a%2Fb"), `invalid resource name "a%2Fb": may not contain '%'`],
      [() => kube.pods.logs(""), `invalid resource name "": may not be empty`],
      [() => kube.deployments.scale("web/scale", 2), `invalid resource name "web/scale": may not contain '/'`],
      [() => kube.with({ namespace: "../x" }).configMaps.get("c"), `invalid namespace "../x": may not contain '/'`],
      // A watch builds its own paths (list and watch requests): its namespace is checked as well.
      [() => kube.configMaps.watch({ namespace: "..", resourceVersion: "1" })[Symbol.asyncIterator]().next(), `invalid namespace "..": may not be '..'`],
    ] as const) {
      let promise: Promise<unknown> | undefined;
      assert.doesNotThrow(() => void (promise = call()), "a rejection, never a synchronous throw");
      await assert.rejects(promise!, (e: unknown) => e instanceof KubeArgumentError && e.message === message, message);
    }
    assert.equal(server.requests.length, before, "nothing was sent");
  });

  test("replace is a PUT to the object's path; without a name it is refused", async () => {
    const cm: ConfigMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", resourceVersion: "5" }, data: {} };
    await kube.configMaps.replace(cm);
    assert.equal(last().method, "PUT");
    assert.equal(last().path, "/api/v1/namespaces/golden/configmaps/settings");
    assert.equal((body().metadata as { resourceVersion: string }).resourceVersion, "5");
    await assert.rejects(kube.configMaps.replace({ metadata: {} }), KubeArgumentError);
  });

  test("patch sends the Content-Type of its type", async () => {
    const replicas = { spec: { replicas: 2 } };
    const ops: JsonPatchOperation[] = [{ op: "replace", path: "/spec/replicas", value: 2 }];
    const applied = { apiVersion: "apps/v1", kind: "Deployment", ...replicas } as const;
    const sends = [
      ["application/merge-patch+json", replicas, () => kube.deployments.patch("web", replicas, { type: "merge" })],
      ["application/json-patch+json", ops, () => kube.deployments.patch("web", ops, { type: "json" })],
      ["application/strategic-merge-patch+json", replicas, () => kube.deployments.patch("web", replicas, { type: "strategic" })],
      ["application/apply-patch+yaml", applied, () => kube.deployments.patch("web", applied, { type: "apply" })],
    ] as const;
    for (const [contentType, patch, send] of sends) {
      await send();
      assert.equal(last().headers["content-type"], contentType);
      assert.equal(last().path, "/apis/apps/v1/namespaces/golden/deployments/web");
      assert.deepEqual(JSON.parse(last().body), patch);
    }
    await kube.deployments.patch("web", { spec: {} });
    assert.equal(last().headers["content-type"], "application/merge-patch+json", "merge by default");
    assert.equal(last().query.get("force"), null);
  });

  test("apply is server-side apply with fieldManager (default podfn) and force", async () => {
    await kube.configMaps.apply({ metadata: { name: "applied" }, data: { k: "v" } }, { force: true, fieldManager: "cleanup" });
    assert.equal(last().method, "PATCH");
    assert.equal(last().path, "/api/v1/namespaces/golden/configmaps/applied");
    assert.equal(last().headers["content-type"], "application/apply-patch+yaml");
    assert.equal(last().query.get("fieldManager"), "cleanup");
    assert.equal(last().query.get("force"), "true");
    assert.equal(body().kind, "ConfigMap");
    await kube.configMaps.apply({ metadata: { name: "applied" } });
    assert.equal(last().query.get("fieldManager"), "podfn");
    assert.equal(last().query.get("force"), null);
  });

  test("delete sends DeleteOptions; deleteCollection its selectors", async () => {
    await kube.jobs.delete("nightly", { propagationPolicy: "Background", gracePeriodSeconds: 0, preconditions: { uid: "u1", resourceVersion: "4" } });
    assert.equal(last().method, "DELETE");
    assert.equal(last().path, "/apis/batch/v1/namespaces/golden/jobs/nightly");
    assert.deepEqual(body(), { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: "Background", gracePeriodSeconds: 0, preconditions: { uid: "u1", resourceVersion: "4" } });
    await kube.pods.deleteCollection({ labelSelector: "app=old", fieldSelector: "status.phase=Succeeded", propagationPolicy: "Foreground" });
    assert.equal(last().path, "/api/v1/namespaces/golden/pods");
    assert.equal(last().query.get("labelSelector"), "app=old");
    assert.equal(last().query.get("fieldSelector"), "status.phase=Succeeded");
    assert.equal(body().propagationPolicy, "Foreground");
  });

  test("status and scale subresources", async () => {
    await kube.deployments.getStatus("web");
    assert.equal(last().path, "/apis/apps/v1/namespaces/golden/deployments/web/status");
    await kube.jobs.patchStatus("nightly", { status: { active: 0 } });
    assert.equal(last().path, "/apis/batch/v1/namespaces/golden/jobs/nightly/status");
    await kube.jobs.replaceStatus({ metadata: { name: "nightly" } });
    assert.equal(last().method, "PUT");
    assert.equal(last().path, "/apis/batch/v1/namespaces/golden/jobs/nightly/status");
    await kube.statefulSets.getScale("db");
    assert.equal(last().path, "/apis/apps/v1/namespaces/golden/statefulsets/db/scale");
    handler = (_req, res) => sendJson(res, 200, fixture("patch-deployment-scale").response.body);
    const scale = await kube.deployments.scale("web", 0);
    assert.equal(scale.kind, "Scale");
    assert.equal(last().method, "PATCH");
    assert.equal(last().path, "/apis/apps/v1/namespaces/golden/deployments/web/scale");
    assert.equal(last().headers["content-type"], "application/merge-patch+json");
    assert.deepEqual(body(), { spec: { replicas: 0 } });
    handler = echo;
  });

  test("a custom resource through resource()", async () => {
    const widgets = kube.resource({ group: "example.com", version: "v1alpha1", resource: "widgets", kind: "Widget", namespaced: true });
    await widgets.create({ metadata: { name: "w" } });
    assert.equal(last().path, "/apis/example.com/v1alpha1/namespaces/golden/widgets");
    assert.equal(body().apiVersion, "example.com/v1alpha1");
    assert.equal(body().kind, "Widget");
  });

  test("with({namespace}) changes the default namespace and shares the pool", async () => {
    const other = kube.with({ namespace: "team-b" });
    assert.equal(other.namespace, "team-b");
    await other.configMaps.get("x");
    assert.equal(last().path, "/api/v1/namespaces/team-b/configmaps/x");
    await other.close();
    await kube.configMaps.get("x");
    assert.equal(last().path, "/api/v1/namespaces/golden/configmaps/x", "closing a view leaves the pool open");
  });

  test("with({signal}) aborts every call of the view", async () => {
    const controller = new AbortController();
    const view = kube.with({ signal: controller.signal });
    controller.abort(new Error("function timed out"));
    await assert.rejects(view.configMaps.get("x"), /function timed out/);
  });

  test("pod logs: whole text, and streamed line by line with follow=true", async () => {
    handler = (req, res: ServerResponse) => {
      res.writeHead(200, { "content-type": "text/plain" });
      if (req.query.get("follow") !== "true") {
        res.end("one\ntwo\n");
        return;
      }
      res.write("first li");
      setTimeout(() => res.end("ne\nsecond line\nlast"), 10);
    };
    const text = await kube.pods.logs("worker-0", { container: "main", tailLines: 10, timestamps: true });
    assert.equal(text, "one\ntwo\n");
    assert.equal(last().path, "/api/v1/namespaces/golden/pods/worker-0/log");
    assert.equal(last().query.get("container"), "main");
    assert.equal(last().query.get("tailLines"), "10");
    assert.equal(last().query.get("timestamps"), "true");
    const lines: string[] = [];
    for await (const line of kube.pods.streamLogs("worker-0")) lines.push(line);
    assert.deepEqual(lines, ["first line", "second line", "last"]);
    assert.equal(last().query.get("follow"), "true");
    handler = echo;
  });

  test("evict posts a policy/v1 Eviction to pods/{name}/eviction", async () => {
    handler = (_req, res) => sendJson(res, 201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
    const status = await kube.pods.evict("worker-0", { deleteOptions: { gracePeriodSeconds: 30 } });
    assert.equal(status.status, "Success");
    assert.equal(last().method, "POST");
    assert.equal(last().path, "/api/v1/namespaces/golden/pods/worker-0/eviction");
    assert.deepEqual(body(), { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "worker-0", namespace: "golden" }, deleteOptions: { apiVersion: "v1", kind: "DeleteOptions", gracePeriodSeconds: 30 } });
    handler = echo;
  });

  test("restartDeployment sends kubectl rollout restart's strategic patch", async () => {
    await kube.restartDeployment("web");
    assert.equal(last().method, "PATCH");
    assert.equal(last().path, "/apis/apps/v1/namespaces/golden/deployments/web");
    assert.equal(last().headers["content-type"], "application/strategic-merge-patch+json");
    assert.deepEqual(body(), { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2024-01-01T00:00:00Z" } } } } });
  });

  test("emitEvent writes an events.k8s.io/v1 Event with a MicroTime", async () => {
    const job = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "nightly", namespace: "team-a", uid: "u-1", resourceVersion: "7" } };
    await kube.emitEvent({ regarding: job, reason: "Deleted", message: "finished 26h ago", action: "Delete" });
    assert.equal(last().path, "/apis/events.k8s.io/v1/namespaces/team-a/events");
    // Named as client-go names Events, <object>.<ns since the epoch, hex>: a generateName
    // ending in "." is refused by the events.k8s.io/v1 API.
    const name = (body() as { metadata: { name: string } }).metadata.name;
    assert.match(name, /^nightly\.[0-9a-f]+$/);
    assert.equal(BigInt(`0x${name.split(".")[1]}`) / 1_000_000n, BigInt(Date.parse("2024-01-01T00:00:00Z")));
    assert.deepEqual(body(), {
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name, namespace: "team-a" },
      eventTime: "2024-01-01T00:00:00.000000Z",
      reportingController: "podfn",
      reportingInstance: "podfn-7d9f-abcde",
      action: "Delete",
      reason: "Deleted",
      note: "finished 26h ago",
      type: "Normal",
      regarding: { apiVersion: "batch/v1", kind: "Job", name: "nightly", namespace: "team-a", uid: "u-1", resourceVersion: "7" },
    });
  });

  test("emitEvent about a cluster-scoped object (no namespace) writes it to default, the namespace the API server accepts it in", async () => {
    const node = { apiVersion: "v1", kind: "Node", metadata: { name: "worker-1", uid: "n-1" } };
    await kube.emitEvent({ regarding: node, reason: "Cordoned", message: "drained for maintenance" });
    assert.equal(last().path, "/apis/events.k8s.io/v1/namespaces/default/events");
    const event = body() as { metadata: { name: string; namespace?: string }; regarding: { namespace?: string } };
    // Two Events in the same millisecond (this test's clock stands still) get distinct names.
    await kube.emitEvent({ regarding: node, reason: "Cordoned", message: "again" });
    assert.notEqual((body() as { metadata: { name: string } }).metadata.name, event.metadata.name);
    // A long dotted name cut to fit never ends in "." (not a DNS subdomain).
    await kube.emitEvent({ regarding: { ...node, metadata: { name: `${"a".repeat(235)}.${"b".repeat(17)}` } }, reason: "Cordoned", message: "long" });
    const long = (body() as { metadata: { name: string } }).metadata.name;
    assert.ok(long.length <= 253 && !/[.-]\./.test(long), long);
    assert.equal(event.metadata.namespace, "default");
    assert.equal(event.regarding.namespace, undefined);
  });

  test("whoami, canI and tokenReview post the review objects", async () => {
    handler = (req, res) => {
      const name = { selfsubjectreviews: "sa-selfsubjectreview", selfsubjectaccessreviews: "sa-selfsubjectaccessreview-allowed", tokenreviews: "admin-tokenreview" }[req.path.split("/").at(-1)!]!;
      const { response } = fixture(name);
      sendJson(res, response.status, response.body);
    };
    const me = await kube.whoami();
    assert.equal(me.username, "system:serviceaccount:golden:robot");
    assert.ok(me.groups.includes("system:serviceaccounts:golden"));
    assert.equal(last().path, "/apis/authentication.k8s.io/v1/selfsubjectreviews");
    assert.equal(body().kind, "SelfSubjectReview");

    const decision = await kube.canI({ verb: "delete", group: "batch", resource: "jobs" });
    assert.equal(decision.allowed, true);
    assert.match(decision.reason ?? "", /RoleBinding/);
    assert.equal(last().path, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews");
    assert.deepEqual((body().spec as { resourceAttributes: object }).resourceAttributes, { namespace: "golden", verb: "delete", group: "batch", resource: "jobs" });

    const review = await kube.tokenReview("caller-token", ["https://kubernetes.default.svc.cluster.local"]);
    assert.equal(review.authenticated, true);
    assert.equal(review.user?.username, "system:serviceaccount:golden:robot");
    assert.equal(last().path, "/apis/authentication.k8s.io/v1/tokenreviews");
    assert.deepEqual(body().spec, { token: "caller-token", audiences: ["https://kubernetes.default.svc.cluster.local"] });
    handler = echo;
  });
});
