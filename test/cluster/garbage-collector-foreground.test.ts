/**
 * A foreground deletion waits on the dependents that block it, as 1.32's
 * processDeletingDependentsItem does: the owner keeps `foregroundDeletion` while a dependent
 * whose ownerReference to it has `blockOwnerDeletion: true` still exists (held by a finalizer
 * of its own), and goes once the last one is gone or no longer blocks it (its reference
 * removed or made non-blocking). A dependent without `blockOwnerDeletion` is deleted but not
 * waited on. Chains wait link by link; a cycle of blocking references is broken
 * (unblockOwnerReferences) rather than waiting for ever.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/gcfg/configmaps";
const MERGE = "application/merge-patch+json";

describe("foreground deletion and blocking dependents", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "gcfg" } } });
  });
  after(() => t.close());

  const create = async (name: string, metadata: Record<string, unknown> = {}) => (await t.send("POST", CM, { body: { metadata: { name, ...metadata } } })).body;
  /** A reference to `owner`; `block` is its blockOwnerDeletion ("absent": none). */
  const ref = (owner: any, block: boolean | "absent" = true) => ({ apiVersion: "v1", kind: "ConfigMap", name: owner.metadata.name, uid: owner.metadata.uid, ...(block === "absent" ? {} : { blockOwnerDeletion: block }) });
  const get = (name: string) => t.send("GET", `${CM}/${name}`);
  const release = (name: string) => t.send("PATCH", `${CM}/${name}`, { body: { metadata: { finalizers: null } }, contentType: MERGE });
  const foreground = (name: string) => t.send("DELETE", `${CM}/${name}`, { body: { propagationPolicy: "Foreground" } });

  test("the owner stays with `foregroundDeletion` while a blocking dependent held by its finalizer exists, then goes with it", async () => {
    const owner = await create("owner");
    await create("held", { ownerReferences: [ref(owner)], finalizers: ["example.com/hold"] });
    const res = await foreground("owner");
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.metadata.finalizers, ["foregroundDeletion"]);
    const waiting = await get("owner");
    assert.equal(waiting.status, 200, "it waits on its blocking dependent");
    assert.deepEqual(waiting.body.metadata.finalizers, ["foregroundDeletion"]);
    assert.ok(waiting.body.metadata.deletionTimestamp);
    const held = await get("held");
    assert.ok(held.body.metadata.deletionTimestamp, "the dependent is being deleted");
    assert.equal((await release("held")).status, 200);
    assert.equal((await get("held")).status, 404);
    assert.equal((await get("owner")).status, 404, "its last blocking dependent gone, the owner goes");
  });

  test("a dependent without blockOwnerDeletion (or with it false) is deleted but not waited on", async () => {
    const owner = await create("loose");
    await create("loose-a", { ownerReferences: [ref(owner, "absent")], finalizers: ["example.com/hold"] });
    await create("loose-b", { ownerReferences: [ref(owner, false)], finalizers: ["example.com/hold"] });
    assert.equal((await foreground("loose")).status, 200);
    assert.equal((await get("loose")).status, 404);
    for (const name of ["loose-a", "loose-b"]) {
      const dep = await get(name);
      assert.ok(dep.body.metadata.deletionTimestamp, name);
      await release(name);
    }
  });

  test("a blocking dependent that drops its reference, or makes it non-blocking, no longer holds the owner", async () => {
    const owner = await create("unref");
    await create("unref-dep", { ownerReferences: [ref(owner)], finalizers: ["example.com/hold"] });
    await foreground("unref");
    assert.equal((await get("unref")).status, 200);
    await t.send("PATCH", `${CM}/unref-dep`, { body: { metadata: { ownerReferences: null } }, contentType: MERGE });
    assert.equal((await get("unref")).status, 404, "the reference removed");
    await release("unref-dep");

    const other = await create("unblock");
    await create("unblock-dep", { ownerReferences: [ref(other)], finalizers: ["example.com/hold"] });
    await foreground("unblock");
    assert.equal((await get("unblock")).status, 200);
    await t.send("PATCH", `${CM}/unblock-dep`, { body: { metadata: { ownerReferences: [ref(other, false)] } }, contentType: MERGE });
    assert.equal((await get("unblock")).status, 404, "the reference made non-blocking");
    await release("unblock-dep");
  });

  test("a chain A→B→C waits link by link: B is deleted in the foreground and waits on C, A on B", async () => {
    const a = await create("chain-a");
    const b = await create("chain-b", { ownerReferences: [ref(a)] });
    await create("chain-c", { ownerReferences: [ref(b)], finalizers: ["example.com/hold"] });
    assert.equal((await foreground("chain-a")).status, 200);
    const middle = await get("chain-b");
    assert.equal(middle.status, 200);
    assert.deepEqual(middle.body.metadata.finalizers, ["foregroundDeletion"]);
    assert.equal((await get("chain-a")).status, 200);
    await release("chain-c");
    for (const name of ["chain-c", "chain-b", "chain-a"]) assert.equal((await get(name)).status, 404, name);
  });

  test("a cycle of blocking references is broken, not waited on for ever", async () => {
    const a = await create("cycle-a");
    const b = await create("cycle-b", { ownerReferences: [ref(a)] });
    await t.send("PATCH", `${CM}/cycle-a`, { body: { metadata: { ownerReferences: [ref(b)] } }, contentType: MERGE });
    assert.equal((await foreground("cycle-a")).status, 200);
    assert.equal((await get("cycle-a")).status, 404);
    assert.equal((await get("cycle-b")).status, 404);
  });
});
