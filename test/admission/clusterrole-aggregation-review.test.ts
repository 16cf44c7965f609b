/**
 * The emulated cluster's clusterrole-aggregation controller's writes go through the admission
 * webhooks, as a real controller's server-side apply does (an UPDATE to admission, its
 * UpdateOptions naming its field manager), as
 * `system:serviceaccount:kube-system:clusterrole-aggregation-controller`. Refused, the
 * aggregated ClusterRole keeps its rules; the controller tries again later and writes them once
 * the webhook allows it.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, until, type Harness } from "../../runtime/testing/index.js";
import { registerSwitchedWebhook, type SwitchedWebhook } from "./hook-server.js";

type Obj = Record<string, any>;
const ROLES = "/apis/rbac.authorization.k8s.io/v1/clusterroles";
let h: Harness;
let hook: SwitchedWebhook;

before(async () => {
  h = await startHarness();
  hook = await registerSwitchedWebhook(h, {
    name: "freeze",
    message: "frozen",
    rules: [{ apiGroups: ["rbac.authorization.k8s.io"], apiVersions: ["v1"], operations: ["UPDATE"], resources: ["clusterroles"] }],
    objectSelector: { matchLabels: { frozen: "true" } },
  });
});
after(async () => {
  hook?.close();
  await h?.stop();
});

const role = (body: Obj) => h.admin.request({ method: "POST", path: ROLES, body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", ...body } });
const rulesOf = async (name: string) => ((await h.admin.request({ method: "GET", path: `${ROLES}/${name}` })) as Obj).rules;

test("the aggregation controller's apply is reviewed as its own UPDATE; refused, the aggregated role keeps its rules until allowed", async () => {
  await role({ metadata: { name: "monitoring", labels: { frozen: "true" } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "aggregate-to-monitoring": "true" } }] } });
  await role({ metadata: { name: "monitoring-pods", labels: { "aggregate-to-monitoring": "true" } }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] });
  await until(() => hook.seen.some((r) => r.name === "monitoring"), "the controller's apply to be reviewed");
  const r = hook.seen.find((x) => x.name === "monitoring")!;
  assert.equal(r.operation, "UPDATE");
  assert.equal(r.userInfo.username, "system:serviceaccount:kube-system:clusterrole-aggregation-controller");
  assert.deepEqual(r.options, { kind: "UpdateOptions", apiVersion: "meta.k8s.io/v1", fieldManager: "clusterrole-aggregation-controller" });
  assert.deepEqual(r.object.rules, [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]);
  assert.equal((await rulesOf("monitoring")) ?? null, null, "refused: no rules written");
  hook.refusing = false;
  await until(async () => (await rulesOf("monitoring"))?.length === 1, "the rules once allowed");
});
