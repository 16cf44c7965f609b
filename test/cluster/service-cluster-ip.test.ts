/**
 * A Service's cluster IPs as the real service REST keeps them: a PUT without clusterIP keeps
 * the allocated one (patchAllocatedValues), a changed IP is refused as
 * validateUpgradeDowngradeClusterIPs words it, ExternalName services get no cluster IP or IP
 * families, and a headless service's clusterIPs are ["None"] (NormalizeClusterIPs). A fresh
 * cluster has the API server's own `kubernetes` Service at the range's first IP.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const SVC = "/api/v1/namespaces/default/services";
const service = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });

describe("service cluster IPs", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  test("a fresh cluster has default/kubernetes: 10.96.0.1, https 443 to the server's port, as kube-apiserver keeps it", async () => {
    const svc = await t.send("GET", `${SVC}/kubernetes`);
    assert.equal(svc.status, 200);
    assert.deepEqual(svc.body.metadata.labels, { component: "apiserver", provider: "kubernetes" });
    assert.deepEqual(svc.body.spec, {
      clusterIP: "10.96.0.1", clusterIPs: ["10.96.0.1"], internalTrafficPolicy: "Cluster", ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack",
      ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }], sessionAffinity: "None", type: "ClusterIP",
    });
    assert.deepEqual(svc.body.status, { loadBalancer: {} });
    const other = (await t.send("POST", SVC, { body: service("after-kubernetes") })).body;
    assert.notEqual(other.spec.clusterIP, "10.96.0.1");
  });

  test("a PUT without clusterIP keeps the allocated one", async () => {
    const created = (await t.send("POST", SVC, { body: service("keep") })).body;
    const replaced = await t.send("PUT", `${SVC}/keep`, { body: { ...service("keep"), metadata: { name: "keep", labels: { v: "2" } } } });
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.spec.clusterIP, created.spec.clusterIP);
    assert.deepEqual(replaced.body.spec.clusterIPs, [created.spec.clusterIP]);
  });

  test("changing clusterIP is refused: spec.clusterIPs[0] may not change once set", async () => {
    const created = (await t.send("POST", SVC, { body: service("fixed") })).body;
    const changed = await t.send("PATCH", `${SVC}/fixed`, { body: { spec: { clusterIP: "10.96.200.200" } }, contentType: "application/merge-patch+json" });
    assert.equal(changed.status, 422);
    assert.equal(changed.body.message, 'Service "fixed" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.200.200"}: may not change once set');
    assert.deepEqual(changed.body.details.causes, [{ reason: "FieldValueInvalid", message: 'Invalid value: []string{"10.96.200.200"}: may not change once set', field: "spec.clusterIPs[0]" }]);
    const both = await t.send("PUT", `${SVC}/fixed`, { body: { ...created, spec: { ...created.spec, clusterIP: "10.96.200.201", clusterIPs: ["10.96.200.201"] } } });
    assert.equal(both.status, 422);
  });

  test("ExternalName services get no cluster IP or IP families; headless ones clusterIPs None", async () => {
    const external = (await t.send("POST", SVC, { body: { apiVersion: "v1", kind: "Service", metadata: { name: "ext" }, spec: { type: "ExternalName", externalName: "example.com" } } })).body;
    for (const field of ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "internalTrafficPolicy"]) assert.equal(external.spec[field], undefined, field);
    assert.equal(external.spec.sessionAffinity, "None");
    const headless = (await t.send("POST", SVC, { body: service("headless", { clusterIP: "None" }) })).body;
    assert.equal(headless.spec.clusterIP, "None");
    assert.deepEqual(headless.spec.clusterIPs, ["None"]);
  });
});
