/**
 * Custom resources in `permissions` (deploy/scopes): podfn cannot look up their scope, and a Role
 * grants nothing on a cluster-scoped one. A scope the project declares — a watch or an admission
 * rule naming the type with `namespaced` — puts every rule on it where it belongs; a rule without
 * `namespace` on an undeclared one stays a Role, and `podfn manifests` notes it.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { applyObjects, clientFor, ensureNamespace, grantCronJobPermissions, startCluster, type Cluster } from "../../runtime/testing/index.js";
import { KubeForbiddenError, type KubeClient } from "../../runtime/kube/index.js";
import type { FunctionDefinition, PermissionRule } from "../../runtime/function.js";
import { generateManifests } from "../../runtime/deploy/index.js";
import { manifestWarnings } from "../../runtime/deploy/warnings.js";
import { declaredScopes } from "../../runtime/deploy/scopes.js";
import type { KubeObject } from "../../runtime/kube/api.js";
import { grantedTo, loaded } from "./helpers.js";

const NS = "ops";
const PINNED = "registry.example.com/ops/podfn:1.0";
const GADGETS = { group: "example.com", version: "v1", resource: "gadgets", namespaced: false } as const;
const WIDGETS = { group: "example.com", version: "v1", resource: "widgets", namespaced: true } as const;
const all = (defs: FunctionDefinition[]): KubeObject[] => generateManifests(defs.map(loaded), { namespace: NS }).flatMap((g) => g.objects);
const cronFn = (name: string, permissions: PermissionRule[]): FunctionDefinition => ({ name, permissions, schedule: { cron: "0 * * * *" }, handler() {} });
/** The notes about scopes `podfn manifests` prints for `objects`. */
const scopeNotes = (defs: FunctionDefinition[]) => manifestWarnings(all(defs), PINNED, declaredScopes(defs.map(loaded))).filter((n) => n.includes("podfn knows the scope of built-in resources alone"));
const listGadgets: PermissionRule = { apiGroups: ["example.com"], resources: ["gadgets"], verbs: ["list"] };

test("a custom resource another function watches as cluster-scoped is granted in the ClusterRole, in every workload (it was a Role granting nothing)", () => {
  const defs: FunctionDefinition[] = [
    { name: "gadget-watch", watch: { resource: GADGETS }, handler() {} },
    cronFn("gadget-report", [listGadgets, { apiGroups: ["example.com"], resources: ["gadgets/status"], verbs: ["patch"], namespace: "team-a" }]),
    { name: "gadget-api", http: { auth: "none" }, permissions: [{ ...listGadgets, verbs: ["get"] }], handler() {} },
  ];
  const objects = all(defs);
  assert.deepEqual(grantedTo(objects, NS, "podfn-gadget-report"), ["* example.com/gadgets list *", "* example.com/gadgets/status patch *"]);
  assert.deepEqual(grantedTo(objects, NS, "podfn-http"), ["* example.com/gadgets get *", "* example.com/gadgets list *", "* example.com/gadgets watch *", `${NS} coordination.k8s.io/leases create *`, `${NS} coordination.k8s.io/leases get podfn-scheduler`, `${NS} coordination.k8s.io/leases update podfn-scheduler`]);
  assert.equal(objects.filter((o) => o.kind === "Role" && JSON.stringify(o).includes("example.com")).length, 0);
  assert.deepEqual(scopeNotes(defs), []);
});

test("a scope declared by an admission rule's type counts too; the group * reaches a declared cluster-scoped resource of any group", () => {
  const defs: FunctionDefinition[] = [
    { name: "gadget-guard", admission: { type: "validating", rules: [{ operations: ["CREATE"], resource: GADGETS }] }, handler: () => ({ allowed: true }) } as FunctionDefinition,
    cronFn("gadget-report", [listGadgets]),
    cronFn("anything", [{ apiGroups: ["*"], resources: ["gadgets"], verbs: ["get"] }]),
  ];
  const objects = all(defs);
  assert.deepEqual(grantedTo(objects, NS, "podfn-gadget-report"), ["* example.com/gadgets list *"]);
  assert.deepEqual(grantedTo(objects, NS, "podfn-anything"), ["* */gadgets get *"]);
});

test("a custom resource declared namespaced stays in a Role, without a note", () => {
  const defs: FunctionDefinition[] = [{ name: "widget-watch", watch: { resource: WIDGETS }, handler() {} }, cronFn("widget-report", [{ apiGroups: ["example.com"], resources: ["widgets"], verbs: ["list"] }])];
  const objects = all(defs);
  assert.deepEqual(grantedTo(objects, NS, "podfn-widget-report"), [`${NS} example.com/widgets list *`]);
  assert.deepEqual(scopeNotes(defs), []);
});

test("an undeclared custom resource in a rule without namespace stays in the Role, and the note names the ServiceAccount, the resources and namespace: '*'", () => {
  const defs: FunctionDefinition[] = [
    cronFn("gadget-report", [listGadgets, { apiGroups: ["example.com", "apps"], resources: ["widgets", "deployments"], verbs: ["get"] }, { apiGroups: [""], resources: ["pods"], verbs: ["list"] }]),
    cronFn("elsewhere", [{ ...listGadgets, namespace: "team-a" }, { ...listGadgets, namespace: "*" }]),
    { name: "api", http: { auth: "none" }, permissions: [{ apiGroups: ["stable.example.com"], resources: ["crontabs/status"], verbs: ["get"] }], handler() {} },
  ];
  const objects = all(defs);
  assert.deepEqual(grantedTo(objects, NS, "podfn-gadget-report"), [`${NS} /pods list *`, `${NS} apps/deployments get *`, `${NS} apps/widgets get *`, `${NS} example.com/deployments get *`, `${NS} example.com/gadgets list *`, `${NS} example.com/widgets get *`]);
  assert.deepEqual(scopeNotes(defs), [
    `ServiceAccount ${NS}/podfn-http is granted crontabs.stable.example.com in namespace ${NS} only (permissions without namespace): podfn knows the scope of built-in resources alone, and a Role grants nothing on a cluster-scoped one (its calls get 403 Forbidden); if it is cluster-scoped, give its rule namespace: "*" (a ClusterRole); if namespaced, the Role is right`,
    `ServiceAccount ${NS}/podfn-gadget-report is granted deployments.example.com, gadgets.example.com, widgets.example.com in namespace ${NS} only (permissions without namespace): podfn knows the scope of built-in resources alone, and a Role grants nothing on a cluster-scoped one (its calls get 403 Forbidden); if one is cluster-scoped, give its rule namespace: "*" (a ClusterRole); the namespaced ones are right as they are`,
  ]);
  // A rule naming a namespace (or "*") said where it applies: no note for the function that only has those.
  assert.ok(!scopeNotes(defs).some((n) => n.includes("podfn-elsewhere")));
});

test("a custom resource declared both namespaced and cluster-scoped is trusted neither way: a Role, and the note", () => {
  const defs: FunctionDefinition[] = [
    { name: "a", watch: { resource: GADGETS }, handler() {} },
    { name: "b", watch: { resource: { ...GADGETS, namespaced: true } }, handler() {} },
    cronFn("gadget-report", [listGadgets]),
  ];
  const objects = all(defs);
  assert.deepEqual(grantedTo(objects, NS, "podfn-gadget-report"), [`${NS} example.com/gadgets list *`]);
  assert.equal(scopeNotes(defs).length, 2, "the HTTP workload's watch rules too: their scope is the same question");
});

// On the emulated cluster, which authorizes as a real API server does: the ClusterRole lets the
// CronJob's account list the cluster-scoped gadgets; the Role did not.
let cluster: Cluster;
let admin: KubeClient;
before(async () => {
  cluster = await startCluster();
  admin = await clientFor({ server: cluster.url, caPem: cluster.caPem, token: cluster.adminToken });
  const crd = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "gadgets.example.com" },
    spec: { group: "example.com", scope: "Cluster", names: { plural: "gadgets", kind: "Gadget" }, versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }] },
  };
  await applyObjects(admin, [crd as KubeObject]);
});
after(async () => {
  await admin.close();
  await cluster.stop();
});

test("on a cluster: with the scope declared the CronJob's ServiceAccount lists the cluster-scoped gadgets; without, its Role grants nothing (403)", async () => {
  const rbac = (objects: KubeObject[]) => objects.filter((o) => /^(ServiceAccount|(Cluster)?Role(Binding)?)$/.test(o.kind ?? ""));
  const listAs = async (namespace: string, serviceAccount: string) => {
    const sa = await cluster.serviceAccount(namespace, serviceAccount);
    const kube = await clientFor({ server: cluster.url, caPem: cluster.caPem, token: sa.token, namespace });
    try {
      const found: KubeObject[] = [];
      for await (const gadget of kube.resource({ ...GADGETS, kind: "Gadget" }).list()) found.push(gadget);
      return found;
    } finally {
      await kube.close();
    }
  };
  const report = cronFn("gadget-report", [listGadgets]);
  for (const namespace of ["declared", "undeclared"]) await ensureNamespace(admin, namespace);
  await applyObjects(admin, rbac(generateManifests([loaded({ name: "gadget-watch", watch: { resource: GADGETS }, handler() {} }), loaded(report)], { namespace: "declared" }).flatMap((g) => g.objects)));
  await applyObjects(admin, rbac(generateManifests([loaded(report)], { namespace: "undeclared" }).flatMap((g) => g.objects)));
  assert.deepEqual(await listAs("declared", "podfn-gadget-report"), []);
  await assert.rejects(listAs("undeclared", "podfn-gadget-report"), KubeForbiddenError);

  // Local runs and the harness grant through podfn/testing the same way, from the functions given.
  const watcher = loaded({ name: "gadget-sync", watch: { resource: GADGETS }, permissions: [listGadgets], schedule: { cron: "0 * * * *" }, handler() {} } as FunctionDefinition);
  await grantCronJobPermissions(admin, "granted", "gadget-sync", [watcher]);
  assert.deepEqual(await listAs("granted", "gadget-sync"), []);
  await grantCronJobPermissions(admin, "granted", "gadget-report", [loaded(report)]);
  await assert.rejects(listAs("granted", "gadget-report"), KubeForbiddenError);
  // Given the project's scopes, as the manifests read them from every function.
  await grantCronJobPermissions(admin, "granted", "gadget-report-2", [loaded(report)], { scopes: declaredScopes([watcher]) });
  assert.deepEqual(await listAs("granted", "gadget-report-2"), []);
});
