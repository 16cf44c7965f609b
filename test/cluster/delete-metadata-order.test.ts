/**
 * A DELETE that leaves its object in place, or answers it as deleted, writes the metadata keys
 * in the order of Go's `metav1.ObjectMeta` (`deletionTimestamp` and `deletionGracePeriodSeconds`
 * after `creationTimestamp`, `finalizers` before `managedFields`), as a real 1.32 server's
 * encoder does (fixtures delete-pod.json, delete-job-background.json): a finalizer-held delete,
 * one that adds the collector's finalizer, a dry run, a pod's delete, a Namespace's first delete,
 * and the stored object read back.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, pod, type TestCluster } from "./helpers.js";

const ORDER = [
  "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
  "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
];
const CM = "/api/v1/namespaces/order/configmaps";

function assertOrdered(metadata: Record<string, unknown>, what: string): void {
  const keys = Object.keys(metadata);
  assert.ok(keys.includes("deletionTimestamp"), `${what}: being deleted`);
  assert.deepEqual(keys, ORDER.filter((k) => keys.includes(k)), `${what}: metadata key order`);
}

describe("a DELETE answer's metadata key order", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("order");
  });
  after(() => t.close());

  test("a finalizer-held delete, its dry run and the object read back", async () => {
    const created = await t.send("POST", CM, { body: { metadata: { name: "held", labels: { a: "b" }, annotations: { c: "d" }, finalizers: ["example.com/hold"] } } });
    assert.equal(created.status, 201);
    const dry = await t.send("DELETE", `${CM}/held?dryRun=All`);
    assertOrdered(dry.body.metadata, "dry run");
    const answer = await t.send("DELETE", `${CM}/held`);
    assert.equal(answer.status, 200);
    assertOrdered(answer.body.metadata, "delete");
    assertOrdered((await t.send("GET", `${CM}/held`)).body.metadata, "read back");
    const orphaning = await t.send("DELETE", `${CM}/held`, { body: { propagationPolicy: "Orphan" } });
    assertOrdered(orphaning.body.metadata, "a repeated delete adding orphan");
    await t.send("PATCH", `${CM}/held`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
  });

  test("a delete that adds the collector's finalizer (Orphan, Foreground)", async () => {
    await t.send("POST", CM, { body: { metadata: { name: "plain", labels: { a: "b" } } } });
    const dry = await t.send("DELETE", `${CM}/plain?dryRun=All&propagationPolicy=Foreground`);
    assert.deepEqual(dry.body.metadata.finalizers, ["foregroundDeletion"]);
    assertOrdered(dry.body.metadata, "dry run foreground");
    const orphan = await t.send("DELETE", `${CM}/plain`, { body: { propagationPolicy: "Orphan" } });
    assert.deepEqual(orphan.body.metadata.finalizers, ["orphan"]);
    assertOrdered(orphan.body.metadata, "orphan");
  });

  test("a pod's delete answers the pod with its deletion marks in place", async () => {
    assert.equal((await t.send("POST", "/api/v1/namespaces/order/pods", { body: pod("web-0", { app: "web" }) })).status, 201);
    const answer = await t.send("DELETE", "/api/v1/namespaces/order/pods/web-0");
    assert.equal(answer.status, 200);
    assertOrdered(answer.body.metadata, "pod");
  });

  test("a Namespace's first delete", async () => {
    await t.send("POST", "/api/v1/namespaces", { body: { metadata: { name: "going", labels: { a: "b" }, finalizers: ["example.com/hold"] } } });
    const dry = await t.send("DELETE", "/api/v1/namespaces/going?dryRun=All&propagationPolicy=Orphan");
    assertOrdered(dry.body.metadata, "namespace dry run");
    const answer = await t.send("DELETE", "/api/v1/namespaces/going");
    assertOrdered(answer.body.metadata, "namespace");
    await t.send("PATCH", "/api/v1/namespaces/going", { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
  });
});
