/**
 * A delete and the garbage collector's finalizers already on the object (`orphan`,
 * `foregroundDeletion`), as 1.32's store.go decides them (shouldOrphanDependents,
 * shouldDeleteDependents, deletionFinalizersForGarbageCollection): without a policy the
 * object's own finalizer decides; a policy replaces it (none left: deleted at once). The
 * inline garbage collector then acts on the finalizer left, so the object does not stay.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/gcf/configmaps";

describe("delete with a garbage collector finalizer on the object", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "gcf" } } });
  });
  after(() => t.close());

  /** An owner with `finalizers` and one dependent; returns the owner. */
  async function family(name: string, finalizers: string[]): Promise<any> {
    const owner = (await t.send("POST", CM, { body: { metadata: { name, finalizers } } })).body;
    const ref = { apiVersion: "v1", kind: "ConfigMap", name, uid: owner.metadata.uid };
    await t.send("POST", CM, { body: { metadata: { name: `${name}-child`, ownerReferences: [ref] } } });
    return owner;
  }

  test("`orphan` without a policy orphans the dependents, then the owner goes", async () => {
    await family("orphaner", ["orphan"]);
    const res = await t.send("DELETE", `${CM}/orphaner`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.metadata.finalizers, ["orphan"]);
    assert.ok(res.body.metadata.deletionTimestamp);
    assert.equal((await t.send("GET", `${CM}/orphaner`)).status, 404, "the collector removed its finalizer");
    const child = await t.send("GET", `${CM}/orphaner-child`);
    assert.equal(child.status, 200);
    assert.equal(child.body.metadata.ownerReferences, undefined);
  });

  test("`orphan` with Background: both finalizers removed, none left, so deleted at once (a Success Status) and the dependents with it", async () => {
    const owner = await family("bg", ["orphan"]);
    const res = await t.send("DELETE", `${CM}/bg`, { body: { propagationPolicy: "Background" } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { name: "bg", kind: "configmaps", uid: owner.metadata.uid } });
    assert.equal((await t.send("GET", `${CM}/bg`)).status, 404);
    assert.equal((await t.send("GET", `${CM}/bg-child`)).status, 404);
  });

  test("`orphan` with Foreground becomes `foregroundDeletion`: the dependents are deleted, then the owner", async () => {
    await family("fg", ["orphan"]);
    const res = await t.send("DELETE", `${CM}/fg`, { body: { propagationPolicy: "Foreground" } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.metadata.finalizers, ["foregroundDeletion"]);
    assert.equal((await t.send("GET", `${CM}/fg`)).status, 404);
    assert.equal((await t.send("GET", `${CM}/fg-child`)).status, 404);
  });

  test("`foregroundDeletion` without a policy deletes the dependents, then the owner", async () => {
    await family("fgd", ["example.com/keep", "foregroundDeletion"]);
    const res = await t.send("DELETE", `${CM}/fgd`);
    assert.deepEqual(res.body.metadata.finalizers, ["example.com/keep", "foregroundDeletion"]);
    assert.equal((await t.send("GET", `${CM}/fgd-child`)).status, 404);
    const held = await t.send("GET", `${CM}/fgd`);
    assert.deepEqual(held.body.metadata.finalizers, ["example.com/keep"], "only its own finalizer holds it");
    await t.send("PATCH", `${CM}/fgd`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
    assert.equal((await t.send("GET", `${CM}/fgd`)).status, 404);
  });

  test("a policy replaces the object's finalizer: both removed, the one needed appended after the others", async () => {
    await family("order", ["orphan", "example.com/keep"]);
    const res = await t.send("DELETE", `${CM}/order`, { body: { propagationPolicy: "Foreground" } });
    assert.deepEqual(res.body.metadata.finalizers, ["example.com/keep", "foregroundDeletion"]);
    assert.equal((await t.send("GET", `${CM}/order-child`)).status, 404);
    await t.send("PATCH", `${CM}/order`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
  });
});
