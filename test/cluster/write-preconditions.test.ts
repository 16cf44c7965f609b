/**
 * What storage refuses before anything is written, as 1.32 answers it: a create carrying a
 * resourceVersion (an object read back and created again) is etcd3's bare 500; a PUT without a
 * resourceVersion of a type whose strategy forbids unconditional updates (Leases, custom
 * resources) is 422 `must be specified for an update`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const CMS = "/api/v1/namespaces/wp/configmaps";

describe("write preconditions", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("wp");
    t.cluster.createResourceType({ group: "example.com", version: "v1", resource: "widgets", kind: "Widget", namespaced: true });
  });
  after(() => t.close());

  test("a create with a resourceVersion is etcd's bare 500; 0, or a dry run, is not", async () => {
    const cm = (name: string, resourceVersion?: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, ...(resourceVersion === undefined ? {} : { resourceVersion }) } });
    const refused = await t.send("POST", CMS, { body: cm("copied", "42") });
    assert.deepEqual(refused.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "resourceVersion should not be set on objects to be created", code: 500 });
    assert.equal((await t.send("GET", `${CMS}/copied`)).status, 404, "nothing stored");
    assert.equal((await t.send("POST", CMS, { body: cm("zero", "0") })).status, 201);
    assert.equal((await t.send("POST", `${CMS}?dryRun=All`, { body: cm("dry", "42") })).status, 201);
  });

  test("a PUT without a resourceVersion: refused for custom resources and Leases, allowed for a ConfigMap", async () => {
    const widgets = "/apis/example.com/v1/namespaces/wp/widgets";
    assert.equal((await t.send("POST", widgets, { body: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w1" }, spec: { size: 1 } } })).status, 201);
    const unconditional = await t.send("PUT", `${widgets}/w1`, { body: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w1" }, spec: { size: 2 } } });
    assert.equal(unconditional.status, 422);
    assert.equal(unconditional.body.message, 'widgets.example.com "w1" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
    assert.deepEqual(unconditional.body.details, { name: "w1", group: "example.com", kind: "widgets", causes: [{ reason: "FieldValueInvalid", message: "Invalid value: 0x0: must be specified for an update", field: "metadata.resourceVersion" }] });
    const leases = "/apis/coordination.k8s.io/v1/namespaces/wp/leases";
    const lease = { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "l" }, spec: { holderIdentity: "a" } };
    assert.equal((await t.send("POST", leases, { body: lease })).status, 201);
    assert.equal((await t.send("PUT", `${leases}/l`, { body: lease })).body.message, 'leases.coordination.k8s.io "l" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
    const zero = await t.send("PUT", `${leases}/l`, { body: { ...lease, metadata: { name: "l", resourceVersion: "0" } } });
    assert.equal(zero.status, 422, "version 0 is no version");
    const current = (await t.send("GET", `${leases}/l`)).body;
    assert.equal((await t.send("PUT", `${leases}/l`, { body: { ...current, spec: { holderIdentity: "b" } } })).status, 200, "with its version it replaces");
    assert.equal((await t.send("POST", CMS, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "free" } } })).status, 201);
    assert.equal((await t.send("PUT", `${CMS}/free`, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "free" }, data: { a: "b" } } })).status, 200);
    assert.equal((await t.send("PUT", `${CMS}/free`, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "free", resourceVersion: "0" }, data: { a: "c" } } })).status, 200, "0: an unconditional update, not a conflict");
  });
});
