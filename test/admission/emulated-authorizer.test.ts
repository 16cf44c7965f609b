/**
 * `authorizer` in a webhook's matchConditions, through the emulated cluster: as a 1.32 API
 * server, each check is decided by its RBAC authorizer for the user who made the request (real
 * ServiceAccounts here, with Roles and RoleBindings), `serviceAccount(ns, name)` checks as that
 * account (its two groups alone), `requestResource` is the request's own resource, `reason()`
 * is what a SubjectAccessReview answers, and the library's errors are evaluation errors
 * failurePolicy judges.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { clientFor, startHarness, type Harness } from "../../runtime/testing/index.js";
import type { KubeClient } from "../../runtime/kube/api.js";
import { KubeApiError } from "../../runtime/kube/errors.js";
import { startHookServer, type HookServer } from "./hook-server.js";

type Obj = Record<string, any>;
let h: Harness;
let hook: HookServer;
/** Clients of the ServiceAccounts `apps/deleter` (may delete pods) and `apps/plain` (may only write configmaps). */
let deleter: KubeClient;
let plain: KubeClient;
/** The names of the configmaps whose review reached the webhook. */
const called: string[] = [];

const V = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations";

before(async () => {
  h = await startHarness();
  hook = await startHookServer(h, (review) => (called.push(review.request.name), { uid: review.request.uid, allowed: false, status: { message: "called" } }));
  const apps = h.admin.with({ namespace: "apps" });
  await h.admin.namespaces.create({ metadata: { name: "apps" } });
  const role = (name: string, rules: Obj[]) => apps.request({ method: "POST", path: "/apis/rbac.authorization.k8s.io/v1/namespaces/apps/roles", body: { metadata: { name }, rules } });
  const bind = (name: string, roleName: string, account: string) =>
    apps.request({ method: "POST", path: "/apis/rbac.authorization.k8s.io/v1/namespaces/apps/rolebindings", body: { metadata: { name }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: roleName }, subjects: [{ kind: "ServiceAccount", name: account, namespace: "apps" }] } });
  await role("configmap-writer", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["create"] }]);
  await role("pod-deleter", [{ apiGroups: [""], resources: ["pods"], verbs: ["delete", "list"] }, { apiGroups: [""], resources: ["configmaps"], verbs: ["delete"] }]);
  await bind("writers-deleter", "configmap-writer", "deleter");
  await bind("writers-plain", "configmap-writer", "plain");
  await bind("deleter", "pod-deleter", "deleter");
  await h.admin.request({ method: "POST", path: "/apis/rbac.authorization.k8s.io/v1/clusterroles", body: { metadata: { name: "metrics-reader" }, rules: [{ nonResourceURLs: ["/metrics"], verbs: ["get"] }] } });
  await h.admin.request({ method: "POST", path: "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", body: { metadata: { name: "metrics-deleter" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "metrics-reader" }, subjects: [{ kind: "ServiceAccount", name: "deleter", namespace: "apps" }] } });
  const client = async (name: string) => {
    const account = await h.cluster.serviceAccount("apps", name);
    return clientFor({ server: h.cluster.url, caPem: h.cluster.caPem, token: account.token, namespace: "apps" });
  };
  [deleter, plain] = await Promise.all([client("deleter"), client("plain")]);
});
after(async () => {
  hook?.close();
  await Promise.all([deleter?.close(), plain?.close()]);
  await h?.stop();
});

/** Registers a validating webhook on configmaps in `apps` with `expression` as its one matchCondition, runs `write`, removes it. */
async function withCondition<T>(expression: string, write: () => Promise<T>, failurePolicy = "Fail"): Promise<T> {
  const webhook = {
    name: "authz.example.com",
    clientConfig: { service: { name: "hook", namespace: "hooks", port: 443, path: "/review" }, caBundle: Buffer.from(hook.ca).toString("base64") },
    rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["configmaps"] }],
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } },
    admissionReviewVersions: ["v1"],
    sideEffects: "None",
    failurePolicy,
    matchConditions: [{ name: "authz", expression }],
  };
  await h.admin.request({ method: "POST", path: V, body: { metadata: { name: "authz" }, webhooks: [webhook] } });
  try {
    return await write();
  } finally {
    await h.admin.request({ method: "DELETE", path: `${V}/authz` });
  }
}

/** Creates configmap `name` as `client`: "called" when the webhook was called (it refuses), "skipped" when it went through, else the refusal. */
async function create(client: KubeClient, name: string): Promise<string> {
  try {
    await client.configMaps.create({ metadata: { name } });
    return "skipped";
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    const message = error.message.replace(/ \(HTTP \d+\)$/, "").replace(/^[A-Z]+ \S+: /, "");
    return message === 'admission webhook "authz.example.com" denied the request: called' ? "called" : message;
  }
}

test("a resource check is decided by RBAC for the requesting user: called for one who may delete pods, skipped for one who may not", async () => {
  called.length = 0;
  const outcomes = await withCondition("authorizer.group('').resource('pods').namespace(request.namespace).check('delete').allowed()", async () => [await create(deleter, "by-deleter"), await create(plain, "by-plain"), await create(h.admin.with({ namespace: "apps" }), "by-admin")]);
  assert.deepEqual(outcomes, ["called", "skipped", "called"]);
  assert.deepEqual(called, ["by-deleter", "by-admin"]);
  // Another namespace's pods: no one but the admin (system:masters) may delete them.
  const elsewhere = await withCondition("authorizer.group('').resource('pods').namespace('kube-system').check('delete').allowed()", async () => [await create(deleter, "deleter-elsewhere"), await create(h.admin.with({ namespace: "apps" }), "admin-elsewhere")]);
  assert.deepEqual(elsewhere, ["skipped", "called"]);
});

test("a path check is decided by RBAC's non-resource rules", async () => {
  const outcomes = await withCondition("authorizer.path('/metrics').check('get').allowed()", async () => [await create(deleter, "metrics-deleter"), await create(plain, "metrics-plain")]);
  assert.deepEqual(outcomes, ["called", "skipped"]);
});

test("serviceAccount() checks as that account, with its two groups alone (not system:authenticated)", async () => {
  const asDeleter = await withCondition("authorizer.serviceAccount(request.namespace, 'deleter').group('').resource('pods').namespace(request.namespace).check('delete').allowed()", async () => [await create(plain, "sa-deleter")]);
  const asPlain = await withCondition("authorizer.serviceAccount('apps', 'plain').group('').resource('pods').namespace('apps').check('delete').allowed()", async () => [await create(deleter, "sa-plain")]);
  assert.deepEqual([asDeleter, asPlain], [["called"], ["skipped"]]);
  // The requester (authenticated) may get /healthz through system:public-info-viewer; the account alone may not.
  const healthz = await withCondition("authorizer.path('/healthz').check('get').allowed() && !authorizer.serviceAccount('apps', 'plain').path('/healthz').check('get').allowed()", async () => [await create(plain, "healthz")]);
  assert.deepEqual(healthz, ["called"]);
});

test("reason() is the reason a SubjectAccessReview answers; errored() is false and error() empty under RBAC", async () => {
  const review = (await h.admin.request({ method: "POST", path: "/apis/authorization.k8s.io/v1/subjectaccessreviews", body: { spec: { user: "system:serviceaccount:apps:deleter", groups: ["system:serviceaccounts", "system:serviceaccounts:apps", "system:authenticated"], resourceAttributes: { namespace: "apps", verb: "delete", resource: "pods" } } } })) as Obj;
  assert.equal(review.status.reason, 'RBAC: allowed by RoleBinding "deleter/apps" of Role "pod-deleter" to ServiceAccount "deleter/apps"');
  const check = "authorizer.group('').resource('pods').namespace('apps').check('delete')";
  const outcomes = await withCondition(`${check}.reason() == ${JSON.stringify(review.status.reason)} && !${check}.errored() && ${check}.error() == ''`, async () => [await create(deleter, "reason-deleter"), await create(plain, "reason-plain")]);
  assert.deepEqual(outcomes, ["called", "skipped"]);
  // Denied: no reason; a system:masters member is allowed with none either (the privileged-group authorizer).
  const empty = await withCondition(`${check}.reason() == ''`, async () => [await create(plain, "empty-plain"), await create(h.admin.with({ namespace: "apps" }), "empty-admin")]);
  assert.deepEqual(empty, ["called", "called"]);
});

test("requestResource checks the request's own resource, namespace and name; selectors compile and RBAC ignores them", async () => {
  const own = await withCondition("authorizer.requestResource.check('delete').allowed()", async () => [await create(deleter, "own-deleter"), await create(plain, "own-plain")]);
  assert.deepEqual(own, ["called", "skipped"]);
  const selectors = await withCondition("authorizer.group('').resource('pods').namespace('apps').fieldSelector('spec.nodeName=n1').labelSelector('app=web').check('list').allowed()", async () => [await create(deleter, "selectors-deleter"), await create(plain, "selectors-plain")]);
  assert.deepEqual(selectors, ["called", "skipped"]);
});

test("the library's errors are evaluation errors: under Fail the 403 naming the expression, under Ignore no call", async () => {
  const empty = "authorizer.path('').check('get').allowed()";
  assert.equal(await withCondition(empty, () => create(deleter, "bad-path")), `configmaps "bad-path" is forbidden: expression '${empty}' resulted in error: path must not be empty`);
  const account = "authorizer.serviceAccount('Not_A_Namespace', 'x').path('/healthz').check('get').allowed()";
  assert.equal(await withCondition(account, () => create(deleter, "bad-account")), `configmaps "bad-account" is forbidden: expression '${account}' resulted in error: Invalid service account namespace`);
  const resource = "authorizer.group('').resource(' ').check('get').allowed()";
  assert.equal(await withCondition(resource, () => create(deleter, "bad-resource"), "Ignore"), "skipped");
});
