/**
 * The emulated cluster's own controllers' DELETEs go through the admission webhooks, as a real
 * cluster's do (their clients' requests): the garbage collector's as
 * `system:serviceaccount:kube-system:generic-garbage-collector`, the namespace controller's as
 * `system:serviceaccount:kube-system:namespace-controller`. A refusal keeps the object: the
 * collector tries again later, and the namespace stays Terminating with the
 * `NamespaceDeletionContentFailure` condition 1.32 writes, until the webhook allows it.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { KubeNotFoundError } from "../../runtime/kube/errors.js";
import { startHarness, until, type Harness } from "../../runtime/testing/index.js";
import { registerSwitchedWebhook, type SwitchedWebhook } from "./hook-server.js";

type Obj = Record<string, any>;
let h: Harness;
let hook: SwitchedWebhook;
/** The reviews the webhook got, as `<user> <namespace>/<name> <oldObject's name> <propagationPolicy>` (`-` for no name). */
const seen = () => hook.seen.map((r) => `${r.userInfo.username} ${r.namespace}/${r.name ?? "-"} ${r.oldObject?.metadata?.name} ${r.options?.propagationPolicy ?? ""}`);

before(async () => {
  h = await startHarness();
  hook = await registerSwitchedWebhook(h, {
    name: "keep",
    message: "kept",
    rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["DELETE"], resources: ["configmaps"] }],
    objectSelector: { matchLabels: { keep: "true" } },
  });
});
after(async () => {
  hook?.close();
  await h?.stop();
});

const gone = (get: () => Promise<unknown>) => async () => get().then(() => false, (e: unknown) => e instanceof KubeNotFoundError);

test("the garbage collector's delete of a dependent is reviewed as its own; refused, the dependent stays until allowed", async () => {
  hook.refusing = true;
  await h.admin.namespaces.create({ metadata: { name: "gc" } });
  const cms = h.admin.with({ namespace: "gc" }).configMaps;
  const owner = await cms.create({ metadata: { name: "owner" } });
  await cms.create({ metadata: { name: "dependent", labels: { keep: "true" }, ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata!.uid! }] } });
  await cms.delete("owner");
  await until(() => seen().some((s) => s.startsWith("system:serviceaccount:kube-system:generic-garbage-collector gc/dependent dependent Background")), "the collector's delete to be reviewed");
  assert.equal((await cms.get("dependent")).metadata?.deletionTimestamp, undefined);
  hook.refusing = false;
  await until(gone(() => cms.get("dependent")), "the dependent to be collected once allowed");
});

test("the namespace controller's deletes are reviewed as its own; refused, the namespace stays Terminating with the content failure", async () => {
  hook.refusing = true;
  hook.seen.length = 0;
  await h.admin.namespaces.create({ metadata: { name: "doomed" } });
  await h.admin.with({ namespace: "doomed" }).configMaps.create({ metadata: { name: "precious", labels: { keep: "true" } } });
  await h.admin.namespaces.delete("doomed");
  await until(async () => ((await h.admin.namespaces.get("doomed")).status?.conditions ?? []).some((c) => c.type === "NamespaceDeletionContentFailure" && c.status === "True"), "the content failure condition");
  const ns = await h.admin.namespaces.get("doomed");
  assert.equal(ns.status?.phase, "Terminating");
  const failure = ns.status!.conditions!.find((c) => c.type === "NamespaceDeletionContentFailure") as Obj;
  assert.equal(failure.reason, "ContentDeletionFailed");
  assert.equal(failure.message, 'Failed to delete all resource types, 1 remaining: admission webhook "keep.example.com" denied the request: kept');
  // ConfigMaps have deletecollection: the controller deletes their collection, whose items are reviewed with no name.
  assert.ok(seen().includes("system:serviceaccount:kube-system:namespace-controller doomed/- precious Background"), seen().join("; "));
  assert.equal((await h.admin.with({ namespace: "doomed" }).configMaps.get("precious")).metadata?.name, "precious");
  hook.refusing = false;
  await until(gone(() => h.admin.namespaces.get("doomed")), "the namespace to go once its content may");
});
