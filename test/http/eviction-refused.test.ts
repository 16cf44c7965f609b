/**
 * A handler that evicts a pod a PodDisruptionBudget protects, against the emulated cluster: the
 * API server refuses with 429 (a `DisruptionBudget` cause, no Retry-After); the eviction is sent
 * once, and a caller of a handler that lets the refusal through gets that 429 with the server's
 * words, not a 503 saying the API server could not answer.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { startHarness, type Harness } from "../../runtime/testing/index.js";
import { defineFunction } from "../../runtime/index.js";

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.stop());

const drainPod = defineFunction({
  name: "drain-pod",
  input: z.object({ pod: z.string() }),
  permissions: [{ apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] }],
  http: { auth: "none" },
  async handler({ input, kube }) {
    await kube.pods.evict(input.pod);
    return { evicted: input.pod };
  },
});

test("an eviction a PodDisruptionBudget refuses is answered 429 kube_too_many_requests with the budget named, sent once, the pod left", async () => {
  const fn = await h.deploy(drainPod);
  await fn.admin.pods.create({ metadata: { name: "web-0", labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx" }] } });
  // Ready: an unready pod may go whatever the budget says while the budget is healthy enough.
  await fn.admin.pods.patchStatus("web-0", { status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } }, { type: "merge" });
  await fn.admin.podDisruptionBudgets.create({ metadata: { name: "web" }, spec: { minAvailable: 1, selector: { matchLabels: { app: "web" } } } });
  await fn.admin.podDisruptionBudgets.patchStatus("web", { status: { observedGeneration: 1, disruptionsAllowed: 0, desiredHealthy: 1, currentHealthy: 1, expectedPods: 1 } }, { type: "merge" });

  const res = await fn.fetch("/drain-pod", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pod: "web-0" }) });
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("retry-after"), null, "the server named no time to wait");
  const body = (await res.json()) as { error: { code: string; message: string; causes: unknown; requestId: string } };
  assert.equal(body.error.code, "kube_too_many_requests");
  assert.equal(body.error.message, "Cannot evict pod as it would violate the pod's disruption budget.");
  assert.deepEqual(body.error.causes, [{ reason: "DisruptionBudget", message: "The disruption budget web needs 1 healthy pods and has 1 currently" }]);
  assert.equal(body.error.requestId, res.headers.get("x-request-id"));
  assert.equal(fn.access().filter((a) => a.resource === "pods" && a.subresource === "eviction").length, 1, "a write's 429 without Retry-After is not sent again");
  assert.equal((await fn.admin.pods.get("web-0")).metadata?.name, "web-0", "the pod is still there");
});
