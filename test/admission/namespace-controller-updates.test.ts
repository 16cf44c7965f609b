/**
 * The emulated cluster's namespace controller's status update and finalize go through the
 * admission webhooks, as a real controller's requests do, as
 * `system:serviceaccount:kube-system:namespace-controller`: UPDATEs of `namespaces/status`
 * (its conditions) and `namespaces/finalize` (`kubernetes` leaving `spec.finalizers`). A
 * refused status update is dropped (the controller logs it and goes on); a refused finalize
 * keeps the namespace Terminating, and the controller tries again until it is allowed.
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
    name: "stay",
    message: "stay",
    rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["UPDATE"], resources: ["namespaces/status", "namespaces/finalize"] }],
    namespaceSelector: { matchLabels: { stay: "true" } },
  });
});
after(async () => {
  hook?.close();
  await h?.stop();
});

const reviews = (namespace: string, sub: string) => hook.seen.filter((r) => r.name === namespace && r.subResource === sub);

test("the namespace controller's status update and finalize are reviewed as its own; a refused finalize keeps the namespace until allowed", async () => {
  await h.admin.namespaces.create({ metadata: { name: "sticky", labels: { stay: "true" } } });
  await h.admin.namespaces.delete("sticky");
  await until(() => reviews("sticky", "finalize").length > 0 && reviews("sticky", "status").length > 0, "the status update and the finalize to be reviewed");
  const status = reviews("sticky", "status")[0]!;
  assert.equal(status.operation, "UPDATE");
  assert.equal(status.userInfo.username, "system:serviceaccount:kube-system:namespace-controller");
  assert.deepEqual(status.options, { kind: "UpdateOptions", apiVersion: "meta.k8s.io/v1" });
  assert.ok(status.object.status.conditions.some((c: Obj) => c.type === "NamespaceContentRemaining"), JSON.stringify(status.object.status));
  const finalize = reviews("sticky", "finalize")[0]!;
  assert.deepEqual(finalize.oldObject.spec.finalizers, ["kubernetes"]);
  assert.equal(finalize.object.spec.finalizers, undefined);
  const ns = await h.admin.namespaces.get("sticky");
  assert.equal(ns.status?.phase, "Terminating");
  assert.deepEqual(ns.spec?.finalizers, ["kubernetes"]);
  assert.equal(ns.status?.conditions, undefined, "the refused status update wrote nothing");
  hook.refusing = false;
  await until(() => h.admin.namespaces.get("sticky").then(() => false, (e: unknown) => e instanceof KubeNotFoundError), "the namespace to go once its finalize is allowed");
});
