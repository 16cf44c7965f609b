/**
 * Writes that race the webhooks of another on the emulated cluster, answered as the store does
 * after its admission (it reads the object again): an update whose object was deleted while its
 * webhook answered is a 404, never a revival; a delete honours a finalizer added meanwhile, and a
 * second delete of an object already gone is a 404; a deletecollection reviews each item's
 * DELETE, so a webhook refusing deletes cannot be bypassed with `kubectl delete --all`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { defineFunction } from "../../runtime/function.js";
import { KubeApiError, KubeNotFoundError } from "../../runtime/kube/errors.js";
import { startHarness, until, type Harness } from "../../runtime/testing/index.js";

/** A webhook whose answers wait for `release()`; `waiting` counts the calls waiting. */
function gated(name: string, operations: ("UPDATE" | "DELETE")[]) {
  const state = { waiting: 0, release: () => {} };
  let open = Promise.resolve();
  const close = () => {
    open = new Promise<void>((resolve) => (state.release = resolve));
  };
  const fn = defineFunction({
    name,
    admission: { type: "validating", rules: [{ operations, resource: "configmaps" }], objectSelector: { matchLabels: { gated: name } } },
    async handler() {
      state.waiting++;
      await open;
      state.waiting--;
      return { allowed: true };
    },
  });
  return { fn, state, close };
}

const updates = gated("slow-updates", ["UPDATE"]);
const deletes = gated("slow-deletes", ["DELETE"]);
const refuseDeletes = defineFunction({
  name: "no-deletes",
  admission: { type: "validating", rules: [{ operations: ["DELETE"], resource: "configmaps" }], objectSelector: { matchLabels: { forever: "true" } } },
  handler: () => ({ allowed: false, message: "these ConfigMaps are forever" }),
});

/** The names and oldObject names of the DELETE reviews of ConfigMaps labelled `seen`. */
const deleteReviews: { name: string | undefined; oldName: string | undefined }[] = [];
const recordDeletes = defineFunction({
  name: "record-deletes",
  admission: { type: "validating", rules: [{ operations: ["DELETE"], resource: "configmaps" }], objectSelector: { matchLabels: { seen: "true" } } },
  handler: ({ trigger }) => {
    deleteReviews.push({ name: trigger.request.name, oldName: trigger.request.oldObject?.metadata?.name });
    return { allowed: true };
  },
});

describe("writes racing webhooks on the emulated cluster", () => {
  let h: Harness;
  const apps = () => h.admin.with({ namespace: "apps" });
  before(async () => {
    h = await startHarness();
    await h.admin.namespaces.create({ metadata: { name: "apps" } });
    for (const fn of [updates.fn, deletes.fn, refuseDeletes, recordDeletes]) await (await h.deploy(fn)).registerWebhook();
  });
  after(() => h.stop());

  test("an update whose object is deleted while its webhook answers is a 404, and the object stays gone", async () => {
    const cm = await apps().configMaps.create({ metadata: { name: "u", labels: { gated: "slow-updates" } }, data: { v: "1" } });
    updates.close();
    const update = apps().configMaps.replace({ ...cm, data: { v: "2" } });
    await until(() => updates.state.waiting === 1, "the update's webhook call");
    await apps().configMaps.delete("u");
    updates.state.release();
    await assert.rejects(update, KubeNotFoundError);
    await assert.rejects(apps().configMaps.get("u"), KubeNotFoundError);
  });

  test("a delete honours a finalizer added while its webhook answered; a second one of an object gone is a 404", async () => {
    await apps().configMaps.create({ metadata: { name: "d", labels: { gated: "slow-deletes" } } });
    deletes.close();
    const first = apps().configMaps.delete("d");
    await until(() => deletes.state.waiting === 1, "the delete's webhook call");
    await apps().configMaps.patch("d", { metadata: { finalizers: ["example.com/keep"] } });
    deletes.state.release();
    await first;
    const kept = await apps().configMaps.get("d");
    assert.ok(kept.metadata?.deletionTimestamp, "terminating, held by its finalizer");
    await apps().configMaps.patch("d", { metadata: { finalizers: null } } as never);
    await until(async () => (await apps().configMaps.get("d").then(() => false, (e: unknown) => e instanceof KubeNotFoundError)), "the finalized object to go");
    await apps().configMaps.create({ metadata: { name: "twice", labels: { gated: "slow-deletes" } } });
    deletes.close();
    const one = apps().configMaps.delete("twice");
    const two = apps().configMaps.delete("twice");
    await until(() => deletes.state.waiting === 2, "both deletes' webhook calls");
    deletes.state.release();
    const outcomes = await Promise.allSettled([one, two]);
    assert.deepEqual(outcomes.map((o) => o.status).sort(), ["fulfilled", "rejected"]);
    assert.ok(outcomes.some((o) => o.status === "rejected" && o.reason instanceof KubeNotFoundError));
  });

  test("a deletecollection reviews each item's DELETE: a refused one ends it, and is kept", async () => {
    await apps().configMaps.create({ metadata: { name: "kept", labels: { forever: "true", set: "c" } } });
    await assert.rejects(apps().configMaps.deleteCollection({ labelSelector: "set=c" }), (error: unknown) => error instanceof KubeApiError && /denied the request: these ConfigMaps are forever/.test(error.message));
    assert.equal((await apps().configMaps.get("kept")).metadata?.name, "kept");
  });

  test("a deletecollection's items are reviewed with no name (the collection's), each its own oldObject; a single delete names its object", async () => {
    for (const name of ["s1", "s2", "s3"]) await apps().configMaps.create({ metadata: { name, labels: { seen: "true", set: name === "s3" ? "single" : "many" } } });
    await apps().configMaps.deleteCollection({ labelSelector: "set=many" });
    await apps().configMaps.delete("s3");
    assert.deepEqual(deleteReviews, [
      { name: undefined, oldName: "s1" },
      { name: undefined, oldName: "s2" },
      { name: "s3", oldName: "s3" },
    ]);
  });
});
