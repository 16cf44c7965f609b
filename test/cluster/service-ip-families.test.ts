/**
 * A Service's IP families on the emulated cluster, single-stack IPv4 as 1.32's allocator
 * (storage/alloc.go initIPFamilyFields) sets and checks them: `SingleStack` and `["IPv4"]` when
 * left out, a headless Service without a selector `RequireDualStack` with both families,
 * dual-stack, IPv6 and an IPv6 cluster IP refused in the allocator's words, and ExternalName
 * Services holding none of the fields (dropped when a Service turns ExternalName).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const SVC = "/api/v1/namespaces/default/services";
const service = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });
const externalName = (name: string, spec: Record<string, unknown> = {}) => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { type: "ExternalName", externalName: "db.example.com", ...spec } });
const families = (spec: Record<string, unknown>) => ({ ipFamilyPolicy: spec.ipFamilyPolicy, ipFamilies: spec.ipFamilies });

describe("service IP families on a single-stack IPv4 cluster", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  test("left out: SingleStack and IPv4; PreferDualStack is kept with IPv4 alone; a headless Service with a selector is single-stack too", async () => {
    const plain = await t.send("POST", SVC, { body: service("plain") });
    assert.equal(plain.status, 201, plain.text);
    assert.deepEqual(families(plain.body.spec), { ipFamilyPolicy: "SingleStack", ipFamilies: ["IPv4"] });
    const prefer = await t.send("POST", SVC, { body: service("prefer", { ipFamilyPolicy: "PreferDualStack" }) });
    assert.deepEqual(families(prefer.body.spec), { ipFamilyPolicy: "PreferDualStack", ipFamilies: ["IPv4"] });
    const headless = await t.send("POST", SVC, { body: service("headless", { clusterIP: "None" }) });
    assert.deepEqual({ ...families(headless.body.spec), clusterIPs: headless.body.spec.clusterIPs }, { ipFamilyPolicy: "SingleStack", ipFamilies: ["IPv4"], clusterIPs: ["None"] });
  });

  test("headless without a selector: RequireDualStack with both families, kept by a PUT that leaves them out", async () => {
    const created = await t.send("POST", SVC, { body: { apiVersion: "v1", kind: "Service", metadata: { name: "peers" }, spec: { clusterIP: "None", ports: [{ port: 80 }] } } });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(families(created.body.spec), { ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv4", "IPv6"] });
    const replaced = await t.send("PUT", `${SVC}/peers`, { body: { apiVersion: "v1", kind: "Service", metadata: { name: "peers" }, spec: { clusterIP: "None", ports: [{ port: 81 }] } } });
    assert.equal(replaced.status, 200, replaced.text);
    assert.deepEqual(families(replaced.body.spec), { ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv4", "IPv6"] });
    const single = await t.send("POST", SVC, { body: { apiVersion: "v1", kind: "Service", metadata: { name: "peers-v4" }, spec: { clusterIP: "None", ipFamilyPolicy: "SingleStack", ports: [{ port: 80 }] } } });
    assert.deepEqual(families(single.body.spec), { ipFamilyPolicy: "SingleStack", ipFamilies: ["IPv4"] });
  });

  test("dual-stack, IPv6 and IPv6 cluster IPs are refused as the allocator words it", async () => {
    const refusals: Array<[string, Record<string, unknown>, string]> = [
      ["dual", { ipFamilyPolicy: "RequireDualStack" }, 'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services'],
      ["six", { ipFamilies: ["IPv6"] }, 'spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster'],
      ["six-ip", { clusterIP: "fd00::10" }, 'spec.clusterIPs[0]: Invalid value: []string{"fd00::10"}: IPv6 is not configured on this cluster'],
      ["both", { ipFamilies: ["IPv4", "IPv6"] }, "spec.ipFamilyPolicy: Invalid value: \"SingleStack\": must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"],
      ["bogus", { ipFamilyPolicy: "Bogus" }, 'spec.ipFamilyPolicy: Unsupported value: "Bogus": supported values: "PreferDualStack", "RequireDualStack", "SingleStack"'],
      ["twice", { ipFamilies: ["IPv4", "IPv4"], ipFamilyPolicy: "PreferDualStack" }, 'spec.ipFamilies[1]: Duplicate value: "IPv4"'],
    ];
    for (const [name, spec, message] of refusals) {
      const answer = await t.send("POST", SVC, { body: service(name, spec) });
      assert.equal(answer.status, 422, `${name}: ${answer.text}`);
      assert.equal(answer.body.message, `Service "${name}" is invalid: ${message}`);
    }
  });

  test("ExternalName: no cluster IPs, families or policy, on create, and dropped when a Service turns ExternalName", async () => {
    const plain = await t.send("POST", SVC, { body: externalName("db") });
    assert.equal(plain.status, 201, plain.text);
    assert.deepEqual(Object.keys(plain.body.spec).sort(), ["externalName", "sessionAffinity", "type"]);
    const withFields = await t.send("POST", SVC, { body: externalName("db2", { clusterIP: "10.96.9.9", ipFamilies: ["IPv4"], ipFamilyPolicy: "SingleStack" }) });
    assert.equal(withFields.status, 422);
    assert.equal(withFields.body.message, 'Service "db2" is invalid: [spec.clusterIPs: Forbidden: may not be set for ExternalName services, spec.ipFamilies: Forbidden: may not be set for ExternalName services, spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services]');
    const noName = await t.send("POST", SVC, { body: externalName("db3", { externalName: "" }) });
    assert.equal(noName.body.message, 'Service "db3" is invalid: spec.externalName: Required value');
    const web = (await t.send("POST", SVC, { body: service("turned") })).body;
    const turned = await t.send("PATCH", `${SVC}/turned`, { contentType: "application/merge-patch+json", body: { spec: { type: "ExternalName", externalName: "web.example.com" } } });
    assert.equal(turned.status, 200, turned.text);
    for (const field of ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "internalTrafficPolicy"]) assert.equal(turned.body.spec[field], undefined, field);
    // Its IP is free again.
    assert.equal((await t.send("POST", SVC, { body: service("reuse", { clusterIP: web.spec.clusterIP }) })).status, 201);
    const back = await t.send("PATCH", `${SVC}/turned`, { contentType: "application/merge-patch+json", body: { spec: { type: "ClusterIP", externalName: null } } });
    assert.equal(back.status, 200, back.text);
    assert.deepEqual(families(back.body.spec), { ipFamilyPolicy: "SingleStack", ipFamilies: ["IPv4"] });
    assert.notEqual(back.body.spec.clusterIP, web.spec.clusterIP);
  });
});
