/**
 * A Service's cluster IP and node ports, allocated and checked as 1.32's service REST does
 * (storage/alloc.go, ipallocator, portallocator): a malformed IP, an IP outside 10.96.0.0/12, an
 * IP or node port another Service holds and a node port outside 30000-32767 are 422s in their
 * words; what a Service held is free again once it is deleted or drops it; each emulated
 * cluster allocates on its own.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const SVC = "/api/v1/namespaces/default/services";
const service = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });
const nodePortService = (name: string, nodePort?: number) => service(name, { type: "NodePort", ports: [{ port: 80, ...(nodePort ? { nodePort } : {}) }] });

describe("service IP and node port allocation", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  test("a clusterIP that is not an IP: spec.clusterIPs[0] must be a valid IP address", async () => {
    const bad = await t.send("POST", SVC, { body: service("bad", { clusterIP: "1.2.3" }) });
    assert.equal(bad.status, 422, bad.text);
    assert.equal(bad.body.message, 'Service "bad" is invalid: spec.clusterIPs[0]: Invalid value: "1.2.3": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
    assert.deepEqual(bad.body.details, { name: "bad", kind: "Service", causes: [{ reason: "FieldValueInvalid", message: 'Invalid value: "1.2.3": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)', field: "spec.clusterIPs[0]" }] });
    const unsynced = await t.send("POST", SVC, { body: service("unsynced", { clusterIPs: ["10.96.7.7"] }) });
    assert.equal(unsynced.status, 422);
    assert.equal(unsynced.body.message, 'Service "unsynced" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.7.7"}: must be empty when `clusterIP` is not specified');
  });

  test("an IP outside the range, or one another Service holds, fails to allocate", async () => {
    const oor = await t.send("POST", SVC, { body: service("oor", { clusterIP: "10.200.0.3" }) });
    assert.equal(oor.status, 422);
    assert.equal(oor.body.message, 'Service "oor" is invalid: spec.clusterIPs: Invalid value: []string{"10.200.0.3"}: failed to allocate IP 10.200.0.3: the provided IP (10.200.0.3) is not in the valid range. The range of valid IPs is 10.96.0.0/12');
    const web = (await t.send("POST", SVC, { body: service("web") })).body;
    const dup = await t.send("POST", SVC, { body: service("dup", { clusterIP: web.spec.clusterIP }) });
    assert.equal(dup.status, 422);
    assert.equal(dup.body.message, `Service "dup" is invalid: spec.clusterIPs: Invalid value: []string{"${web.spec.clusterIP}"}: failed to allocate IP ${web.spec.clusterIP}: provided IP is already allocated`);
    const apiserver = await t.send("POST", SVC, { body: service("apiserver", { clusterIP: "10.96.0.1" }) });
    assert.equal(apiserver.status, 422);
    assert.match(apiserver.body.message, /provided IP is already allocated$/);
    // Deleted, its IP is free again.
    assert.equal((await t.send("DELETE", `${SVC}/web`)).status, 200);
    const again = await t.send("POST", SVC, { body: service("dup", { clusterIP: web.spec.clusterIP }) });
    assert.equal(again.status, 201, again.text);
    assert.equal(again.body.spec.clusterIP, web.spec.clusterIP);
  });

  test("allocation skips the IPs Services were given", async () => {
    const before = (await t.send("POST", SVC, { body: service("seq1") })).body.spec.clusterIP as string;
    const [a, b, c, d] = before.split(".").map(Number);
    const next = `${a}.${b}.${c}.${d! + 1}`;
    assert.equal((await t.send("POST", SVC, { body: service("squatter", { clusterIP: next }) })).status, 201);
    const after = (await t.send("POST", SVC, { body: service("seq2") })).body.spec.clusterIP;
    assert.notEqual(after, next);
    assert.notEqual(after, before);
  });

  test("node ports: outside 30000-32767 or held by another Service is refused; a deleted Service's is free", async () => {
    const np = await t.send("POST", SVC, { body: nodePortService("np", 30080) });
    assert.equal(np.status, 201, np.text);
    const np2 = await t.send("POST", SVC, { body: nodePortService("np2", 30080) });
    assert.equal(np2.status, 422);
    assert.equal(np2.body.message, 'Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
    const np3 = await t.send("POST", SVC, { body: nodePortService("np3", 80) });
    assert.equal(np3.status, 422);
    assert.equal(np3.body.message, 'Service "np3" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767');
    assert.equal((await t.send("DELETE", `${SVC}/np`)).status, 200);
    assert.equal((await t.send("POST", SVC, { body: nodePortService("np2", 30080) })).status, 201);
  });

  test("node ports handed out skip those in use; a Service turned ClusterIP frees its node port", async () => {
    const first = (await t.send("POST", SVC, { body: nodePortService("auto1") })).body.spec.ports[0].nodePort as number;
    assert.ok(first >= 30000 && first <= 32767);
    assert.equal((await t.send("POST", SVC, { body: nodePortService("taken", first + 1) })).status, 201);
    const second = (await t.send("POST", SVC, { body: nodePortService("auto2") })).body.spec.ports[0].nodePort;
    assert.notEqual(second, first + 1);
    const current = (await t.send("GET", `${SVC}/taken`)).body;
    const toClusterIP = await t.send("PUT", `${SVC}/taken`, { body: { ...current, spec: { ...current.spec, type: "ClusterIP", ports: [{ port: 80, protocol: "TCP", targetPort: 80 }] } } });
    assert.equal(toClusterIP.status, 200, toClusterIP.text);
    assert.equal((await t.send("POST", SVC, { body: nodePortService("reuse", first + 1) })).status, 201);
    // An update that keeps its own node port is not refused.
    const reuse = (await t.send("GET", `${SVC}/reuse`)).body;
    assert.equal((await t.send("PUT", `${SVC}/reuse`, { body: { ...reuse, metadata: { ...reuse.metadata, labels: { v: "2" } } } })).status, 200);
  });

  test("each emulated cluster allocates on its own", async () => {
    const other = await testCluster();
    try {
      const here = await t.send("POST", SVC, { body: nodePortService("mine", 31111) });
      assert.equal(here.status, 201, here.text);
      const there = await other.send("POST", SVC, { body: nodePortService("mine", 31111) });
      assert.equal(there.status, 201, there.text);
      const ip = here.body.spec.clusterIP;
      assert.equal((await other.send("POST", SVC, { body: service("same-ip", { clusterIP: ip }) })).status, 201);
    } finally {
      await other.close();
    }
  });
});
