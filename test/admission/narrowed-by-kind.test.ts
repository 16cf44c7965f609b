/**
 * An admission handler with rules on several resources tells their requests apart by the
 * object's `kind` (or `apiVersion`): `kubernetes-types` declares each top-level type's as a
 * literal (`Pod`'s `kind?: "Pod"`, `Scale`'s `"Scale"`), so checking
 * `trigger.request.object?.kind` narrows `trigger.request.object` to that rule's type. Checking
 * `trigger.request.resource.resource` narrows nothing: TypeScript narrows a union only by a
 * property of the value itself, never through a nested one (`request.resource.resource`;
 * microsoft/TypeScript#18758), so the request is not typed per rule. The API server (here the
 * emulated one) sends each object with its `kind` and `apiVersion`, which the run-time test
 * pins, with the request's `resource` (the parent's for a subresource, which `subResource`
 * names). The `satisfies true` lines and each `@ts-expect-error` are checked by `npx tsc --noEmit`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { Scale } from "kubernetes-types/autoscaling/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { defineFunction } from "../../runtime/function.js";
import type { KubeObject, ResourceType } from "../../runtime/kube/api.js";
import { KubeApiError } from "../../runtime/kube/errors.js";
import { startHarness, type Harness } from "../../runtime/testing/index.js";

/** `true` when `A` and `B` are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

interface Backup extends KubeObject {
  spec?: { target?: string };
}
const BACKUPS: ResourceType<Backup> = { group: "ops.example.com", version: "v1", resource: "backups", kind: "Backup", namespaced: true };

/** Refuses what it sees (but a Deployment labelled `allow`), saying what it saw: each detail read through the narrowed type. */
const seesKinds = defineFunction({
  name: "sees-kinds",
  admission: {
    type: "validating",
    rules: [
      { operations: ["CREATE"], resource: "pods" },
      { operations: ["CREATE"], resource: "deployments.apps" },
      { operations: ["UPDATE"], resource: "deployments.apps/scale" },
    ],
  },
  handler({ trigger }) {
    const { object, resource, subResource } = trigger.request;
    const seen = { kind: object?.kind, apiVersion: object?.apiVersion, resource, subResource };
    switch (object?.kind) {
      case "Pod":
        return { allowed: false, message: JSON.stringify({ ...seen, detail: object.spec?.containers[0]?.image }) };
      case "Deployment":
        return object.metadata?.labels?.allow ? { allowed: true } : { allowed: false, message: JSON.stringify({ ...seen, detail: object.spec?.replicas }) };
      case "Scale":
        return { allowed: false, message: JSON.stringify({ ...seen, detail: object.spec?.replicas }) };
    }
    return { allowed: false, message: JSON.stringify(seen) };
  },
});

describe("several rules: the object's kind tells their requests apart", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    const fn = await h.deploy(seesKinds);
    await h.admin.namespaces.create({ metadata: { name: "apps" } });
    await fn.registerWebhook();
  });
  after(() => h.stop());

  const apps = () => h.admin.with({ namespace: "apps" });
  /** What the webhook saw, from the refusal's message. */
  const seen = async (write: Promise<unknown>): Promise<unknown> => {
    let message = "";
    await assert.rejects(write, (error: unknown) => error instanceof KubeApiError && ((message = error.status.message ?? ""), true));
    return JSON.parse(message.slice(message.indexOf("denied the request: ") + "denied the request: ".length)) as unknown;
  };

  test("each object comes with its kind and apiVersion, the request with its resource (a subresource's parent's, and subResource)", async () => {
    const pod: Pod = { metadata: { name: "p" }, spec: { containers: [{ name: "a", image: "nginx:1.27" }] } };
    assert.deepEqual(await seen(apps().pods.create(pod)), { kind: "Pod", apiVersion: "v1", resource: { group: "", version: "v1", resource: "pods" }, detail: "nginx:1.27" });
    const deployment = (name: string, labels: Record<string, string> = {}): Deployment => ({
      metadata: { name, labels },
      spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "a", image: "nginx" }] } } },
    });
    assert.deepEqual(await seen(apps().deployments.create(deployment("refused"))), { kind: "Deployment", apiVersion: "apps/v1", resource: { group: "apps", version: "v1", resource: "deployments" }, detail: 2 });
    await apps().deployments.create(deployment("web", { allow: "yes" }));
    assert.deepEqual(await seen(apps().deployments.scale("web", 9)), { kind: "Scale", apiVersion: "autoscaling/v1", resource: { group: "apps", version: "v1", resource: "deployments" }, subResource: "scale", detail: 9 });
  });
});

/** Never called: the lines with `satisfies true` must compile, each after `@ts-expect-error` must not. */
export function typeChecks(): void {
  // Every rule's type has a literal kind: each kind narrows to its rule's type; a kind no rule has is an error.
  defineFunction({
    name: "literal-kinds",
    admission: {
      type: "validating",
      rules: [
        { operations: ["*"], resource: "pods" },
        { operations: ["*"], resource: "deployments.apps" },
        { operations: ["UPDATE"], resource: "deployments.apps/scale" },
      ],
    },
    handler({ trigger }) {
      const object = trigger.request.object;
      true satisfies Equal<typeof object, Pod | Deployment | Scale | null | undefined>;
      if (object?.kind === "Deployment") true satisfies Equal<typeof object, Deployment>;
      else if (object?.kind === "Scale") true satisfies Equal<typeof object, Scale>;
      // `kind` is optional in the types: an object without one is none of them, so nothing is left out.
      else true satisfies Equal<typeof object, Pod | Deployment | Scale | null | undefined>;
      if (trigger.request.object?.apiVersion === "apps/v1") {
        const narrowed = trigger.request.object;
        true satisfies Equal<typeof narrowed, Deployment>;
      }
      // On DELETE the object is null: the old one narrows the same way.
      if (trigger.request.oldObject?.kind === "Pod") {
        const old = trigger.request.oldObject;
        true satisfies Equal<typeof old, Pod>;
      }
      // @ts-expect-error: no rule's object is a Job
      if (object?.kind === "Job") return { allowed: false };
      return { allowed: true };
    },
  });

  // A rule whose objects' kind is only a string (a ResourceType<Backup>, a CONNECT's options) stays in every branch.
  defineFunction({
    name: "wide-kinds",
    admission: {
      type: "validating",
      rules: [
        { operations: ["CREATE"], resource: "pods" },
        { operations: ["CREATE"], resource: BACKUPS },
        { operations: ["CONNECT"], resource: "pods/exec" },
      ],
    },
    handler({ trigger }) {
      const object = trigger.request.object;
      if (object?.kind === "Pod") true satisfies Equal<typeof object, Pod | Backup | KubeObject>;
      if (object?.kind === "Backup") true satisfies Equal<typeof object, Backup | KubeObject>;
      return { allowed: true };
    },
  });

  // The request's resource does not narrow the object: TypeScript narrows no union through a nested property.
  defineFunction({
    name: "by-resource",
    admission: { type: "validating", rules: [{ operations: ["*"], resource: "pods" }, { operations: ["*"], resource: "deployments.apps" }] },
    handler({ trigger }) {
      if (trigger.request.resource.group === "apps" && trigger.request.resource.resource === "deployments") {
        const still = trigger.request.object;
        true satisfies Equal<typeof still, Pod | Deployment | null | undefined>;
      }
      return { allowed: true };
    },
  });
}
