/**
 * `deployed.review()` is typed by the definition given to `deploy()`, as `run()` is: its result's
 * `object` is what the rules name (`Deployment` for `"deployments.apps"`, the union for several,
 * a subresource's object for a subresource rule), as the handler's `trigger.request.object`;
 * deployed by name, a `KubeObject` as before. `fields` takes those, or any `KubeObject` (a test
 * may send what no rule names). The `satisfies true` lines are checked by `npx tsc --noEmit`
 * (the first step of `npm test`), as is each `@ts-expect-error` (it must be a type error).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { Scale } from "kubernetes-types/autoscaling/v1.js";
import type { ConfigMap, Pod } from "kubernetes-types/core/v1.js";
import { defineFunction } from "../../runtime/function.js";
import type { KubeObject } from "../../runtime/kube/api.js";
import { startHarness, type Deployed, type Harness, type ReviewObjectOf, type ReviewResult } from "../../runtime/testing/index.js";

/** `true` when `A` and `B` are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const replicasCap = defineFunction({
  name: "replicas-cap",
  admission: { type: "mutating", rules: [{ operations: ["CREATE"], resource: "deployments.apps" }] },
  handler: ({ trigger }) => {
    const deployment = trigger.request.object!;
    return { allowed: true, object: { ...deployment, spec: { ...deployment.spec!, replicas: Math.min(deployment.spec?.replicas ?? 1, 3) } } };
  },
});
const labelled = defineFunction({
  name: "labelled",
  admission: { type: "mutating", rules: [{ operations: ["CREATE"], resource: "pods" }, { operations: ["CREATE"], resource: "configmaps" }] },
  handler: ({ trigger }) => {
    const object = trigger.request.object!;
    return { allowed: true, object: { ...object, metadata: { ...object.metadata, labels: { checked: "yes" } } } };
  },
});
const scaleCap = defineFunction({
  name: "scale-cap",
  admission: { type: "validating", rules: [{ operations: ["UPDATE"], resource: "deployments.apps/scale" }] },
  handler: ({ trigger }) => ({ allowed: (trigger.request.object?.spec?.replicas ?? 0) <= 10 }),
});

const deployment: Deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web" },
  spec: { replicas: 5, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx" }] } } },
};

describe("review() typed by the deployed definition's rules", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  test("a rule on deployments.apps: the result's object is a Deployment, read without casts", async () => {
    true satisfies Equal<ReviewObjectOf<typeof replicasCap>, Deployment>;
    const fn = await h.deploy(replicasCap);
    const result = await fn.review({ object: deployment });
    true satisfies Equal<typeof result, ReviewResult<Deployment>>;
    true satisfies Equal<typeof result.object, Deployment | null | undefined>;
    assert.equal(result.object?.spec?.replicas, 3);
    assert.equal((await fn.review({ object: { ...deployment, spec: { ...deployment.spec!, replicas: 2 } } })).object?.spec?.replicas, 2);
  });

  test("rules on several resources: the union of their types", async () => {
    const fn = await h.deploy(labelled);
    const cm: ConfigMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1" } };
    const result = await fn.review({ object: cm });
    true satisfies Equal<typeof result.object, Pod | ConfigMap | null | undefined>;
    const object = result.object!;
    assert.deepEqual(["data" in object ? object.data : undefined, object.metadata?.labels], [{ a: "1" }, { checked: "yes" }]);
  });

  test("a subresource rule: its object (a Scale for deployments.apps/scale)", async () => {
    const fn = await h.deploy(scaleCap);
    const scale: Scale = { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "web" }, spec: { replicas: 20 } };
    const result = await fn.review({ operation: "UPDATE", object: scale, oldObject: { ...scale, spec: { replicas: 1 } } });
    true satisfies Equal<typeof result.object, Scale | null | undefined>;
    assert.deepEqual([result.response.allowed, result.object?.spec?.replicas], [false, 20]);
  });

  test("deployed by name, or annotated Deployed: a KubeObject, as before", async () => {
    const typed = await h.deploy(replicasCap);
    const wide: Deployed = typed; // a typed deployment is still a Deployed
    const result = await wide.review({ object: deployment });
    true satisfies Equal<typeof result.object, KubeObject | null | undefined>;
    assert.equal(result.object?.kind, "Deployment");
  });
});

/** Never called: the lines with `satisfies true` must compile, each after `@ts-expect-error` must not. */
export function typeChecks(fn: Deployed<typeof replicasCap>, pods: Deployed<typeof labelled>, pod: Pod, any: KubeObject): void {
  // fields take the rules' objects, and any KubeObject: a test may send what no rule names.
  void fn.review({ object: deployment, oldObject: null });
  void fn.review({ object: pod });
  void fn.review({ object: any });
  void fn.review({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: { uid: "u", kind: { group: "", version: "v1", kind: "Pod" }, resource: { group: "", version: "v1", resource: "pods" }, operation: "CREATE", userInfo: {}, object: pod } });
  // Written in place, the object is checked against the rules' types (and KubeObject's fields).
  void fn.review({ object: { apiVersion: "apps/v1", kind: "Deployment", spec: { selector: {}, template: {}, replicas: 2 } } });
  void fn.review({
    // @ts-expect-error: `replicaz` is no field of a Deployment's, nor of any KubeObject
    object: { spec: { replicaz: 2 } },
  });
  void fn.review({ object: deployment }).then((result) => {
    // @ts-expect-error: a Deployment's spec has no `containers`
    void result.object?.spec?.containers;
  });
  void pods.review({ object: pod }).then((result) => {
    // @ts-expect-error: a Pod or a ConfigMap: `spec` is not on both
    void result.object?.spec;
  });
}
