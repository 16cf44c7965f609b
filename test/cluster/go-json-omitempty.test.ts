/**
 * Built-in objects read back as the real server's Go types encode them (`cluster/go-json-encoding`):
 * empty `omitempty` fields dropped, lists without `omitempty` `null` when empty, struct values
 * always written — on create, get, list and watch alike; custom resources keep what they were sent.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Agent } from "undici";
import { crd, testCluster, watch, type TestCluster } from "./helpers.js";

const NS = "/api/v1/namespaces/default";
const RBAC = "/apis/rbac.authorization.k8s.io/v1/namespaces/default";

/** An answer's object without what the server makes up (uid, times, resourceVersion, managedFields). */
function stable(obj: Record<string, any>): Record<string, any> {
  const { uid: _u, creationTimestamp: _c, resourceVersion: _r, managedFields: _m, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

describe("built-in objects as Go encodes them", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  test("a ConfigMap's empty labels, annotations, data and binaryData are dropped; its immutable: false (a pointer) is kept", async () => {
    const body = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "empty", labels: {}, annotations: {} }, data: {}, binaryData: {}, immutable: false };
    const expected = { kind: "ConfigMap", apiVersion: "v1", metadata: { name: "empty", namespace: "default" }, immutable: false };
    const created = await t.send("POST", `${NS}/configmaps`, { body });
    assert.equal(created.status, 201);
    assert.deepEqual(stable(created.body), expected);
    assert.deepEqual(Object.keys(created.body.metadata), ["name", "namespace", "uid", "resourceVersion", "creationTimestamp", "managedFields"]);
    assert.deepEqual(stable((await t.send("GET", `${NS}/configmaps/empty`)).body), expected);
    const listed = (await t.send("GET", `${NS}/configmaps?fieldSelector=metadata.name=empty`)).body.items;
    assert.deepEqual(listed.map(stable), [{ metadata: expected.metadata, immutable: false }]);
  });

  test("a Role created without rules, or with none, reads back rules: null (no omitempty)", async () => {
    const bare = await t.send("POST", `${RBAC}/roles`, { body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "bare" } } });
    assert.deepEqual(stable(bare.body), { kind: "Role", apiVersion: "rbac.authorization.k8s.io/v1", metadata: { name: "bare", namespace: "default" }, rules: null });
    const none = await t.send("POST", `${RBAC}/roles`, { body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "none" }, rules: [] } });
    assert.equal(none.body.rules, null);
    assert.equal((await t.send("GET", `${RBAC}/roles/none`)).body.rules, null);
  });

  test("a RoleBinding without subjects (omitempty) has none; its roleRef keeps its fields", async () => {
    const roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "bare" };
    const created = await t.send("POST", `${RBAC}/rolebindings`, { body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "nobody" }, subjects: [], roleRef } });
    assert.equal(created.status, 201);
    assert.deepEqual(stable(created.body), { kind: "RoleBinding", apiVersion: "rbac.authorization.k8s.io/v1", metadata: { name: "nobody", namespace: "default" }, roleRef });
  });

  test("a container's empty env and args and false plain bools are dropped; false pointers and empty pointed structs stay", async () => {
    const container = { name: "c", image: "busybox:1", env: [], args: [], ports: [], stdin: false, tty: false, volumeMounts: [{ name: "v", mountPath: "/v", readOnly: false }], securityContext: { privileged: false } };
    const body = { apiVersion: "v1", kind: "Pod", metadata: { name: "p", labels: {} }, spec: { containers: [container], volumes: [{ name: "v", emptyDir: {} }], hostNetwork: false, nodeSelector: {}, automountServiceAccountToken: false } };
    const created = await t.send("POST", `${NS}/pods`, { body });
    assert.equal(created.status, 201);
    const c = created.body.spec.containers[0];
    assert.deepEqual(c, {
      name: "c", image: "busybox:1", volumeMounts: [{ name: "v", mountPath: "/v" }], securityContext: { privileged: false },
      resources: {}, terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File", imagePullPolicy: "IfNotPresent",
    });
    assert.deepEqual(created.body.spec.volumes, [{ name: "v", emptyDir: {} }]);
    assert.equal(created.body.spec.automountServiceAccountToken, false);
    assert.equal("hostNetwork" in created.body.spec, false);
    assert.equal("nodeSelector" in created.body.spec, false);
    assert.equal("labels" in created.body.metadata, false);
  });

  test("a Service gets status.loadBalancer: {} (struct values are always written)", async () => {
    const created = await t.send("POST", `${NS}/services`, { body: { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { ports: [{ port: 80 }] } } });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.status, { loadBalancer: {} });
  });

  test("a watch sends the object as stored", async () => {
    const agent = new Agent({ connect: { ca: t.cluster.caPem } });
    const stream = await watch(t, agent, `${NS}/configmaps?watch=1&fieldSelector=metadata.name=watched`);
    await t.send("POST", `${NS}/configmaps`, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "watched", annotations: {} }, data: {} } });
    const [event] = await stream.next(1);
    stream.close();
    await agent.close();
    assert.equal(event.type, "ADDED");
    assert.deepEqual(stable(event.object), { kind: "ConfigMap", apiVersion: "v1", metadata: { name: "watched", namespace: "default" } });
  });

  test("a BOOKMARK's object is an empty object of the type as Go encodes it (a Pod: spec.containers null, status {})", async () => {
    const agent = new Agent({ connect: { ca: t.cluster.caPem } });
    const stream = await watch(t, agent, "/api/v1/namespaces/kube-public/pods?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");
    const [event] = await stream.next(1);
    stream.close();
    await agent.close();
    assert.equal(event.type, "BOOKMARK");
    const { resourceVersion } = event.object.metadata;
    assert.deepEqual(event.object, {
      kind: "Pod", apiVersion: "v1",
      metadata: {
        resourceVersion,
        creationTimestamp: null,
        annotations: { "k8s.io/initial-events-end": "true", "kubernetes.io/initial-events-list-blueprint": Buffer.from('{"kind":"PodList","apiVersion":"v1","metadata":{},"items":null}\n').toString("base64") },
      },
      spec: { containers: null }, status: {},
    });
  });

  test("a custom resource keeps its empty maps and lists (unstructured: no Go struct to encode)", async () => {
    assert.equal((await t.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: crd("widgets", "Widget") })).status, 201);
    const body = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: { tags: {}, items: [], on: false, name: "" } };
    const created = await t.send("POST", "/apis/example.com/v1/namespaces/default/widgets", { body });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.spec, { tags: {}, items: [], on: false, name: "" });
  });
});
