/**
 * The emulated cluster's garbage collector's PATCHes go through the admission webhooks (as
 * UPDATEs), as a real collector's requests do, as
 * `system:serviceaccount:kube-system:generic-garbage-collector`: orphaning a dependent (its
 * ownerReference to the owner removed), making a dependent's blocking references non-blocking
 * before deleting it in the foreground (a cycle), and removing the owner's `orphan` or
 * `foregroundDeletion` finalizer. A refusal leaves the object as it was; the collector tries
 * again later, and finishes once the webhook allows it.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { KubeNotFoundError } from "../../runtime/kube/errors.js";
import { startHarness, until, type Harness } from "../../runtime/testing/index.js";
import { registerSwitchedWebhook, type SwitchedWebhook } from "./hook-server.js";

type Obj = Record<string, any>;
let h: Harness;
let hook: SwitchedWebhook;

before(async () => {
  h = await startHarness();
  hook = await registerSwitchedWebhook(h, {
    name: "hold",
    message: "hold on",
    rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["UPDATE"], resources: ["configmaps"] }],
    objectSelector: { matchLabels: { hold: "true" } },
  });
  await h.admin.namespaces.create({ metadata: { name: "gc" } });
});
after(async () => {
  hook?.close();
  await h?.stop();
});

const cms = () => h.admin.with({ namespace: "gc" }).configMaps;
const gone = (name: string) => async () => cms().get(name).then(() => false, (e: unknown) => e instanceof KubeNotFoundError);
const reviewOf = (name: string) => hook.seen.find((r) => r.namespace === "gc" && r.name === name);
const ownedBy = (owner: Obj, blockOwnerDeletion?: boolean) => [{ apiVersion: "v1", kind: "ConfigMap", name: owner.metadata.name as string, uid: owner.metadata.uid as string, ...(blockOwnerDeletion ? { blockOwnerDeletion } : {}) }];

test("orphaning a dependent is the collector's reviewed UPDATE; refused, the dependent keeps its reference and the owner its finalizer", async () => {
  hook.refusing = true;
  hook.seen.length = 0;
  const owner = await cms().create({ metadata: { name: "parent" } });
  await cms().create({ metadata: { name: "child", labels: { hold: "true" }, ownerReferences: ownedBy(owner) } });
  await h.admin.request({ method: "DELETE", path: "/api/v1/namespaces/gc/configmaps/parent", body: { propagationPolicy: "Orphan" } });
  await until(() => Boolean(reviewOf("child")), "the collector's patch to be reviewed");
  const r = reviewOf("child")!;
  assert.equal(r.operation, "UPDATE");
  assert.equal(r.userInfo.username, "system:serviceaccount:kube-system:generic-garbage-collector");
  assert.deepEqual(r.options, { kind: "UpdateOptions", apiVersion: "meta.k8s.io/v1" });
  assert.equal(r.oldObject.metadata.ownerReferences.length, 1);
  assert.equal(r.object.metadata.ownerReferences, undefined);
  assert.equal((await cms().get("child")).metadata?.ownerReferences?.length, 1);
  const parent = await cms().get("parent");
  assert.deepEqual(parent.metadata?.finalizers, ["orphan"]);
  hook.refusing = false;
  await until(gone("parent"), "the owner to go once its dependent is orphaned");
  assert.equal((await cms().get("child")).metadata?.ownerReferences, undefined);
});

test("removing the owner's orphan finalizer is the collector's reviewed UPDATE; refused, the owner stays until allowed", async () => {
  hook.refusing = true;
  hook.seen.length = 0;
  await cms().create({ metadata: { name: "lonely", labels: { hold: "true" } } });
  await h.admin.request({ method: "DELETE", path: "/api/v1/namespaces/gc/configmaps/lonely", body: { propagationPolicy: "Orphan" } });
  await until(() => Boolean(reviewOf("lonely")), "the finalizer removal to be reviewed");
  const r = reviewOf("lonely")!;
  assert.equal(r.userInfo.username, "system:serviceaccount:kube-system:generic-garbage-collector");
  assert.deepEqual(r.oldObject.metadata.finalizers, ["orphan"]);
  assert.equal(r.object.metadata.finalizers, undefined);
  assert.deepEqual((await cms().get("lonely")).metadata?.finalizers, ["orphan"]);
  hook.refusing = false;
  await until(gone("lonely"), "the owner to go once allowed");
});

test("removing the owner's foregroundDeletion finalizer is the collector's reviewed UPDATE; refused, the owner stays until allowed", async () => {
  hook.refusing = true;
  hook.seen.length = 0;
  const owner = await cms().create({ metadata: { name: "front", labels: { hold: "true" } } });
  await cms().create({ metadata: { name: "behind", ownerReferences: ownedBy(owner, true) } });
  await h.admin.request({ method: "DELETE", path: "/api/v1/namespaces/gc/configmaps/front", body: { propagationPolicy: "Foreground" } });
  await until(gone("behind"), "the dependent to be deleted");
  await until(() => Boolean(reviewOf("front")), "the finalizer removal to be reviewed");
  assert.deepEqual(reviewOf("front")!.oldObject.metadata.finalizers, ["foregroundDeletion"]);
  assert.deepEqual((await cms().get("front")).metadata?.finalizers, ["foregroundDeletion"]);
  hook.refusing = false;
  await until(gone("front"), "the owner to go once allowed");
});

test("making a dependent's blocking references non-blocking (a foreground cycle) is the collector's reviewed UPDATE; refused, it is not deleted until allowed", async () => {
  hook.refusing = true;
  hook.seen.length = 0;
  const a = await cms().create({ metadata: { name: "cycle-a" } });
  const b = await cms().create({ metadata: { name: "cycle-b", labels: { hold: "true" }, ownerReferences: ownedBy(a, true) } });
  await cms().patch("cycle-a", { metadata: { ownerReferences: ownedBy(b, true) } }, { type: "merge" });
  await h.admin.request({ method: "DELETE", path: "/api/v1/namespaces/gc/configmaps/cycle-a", body: { propagationPolicy: "Foreground" } });
  await until(() => Boolean(reviewOf("cycle-b")), "the unblocking patch to be reviewed");
  const r = reviewOf("cycle-b")!;
  assert.equal(r.operation, "UPDATE");
  assert.equal(r.userInfo.username, "system:serviceaccount:kube-system:generic-garbage-collector");
  assert.equal(r.oldObject.metadata.ownerReferences[0].blockOwnerDeletion, true);
  assert.equal(r.object.metadata.ownerReferences[0].blockOwnerDeletion, false);
  const held = await cms().get("cycle-b");
  assert.equal(held.metadata?.ownerReferences?.[0]?.blockOwnerDeletion, true, "refused: the reference still blocks");
  assert.equal(held.metadata?.deletionTimestamp, undefined, "refused: not deleted either");
  assert.deepEqual((await cms().get("cycle-a")).metadata?.finalizers, ["foregroundDeletion"]);
  hook.refusing = false;
  await until(gone("cycle-b"), "the dependent to go once allowed");
  await until(gone("cycle-a"), "the owner to go with it");
});
