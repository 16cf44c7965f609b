/**
 * A mutating webhook's answer is the JSONPatch from the request's object to the object the
 * handler returned (applied here with rfc6902 by hand, and by the harness's review()), a dry run
 * reaches the handler's client as dryRun=All, and results that are not decisions fail as
 * failurePolicy says.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { applyPatch } from "rfc6902";
import type { Pod } from "kubernetes-types/core/v1.js";
import { defineFunction } from "../../runtime/function.js";
import { startHarness, type Deployed, type Harness } from "../../runtime/testing/index.js";

const addDefaults = defineFunction({
  name: "pod-defaults",
  admission: { type: "mutating", rules: [{ operations: ["CREATE"], resource: "pods" }] },
  handler({ trigger }) {
    const pod = trigger.request.object!;
    if (pod.metadata?.labels?.keep === "as-is") return { allowed: true, object: pod };
    return {
      allowed: true,
      object: {
        ...pod,
        metadata: { ...pod.metadata, labels: { ...pod.metadata?.labels, "team.example.com/~owner": "a/b" } },
        spec: { ...pod.spec!, containers: pod.spec!.containers.map((c) => ({ ...c, resources: { requests: { cpu: "50m" } } })), enableServiceLinks: false },
      },
    };
  },
});
const recordsCalls = defineFunction({
  name: "records-calls",
  admission: { type: "validating", rules: [{ operations: ["*"], resource: "pods" }], sideEffects: "NoneOnDryRun" },
  permissions: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["create"] }],
  async handler({ trigger, kube, dryRun }) {
    await kube.configMaps.create({ metadata: { name: `seen-${trigger.request.uid}` }, data: { dryRun: String(dryRun) } });
    return { allowed: true };
  },
});
const notADecision = defineFunction({
  name: "not-a-decision",
  admission: { type: "validating", rules: [{ operations: ["*"], resource: "pods" }] },
  handler: ({ trigger }) => ({ allowed: true, object: trigger.request.object }) as never,
});

const pod: Pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p", labels: { app: "web" } }, spec: { containers: [{ name: "a", image: "nginx" }, { name: "b", image: "busybox" }] } };

describe("mutating admission", () => {
  let h: Harness;
  let mutate: Deployed;
  let records: Deployed;
  let invalid: Deployed;
  before(async () => {
    h = await startHarness();
    [mutate, records, invalid] = await Promise.all([h.deploy(addDefaults), h.deploy(recordsCalls), h.deploy(notADecision)]);
  });
  after(() => h.stop());

  test("the patch applied to the request's object gives the object the handler returned", async () => {
    const { response, object, patch } = await mutate.review({ object: pod });
    assert.equal(response.allowed, true);
    assert.equal(response.patchType, "JSONPatch");
    const operations = JSON.parse(Buffer.from(response.patch!, "base64").toString("utf8")) as Parameters<typeof applyPatch>[1];
    assert.deepEqual(operations, patch);
    // By hand, as the API server applies it: escaped pointers (~1 for /, ~0 for ~) included.
    const patched = structuredClone(pod);
    assert.deepEqual(applyPatch(patched, operations), operations.map(() => null));
    const expected = {
      ...pod,
      metadata: { name: "p", labels: { app: "web", "team.example.com/~owner": "a/b" } },
      spec: { containers: pod.spec!.containers.map((c) => ({ ...c, resources: { requests: { cpu: "50m" } } })), enableServiceLinks: false },
    };
    assert.deepEqual(patched, expected);
    // review()'s object is the request's, which names the namespace as the API server sets it before admission.
    assert.deepEqual(object, { ...expected, metadata: { ...expected.metadata, namespace: mutate.namespace } });
    assert.ok(operations.some((o) => o.path === "/metadata/labels/team.example.com~1~0owner"), JSON.stringify(operations));
  });

  test("an object returned unchanged is no patch", async () => {
    const { response } = await mutate.review({ object: { ...pod, metadata: { name: "p", labels: { keep: "as-is" } } } });
    assert.deepEqual(Object.keys(response).sort(), ["allowed", "uid"]);
  });

  test("a DELETE has no object to change: the handler's result fails the review (Fail: denied, 500)", async () => {
    const { response } = await mutate.review({ operation: "DELETE", object: null, oldObject: pod });
    assert.equal(response.allowed, false);
    assert.equal(response.status?.code, 500);
  });

  test("a validating webhook that returns an object fails its review rather than patching", async () => {
    const { response } = await invalid.review({ object: pod });
    assert.equal(response.allowed, false);
    assert.match(response.status?.message ?? "", /^not-a-decision failed: internal error \(request id .+\)$/);
  });

  test("a dry run's review makes the handler's writes dry runs; another's are written", async () => {
    const dry = await records.review({ object: pod, dryRun: true, uid: "dry-1" });
    const real = await records.review({ object: pod, uid: "real-1" });
    assert.equal(dry.response.allowed, true);
    assert.equal(real.response.allowed, true);
    const names = (await records.admin.configMaps.listPage()).items.map((c) => c.metadata?.name).filter((n) => n?.startsWith("seen-"));
    assert.deepEqual(names, ["seen-real-1"]);
    const creates = h.cluster.requests.filter((r) => r.user === records.users.deployment && r.method === "POST" && r.resource === "configmaps");
    assert.deepEqual(creates.map((r) => [r.status, /[?&]dryRun=All(&|$)/.test(r.path)]), [[201, true], [201, false]]);
  });
});
