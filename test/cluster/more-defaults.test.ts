/**
 * Defaults 1.32 fills that a client reads back (drift detection compares with them): a probe's
 * timings and its HTTP action's path and scheme, volume modes, a ClientIP affinity's timeout
 * (None's config dropped),
 * a NodePort or LoadBalancer Service's traffic policy and allocated node ports (kept across a
 * PUT that leaves them out, as patchAllocatedValues keeps them).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

describe("more defaults", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("md");
  });
  after(() => t.close());

  test("probes (SetDefaults_Probe, _HTTPGetAction) and volumes (downwardAPI, projected, hostPath)", async () => {
    const pod = {
      apiVersion: "v1", kind: "Pod", metadata: { name: "probed" },
      spec: {
        containers: [{ name: "c", image: "nginx:1.27", readinessProbe: { httpGet: { port: 8080 } }, livenessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5 }, lifecycle: { preStop: { httpGet: { port: 8080, path: "/stop" } } } }],
        volumes: [
          { name: "info", downwardAPI: { items: [{ path: "labels", fieldRef: { fieldPath: "metadata.labels" } }] } },
          { name: "all", projected: { sources: [] } },
          { name: "host", hostPath: { path: "/tmp" } },
        ],
      },
    };
    const spec = (await t.send("POST", "/api/v1/namespaces/md/pods", { body: pod })).body.spec;
    const c = spec.containers[0];
    assert.deepEqual(c.readinessProbe, { httpGet: { path: "/", port: 8080, scheme: "HTTP" }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    assert.deepEqual(c.livenessProbe, { tcpSocket: { port: 8080 }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 });
    assert.deepEqual(c.lifecycle.preStop.httpGet, { path: "/stop", port: 8080, scheme: "HTTP" });
    assert.deepEqual(spec.volumes[0].downwardAPI, { items: [{ path: "labels", fieldRef: { apiVersion: "v1", fieldPath: "metadata.labels" } }], defaultMode: 420 });
    assert.equal(spec.volumes[1].projected.defaultMode, 420);
    assert.equal(spec.volumes[2].hostPath.type, "");
  });

  test("an init container's requests default to its limits, as a container's do (SetDefaults_Pod); a template's do not", async () => {
    const resources = { limits: { cpu: "500m", memory: "64Mi" } };
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "init-limits" }, spec: { initContainers: [{ name: "setup", image: "busybox:1", resources }], containers: [{ name: "c", image: "busybox:1", resources }] } };
    const spec = (await t.send("POST", "/api/v1/namespaces/md/pods", { body: pod })).body.spec;
    assert.deepEqual(spec.initContainers[0].resources.requests, { cpu: "500m", memory: "64Mi" });
    assert.deepEqual(spec.containers[0].resources.requests, { cpu: "500m", memory: "64Mi" });
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "init-limits" }, spec: { selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: pod.spec } } };
    const template = (await t.send("POST", "/apis/apps/v1/namespaces/md/deployments", { body: deployment })).body.spec.template.spec;
    assert.equal(template.initContainers[0].resources.requests, undefined);
  });

  test("Services: ClientIP affinity's timeout; NodePort and LoadBalancer policies and node ports, kept by a PUT that omits them", async () => {
    const svc = (name: string, spec: Record<string, unknown>) => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { ports: [{ name: "http", port: 80 }], ...spec } });
    const sticky = (await t.send("POST", "/api/v1/namespaces/md/services", { body: svc("sticky", { sessionAffinity: "ClientIP" }) })).body.spec;
    assert.deepEqual(sticky.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
    const node = (await t.send("POST", "/api/v1/namespaces/md/services", { body: svc("node", { type: "NodePort" }) })).body;
    assert.equal(node.spec.externalTrafficPolicy, "Cluster");
    const port = node.spec.ports[0].nodePort as number;
    assert.ok(port >= 30000 && port <= 32767, String(port));
    const lb = (await t.send("POST", "/api/v1/namespaces/md/services", { body: svc("lb", { type: "LoadBalancer" }) })).body.spec;
    assert.equal(lb.allocateLoadBalancerNodePorts, true);
    assert.ok(lb.ports[0].nodePort >= 30000 && lb.ports[0].nodePort !== port, "another port");
    const replaced = await t.send("PUT", "/api/v1/namespaces/md/services/node", { body: { ...svc("node", { type: "NodePort" }), metadata: { name: "node", resourceVersion: node.metadata.resourceVersion } } });
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.spec.ports[0].nodePort, port, "the allocated node port is kept");
    // An explicit node port is never handed out to another: take the one the allocator would give next.
    const taken = lb.ports[0].nodePort + 1;
    const explicit = (await t.send("POST", "/api/v1/namespaces/md/services", { body: svc("explicit", { type: "NodePort", ports: [{ name: "a", port: 80, nodePort: taken }] }) })).body.spec.ports[0].nodePort;
    assert.equal(explicit, taken);
    const after = (await t.send("POST", "/api/v1/namespaces/md/services", { body: svc("after", { type: "NodePort", ports: [{ name: "b", port: 81 }, { name: "c", port: 82 }] }) })).body.spec.ports.map((p: { nodePort: number }) => p.nodePort);
    assert.ok(!after.includes(taken) && new Set(after).size === 2, JSON.stringify(after));
    // A change to ClusterIP drops the node ports and the policies only NodePort and LoadBalancer have.
    const cluster = await t.send("PATCH", "/api/v1/namespaces/md/services/node", { body: { spec: { type: "ClusterIP" } }, contentType: "application/merge-patch+json" });
    assert.equal(cluster.status, 200);
    assert.equal(cluster.body.spec.ports[0].nodePort, undefined);
    assert.equal(cluster.body.spec.externalTrafficPolicy, undefined);
  });

  test("Services: affinity None drops an affinity config sent with it (SetDefaults_Service), an ExternalName Service's too", async () => {
    const config = { clientIP: { timeoutSeconds: 5 } };
    const none = await t.send("POST", "/api/v1/namespaces/md/services", { body: { apiVersion: "v1", kind: "Service", metadata: { name: "loose" }, spec: { ports: [{ port: 80 }], sessionAffinityConfig: config } } });
    assert.equal(none.status, 201, none.text);
    assert.deepEqual([none.body.spec.sessionAffinity, none.body.spec.sessionAffinityConfig], ["None", undefined]);
    const alias = await t.send("POST", "/api/v1/namespaces/md/services", { body: { apiVersion: "v1", kind: "Service", metadata: { name: "alias" }, spec: { type: "ExternalName", externalName: "db.example.com", sessionAffinity: "ClientIP" } } });
    assert.equal(alias.status, 201, alias.text);
    assert.deepEqual(alias.body.spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  });
});
