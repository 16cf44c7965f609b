/**
 * What the emulated cluster's controllers add to a new namespace goes through the admission
 * webhooks, as a real cluster's controllers' creates do: the root CA publisher's
 * `kube-root-ca.crt` ConfigMap as `system:serviceaccount:kube-system:root-ca-cert-publisher`,
 * the ServiceAccount controller's `default` as
 * `system:serviceaccount:kube-system:service-account-controller`. A refusal leaves the object
 * missing; the controller tries again (rate-limited) and creates it once allowed.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { KubeNotFoundError } from "../../runtime/kube/errors.js";
import { startHarness, until, type Harness } from "../../runtime/testing/index.js";
import { startHookServer, type HookServer } from "./hook-server.js";

type Obj = Record<string, any>;
let h: Harness;
let hook: HookServer;
/** Whether the webhook refuses; the reviews it got. */
let refusing = true;
const seen: Obj[] = [];

before(async () => {
  h = await startHarness();
  hook = await startHookServer(h, (review) => {
    const r = review.request;
    seen.push(r);
    return refusing ? { uid: r.uid, allowed: false, status: { message: "not yet" } } : { uid: r.uid, allowed: true };
  });
  const webhooks = [{
    name: "watch.example.com",
    clientConfig: { service: { name: "hook", namespace: "hooks", path: "/" }, caBundle: Buffer.from(hook.ca).toString("base64") },
    rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["configmaps", "serviceaccounts"] }],
    namespaceSelector: { matchLabels: { watched: "true" } },
    admissionReviewVersions: ["v1"],
    sideEffects: "None",
  }];
  await h.admin.request({ method: "POST", path: "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", body: { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", metadata: { name: "watch" }, webhooks } });
});
after(async () => {
  hook?.close();
  await h?.stop();
});

const missing = (get: () => Promise<unknown>) => get().then(() => false, (e: unknown) => e instanceof KubeNotFoundError);

test("a new namespace's kube-root-ca.crt and default ServiceAccount are reviewed as their controllers' creates; refused, they are created once allowed", async () => {
  await h.admin.namespaces.create({ metadata: { name: "watched", labels: { watched: "true" } } });
  const ns = h.admin.with({ namespace: "watched" });
  const reviewOf = (resource: string) => seen.find((r) => r.namespace === "watched" && r.resource.resource === resource);
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
  refusing = false;
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
