/**
 * A watch call's `trigger.object` is typed by the definition's `watch`: a built-in resource's
 * `kubernetes-types` type by its name (`"deployments.apps"`: `Deployment`), a typed descriptor's
 * (`ResourceType<Backup>`) by its type, the union for several entries; the watch is still
 * checked as `WatchTrigger` is. At run time the descriptor is the plain object written: it loads
 * as that object does, its watch runs, and `kube.resource(descriptor)` writes its objects. The `@ts-expect-error` lines
 * are checked by `npx tsc --noEmit` (the first step of `npm test`): each must be a type error,
 * or the compile fails.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { Job } from "kubernetes-types/batch/v1.js";
import type { ConfigMap, Event as CoreEvent, Namespace, Pod } from "kubernetes-types/core/v1.js";
import type { Event as EventV1 } from "kubernetes-types/events/v1.js";
import type { Lease } from "kubernetes-types/coordination/v1.js";
import { defineFunction, type BuiltInObjectTypes, type BuiltInWatchName, type KubeObject, type ResourceType, type WatchTrigger } from "../../runtime/index.js";
import { applyObjects, startHarness, until, type Harness } from "../../runtime/testing/index.js";
import { loadDefinition } from "../../runtime/testing/typed-calls.js";
import { builtInWatchNames } from "../../runtime/watch/definition.js";

/** A custom resource's objects, as a function author would declare them. */
interface Backup extends KubeObject {
  spec: { target: string };
  status?: { snapshots?: number };
}

/** The typed descriptor: the plain object `{group, version, ...}`, typed by its objects. */
const BACKUPS: ResourceType<Backup> = { group: "ops.example.com", version: "v1", resource: "backups", kind: "Backup", namespaced: true };

const BACKUPS_CRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "backups.ops.example.com" },
  spec: {
    group: "ops.example.com",
    scope: "Namespaced",
    names: { plural: "backups", kind: "Backup" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { target: { type: "string" } } }, status: { type: "object", properties: { snapshots: { type: "integer" } } } } } },
      },
    ],
  },
};

/** Counts each Backup's snapshots in its status, reading `spec.target` with no cast. */
const countSnapshots = defineFunction({
  name: "count-snapshots",
  watch: { resource: BACKUPS, events: ["ADDED", "MODIFIED"] },
  permissions: [{ apiGroups: ["ops.example.com"], resources: ["backups/status"], verbs: ["patch"] }],
  async handler({ trigger, kube }) {
    if (trigger.type !== "watch") return;
    const backup = trigger.object;
    if (backup.status?.snapshots !== undefined) return;
    const target: string = backup.spec.target;
    await kube.resource(BACKUPS).patchStatus(backup.metadata!.name!, { status: { snapshots: target.length } });
  },
});

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.stop());

test("a typed descriptor loads as the plain object it is: the same loaded watch", () => {
  const plain = { group: "ops.example.com", version: "v1", resource: "backups", kind: "Backup", namespaced: true };
  const typed = loadDefinition(defineFunction({ name: "typed", watch: { resource: BACKUPS, finalizer: "ops.example.com/snapshots" }, handler() {} }));
  const untyped = loadDefinition(defineFunction({ name: "typed", watch: { resource: plain, finalizer: "ops.example.com/snapshots" }, handler() {} }));
  assert.deepEqual(typed.watches, untyped.watches);
  assert.deepEqual(Object.keys(BACKUPS), Object.keys(plain), "nothing is added to the descriptor");
});

test("a function watching a typed descriptor is called with its objects, and kube.resource(descriptor) writes them", async () => {
  const fn = await h.deploy(countSnapshots);
  await applyObjects(fn.admin, [BACKUPS_CRD]);
  const watching = fn.watch();
  await watching.ready;
  const admin = fn.admin.resource(BACKUPS);
  await admin.create({ metadata: { name: "nightly" }, spec: { target: "db" } });
  await until(async () => (await admin.get("nightly")).status?.snapshots === 2, "the status the watch call wrote");
  await watching.stop();
  assert.deepEqual(watching.failures, []);
});

test("every name a watch accepts as a string has its type in BuiltInObjectTypes, and no other", () => {
  // Its keys must be exactly BuiltInWatchName (a missing or extra one is a compile error).
  const names = {
    pods: true, services: true, configmaps: true, secrets: true, serviceaccounts: true, namespaces: true, events: true, nodes: true,
    persistentvolumeclaims: true, resourcequotas: true, limitranges: true, endpoints: true, "deployments.apps": true, "statefulsets.apps": true,
    "daemonsets.apps": true, "replicasets.apps": true, "jobs.batch": true, "cronjobs.batch": true, "leases.coordination.k8s.io": true,
    "roles.rbac.authorization.k8s.io": true, "rolebindings.rbac.authorization.k8s.io": true, "clusterroles.rbac.authorization.k8s.io": true,
    "clusterrolebindings.rbac.authorization.k8s.io": true, "events.events.k8s.io": true, "poddisruptionbudgets.policy": true,
    "ingresses.networking.k8s.io": true, "ingressclasses.networking.k8s.io": true, "networkpolicies.networking.k8s.io": true,
    "endpointslices.discovery.k8s.io": true, persistentvolumes: true, "horizontalpodautoscalers.autoscaling": true,
    "certificatesigningrequests.certificates.k8s.io": true, "storageclasses.storage.k8s.io": true, "priorityclasses.scheduling.k8s.io": true,
  } satisfies Record<BuiltInWatchName, true>;
  assert.deepEqual(Object.keys(names).sort(), builtInWatchNames().sort());
});

/** `true` when `A` and `B` are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Never called: the lines with `satisfies true` must compile, each after `@ts-expect-error` must not. */
export function typeChecks(names: string[]): void {
  true satisfies Equal<BuiltInObjectTypes["jobs.batch"], Job>;
  true satisfies Equal<BuiltInObjectTypes["pods"], Pod>;
  true satisfies Equal<BuiltInObjectTypes["namespaces"], Namespace>;
  true satisfies Equal<BuiltInObjectTypes["events"], CoreEvent>;
  true satisfies Equal<BuiltInObjectTypes["events.events.k8s.io"], EventV1>;
  true satisfies Equal<BuiltInObjectTypes["leases.coordination.k8s.io"], Lease>;

  defineFunction({
    name: "on-deployment",
    watch: { resource: "deployments.apps" },
    handler({ trigger }) {
      if (trigger.type !== "watch") return;
      const deployment: Deployment = trigger.object; // TS2322 while it was a KubeObject
      true satisfies Equal<typeof trigger.object, Deployment>;
      void deployment;
      // @ts-expect-error: a Deployment is no Pod
      const pod: Pod = trigger.object;
      void pod;
    },
  });

  defineFunction({
    name: "on-configmap",
    watch: { resource: "configmaps", events: ["MODIFIED"], namespace: "*" },
    handler: ({ trigger }) => (trigger.type === "watch" ? trigger.object.data : undefined) satisfies ConfigMap["data"],
  });

  defineFunction({
    name: "several",
    watch: [{ resource: "jobs.batch" }, { resource: BACKUPS, finalizer: "ops.example.com/snapshots" }, { resource: "pods", name: "pods" }],
    handler({ trigger }) {
      if (trigger.type !== "watch") return;
      true satisfies Equal<typeof trigger.object, Job | Backup | Pod>;
      // @ts-expect-error: one entry's type is not the union's
      trigger.object satisfies Job;
      if (trigger.object.kind === "Backup") void trigger.object;
    },
  });

  defineFunction({
    name: "on-backup",
    watch: { resource: BACKUPS },
    handler({ trigger }) {
      if (trigger.type !== "watch") return;
      true satisfies Equal<typeof trigger.object, Backup>;
      // @ts-expect-error: a Backup's spec has no such field
      void trigger.object.spec.schedule;
    },
  });

  // Names known only at run time, untyped descriptors and no watch at all: a KubeObject, as before.
  const untyped = { group: "ops.example.com", version: "v1", resource: "backups", namespaced: true };
  const entries: WatchTrigger[] = [{ resource: "pods" }];
  defineFunction({ name: "a", watch: { resource: names[0]! }, handler: ({ trigger }) => void (trigger.type === "watch" && (true satisfies Equal<typeof trigger.object, KubeObject>)) });
  defineFunction({ name: "b", watch: { resource: untyped }, handler: ({ trigger }) => void (trigger.type === "watch" && (true satisfies Equal<typeof trigger.object, KubeObject>)) });
  defineFunction({ name: "c", watch: entries, handler: ({ trigger }) => void (trigger.type === "watch" && (true satisfies Equal<typeof trigger.object, KubeObject>)) });
  defineFunction({ name: "d", http: { auth: "none" }, handler: ({ trigger }) => void (trigger.type === "watch" && (true satisfies Equal<typeof trigger.object, KubeObject>)) });

  // A watch is still checked as WatchTrigger is.
  // @ts-expect-error: a misspelt option is an excess property
  defineFunction({ name: "e", watch: { resource: "pods", evnts: ["ADDED"] }, handler() {} });
  // @ts-expect-error: in an array too
  defineFunction({ name: "f", watch: [{ resource: "pods" }, { resource: BACKUPS, finalizr: "ops.example.com/x" }], handler() {} });
  // @ts-expect-error: and in a resource written in place
  defineFunction({ name: "g", watch: { resource: { group: "ops.example.com", version: "v1", resource: "backups", namespaced: true, plural: "backups" } }, handler() {} });
  // @ts-expect-error: an event is one of ADDED, MODIFIED, DELETED
  defineFunction({ name: "h", watch: { resource: "pods", events: ["CREATED"] }, handler() {} });
}
