/**
 * A status sent with a create is dropped, as each strategy's PrepareForCreate drops it: a Pod
 * starts Pending, a Deployment or a Service with an empty status, a custom resource with none.
 * Tests seed a status through the status subresource, as a controller writes it. A Node keeps
 * the status it is created with (its kubelet creates it so). A Pod created with schedulingGates
 * gets PodScheduled=False/SchedulingGated (applySchedulingGatedCondition), unless it was sent one.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, pod, type TestCluster } from "./helpers.js";

describe("status on create", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("soc");
  });
  after(() => t.close());

  test("a Pod created with a Running status starts Pending; its status subresource sets it", async () => {
    const created = await t.send("POST", "/api/v1/namespaces/soc/pods", { body: { ...pod("p"), status: { phase: "Running", podIP: "10.0.0.1" } } });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.status, { phase: "Pending", qosClass: "BestEffort" });
    const running = await t.send("PATCH", "/api/v1/namespaces/soc/pods/p/status", { body: { status: { phase: "Running" } }, contentType: "application/merge-patch+json" });
    assert.equal(running.body.status.phase, "Running");
  });

  test("a Pod created with schedulingGates gets the PodScheduled=False/SchedulingGated condition; kubectl get shows SchedulingGated", async () => {
    const gated = { ...pod("gated"), spec: { schedulingGates: [{ name: "example.com/gate" }], containers: [{ name: "main", image: "busybox" }] } };
    const created = await t.send("POST", "/api/v1/namespaces/soc/pods", { body: gated });
    assert.equal(created.status, 201, created.text);
    const { lastTransitionTime, ...condition } = created.body.status.conditions[0];
    assert.deepEqual(condition, { type: "PodScheduled", status: "False", lastProbeTime: null, reason: "SchedulingGated", message: "Scheduling is blocked due to non-empty scheduling gates" });
    assert.equal(lastTransitionTime, created.body.metadata.creationTimestamp);
    assert.deepEqual(Object.keys(created.body.status), ["phase", "conditions", "qosClass"]);
    const table = await t.send("GET", "/api/v1/namespaces/soc/pods/gated", { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" });
    assert.equal(table.body.rows[0].cells[2], "SchedulingGated");
    const plain = await t.send("POST", "/api/v1/namespaces/soc/pods", { body: pod("ungated") });
    assert.equal(plain.body.status.conditions, undefined);
  });

  test("a Deployment's and a Service's status sent on create are dropped", async () => {
    const deployment = {
      apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" },
      spec: { selector: { matchLabels: { app: "d" } }, template: { metadata: { labels: { app: "d" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } },
      status: { replicas: 5, readyReplicas: 5 },
    };
    assert.deepEqual((await t.send("POST", "/apis/apps/v1/namespaces/soc/deployments", { body: deployment })).body.status, {});
    const service = { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: 80 }] }, status: { loadBalancer: { ingress: [{ ip: "1.2.3.4" }] } } };
    assert.deepEqual((await t.send("POST", "/api/v1/namespaces/soc/services", { body: service })).body.status, { loadBalancer: {} });
  });

  test("a custom resource's status is dropped; a Node keeps its own", async () => {
    t.cluster.createResourceType({ group: "example.com", version: "v1", resource: "widgets", kind: "Widget", namespaced: true });
    const widget = await t.send("POST", "/apis/example.com/v1/namespaces/soc/widgets", { body: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: { size: 1 }, status: { ready: true } } });
    assert.equal(widget.status, 201);
    assert.equal(widget.body.status, undefined);
    const node = await t.send("POST", "/api/v1/nodes", { body: { apiVersion: "v1", kind: "Node", metadata: { name: "n1" }, status: { addresses: [{ type: "InternalIP", address: "10.0.0.9" }] } } });
    assert.deepEqual(node.body.status.addresses, [{ type: "InternalIP", address: "10.0.0.9" }]);
  });
});
