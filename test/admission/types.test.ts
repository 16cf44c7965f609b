/**
 * The types of admission definitions (checked by \`tsc\`, which \`npm test\` runs first): a rule's
 * built-in resource types \`trigger.request.object\`, a mutating handler may return the object, a
 * validating one may not, a subresource rule types the subresource's object, rules mixing a
 * name and a descriptor give the union, and a misspelt option is an error.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod, ConfigMap } from "kubernetes-types/core/v1.js";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { Scale } from "kubernetes-types/autoscaling/v1.js";
import { defineFunction } from "../../runtime/function.js";
import type { KubeObject, ResourceType } from "../../runtime/kube/api.js";

const validating = defineFunction({
  name: "require-owner-label",
  admission: { type: "validating", rules: [{ operations: ["CREATE", "UPDATE"], resource: "deployments.apps" }] },
  handler: ({ trigger }) => {
    const replicas: number | undefined = trigger.request.object?.spec?.replicas; // a Deployment
    void replicas;
    return trigger.request.object?.metadata?.labels?.owner ? { allowed: true } : { allowed: false, message: "every Deployment needs an owner label" };
  },
});
const mutating = defineFunction({
  name: "defaults",
  admission: { type: "mutating", rules: [{ operations: ["CREATE"], resource: "pods" }, { operations: ["*"], resource: "configmaps" }] },
  handler: ({ trigger }) => {
    const object: Pod | ConfigMap = trigger.request.object!; // the union of the rules' types
    return { allowed: true, object: { ...object, metadata: { ...object.metadata, labels: { a: "b" } } } };
  },
});
// @ts-expect-error a validating webhook cannot return an object
const returnsObject = defineFunction({ name: "v", admission: { type: "validating", rules: [{ operations: ["CREATE"], resource: "pods" }] }, handler: ({ trigger }) => ({ allowed: true, object: trigger.request.object! }) });
// @ts-expect-error a misspelt option
const misspelt = defineFunction({ name: "v", admission: { type: "validating", rules: [{ operations: ["CREATE"], resource: "pods" }], failurPolicy: "Fail" }, handler: () => ({ allowed: true }) });
// @ts-expect-error an operation Kubernetes does not have
const badOperation = defineFunction({ name: "v", admission: { type: "validating", rules: [{ operations: ["PATCH"], resource: "pods" }] }, handler: () => ({ allowed: true }) });
// @ts-expect-error a decision needs \`allowed\`
const noDecision = defineFunction({ name: "v", admission: { type: "validating", rules: [{ operations: ["CREATE"], resource: "pods" }] }, handler: () => ({ message: "x" }) });
const subresources = defineFunction({
  name: "scale-and-exec",
  admission: { type: "validating", rules: [{ operations: ["UPDATE"], resource: "deployments.apps/scale" }, { operations: ["UPDATE"], resource: "pods/status" }] },
  handler: ({ trigger }) => {
    const object: Scale | Pod | null | undefined = trigger.request.object; // a Scale, or the Pod for its status
    return { allowed: object?.kind !== "Scale" || ((object as Scale).spec?.replicas ?? 0) <= 10 };
  },
});
const scaleOnly = defineFunction({
  name: "scale",
  admission: { type: "validating", rules: [{ operations: ["UPDATE"], resource: "deployments.apps/scale" }] },
  handler: ({ trigger }) => {
    const scale: Scale = trigger.request.object!;
    // @ts-expect-error the scale subresource's object is a Scale, not the Deployment
    const deployment: Deployment = trigger.request.object!;
    return { allowed: (scale.spec?.replicas ?? 0) <= 10 || deployment === undefined };
  },
});
interface Backup extends KubeObject {
  spec?: { schedule?: string };
}
const backups: ResourceType<Backup> = { group: "ops.example.com", version: "v1", resource: "backups", namespaced: true, kind: "Backup" };
const mixedRules = defineFunction({
  name: "mixed",
  admission: { type: "validating", rules: [{ operations: ["CREATE"], resource: "deployments.apps" }, { operations: ["UPDATE"], resource: backups }] },
  handler: ({ trigger }) => {
    const object: Deployment | Backup | null | undefined = trigger.request.object; // a name and a descriptor: the union
    // @ts-expect-error a Backup is no Deployment
    const deployment: Deployment | null | undefined = trigger.request.object;
    return { allowed: object !== undefined || deployment !== undefined };
  },
});
// @ts-expect-error a misspelt key of a rule's descriptor
const misspeltDescriptor = defineFunction({ name: "v", admission: { type: "validating", rules: [{ operations: ["UPDATE"], resource: { group: "ops.example.com", version: "v1", resource: "backups", namespaced: true, subresorce: "status" } }] }, handler: () => ({ allowed: true }) });
const deploymentType: Deployment | undefined = undefined;

test("admission definitions are typed by their rules (tsc checks this file)", () => {
  void [returnsObject, misspelt, badOperation, noDecision, deploymentType, scaleOnly, mixedRules, misspeltDescriptor];
  assert.deepEqual(subresources.admission.rules.map((r) => r.resource), ["deployments.apps/scale", "pods/status"]);
  assert.equal(validating.admission.type, "validating");
  assert.equal(mutating.admission.rules.length, 2);
});
