/**
 * A Service's health-check node port and external traffic policy, as 1.32 allocates and checks
 * them: allocated for a LoadBalancer Service whose policy is `Local` (on create or when an
 * update turns it so), kept by a PUT that leaves it out, fixed while needed, dropped and freed
 * with the need; refused on other Services, and the policy refused where nothing is reached
 * from outside; a ClusterIP Service with external IPs defaults the policy to `Cluster`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const SVC = "/api/v1/namespaces/default/services";
const service = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });
const patch = { contentType: "application/merge-patch+json" };

describe("service health-check node port", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  test("a LoadBalancer Service with externalTrafficPolicy Local gets one apart from its node ports; a PUT without it keeps it", async () => {
    const created = await t.send("POST", SVC, { body: service("local", { type: "LoadBalancer", externalTrafficPolicy: "Local" }) });
    assert.equal(created.status, 201, created.text);
    const { healthCheckNodePort, ports } = created.body.spec;
    assert.ok(healthCheckNodePort >= 30000 && healthCheckNodePort <= 32767, String(healthCheckNodePort));
    assert.notEqual(healthCheckNodePort, ports[0].nodePort);
    const taken = await t.send("POST", SVC, { body: service("taken", { type: "NodePort", ports: [{ port: 80, nodePort: healthCheckNodePort }] }) });
    assert.equal(taken.body.message, `Service "taken" is invalid: spec.ports[0].nodePort: Invalid value: ${healthCheckNodePort}: provided port is already allocated`);
    const replaced = await t.send("PUT", `${SVC}/local`, { body: service("local", { type: "LoadBalancer", externalTrafficPolicy: "Local" }) });
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal(replaced.body.spec.healthCheckNodePort, healthCheckNodePort);
    const changed = await t.send("PATCH", `${SVC}/local`, { ...patch, body: { spec: { healthCheckNodePort: healthCheckNodePort + 1 } } });
    assert.equal(changed.status, 422);
    assert.equal(changed.body.message, 'Service "local" is invalid: spec.healthCheckNodePort: Forbidden: field is immutable');
  });

  test("turned Local it gets one; turned Cluster it drops it, free again; one asked for but held is the allocator's 500", async () => {
    const lb = await t.send("POST", SVC, { body: service("flip", { type: "LoadBalancer" }) });
    assert.equal(lb.body.spec.healthCheckNodePort, undefined);
    const local = await t.send("PATCH", `${SVC}/flip`, { ...patch, body: { spec: { externalTrafficPolicy: "Local" } } });
    assert.equal(local.status, 200, local.text);
    const port = local.body.spec.healthCheckNodePort as number;
    assert.ok(port >= 30000);
    const cluster = await t.send("PATCH", `${SVC}/flip`, { ...patch, body: { spec: { externalTrafficPolicy: "Cluster" } } });
    assert.equal(cluster.status, 200, cluster.text);
    assert.equal(cluster.body.spec.healthCheckNodePort, undefined);
    const reuse = await t.send("POST", SVC, { body: service("reuse", { type: "LoadBalancer", externalTrafficPolicy: "Local", healthCheckNodePort: port }) });
    assert.equal(reuse.status, 201, reuse.text);
    assert.equal(reuse.body.spec.healthCheckNodePort, port);
    const held = await t.send("POST", SVC, { body: service("held", { type: "LoadBalancer", externalTrafficPolicy: "Local", healthCheckNodePort: port }) });
    assert.equal(held.status, 500);
    assert.equal(held.body.reason, "InternalError");
    assert.equal(held.body.message, `Internal error occurred: failed to allocate requested HealthCheck NodePort ${port}: provided port is already allocated`);
    const toClusterIP = await t.send("PATCH", `${SVC}/reuse`, { ...patch, body: { spec: { type: "ClusterIP" } } });
    assert.equal(toClusterIP.status, 200, toClusterIP.text);
    for (const field of ["healthCheckNodePort", "externalTrafficPolicy", "allocateLoadBalancerNodePorts"]) assert.equal(toClusterIP.body.spec[field], undefined, field);
  });

  test("refused on a Service that needs none; the policy refused on one not reached from outside, defaulted on one with external IPs", async () => {
    const onClusterIP = await t.send("POST", SVC, { body: service("hc", { healthCheckNodePort: 30555 }) });
    assert.equal(onClusterIP.status, 422);
    assert.equal(onClusterIP.body.message, "Service \"hc\" is invalid: spec.healthCheckNodePort: Invalid value: 30555: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'");
    const policy = await t.send("POST", SVC, { body: service("etp", { externalTrafficPolicy: "Local" }) });
    assert.equal(policy.body.message, 'Service "etp" is invalid: spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services');
    const bogus = await t.send("POST", SVC, { body: service("bogus", { type: "NodePort", externalTrafficPolicy: "Nearby" }) });
    assert.equal(bogus.body.message, 'Service "bogus" is invalid: spec.externalTrafficPolicy: Unsupported value: "Nearby": supported values: "Cluster", "Local"');
    const external = await t.send("POST", SVC, { body: service("external", { externalIPs: ["192.0.2.10"] }) });
    assert.equal(external.status, 201, external.text);
    assert.equal(external.body.spec.externalTrafficPolicy, "Cluster");
  });
});
