/**
 * The inline garbage collector decides each dependent as 1.32's attemptToDeleteItem does: one
 * with another owner that still exists stays and only loses the references to owners that are
 * gone or deleting in the foreground (a MODIFIED event); one without is deleted with the policy
 * its own finalizers ask for (`orphan`: its dependents are orphaned, not deleted). A dependent
 * written with an owner that is not there (a wrong uid, an owner in another namespace) is
 * decided the same way right after its write.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/gco/configmaps";

describe("garbage collection of dependents with several owners", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "gco" } } });
  });
  after(() => t.close());

  const create = async (name: string, metadata: Record<string, unknown> = {}) => (await t.send("POST", CM, { body: { metadata: { name, ...metadata } } })).body;
  const ref = (owner: any) => ({ apiVersion: "v1", kind: "ConfigMap", name: owner.metadata.name, uid: owner.metadata.uid });
  /** The events of a watch of the configmaps from `rv` (the stream ends after a second). */
  const eventsSince = async (rv: string) => (await t.send("GET", `${CM}?watch=1&resourceVersion=${rv}&timeoutSeconds=1`)).text.trim().split("\n").map((line) => JSON.parse(line));

  test("a dependent with another existing owner stays: the reference to the deleted owner is patched away", async () => {
    const a = await create("a");
    const b = await create("b");
    const child = await create("two-owners", { ownerReferences: [ref(a), ref(b)] });
    const deleted = await t.send("DELETE", `${CM}/a`);
    assert.equal(deleted.status, 200);
    const kept = await t.send("GET", `${CM}/two-owners`);
    assert.equal(kept.status, 200);
    assert.deepEqual(kept.body.metadata.ownerReferences, [ref(b)]);
    const events = await eventsSince(child.metadata.resourceVersion);
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ["DELETED a", "MODIFIED two-owners"]);
    await t.send("DELETE", `${CM}/b`);
    assert.equal((await t.send("GET", `${CM}/two-owners`)).status, 404, "its last owner gone, it goes too");
  });

  test("the reference the collector patches away leaves the managedFields too, as its update records it", async () => {
    const a = await create("mf-a");
    const b = await create("mf-b");
    const created = await create("mf-child", { ownerReferences: [ref(a), ref(b)] });
    await t.send("DELETE", `${CM}/mf-a`);
    const kept = (await t.send("GET", `${CM}/mf-child`)).body;
    assert.deepEqual(kept.metadata.ownerReferences, [ref(b)]);
    const owned = JSON.stringify(kept.metadata.managedFields.map((e: any) => e.fieldsV1));
    assert.ok(!owned.includes(a.metadata.uid), `no manager still owns the reference removed: ${owned}`);
    assert.ok(owned.includes(b.metadata.uid), owned);
    // Only a removal: no entry of the collector's own (structured-merge-diff drops an empty set).
    assert.deepEqual(kept.metadata.managedFields.map((e: any) => e.manager), created.metadata.managedFields.map((e: any) => e.manager));
  });

  test("a dependent whose other owner does not exist is deleted", async () => {
    const a = await create("c");
    await create("dangling", { ownerReferences: [ref(a), { apiVersion: "v1", kind: "ConfigMap", name: "never", uid: "00000000-0000-0000-0000-000000000001" }] });
    await t.send("DELETE", `${CM}/c`);
    assert.equal((await t.send("GET", `${CM}/dangling`)).status, 404);
  });

  test("a dependent written with no owner that exists is collected right after its write: a wrong uid, an owner in another namespace", async () => {
    const owner = await create("real-owner");
    const wrongUid = await t.send("POST", CM, { body: { metadata: { name: "wrong-uid", ownerReferences: [{ ...ref(owner), uid: "00000000-0000-0000-0000-000000000002" }] } } });
    assert.equal(wrongUid.status, 201, "the create itself succeeds");
    assert.equal((await t.send("GET", `${CM}/wrong-uid`)).status, 404);
    const events = await eventsSince(owner.metadata.resourceVersion);
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata.name}`), ["ADDED wrong-uid", "DELETED wrong-uid"]);
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "gco-other" } } });
    const elsewhere = await t.send("POST", "/api/v1/namespaces/gco-other/configmaps", { body: { metadata: { name: "cross-namespace", ownerReferences: [ref(owner)] } } });
    assert.equal(elsewhere.status, 201);
    assert.equal((await t.send("GET", "/api/v1/namespaces/gco-other/configmaps/cross-namespace")).status, 404, "a namespaced owner is looked up in the dependent's namespace");
    const nsOwned = await t.send("POST", "/api/v1/namespaces", { body: { metadata: { name: "gco-orphan", ownerReferences: [{ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", name: "x", uid: "00000000-0000-0000-0000-000000000005" }] } } });
    assert.equal(nsOwned.status, 201, "a namespace is stored (and filled) before the collector deletes it");
    assert.equal((await t.send("GET", "/api/v1/namespaces/gco-orphan")).status, 404);
    const owned = await t.send("POST", CM, { body: { metadata: { name: "rightly-owned", ownerReferences: [ref(owner)] } } });
    assert.equal((await t.send("GET", `${CM}/rightly-owned`)).status, 200);
    assert.equal(owned.status, 201);
  });

  test("an unresolvable owner leaves a dependent alone: a kind or version the server does not serve, a namespaced owner of a cluster-scoped object", async () => {
    const unserved = await t.send("POST", CM, { body: { metadata: { name: "unserved-owner", ownerReferences: [{ apiVersion: "example.com/v1", kind: "Nothing", name: "x", uid: "00000000-0000-0000-0000-000000000003" }] } } });
    assert.equal(unserved.status, 201);
    assert.equal((await t.send("GET", `${CM}/unserved-owner`)).status, 200);
    const oldVersion = await t.send("POST", CM, { body: { metadata: { name: "old-version-owner", ownerReferences: [{ apiVersion: "apps/v1beta1", kind: "Deployment", name: "x", uid: "00000000-0000-0000-0000-000000000006" }] } } });
    assert.equal(oldVersion.status, 201);
    assert.equal((await t.send("GET", `${CM}/old-version-owner`)).status, 200, "a version not served is a mapping error: left alone");
    const role = {
      apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole",
      metadata: { name: "gco-owned-role", ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "missing", uid: "00000000-0000-0000-0000-000000000004" }] }, rules: [],
    };
    assert.equal((await t.send("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", { body: role })).status, 201);
    assert.equal((await t.send("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/gco-owned-role")).status, 200);
  });

  test("deleting in the foreground, an owner leaves a dependent that has another owner, without the reference to it", async () => {
    const a = await create("fg");
    const b = await create("fg-other");
    await create("fg-shared", { ownerReferences: [ref(a), ref(b)] });
    const res = await t.send("DELETE", `${CM}/fg`, { body: { propagationPolicy: "Foreground" } });
    assert.deepEqual(res.body.metadata.finalizers, ["foregroundDeletion"]);
    assert.equal((await t.send("GET", `${CM}/fg`)).status, 404);
    const kept = await t.send("GET", `${CM}/fg-shared`);
    assert.equal(kept.status, 200);
    assert.deepEqual(kept.body.metadata.ownerReferences, [ref(b)]);
  });

  test("a dependent with its own `orphan` finalizer is deleted orphaning its dependents", async () => {
    const top = await create("top");
    const middle = await create("middle", { finalizers: ["orphan"], ownerReferences: [ref(top)] });
    await create("bottom", { ownerReferences: [ref(middle)] });
    await t.send("DELETE", `${CM}/top`);
    assert.equal((await t.send("GET", `${CM}/middle`)).status, 404);
    const bottom = await t.send("GET", `${CM}/bottom`);
    assert.equal(bottom.status, 200);
    assert.equal(bottom.body.metadata.ownerReferences, undefined);
  });

  test("a chain of two thousand owners is collected whole when its root goes (a loop, not a recursion as deep as the chain)", async () => {
    let previous = await create("chain-0");
    for (let i = 1; i < 2000; i++) previous = await create(`chain-${i}`, { ownerReferences: [ref(previous)] });
    const deleted = await t.send("DELETE", `${CM}/chain-0`);
    assert.equal(deleted.status, 200, deleted.text);
    const left = (await t.send("GET", CM)).body.items.filter((i: { metadata: { name: string } }) => i.metadata.name.startsWith("chain-"));
    assert.equal(left.length, 0);
  });
});
