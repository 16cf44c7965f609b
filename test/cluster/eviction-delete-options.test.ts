/**
 * An eviction deletes its pod with the Eviction's own `deleteOptions`, as 1.32's
 * pkg/registry/core/pod/storage/eviction.go passes them to the store's Delete: without a policy
 * the pod's own `orphan` finalizer decides (its dependents are orphaned, not collected), and a
 * `propagationPolicy` (or `orphanDependents`) in the Eviction's deleteOptions applies.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, pod, type TestCluster } from "./helpers.js";

const NS = "/api/v1/namespaces/evo";

describe("an eviction's delete options", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("evo");
  });
  after(() => t.close());

  /** A Pending pod (budgets ignored) with `finalizers`, and a ConfigMap it owns. */
  async function podWithDependent(name: string, finalizers: string[] = []): Promise<void> {
    const created = await t.send("POST", `${NS}/pods`, { body: { ...pod(name), metadata: { name, finalizers } } });
    assert.equal(created.status, 201, created.text);
    const owner = { apiVersion: "v1", kind: "Pod", name, uid: created.body.metadata.uid };
    assert.equal((await t.send("POST", `${NS}/configmaps`, { body: { metadata: { name: `${name}-data`, ownerReferences: [owner] } } })).status, 201);
  }
  const evict = (name: string, deleteOptions?: Record<string, unknown>) =>
    t.send("POST", `${NS}/pods/${name}/eviction`, { body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name }, ...(deleteOptions ? { deleteOptions } : {}) } });

  test("without a policy, the pod's own orphan finalizer orphans its dependents", async () => {
    await podWithDependent("keeper", ["orphan"]);
    assert.equal((await evict("keeper")).status, 201);
    assert.equal((await t.send("GET", `${NS}/pods/keeper`)).status, 404);
    const dependent = await t.send("GET", `${NS}/configmaps/keeper-data`);
    assert.equal(dependent.status, 200, "orphaned, not collected");
    assert.equal(dependent.body.metadata.ownerReferences, undefined);
  });

  test("the Eviction's propagationPolicy Orphan orphans them; orphanDependents: true too", async () => {
    await podWithDependent("asked");
    assert.equal((await evict("asked", { propagationPolicy: "Orphan" })).status, 201);
    assert.equal((await t.send("GET", `${NS}/configmaps/asked-data`)).status, 200);
    await podWithDependent("legacy");
    assert.equal((await evict("legacy", { orphanDependents: true })).status, 201);
    assert.equal((await t.send("GET", `${NS}/configmaps/legacy-data`)).status, 200);
  });

  test("orphanDependents is read before propagationPolicy (nothing validates the pair on this path): both given, orphanDependents decides", async () => {
    await podWithDependent("both");
    assert.equal((await evict("both", { orphanDependents: true, propagationPolicy: "Background" })).status, 201);
    const dependent = await t.send("GET", `${NS}/configmaps/both-data`);
    assert.equal(dependent.status, 200, "orphaned, not collected");
  });

  test("with no options and no finalizer, the default (Background) collects them", async () => {
    await podWithDependent("plain");
    assert.equal((await evict("plain")).status, 201);
    assert.equal((await t.send("GET", `${NS}/configmaps/plain-data`)).status, 404);
  });
});
