/**
 * A function's `watch` as the loader resolves it (the resource a name means, defaults, the
 * problems it names) and what the manifests make of it: the Deployment runs a watch-only
 * function, its ServiceAccount may list and watch the resource where it is watched (a
 * ClusterRole for every namespace or a cluster-scoped type) and elect a leader.
 */
import { test } from "node:test";
import { z } from "zod";
import assert from "node:assert/strict";
import type { ClusterRole, Role } from "kubernetes-types/rbac/v1.js";
import { defineFunction, type FunctionDefinition } from "../../runtime/function.js";
import { resolveDefinition } from "../../runtime/definition-schema.js";
import { generateManifests } from "../../runtime/deploy/index.js";
import { servingPermissions } from "../../runtime/requirements.js";
import { describeFunction } from "../../runtime/commands/list.js";
import { finalizerWarnings } from "../../runtime/watch/definition.js";
import { loaded } from "../schedule/helpers.js";

const problems = (definition: Record<string, unknown>): string[] => {
  const result = resolveDefinition(defineFunction({ name: "w", handler() {}, ...definition } as FunctionDefinition), "functions/w.ts");
  return result.ok ? [] : result.problems;
};

test("a built-in resource by its RBAC name, with the defaults and the rule it implies", () => {
  const fn = loaded({ name: "w", watch: { resource: "jobs.batch", events: ["MODIFIED", "MODIFIED"] }, permissions: [{ apiGroups: [""], resources: ["events"], verbs: ["create"] }], handler() {} });
  assert.deepEqual(fn.watches, [{ name: "jobs.batch", type: { group: "batch", version: "v1", resource: "jobs", namespaced: true }, events: ["MODIFIED"], concurrency: 4, retries: 3, coalesce: false, generationChanges: false }]);
  // The declared permissions stay as declared (a CronJob of the function gets those); serving adds the watch's.
  assert.deepEqual(fn.permissions, [{ apiGroups: [""], resources: ["events"], verbs: ["create"] }]);
  assert.deepEqual(servingPermissions(fn), [
    { apiGroups: [""], resources: ["events"], verbs: ["create"] },
    { apiGroups: ["batch"], resources: ["jobs"], verbs: ["list", "watch"] },
  ]);
  const everywhere = loaded({ name: "w", watch: [{ resource: "pods", namespace: "*", name: "all-pods" }, { resource: "namespaces" }], handler() {} });
  assert.deepEqual(everywhere.watches.map((w) => [w.name, w.namespace ?? null]), [["all-pods", "*"], ["namespaces", null]]);
  // A cluster-scoped built-in needs no namespace mark (the manifests know its scope).
  assert.deepEqual(servingPermissions(everywhere).map((p) => p.namespace ?? null), ["*", null]);
});

test("another type as {group, version, resource, namespaced}", () => {
  const fn = loaded({ name: "w", watch: { resource: { group: "example.com", version: "v1alpha1", resource: "widgets", namespaced: true }, namespace: "shop" }, handler() {} });
  assert.deepEqual(fn.watches[0], { name: "widgets.example.com", type: { group: "example.com", version: "v1alpha1", resource: "widgets", namespaced: true }, namespace: "shop", events: ["ADDED", "MODIFIED", "DELETED"], concurrency: 4, retries: 3, coalesce: false, generationChanges: false });
  assert.deepEqual(servingPermissions(fn), [{ apiGroups: ["example.com"], resources: ["widgets"], verbs: ["list", "watch"], namespace: "shop" }]);
  assert.equal(loaded({ name: "w", watch: { resource: "pods", resyncSeconds: 600 }, handler() {} }).watches[0]!.resyncSeconds, 600);
  const clusterWide = loaded({ name: "w", watch: { resource: { group: "example.com", version: "v1", resource: "gadgets", namespaced: false } }, handler() {} });
  assert.deepEqual(servingPermissions(clusterWide), [{ apiGroups: ["example.com"], resources: ["gadgets"], verbs: ["list", "watch"], namespace: "*" }], "another cluster-scoped type: a ClusterRole");
  // The type `kube.resource()` takes (with its kind) is accepted as is, so one constant serves both.
  const BACKUPS = { group: "ops.example.com", version: "v1", resource: "backups", kind: "Backup", namespaced: true };
  assert.deepEqual(loaded({ name: "w", watch: { resource: BACKUPS }, handler() {} }).watches[0]!.type, { group: "ops.example.com", version: "v1", resource: "backups", namespaced: true });
  assert.deepEqual(problems({ watch: { resource: { ...BACKUPS, kind: "backup" } } }), ['watch.resource.kind: must be a Kind such as "Backup"']);
});

test("a misspelt built-in resource, or one without its group, is named with the one it likely meant", () => {
  assert.match(problems({ watch: { resource: "pod" } }).join(), /^watch\.resource: names no built-in resource \("pod"\): did you mean "pods"\? Write it as RBAC names it with its group/);
  assert.match(problems({ watch: { resource: "deployments" } }).join(), /^watch\.resource: names no built-in resource \("deployments"\): did you mean "deployments\.apps"\? /);
  assert.match(problems({ watch: { resource: "Jobs.batch" } }).join(), /: did you mean "jobs\.batch"\? /);
  assert.match(problems({ watch: { resource: "widgets" } }).join(), /\("widgets"\): write it as RBAC/, "nothing near: no guess");
});

test("problems name the field and what to write", () => {
  assert.match(problems({ watch: { resource: "widgets" } }).join(), /^watch\.resource: names no built-in resource \("widgets"\): write it as RBAC names it with its group/);
  assert.deepEqual(problems({ watch: { resource: "namespaces", namespace: "ops" } }), ["watch.namespace: namespaces are cluster-scoped: leave namespace out"]);
  assert.deepEqual(problems({ watch: { resource: "pods", events: ["BOOKMARK"] } }), ["watch.events[0]: must be one of ADDED, MODIFIED, DELETED"]);
  assert.deepEqual(problems({ watch: { resource: "pods", selector: "app=web" } }), ['watch: unknown key "selector" (it takes resource, namespace, labelSelector, fieldSelector, events, concurrency, retries, coalesce, generationChanges, changed, resyncSeconds, finalizer, status, name)']);
  assert.deepEqual(problems({ watch: { resource: "pods", fieldSelctor: "a" } }), ['watch: unknown key "fieldSelctor": did you mean "fieldSelector"?']);
  assert.deepEqual(problems({ watch: { resource: "pods", concurrency: 0 } }), ["watch.concurrency: must be at least 1"]);
  assert.deepEqual(problems({ watch: { resource: "pods", retries: -1 } }), ["watch.retries: must be 0 (never) or more"]);
  assert.deepEqual(problems({ watch: { resource: "pods", retries: 1.5 } }), ["watch.retries: must be a whole number"]);
  assert.deepEqual(problems({ watch: { resource: "pods", coalesce: "yes" } }), ["watch.coalesce: Invalid input: expected boolean, received string"]);
  assert.deepEqual(problems({ watch: { resource: "pods", generationChanges: 1 } }), ["watch.generationChanges: Invalid input: expected boolean, received number"]);
  assert.deepEqual(problems({ watch: { resource: "pods", changed: "spec" } }), ["watch.changed: must be a function (object, previous) => boolean"]);
  const filtered = loaded({ name: "w", watch: { resource: "pods", changed: () => true }, handler() {} });
  assert.equal(typeof filtered.watches[0]!.changed, "function");
  assert.equal(describeFunction(filtered).watches[0]!.changedFilter, true, "podfn list --json says a filter is there");
  assert.equal(describeFunction(loaded({ name: "w", watch: { resource: "pods" }, handler() {} })).watches[0]!.changedFilter, false);
  assert.deepEqual(problems({ watch: { resource: "pods", resyncSeconds: 0 } }), ["watch.resyncSeconds: must be at least 1 (second)"]);
  assert.deepEqual(problems({ watch: { resource: "pods", resyncSeconds: 0.5 } }), ["watch.resyncSeconds: must be a whole number of seconds"]);
  assert.deepEqual(problems({ watch: { resource: "pods", resyncSeconds: 604_801 } }), ["watch.resyncSeconds: must be at most 604800 (a week)"]);
  assert.deepEqual(problems({ watch: { resource: "pods", resyncSeconds: "10m" } }), ["watch.resyncSeconds: Invalid input: expected number, received string"]);
  // A finalizer: domain-qualified, not one of Kubernetes' own.
  for (const finalizer of ["cleanup", "kubernetes.io/pv-protection", "batch.kubernetes.io/job-tracking", "Example.com/x", "example.com/"]) {
    assert.deepEqual(problems({ watch: { resource: "pods", finalizer } }), ['watch.finalizer: must be a domain-qualified name such as "example.com/cleanup" (not a kubernetes.io one)'], finalizer);
  }
  assert.deepEqual(problems({ watch: { resource: "pods", finalizer: "backups.example.com/delete-snapshots" } }), []);
  // Loaded, and shown by `podfn list --json` with the rights it adds.
  const finalized = loaded({ name: "w", watch: { resource: "pods", finalizer: "backups.example.com/delete-snapshots" }, handler() {} });
  assert.equal(describeFunction(finalized).watches[0]!.finalizer, "backups.example.com/delete-snapshots");
  assert.deepEqual(describeFunction(finalized).servingPermissions, [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "patch"] }]);
  assert.equal(describeFunction(loaded({ name: "w", watch: { resource: "pods" }, handler() {} })).watches[0]!.finalizer, null);
  // podfn dev against a real cluster says what a finalizer leaves behind once it stops.
  assert.deepEqual(finalizerWarnings([finalized, loaded({ name: "plain", watch: { resource: "pods" }, handler() {} })]).map((w) => w.split(":")[0]), ["w's watch pods keeps the finalizer backups.example.com/delete-snapshots on the objects it sees in this cluster"]);
  // Every problem at once: a field's and one across fields.
  assert.deepEqual(problems({ watch: { resource: "namespaces", namespace: "default", events: ["CREATED"] } }), ["watch.events[0]: must be one of ADDED, MODIFIED, DELETED", "watch.namespace: namespaces are cluster-scoped: leave namespace out"]);
  // A watch calls with the input {}: an input schema refusing it is named, with the other problems.
  const needsX = { input: z.object({ x: z.string() }) };
  assert.deepEqual(problems({ ...needsX, watch: { resource: "pods" } }), ["input: a watch calls the function with the input {} (the change is ctx.trigger), which its schema refuses (x: is required: expected string): make the fields optional or give them defaults"]);
  assert.deepEqual(problems({ ...needsX, watch: { resource: "pods", retries: 21 } }).map((p) => p.split(":")[0]), ["watch.retries", "input"]);
  assert.deepEqual(problems({ input: z.object({ x: z.string().default("a") }), watch: { resource: "pods" } }), []);
  // A built-in type given with the wrong scope would widen the grant: refused.
  assert.deepEqual(problems({ watch: { resource: { group: "apps", version: "v1", resource: "deployments", namespaced: false } } }), ['watch.resource.namespaced: deployments.apps are namespaced: write namespaced: true, or just resource: "deployments.apps"']);
  assert.match(problems({ watch: { resource: { group: "example.com", version: "v1", resource: "widgets" } } }).join(), /^watch\.resource\.namespaced: is required/);
  // Odd values are zod's to explain, never a crash nor a made-up duplicate.
  assert.deepEqual(problems({ watch: { resource: { group: Object.create(null), version: "v1", resource: "widgets", namespaced: true } } }), ["watch.resource.group: Invalid input: expected string, received object"]);
  assert.deepEqual(problems({ watch: [{ resource: "pods", name: 5 }, { resource: "pods" }] }), ["watch[0].name: Invalid input: expected string, received number"]);
  // A key another kind of the object takes is not suggested to itself.
  assert.deepEqual(problems({ http: { auth: { type: "hmac", secret: "s", allow: ["x"] } } }), ['http.auth: unknown key "allow" (not taken by this kind of auth)']);
  // A union tells what is wrong inside the form the value was meant as (schedule too).
  assert.deepEqual(problems({ schedule: { cron: "0 * * * *", concurrencyPolicy: "x" } }), ['schedule.concurrencyPolicy: Invalid option: expected one of "Allow"|"Forbid"|"Replace"']);
  assert.deepEqual(problems({ watch: [{ resource: "pods" }, { resource: "pods", labelSelector: "a=b" }] }), ['watch[1]: two entries are named "pods": give each a distinct name']);
  // Two entries keeping one finalizer on one resource would let objects go before each other's cleanup.
  const cleanup = "example.com/cleanup";
  assert.deepEqual(problems({ watch: [{ resource: "pods", finalizer: cleanup, name: "a" }, { resource: "pods", namespace: "other", finalizer: cleanup, name: "b" }] }), [
    'watch[1].finalizer: the finalizer "example.com/cleanup" is also kept on pods by watch[0]: each watch removes it after its own cleanup, letting an object go before the other\'s ran; give each watch a finalizer of its own',
  ]);
  assert.deepEqual(problems({ watch: [{ resource: "pods", finalizer: cleanup, name: "a" }, { resource: "jobs.batch", finalizer: cleanup }, { resource: "pods", finalizer: "example.com/other", name: "b" }] }), [], "another resource, or another finalizer: fine");
  assert.deepEqual(problems({}), ["declares no `http`, `schedule`, `watch` or `admission`: add one so the function can be called"]);
});

test("manifests: a function with a schedule and a watch: its CronJob's ServiceAccount gets no watch rights", () => {
  const fn = loaded({ name: "mixed", schedule: { cron: "0 * * * *" }, watch: { resource: "secrets", namespace: "*" }, permissions: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }], handler() {} });
  const groups = generateManifests([fn], { namespace: "ops" });
  const objects = groups.flatMap((g) => g.objects);
  const cronRole = objects.find((o) => o.kind === "Role" && o.metadata?.name === "podfn-mixed") as Role;
  assert.deepEqual(cronRole.rules, [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }]);
  const clusterRoles = objects.filter((o) => o.kind === "ClusterRole") as ClusterRole[];
  assert.deepEqual(clusterRoles.map((r) => r.metadata?.name), ["ops:podfn-http"], "the watch's ClusterRole is the HTTP workload's only");
});

test("manifests: the Deployment runs a watch-only function, with the list, watch and Lease rights", () => {
  const fn = loaded({ name: "w", watch: [{ resource: "configmaps" }, { resource: "pods", namespace: "*" }], handler() {} });
  const objects = generateManifests([fn], { namespace: "ops" }).flatMap((g) => g.objects);
  assert.ok(objects.some((o) => o.kind === "Deployment"), "a Deployment runs it");
  const role = objects.find((o) => o.kind === "Role") as Role;
  assert.deepEqual(
    role.rules!.map((r) => [r.apiGroups, r.resources, r.verbs, r.resourceNames ?? null]),
    [
      [[""], ["configmaps"], ["list", "watch"], null],
      [["coordination.k8s.io"], ["leases"], ["create"], null],
      [["coordination.k8s.io"], ["leases"], ["get", "update"], ["podfn-scheduler"]],
    ],
  );
  const clusterRole = objects.find((o) => o.kind === "ClusterRole") as ClusterRole;
  assert.deepEqual(clusterRole.rules, [{ apiGroups: [""], resources: ["pods"], verbs: ["list", "watch"] }]);
});

test("status: true is the condition Ready, {condition} another; a bad value names watch.status(.condition)", () => {
  assert.deepEqual(loaded({ name: "w", watch: { resource: "pods", status: true }, handler() {} }).watches[0]!.status, { condition: "Ready" });
  assert.deepEqual(loaded({ name: "w", watch: { resource: "pods", status: {} }, handler() {} }).watches[0]!.status, { condition: "Ready" });
  assert.deepEqual(loaded({ name: "w", watch: { resource: "pods", status: { condition: "example.com/Synced" } }, handler() {} }).watches[0]!.status, { condition: "example.com/Synced" });
  assert.equal(loaded({ name: "w", watch: { resource: "pods" }, handler() {} }).watches[0]!.status, undefined);
  const badType = /^watch\.status\.condition: must be a condition type such as "Ready" or "example\.com\/Synced"/;
  for (const condition of ["", "Not ready", "-Ready", "Ready-", "Example.com/Ready", "x".repeat(317), "a/b/c"]) {
    const found = problems({ watch: { resource: "pods", status: { condition } } });
    assert.equal(found.length, 1, condition);
    assert.match(found[0]!, badType, condition);
  }
  assert.deepEqual(problems({ watch: { resource: "pods", status: { condition: "x".repeat(316) } } }), []);
  assert.deepEqual(problems({ watch: [{ resource: "pods", name: "a" }, { resource: "pods", name: "b", status: { condition: "Bad Type" } }] }).map((p) => p.split(":")[0]), ["watch[1].status.condition"]);
  assert.deepEqual(problems({ watch: { resource: "pods", status: false } }), ['watch.status: must be true (the condition "Ready") or {condition: "Synced"}']);
  assert.deepEqual(problems({ watch: { resource: "pods", status: "Ready" } }), ['watch.status: must be true (the condition "Ready") or {condition: "Synced"}']);
  assert.deepEqual(problems({ watch: { resource: "pods", status: { conditon: "Ready" } } }), ['watch.status: unknown key "conditon": did you mean "condition"?']);
  assert.deepEqual(problems({ watch: { resource: "pods", status: { condition: 5 } } }), ["watch.status.condition: Invalid input: expected string, received number"]);
  // Shown by `podfn list`, with the rights it adds.
  const fn = loaded({ name: "w", watch: { resource: "pods", status: { condition: "Synced" } }, handler() {} });
  assert.equal(describeFunction(fn).watches[0]!.statusCondition, "Synced");
  assert.equal(describeFunction(loaded({ name: "w", watch: { resource: "pods" }, handler() {} })).watches[0]!.statusCondition, null);
});

test("status: the HTTP workload may patch <resource>/status and get the resource (a rule of its own: not patch of the resource); podfn manifests grants it", () => {
  const BACKUPS = { group: "ops.example.com", version: "v1", resource: "backups", namespaced: true };
  const fn = loaded({ name: "w", watch: { resource: BACKUPS, status: true }, handler() {} });
  assert.deepEqual(servingPermissions(fn), [
    { apiGroups: ["ops.example.com"], resources: ["backups"], verbs: ["get", "list", "watch"] },
    { apiGroups: ["ops.example.com"], resources: ["backups/status"], verbs: ["patch"] },
  ]);
  // With a finalizer too: its patch of the resource, and the status rule beside it; in every namespace, a ClusterRole.
  const both = loaded({ name: "w", watch: { resource: BACKUPS, namespace: "*", status: true, finalizer: "ops.example.com/snapshots" }, handler() {} });
  assert.deepEqual(servingPermissions(both), [
    { apiGroups: ["ops.example.com"], resources: ["backups"], verbs: ["get", "list", "watch", "patch"], namespace: "*" },
    { apiGroups: ["ops.example.com"], resources: ["backups/status"], verbs: ["patch"], namespace: "*" },
  ]);
  const role = generateManifests([fn], { namespace: "ops" })
    .flatMap((g) => g.objects)
    .find((o) => o.kind === "Role") as Role;
  assert.deepEqual(
    role.rules!.filter((r) => r.apiGroups!.includes("ops.example.com")).map((r) => [r.resources, r.verbs]),
    [
      [["backups"], ["get", "list", "watch"]],
      [["backups/status"], ["patch"]],
    ],
  );
  const clusterRole = generateManifests([both], { namespace: "ops" })
    .flatMap((g) => g.objects)
    .find((o) => o.kind === "ClusterRole") as ClusterRole;
  assert.deepEqual(clusterRole.rules!.map((r) => [r.resources, r.verbs]), [
    [["backups"], ["get", "list", "patch", "watch"]],
    [["backups/status"], ["patch"]],
  ]);
});
