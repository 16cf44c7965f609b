/**
 * The emulated cluster's tokens controller's writes go through the admission webhooks, as a
 * real one's requests do, as kube-controller-manager itself (`system:kube-controller-manager`:
 * it runs with the controller manager's own credentials): its UPDATE filling a
 * `kubernetes.io/service-account-token` Secret's `token`, `ca.crt` and `namespace`, its
 * DELETE (with the Secret's uid as precondition) of the tokens of a ServiceAccount removed, and
 * its UPDATE of a ServiceAccount dropping a deleted token Secret from `secrets`. A refusal
 * leaves the Secret as it was; the controller tries again and finishes once allowed (the
 * ServiceAccount's update is not tried again: only a Conflict is, as RetryOnConflict).
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
    name: "tokens",
    message: "not now",
    rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["UPDATE", "DELETE"], resources: ["secrets", "serviceaccounts"] }],
    objectSelector: { matchLabels: { hold: "true" } },
    refuses: (r) => r.userInfo.username === "system:kube-controller-manager",
  });
  await h.admin.namespaces.create({ metadata: { name: "legacy" } });
});
after(async () => {
  hook?.close();
  await h?.stop();
});

const ns = () => h.admin.with({ namespace: "legacy" });
const reviewOf = (name: string, operation: string) => hook.seen.find((r) => r.namespace === "legacy" && r.name === name && r.operation === operation);
const tokenSecret = (name: string, account: string) => ({ type: "kubernetes.io/service-account-token", metadata: { name, labels: { hold: "true" }, annotations: { "kubernetes.io/service-account.name": account } } });

test("filling a token Secret is kube-controller-manager's reviewed UPDATE; refused, the Secret stays unfilled until allowed", async () => {
  hook.refusing = true;
  const sa = await ns().serviceAccounts.create({ metadata: { name: "robot" } });
  await ns().secrets.create(tokenSecret("robot-token", "robot") as Obj);
  await until(() => Boolean(reviewOf("robot-token", "UPDATE")), "the controller's update to be reviewed");
  const r = reviewOf("robot-token", "UPDATE")!;
  assert.deepEqual(r.userInfo, { username: "system:kube-controller-manager", groups: ["system:authenticated"] });
  assert.deepEqual(r.options, { kind: "UpdateOptions", apiVersion: "meta.k8s.io/v1" });
  assert.equal(r.oldObject.data, undefined);
  assert.deepEqual(Object.keys(r.object.data).sort(), ["ca.crt", "namespace", "token"]);
  assert.equal(r.object.metadata.annotations["kubernetes.io/service-account.uid"], sa.metadata?.uid);
  assert.equal((await ns().secrets.get("robot-token")).data, undefined, "refused: not filled");
  hook.refusing = false;
  await until(async () => Boolean((await ns().secrets.get("robot-token")).data?.token), "the Secret to be filled once allowed");
  const filled = await ns().secrets.get("robot-token");
  assert.ok(filled.metadata?.managedFields?.some((e) => e.manager === "kube-controller-manager" && e.operation === "Update"), JSON.stringify(filled.metadata?.managedFields));
});

test("deleting the tokens of a ServiceAccount removed is kube-controller-manager's reviewed DELETE with a uid precondition; refused, the Secret stays until allowed", async () => {
  hook.refusing = false;
  await ns().serviceAccounts.create({ metadata: { name: "leaving" } });
  const secret = await ns().secrets.create(tokenSecret("leaving-token", "leaving") as Obj);
  await until(async () => Boolean((await ns().secrets.get("leaving-token")).data?.token), "the Secret to be filled");
  hook.refusing = true;
  await ns().serviceAccounts.delete("leaving");
  await until(() => Boolean(reviewOf("leaving-token", "DELETE")), "the controller's delete to be reviewed");
  const r = reviewOf("leaving-token", "DELETE")!;
  assert.equal(r.userInfo.username, "system:kube-controller-manager");
  assert.deepEqual(r.options, { kind: "DeleteOptions", apiVersion: "meta.k8s.io/v1", preconditions: { uid: secret.metadata?.uid } });
  assert.equal((await ns().secrets.get("leaving-token")).metadata?.uid, secret.metadata?.uid, "refused: the Secret stays");
  hook.refusing = false;
  await until(() => ns().secrets.get("leaving-token").then(() => false, (e: unknown) => e instanceof KubeNotFoundError), "the Secret to go once allowed");
});

test("dropping a deleted token Secret from its ServiceAccount's secrets is kube-controller-manager's reviewed UPDATE; refused, the list stays", async () => {
  hook.refusing = false;
  const sa = await ns().serviceAccounts.create({ metadata: { name: "holder", labels: { hold: "true" } }, secrets: [{ name: "held-token" }, { name: "freed-token" }, { name: "other" }] });
  for (const name of ["held-token", "freed-token"]) {
    await ns().secrets.create(tokenSecret(name, "holder") as Obj);
    await until(async () => Boolean((await ns().secrets.get(name)).data?.token), "the Secret to be filled");
  }
  const saReviews = () => hook.seen.filter((r) => r.namespace === "legacy" && r.name === "holder" && r.operation === "UPDATE");
  hook.refusing = true;
  await ns().secrets.delete("held-token");
  await until(() => saReviews().length === 1, "the controller's update of the ServiceAccount to be reviewed");
  const r = saReviews()[0]!;
  assert.deepEqual(r.resource, { group: "", version: "v1", resource: "serviceaccounts" });
  assert.deepEqual(r.userInfo, { username: "system:kube-controller-manager", groups: ["system:authenticated"] });
  assert.deepEqual(r.options, { kind: "UpdateOptions", apiVersion: "meta.k8s.io/v1" });
  assert.deepEqual(r.oldObject.secrets, [{ name: "held-token" }, { name: "freed-token" }, { name: "other" }]);
  assert.deepEqual(r.object.secrets, [{ name: "freed-token" }, { name: "other" }]);
  assert.equal((await ns().serviceAccounts.get("holder")).secrets?.length, 3, "refused: the list stays");
  hook.refusing = false;
  await ns().secrets.delete("freed-token");
  await until(async () => (await ns().serviceAccounts.get("holder")).secrets?.length === 2, "the allowed update to be written");
  const updated = await ns().serviceAccounts.get("holder");
  assert.equal(updated.metadata?.uid, sa.metadata?.uid);
  assert.deepEqual(updated.secrets, [{ name: "held-token" }, { name: "other" }], "the refused removal was not made again");
});
