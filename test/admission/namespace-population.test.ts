/**
 * What the emulated cluster's controllers add to a new namespace goes through the admission
 * webhooks, as a real cluster's controllers' creates do: the root CA publisher's
 * `kube-root-ca.crt` ConfigMap as `system:serviceaccount:kube-system:root-ca-cert-publisher`,
 * the ServiceAccount controller's `default` as
 * `system:serviceaccount:kube-system:service-account-controller`, and so are their repairs: a
 * deleted `default` or `kube-root-ca.crt` created again, an edited `kube-root-ca.crt` updated
 * back. A refusal leaves the object missing (or as edited); the controller tries again
 * (rate-limited) and writes it once allowed.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { KubeNotFoundError } from "../../runtime/kube/errors.js";
import { startHarness, until, type Harness } from "../../runtime/testing/index.js";
import { registerSwitchedWebhook, type SwitchedWebhook } from "./hook-server.js";

let h: Harness;
let hook: SwitchedWebhook;

before(async () => {
  h = await startHarness();
  hook = await registerSwitchedWebhook(h, {
    name: "watch",
    message: "not yet",
    rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["configmaps", "serviceaccounts"] }],
    namespaceSelector: { matchLabels: { watched: "true" } },
    // Only the controllers' writes are refused: a test's own edits go through.
    refuses: (r) => String(r.userInfo.username).startsWith("system:serviceaccount:kube-system:"),
  });
});
after(async () => {
  hook?.close();
  await h?.stop();
});

const missing = (get: () => Promise<unknown>) => get().then(() => false, (e: unknown) => e instanceof KubeNotFoundError);

test("a new namespace's kube-root-ca.crt and default ServiceAccount are reviewed as their controllers' creates; refused, they are created once allowed", async () => {
  await h.admin.namespaces.create({ metadata: { name: "watched", labels: { watched: "true" } } });
  const ns = h.admin.with({ namespace: "watched" });
  const reviewOf = (resource: string) => hook.seen.find((r) => r.namespace === "watched" && r.resource.resource === resource);
  await until(() => Boolean(reviewOf("configmaps") && reviewOf("serviceaccounts")), "both creates to be reviewed");
  const cm = reviewOf("configmaps")!;
  assert.equal(cm.operation, "CREATE");
  assert.equal(cm.name, "kube-root-ca.crt");
  assert.deepEqual(cm.userInfo, { username: "system:serviceaccount:kube-system:root-ca-cert-publisher", groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"] });
  assert.deepEqual(cm.options, { kind: "CreateOptions", apiVersion: "meta.k8s.io/v1" });
  assert.equal(typeof cm.object.data["ca.crt"], "string");
  const sa = reviewOf("serviceaccounts")!;
  assert.equal(sa.name, "default");
  assert.equal(sa.userInfo.username, "system:serviceaccount:kube-system:service-account-controller");
  assert.ok(await missing(() => ns.configMaps.get("kube-root-ca.crt")), "refused: no kube-root-ca.crt");
  assert.ok(await missing(() => ns.serviceAccounts.get("default")), "refused: no default ServiceAccount");
  hook.refusing = false;
  await until(async () => !(await missing(() => ns.configMaps.get("kube-root-ca.crt"))), "kube-root-ca.crt once allowed");
  await until(async () => !(await missing(() => ns.serviceAccounts.get("default"))), "the default ServiceAccount once allowed");
  const created = await ns.configMaps.get("kube-root-ca.crt");
  assert.equal(created.metadata?.managedFields?.[0]?.manager, "kube-controller-manager");
});

test("a namespace no webhook concerns gets kube-root-ca.crt and default by the time it is created", async () => {
  await h.admin.namespaces.create({ metadata: { name: "plain" } });
  const ns = h.admin.with({ namespace: "plain" });
  assert.equal((await ns.configMaps.get("kube-root-ca.crt")).metadata?.name, "kube-root-ca.crt");
  assert.equal((await ns.serviceAccounts.get("default")).metadata?.name, "default");
});

test("a deleted default ServiceAccount and an edited kube-root-ca.crt are repaired by the controllers' reviewed writes; refused, once allowed", async () => {
  hook.refusing = false;
  await h.admin.namespaces.create({ metadata: { name: "mended", labels: { watched: "true" } } });
  const ns = h.admin.with({ namespace: "mended" });
  await until(async () => !(await missing(() => ns.serviceAccounts.get("default"))) && !(await missing(() => ns.configMaps.get("kube-root-ca.crt"))), "the namespace's objects");
  hook.refusing = true;
  hook.seen.length = 0;
  await ns.serviceAccounts.delete("default");
  const cm = await ns.configMaps.get("kube-root-ca.crt");
  const ca = cm.data!["ca.crt"];
  await ns.configMaps.replace({ ...cm, data: { "ca.crt": "edited" } });
  const reviewOf = (resource: string, operation: string) => hook.seen.find((r) => r.namespace === "mended" && r.resource.resource === resource && r.operation === operation && r.userInfo.username.includes(":kube-system:"));
  await until(() => Boolean(reviewOf("serviceaccounts", "CREATE") && reviewOf("configmaps", "UPDATE")), "both repairs to be reviewed");
  const sa = reviewOf("serviceaccounts", "CREATE")!;
  assert.equal(sa.userInfo.username, "system:serviceaccount:kube-system:service-account-controller");
  const update = reviewOf("configmaps", "UPDATE")!;
  assert.equal(update.userInfo.username, "system:serviceaccount:kube-system:root-ca-cert-publisher");
  assert.deepEqual(update.options, { kind: "UpdateOptions", apiVersion: "meta.k8s.io/v1" });
  assert.deepEqual(update.oldObject.data, { "ca.crt": "edited" });
  assert.deepEqual(update.object.data, { "ca.crt": ca });
  assert.ok(await missing(() => ns.serviceAccounts.get("default")), "refused: no default ServiceAccount");
  assert.deepEqual((await ns.configMaps.get("kube-root-ca.crt")).data, { "ca.crt": "edited" }, "refused: still as edited");
  hook.refusing = false;
  await until(async () => !(await missing(() => ns.serviceAccounts.get("default"))), "the default ServiceAccount once allowed");
  await until(async () => (await ns.configMaps.get("kube-root-ca.crt")).data?.["ca.crt"] === ca, "kube-root-ca.crt restored once allowed");
});
