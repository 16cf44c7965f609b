import { test } from "node:test";
import assert from "node:assert/strict";
import type { PermissionRule, FunctionDefinition } from "../../runtime/function.js";
import { generateManifests } from "../../runtime/deploy/index.js";
import type { KubeObject } from "../../runtime/kube/api.js";
import { grantedTo, loaded } from "./helpers.js";

const NS = "ops";
const all = (defs: FunctionDefinition[]): KubeObject[] => generateManifests(defs.map(loaded), { namespace: NS }).flatMap((g) => g.objects);
const cronFn = (name: string, permissions: PermissionRule[]): FunctionDefinition => ({ name, permissions, schedule: { cron: "0 * * * *" }, handler() {} });

test("no permissions: no Role, no binding, and no token mounted", () => {
  const objects = all([cronFn("noop", [])]);
  assert.deepEqual(grantedTo(objects, NS, "podfn-noop"), []);
  assert.equal(objects.filter((o) => /Role/.test(o.kind ?? "")).length, 0);
  const sa = objects.find((o) => o.kind === "ServiceAccount") as { automountServiceAccountToken?: boolean };
  assert.equal(sa.automountServiceAccountToken, false);
});

test("namespaced permissions: a Role in the function's namespace with exactly those verbs", () => {
  const objects = all([cronFn("cleanup", [{ apiGroups: ["batch"], resources: ["jobs"], verbs: ["list", "delete"] }, { apiGroups: [""], resources: ["events"], verbs: ["create"] }])]);
  assert.deepEqual(grantedTo(objects, NS, "podfn-cleanup"), [`${NS} /events create *`, `${NS} batch/jobs delete *`, `${NS} batch/jobs list *`]);
  assert.equal(objects.some((o) => o.kind === "ClusterRole"), false);
});

test("another namespace: a Role and RoleBinding in that namespace, bound to the home ServiceAccount", () => {
  const objects = all([cronFn("peek", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"], namespace: "kube-system" }])]);
  assert.deepEqual(grantedTo(objects, NS, "podfn-peek"), ["kube-system /configmaps get *"]);
  const role = objects.find((o) => o.kind === "Role");
  assert.equal(role?.metadata?.namespace, "kube-system");
});

test("the same app in two namespaces granted in a third gets distinct Roles there, named <home namespace>:<ServiceAccount>", () => {
  const peek = cronFn("peek", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"], namespace: "kube-system" }]);
  const inNamespace = (namespace: string) => generateManifests([loaded(peek)], { namespace }).flatMap((g) => g.objects);
  const names = (objects: KubeObject[]) => objects.filter((o) => o.kind === "Role" || o.kind === "RoleBinding").map((o) => `${o.kind} ${o.metadata?.namespace}/${o.metadata?.name}`);
  const a = inNamespace("team-a");
  const b = inNamespace("team-b");
  assert.deepEqual(names(a), ["Role kube-system/team-a:podfn-peek", "RoleBinding kube-system/team-a:podfn-peek"]);
  assert.deepEqual(names(b), ["Role kube-system/team-b:podfn-peek", "RoleBinding kube-system/team-b:podfn-peek"]);
  assert.deepEqual(grantedTo(a, "team-a", "podfn-peek"), ["kube-system /configmaps get *"]);
  assert.deepEqual(grantedTo(b, "team-b", "podfn-peek"), ["kube-system /configmaps get *"]);
});

test("cluster-scoped resources and namespace '*' need a ClusterRole", () => {
  const objects = all([
    cronFn("nodes", [
      { apiGroups: [""], resources: ["nodes"], verbs: ["list"] },
      { apiGroups: [""], resources: ["pods"], verbs: ["list"], namespace: "*" },
      { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
    ]),
  ]);
  assert.deepEqual(grantedTo(objects, NS, "podfn-nodes"), ["* /nodes list *", "* /pods list *", `${NS} /pods delete *`]);
  assert.equal(objects.filter((o) => o.kind === "ClusterRole").length, 1);
});

test("cluster-scoped resources of other groups (metrics.k8s.io nodes, resource.k8s.io, storage.k8s.io) and of the group * get the ClusterRole too", () => {
  const objects = all([
    cronFn("metrics", [
      { apiGroups: ["metrics.k8s.io"], resources: ["nodes", "pods"], verbs: ["list"] },
      { apiGroups: ["*"], resources: ["nodes"], verbs: ["get"] },
      { apiGroups: ["resource.k8s.io"], resources: ["resourceslices"], verbs: ["list"] },
      { apiGroups: ["storage.k8s.io"], resources: ["volumeattributesclasses"], verbs: ["get"] },
    ]),
  ]);
  assert.deepEqual(grantedTo(objects, NS, "podfn-metrics"), [
    "* */nodes get *",
    "* metrics.k8s.io/nodes list *",
    "* resource.k8s.io/resourceslices list *",
    "* storage.k8s.io/volumeattributesclasses get *",
    `${NS} metrics.k8s.io/pods list *`,
  ]);
});

test("a CSR approver's rules, approve on a signer among them, are all in the ClusterRole: signers are cluster-scoped", () => {
  const objects = all([
    cronFn("approver", [
      { apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests"], verbs: ["get", "list"] },
      { apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests/approval"], verbs: ["update"] },
      { apiGroups: ["certificates.k8s.io"], resources: ["signers"], resourceNames: ["kubernetes.io/kubelet-serving"], verbs: ["approve"] },
    ]),
  ]);
  assert.deepEqual(grantedTo(objects, NS, "podfn-approver"), [
    "* certificates.k8s.io/certificatesigningrequests get *",
    "* certificates.k8s.io/certificatesigningrequests list *",
    "* certificates.k8s.io/certificatesigningrequests/approval update *",
    "* certificates.k8s.io/signers approve kubernetes.io/kubelet-serving",
  ]);
  assert.equal(objects.some((o) => o.kind === "Role"), false);
});

test("a rule mixing cluster-scoped and namespaced resources is split, granting no more", () => {
  const objects = all([cronFn("mixed", [{ apiGroups: [""], resources: ["namespaces", "configmaps"], verbs: ["get"] }])]);
  assert.deepEqual(grantedTo(objects, NS, "podfn-mixed"), ["* /namespaces get *", `${NS} /configmaps get *`]);
});

test("resourceNames restrict the grant; identical rules merge; a grant on all objects absorbs a named one", () => {
  const objects = all([
    cronFn("scale", [
      { apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["get", "patch"], resourceNames: ["web"] },
      { apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch", "get"], resourceNames: ["web"] },
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"], resourceNames: ["web"] },
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"] },
    ]),
  ]);
  assert.deepEqual(grantedTo(objects, NS, "podfn-scale"), [`${NS} apps/deployments get *`, `${NS} apps/deployments/scale get web`, `${NS} apps/deployments/scale patch web`]);
  const role = objects.find((o) => o.kind === "Role") as { rules: unknown[] };
  assert.equal(role.rules.length, 2, "merged into two rules");
});

test("each CronJob workload holds only its own function's rights; the HTTP one holds the union of its functions'", () => {
  const objects = all([
    cronFn("a", [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }]),
    cronFn("b", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }]),
    { name: "h1", http: { auth: "none" }, permissions: [{ apiGroups: [""], resources: ["services"], verbs: ["get"] }], handler() {} },
    { name: "h2", http: { auth: "none" }, permissions: [{ apiGroups: [""], resources: ["endpoints"], verbs: ["list"] }], handler() {} },
  ]);
  assert.deepEqual(grantedTo(objects, NS, "podfn-a"), [`${NS} /pods list *`]);
  assert.deepEqual(grantedTo(objects, NS, "podfn-b"), [`${NS} /secrets get *`]);
  assert.deepEqual(grantedTo(objects, NS, "podfn-http"), [`${NS} /endpoints list *`, `${NS} /services get *`]);
});

test("in-process schedules add the Lease rights (get/update by name, create) to the HTTP workload, and only then", () => {
  const withSchedule = all([{ name: "tick", permissions: [], schedule: { cron: "* * * * *", mode: "in-process" }, handler() {} }]);
  assert.deepEqual(grantedTo(withSchedule, NS, "podfn-http"), [
    `${NS} coordination.k8s.io/leases create *`,
    `${NS} coordination.k8s.io/leases get podfn-scheduler`,
    `${NS} coordination.k8s.io/leases update podfn-scheduler`,
  ]);
  const without = all([{ name: "web", http: { auth: "none" }, handler() {} }]);
  assert.deepEqual(grantedTo(without, NS, "podfn-http"), []);
});

test("serviceAccount caller auth grants create tokenreviews, nothing more (not system:auth-delegator's SubjectAccessReviews), and only then", () => {
  const objects = all([{ name: "internal", http: { auth: { type: "serviceAccount", allow: ["system:serviceaccount:ops:caller"] } }, handler() {} }]);
  assert.deepEqual(grantedTo(objects, NS, "podfn-http"), ["* authentication.k8s.io/tokenreviews create *"]);
  const bearer = all([{ name: "hook", http: { auth: { type: "bearer", secret: "hook-token" } }, handler() {} }]);
  assert.deepEqual(grantedTo(bearer, NS, "podfn-http"), []);
});
