/**
 * A DELETE of an object already waiting on its finalizers still applies its DeleteOptions'
 * propagation to the garbage collector's finalizers, as 1.32's store.go
 * updateForGracefulDeletionAndFinalizers does (BeforeDelete reports no pending grace period for
 * a deletion with a grace period of 0): Orphan adds `orphan` (a MODIFIED write, then the
 * collector orphans the dependents); options that change nothing write nothing.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/rep/configmaps";

describe("a repeated delete of an object held by finalizers", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "rep" } } });
  });
  after(() => t.close());

  test("Orphan on the second delete orphans the dependents; the object stays for its own finalizer", async () => {
    const owner = (await t.send("POST", CM, { body: { metadata: { name: "held", finalizers: ["example.com/hold"] } } })).body;
    await t.send("POST", CM, { body: { metadata: { name: "held-child", ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "held", uid: owner.metadata.uid }] } } });
    const first = await t.send("DELETE", `${CM}/held`);
    assert.deepEqual(first.body.metadata.finalizers, ["example.com/hold"]);
    const again = await t.send("DELETE", `${CM}/held`);
    assert.equal(again.body.metadata.resourceVersion, first.body.metadata.resourceVersion, "nothing to change: nothing written");
    const orphaning = await t.send("DELETE", `${CM}/held`, { body: { propagationPolicy: "Orphan" } });
    assert.equal(orphaning.status, 200);
    assert.deepEqual(orphaning.body.metadata.finalizers, ["example.com/hold", "orphan"]);
    assert.equal(orphaning.body.metadata.deletionTimestamp, first.body.metadata.deletionTimestamp);
    assert.ok(Number(orphaning.body.metadata.resourceVersion) > Number(first.body.metadata.resourceVersion));
    const child = await t.send("GET", `${CM}/held-child`);
    assert.equal(child.status, 200);
    assert.equal(child.body.metadata.ownerReferences, undefined);
    const held = await t.send("GET", `${CM}/held`);
    assert.deepEqual(held.body.metadata.finalizers, ["example.com/hold"], "the collector removed `orphan`");
    await t.send("PATCH", `${CM}/held`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
  });

  test("a dry run of a repeated delete answers the update it would write, and writes nothing", async () => {
    await t.send("POST", CM, { body: { metadata: { name: "orphan-only", finalizers: ["orphan", "example.com/hold"] } } });
    // Held by both; the inline collector removes `orphan` at once.
    await t.send("DELETE", `${CM}/orphan-only`);
    const held = await t.send("GET", `${CM}/orphan-only`);
    assert.deepEqual(held.body.metadata.finalizers, ["example.com/hold"]);
    const dry = await t.send("DELETE", `${CM}/orphan-only?dryRun=All&propagationPolicy=Foreground`);
    assert.deepEqual(dry.body.metadata.finalizers, ["example.com/hold", "foregroundDeletion"], "a dry run answers the update it would write");
    assert.deepEqual((await t.send("GET", `${CM}/orphan-only`)).body.metadata.finalizers, ["example.com/hold"]);
    await t.send("PATCH", `${CM}/orphan-only`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
  });
});
