/**
 * A deployed function's `review()` sends the request the API server would for the object it is
 * given: `namespace` is the object's own (the API server refuses a write whose object names
 * another namespace than its URL, so the two always agree), the harness's namespace only for a
 * namespaced object that names none (the object then carries it too, as the API server sets it
 * before admission since 1.24), and none for a cluster-scoped object (1.32 sends no `namespace`
 * for a ClusterRole or a Node).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { defineFunction } from "../../runtime/function.js";
import { startHarness, type Deployed, type Harness } from "../../runtime/testing/index.js";

const seen = (name: string, resource: string) =>
  defineFunction({
    name,
    admission: { type: "validating", rules: [{ operations: ["*"], resource }] },
    handler({ trigger }) {
      const r = trigger.request;
      const objectNamespace = (o: typeof r.object) => o?.metadata?.namespace ?? null;
      return { allowed: true, warnings: [JSON.stringify({ operation: r.operation, namespace: r.namespace ?? null, name: r.name ?? null }), JSON.stringify([objectNamespace(r.object), objectNamespace(r.oldObject)])] };
    },
  });

describe("review() builds the request as the API server does", () => {
  let h: Harness;
  let pods: Deployed;
  let clusterRoles: Deployed;
  const request = async (fn: Deployed, fields: Parameters<Deployed["review"]>[0]) => JSON.parse((await fn.review(fields)).response.warnings![0]!) as Record<string, unknown>;
  before(async () => {
    h = await startHarness();
    [pods, clusterRoles] = await Promise.all([h.deploy(seen("sees-pods", "pods")), h.deploy(seen("sees-cluster-roles", "clusterroles.rbac.authorization.k8s.io"))]);
  });
  after(() => h.stop());

  test("a namespaced object's own namespace is the request's", async () => {
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "team-a" } };
    assert.deepEqual(await request(pods, { object: pod }), { operation: "CREATE", namespace: "team-a", name: "p" });
    assert.deepEqual(await request(pods, { oldObject: pod }), { operation: "DELETE", namespace: "team-a", name: "p" });
  });

  test("a namespaced object naming no namespace is in the harness's", async () => {
    assert.deepEqual(await request(pods, { object: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" } } }), { operation: "CREATE", namespace: pods.namespace, name: "p" });
  });

  test("a namespaced object naming no namespace is sent with the request's, as 1.24+ sets it before admission", async () => {
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" } };
    const objects = async (fields: Parameters<Deployed["review"]>[0]) => JSON.parse((await pods.review(fields)).response.warnings![1]!) as unknown;
    assert.deepEqual(await objects({ object: pod }), [pods.namespace, null]);
    assert.deepEqual(await objects({ object: pod, oldObject: pod, namespace: "team-b" }), ["team-b", "team-b"]);
    assert.deepEqual(pod.metadata, { name: "p" }, "the test's object is left as it was");
    const role = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "viewer" } };
    assert.deepEqual(JSON.parse((await clusterRoles.review({ object: role })).response.warnings![1]!), [null, null]);
  });

  test("a namespace given is kept", async () => {
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "team-a" } };
    assert.equal((await request(pods, { object: pod, namespace: "team-b" })).namespace, "team-b");
  });

  test("a cluster-scoped object's request has no namespace", async () => {
    const role = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "viewer" } };
    assert.deepEqual(await request(clusterRoles, { object: role }), { operation: "CREATE", namespace: null, name: "viewer" });
  });
});
