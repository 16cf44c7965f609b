/**
 * A mutating handler may change the request's object in place and return it, whole or under a
 * shallow spread: the patch is from the object as the request brought it, so the change is
 * answered, not lost (the object was diffed against itself: allowed, no patch).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyPatch } from "rfc6902";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import { decideReview } from "../../runtime/admission/decide.js";
import { captureLogs } from "../schedule/helpers.js";
import { fakeKube } from "../http/helpers.js";
import { loadedAdmission, reviewOf } from "./helpers.js";

const options = { kube: fakeKube().kube, logger: captureLogs().logger };
const deployment = () => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", labels: { app: "web" } },
  spec: { template: { spec: { containers: [{ name: "a", image: "nginx" }] } } },
});

const whole = loadedAdmission({
  name: "in-place",
  admission: { type: "mutating", rules: [{ operations: ["CREATE"], resource: "deployments.apps" }] },
  handler: ({ trigger }) => {
    const d = trigger.request.object!;
    d.metadata!.labels = { ...d.metadata!.labels, owner: "team-a" };
    return { allowed: true, object: d };
  },
});
const nested = loadedAdmission({
  name: "in-place-nested",
  admission: { type: "mutating", rules: [{ operations: ["CREATE"], resource: "deployments.apps" }] },
  handler: ({ trigger }) => {
    const d = trigger.request.object as Deployment;
    d.spec!.template.spec!.containers[0]!.image = "nginx:1.27";
    return { allowed: true, object: { ...d, metadata: { ...d.metadata, annotations: { seen: "yes" } } } };
  },
});

async function patchOf(fn: typeof whole): Promise<unknown[]> {
  const answer = await decideReview(fn, reviewOf(deployment()), "r1", options);
  assert.equal(answer.outcome, "patched", JSON.stringify(answer.body));
  const response = (answer.body as { response: { patchType?: string; patch: string } }).response;
  assert.equal(response.patchType, "JSONPatch");
  return JSON.parse(Buffer.from(response.patch, "base64").toString("utf8")) as unknown[];
}

test("the request's object changed in place and returned: the change is the patch", async () => {
  const operations = await patchOf(whole);
  assert.deepEqual(operations, [{ op: "add", path: "/metadata/labels/owner", value: "team-a" }]);
});

test("a nested part changed in place under a shallow spread: both changes are in the patch", async () => {
  const operations = await patchOf(nested);
  const object = deployment();
  assert.deepEqual(applyPatch(object, operations as never), operations.map(() => null));
  const expected = deployment();
  expected.spec.template.spec.containers[0]!.image = "nginx:1.27";
  assert.deepEqual(object, { ...expected, metadata: { ...expected.metadata, annotations: { seen: "yes" } } });
});
