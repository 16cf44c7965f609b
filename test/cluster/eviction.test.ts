/**
 * Eviction as pkg/registry/core/pod/storage/eviction.go decides it: budgets ignored for pods
 * that are Pending, Succeeded, Failed or being deleted; a budget with no selector matching
 * nothing; two matching budgets answered with the real Failure Status (code 500, as a 201);
 * a budget that allows no disruption refusing with 429, one that allows some decremented.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { pod, testCluster, type TestCluster } from "./helpers.js";

const NS = "/api/v1/namespaces/ev";
const PDBS = "/apis/policy/v1/namespaces/ev/poddisruptionbudgets";

describe("eviction", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "ev" } } });
  });
  after(() => t.close());

  async function podIn(name: string, labels: Record<string, string>, status?: Record<string, unknown>): Promise<void> {
    assert.equal((await t.send("POST", `${NS}/pods`, { body: pod(name, labels) })).status, 201);
    if (status) assert.equal((await t.send("PATCH", `${NS}/pods/${name}/status`, { body: { status }, contentType: "application/merge-patch+json" })).status, 200);
  }
  /** A budget and the status its controller would write (having seen its first spec). */
  async function budget(name: string, selector: unknown, status: Record<string, unknown> = {}): Promise<void> {
    assert.equal((await t.send("POST", PDBS, { body: { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name }, spec: { minAvailable: 1, ...(selector === undefined ? {} : { selector }) } } })).status, 201);
    await t.send("PATCH", `${PDBS}/${name}/status`, { body: { status: { observedGeneration: 1, ...status } }, contentType: "application/merge-patch+json" });
  }
  const evict = (name: string) => t.send("POST", `${NS}/pods/${name}/eviction`, { body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name } } });
  const gone = async (name: string) => (await t.send("GET", `${NS}/pods/${name}`)).status === 404;

  test("a running pod whose budget allows no disruption is refused with 429; without the budget it is evicted", async () => {
    await podIn("blocked", { app: "blocked" }, { phase: "Running" });
    await budget("blocked", { matchLabels: { app: "blocked" } }, { disruptionsAllowed: 0, desiredHealthy: 2, currentHealthy: 1 });
    const refused = await evict("blocked");
    assert.equal(refused.status, 429);
    assert.deepEqual(refused.body.details, { causes: [{ reason: "DisruptionBudget", message: "The disruption budget blocked needs 2 healthy pods and has 1 currently" }] });
    assert.equal(await gone("blocked"), false);
    await t.send("DELETE", `${PDBS}/blocked`);
    const ok = await evict("blocked");
    assert.equal(ok.status, 201);
    assert.deepEqual(ok.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
    assert.equal(await gone("blocked"), true);
  });

  test("pods that are Pending, Succeeded, Failed or being deleted are evicted without checking budgets (canIgnorePDB)", async () => {
    await budget("terminal", { matchLabels: { app: "terminal" } }, { disruptionsAllowed: 0, desiredHealthy: 3, currentHealthy: 0 });
    await podIn("pending", { app: "terminal" });
    await podIn("succeeded", { app: "terminal" }, { phase: "Succeeded" });
    await podIn("failed", { app: "terminal" }, { phase: "Failed" });
    await podIn("finalized", { app: "terminal" }, { phase: "Running" });
    await t.send("PATCH", `${NS}/pods/finalized`, { body: { metadata: { finalizers: ["example.com/hold"] } }, contentType: "application/merge-patch+json" });
    assert.equal((await t.send("DELETE", `${NS}/pods/finalized`)).status, 200);
    for (const name of ["pending", "succeeded", "failed", "finalized"]) assert.equal((await evict(name)).status, 201, name);
    for (const name of ["pending", "succeeded", "failed"]) assert.equal(await gone(name), true, name);
  });

  test("a budget without a selector, or with an empty one, matches no pod", async () => {
    await budget("no-selector", undefined, { disruptionsAllowed: 0 });
    await budget("empty-selector", {}, { disruptionsAllowed: 0 });
    await podIn("free", { app: "free" }, { phase: "Running" });
    assert.equal((await evict("free")).status, 201);
    assert.equal(await gone("free"), true);
    await t.send("DELETE", `${PDBS}/no-selector`);
    await t.send("DELETE", `${PDBS}/empty-selector`);
  });

  test("two budgets matching the pod: 201 carrying the real Failure Status with code 500, the pod stays", async () => {
    await podIn("twice", { app: "twice" }, { phase: "Running" });
    await budget("first", { matchLabels: { app: "twice" } }, { disruptionsAllowed: 5 });
    await budget("second", { matchExpressions: [{ key: "app", operator: "In", values: ["twice"] }] }, { disruptionsAllowed: 5 });
    const answer = await evict("twice");
    assert.equal(answer.status, 201);
    assert.deepEqual(answer.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.", code: 500 });
    assert.equal(await gone("twice"), false);
    await t.send("DELETE", `${PDBS}/second`);
    const ok = await evict("twice");
    assert.equal(ok.status, 201);
    const first = (await t.send("GET", `${PDBS}/first`)).body;
    assert.equal(first.status.disruptionsAllowed, 4);
    assert.deepEqual(Object.keys(first.status.disruptedPods), ["twice"]);
  });

  test("a negative disruptionsAllowed is 403 Forbidden as the real server words it", async () => {
    await podIn("negative", { app: "negative" }, { phase: "Running" });
    await budget("negative", { matchLabels: { app: "negative" } }, { disruptionsAllowed: -1 });
    const refused = await evict("negative");
    assert.equal(refused.status, 403);
    assert.equal(refused.body.message, 'poddisruptionbudget.policy "negative" is forbidden: pdb disruptions allowed is negative');
    assert.deepEqual(refused.body.details, { name: "negative", group: "policy", kind: "poddisruptionbudget" });
  });

  test("an unready pod whose budget says unhealthyPodEvictionPolicy AlwaysAllow goes whatever the budget allows, the budget untouched; a ready one is refused", async () => {
    await podIn("unready", { app: "always" }, { phase: "Running", conditions: [{ type: "Ready", status: "False" }] });
    await podIn("ready", { app: "always" }, { phase: "Running", conditions: [{ type: "Ready", status: "True" }] });
    const spec = { minAvailable: 1, selector: { matchLabels: { app: "always" } }, unhealthyPodEvictionPolicy: "AlwaysAllow" };
    assert.equal((await t.send("POST", PDBS, { body: { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "always" }, spec } })).status, 201);
    await t.send("PATCH", `${PDBS}/always/status`, { body: { status: { observedGeneration: 1, disruptionsAllowed: 0, desiredHealthy: 2, currentHealthy: 1 } }, contentType: "application/merge-patch+json" });
    assert.equal((await evict("unready")).status, 201);
    assert.equal(await gone("unready"), true);
    assert.equal((await t.send("GET", `${PDBS}/always`)).body.status.disruptedPods, undefined, "the budget is not touched");
    assert.equal((await evict("ready")).status, 429);
    await t.send("DELETE", `${PDBS}/always`);
  });

  test("a budget with over 2000 evictions its controller has not confirmed is 403 Forbidden, as MaxDisruptedPodSize words it", async () => {
    await podIn("crowded", { app: "crowded" }, { phase: "Running" });
    const disruptedPods = Object.fromEntries(Array.from({ length: 2001 }, (_, i) => [`old-${i}`, "2025-01-01T00:00:00Z"]));
    await budget("crowded", { matchLabels: { app: "crowded" } }, { disruptionsAllowed: 5, disruptedPods });
    const refused = await evict("crowded");
    assert.equal(refused.status, 403);
    assert.equal(refused.body.message, 'poddisruptionbudget.policy "crowded" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller');
    assert.deepEqual(refused.body.details, { name: "crowded", group: "policy", kind: "poddisruptionbudget" });
    assert.equal(await gone("crowded"), false);
  });
});
