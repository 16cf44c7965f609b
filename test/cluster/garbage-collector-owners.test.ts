/**
 * The inline garbage collector decides each dependent as 1.32's attemptToDeleteItem does: one
 * with another owner that still exists stays and only loses the references to owners that are
 * gone or deleting in the foreground (a MODIFIED event); one without is deleted with the policy
 * its own finalizers ask for (`orphan`: its dependents are orphaned, not deleted).
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

  test("a dependent whose other owner does not exist is deleted", async () => {
    const a = await create("c");
    await create("dangling", { ownerReferences: [ref(a), { apiVersion: "v1", kind: "ConfigMap", name: "never", uid: "00000000-0000-0000-0000-000000000001" }] });
    await t.send("DELETE", `${CM}/c`);
    assert.equal((await t.send("GET", `${CM}/dangling`)).status, 404);
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
});
