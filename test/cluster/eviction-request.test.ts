/**
 * What eviction.go (and the create handler before it) checks of the Eviction itself and of the
 * budget before evicting, and what an eviction leaves on the pod: a budget its controller has
 * not processed is 429 "still being processed" with Retry-After 10; the Eviction's namespace
 * and name must be the URL's; its `deleteOptions.dryRun` makes a dry run as the query's does
 * (both, different: a 500); its preconditions are checked as a delete's; an evicted pod gets
 * the DisruptionTarget condition before it goes.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, pod, type TestCluster } from "./helpers.js";

const NS = "/api/v1/namespaces/evr";
const PDBS = "/apis/policy/v1/namespaces/evr/poddisruptionbudgets";
const MERGE = "application/merge-patch+json";

describe("an eviction's request and the budget it meets", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("evr");
  });
  after(() => t.close());

  async function runningPod(name: string, labels: Record<string, string> = {}, finalizers?: string[]): Promise<Record<string, any>> {
    const created = await t.send("POST", `${NS}/pods`, { body: { ...pod(name, labels), metadata: { name, labels, ...(finalizers ? { finalizers } : {}) } } });
    assert.equal(created.status, 201, created.text);
    const running = await t.send("PATCH", `${NS}/pods/${name}/status`, { body: { status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } }, contentType: MERGE });
    assert.equal(running.status, 200, running.text);
    return running.body;
  }
  const evict = (name: string, body: Record<string, unknown> = {}, query = "") =>
    t.send("POST", `${NS}/pods/${name}/eviction${query}`, { body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name }, ...body } });
  const gone = async (name: string) => (await t.send("GET", `${NS}/pods/${name}`)).status === 404;

  test("a budget whose status its controller has not written for its generation is 429 'still being processed' with Retry-After 10, until it has", async () => {
    await runningPod("fresh", { app: "fresh" });
    const created = await t.send("POST", PDBS, { body: { metadata: { name: "fresh" }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: "fresh" } } } } });
    assert.equal(created.body.metadata.generation, 1);
    const refused = await evict("fresh");
    assert.equal(refused.status, 429);
    assert.equal(refused.headers["retry-after"], "10");
    assert.deepEqual(refused.body, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: "TooManyRequests",
      details: { causes: [{ reason: "DisruptionBudget", message: "The disruption budget fresh is still being processed by the server." }], retryAfterSeconds: 10 },
      code: 429,
    });
    assert.equal(await gone("fresh"), false);

    // The controller's status for generation 1, then a spec change it has not seen (generation 2).
    await t.send("PATCH", `${PDBS}/fresh/status`, { body: { status: { observedGeneration: 1, disruptionsAllowed: 1, desiredHealthy: 0, currentHealthy: 1, expectedPods: 1 } }, contentType: MERGE });
    const changed = await t.send("PATCH", `${PDBS}/fresh`, { body: { spec: { maxUnavailable: 2 } }, contentType: MERGE });
    assert.equal(changed.body.metadata.generation, 2);
    assert.equal((await evict("fresh")).status, 429);
    await t.send("PATCH", `${PDBS}/fresh/status`, { body: { status: { observedGeneration: 2 } }, contentType: MERGE });
    assert.equal((await evict("fresh")).status, 201);
    assert.equal(await gone("fresh"), true);
  });

  test("an unready pod goes under AlwaysAllow even while its budget is still being processed (that check is made only when a disruption is taken)", async () => {
    const created = await t.send("POST", `${NS}/pods`, { body: pod("unready", { app: "unready" }) });
    assert.equal(created.status, 201);
    await t.send("PATCH", `${NS}/pods/unready/status`, { body: { status: { phase: "Running" } }, contentType: MERGE });
    await t.send("POST", PDBS, { body: { metadata: { name: "unready" }, spec: { minAvailable: 1, selector: { matchLabels: { app: "unready" } }, unhealthyPodEvictionPolicy: "AlwaysAllow" } } });
    assert.equal((await evict("unready")).status, 201);
    assert.equal(await gone("unready"), true);
  });

  test("an Eviction of another namespace is 400 before anything; one named otherwise than the URL's pod, or not named, is 400 as EvictionREST words it", async () => {
    await runningPod("named");
    const otherNamespace = await evict("named", { metadata: { name: "named", namespace: "default" } });
    assert.equal(otherNamespace.status, 400);
    assert.equal(otherNamespace.body.message, "the namespace of the provided object does not match the namespace sent on the request");
    assert.equal(otherNamespace.body.reason, "BadRequest");
    for (const metadata of [{ name: "other" }, {}]) {
      const renamed = await evict("named", { metadata });
      assert.equal(renamed.status, 400, JSON.stringify(metadata));
      assert.deepEqual(renamed.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "name in URL does not match name in Eviction object", reason: "BadRequest", code: 400 });
    }
    assert.equal((await evict("named", { metadata: { name: "named", namespace: "evr" } })).status, 201, "its own namespace is fine");
    assert.equal(await gone("named"), true);
  });

  test("deleteOptions.dryRun alone makes a dry run (kubectl drain --dry-run=server sends only that): the pod and budget untouched; differing from the query's is a 500", async () => {
    await runningPod("rehearsed", { app: "rehearsed" });
    await t.send("POST", PDBS, { body: { metadata: { name: "rehearsed" }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: "rehearsed" } } } } });
    await t.send("PATCH", `${PDBS}/rehearsed/status`, { body: { status: { observedGeneration: 1, disruptionsAllowed: 1 } }, contentType: MERGE });
    const dry = await evict("rehearsed", { deleteOptions: { dryRun: ["All"] } });
    assert.equal(dry.status, 201);
    const stays = await t.send("GET", `${NS}/pods/rehearsed`);
    assert.equal(stays.status, 200);
    assert.equal(stays.body.status.conditions.some((c: { type: string }) => c.type === "DisruptionTarget"), false, "no condition in a dry run");
    const budget = (await t.send("GET", `${PDBS}/rehearsed`)).body;
    assert.equal(budget.status.disruptionsAllowed, 1);
    assert.equal(budget.status.disruptedPods, undefined);

    const mismatched = await evict("rehearsed", { deleteOptions: { dryRun: ["Some"] } }, "?dryRun=All");
    assert.equal(mismatched.status, 500);
    assert.deepEqual(mismatched.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Non-matching dry-run options in request and content: [All] and [Some]", code: 500 });
    assert.equal((await evict("rehearsed", { deleteOptions: { dryRun: ["All"] } }, "?dryRun=All")).status, 201, "the same in both is fine");
    assert.equal(await gone("rehearsed"), false);
  });

  test("an evicted pod is given the DisruptionTarget condition before it is deleted (kept here by its finalizer)", async () => {
    const before = await runningPod("held", {}, ["example.com/hold"]);
    assert.equal((await evict("held")).status, 201);
    const held = (await t.send("GET", `${NS}/pods/held`)).body;
    assert.ok(held.metadata.deletionTimestamp, "being deleted");
    assert.ok(Number(held.metadata.resourceVersion) > Number(before.metadata.resourceVersion));
    const condition = held.status.conditions.find((c: { type: string }) => c.type === "DisruptionTarget");
    assert.deepEqual({ ...condition, lastTransitionTime: typeof condition.lastTransitionTime }, {
      type: "DisruptionTarget",
      status: "True",
      lastProbeTime: null,
      lastTransitionTime: "string",
      reason: "EvictionByEvictionAPI",
      message: "Eviction API: evicting",
    });
    assert.equal(held.status.conditions.find((c: { type: string }) => c.type === "Ready").status, "True", "the other conditions kept");
  });

  test("the Eviction's preconditions are checked as a delete's: a stale uid or resourceVersion is 409 naming the Pod, the pod untouched", async () => {
    const current = await runningPod("guarded");
    const stale = await evict("guarded", { deleteOptions: { preconditions: { uid: "00000000-0000-0000-0000-000000000000" } } });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, "Conflict");
    assert.equal(stale.body.message, `Operation cannot be fulfilled on Pod "guarded": the UID in the precondition (00000000-0000-0000-0000-000000000000) does not match the UID in record (${current.metadata.uid}). The object might have been deleted and then recreated`);
    assert.deepEqual(stale.body.details, { name: "guarded", kind: "Pod" });
    const old = await evict("guarded", { deleteOptions: { preconditions: { resourceVersion: "1" } } });
    assert.equal(old.status, 409);
    assert.match(old.body.message, /^Operation cannot be fulfilled on Pod "guarded": the ResourceVersion in the precondition \(1\) does not match the ResourceVersion in record \(\d+\)\. The object might have been modified$/);
    const unchanged = (await t.send("GET", `${NS}/pods/guarded`)).body;
    assert.equal(unchanged.metadata.resourceVersion, current.metadata.resourceVersion, "no condition written");
    const matching = await evict("guarded", { deleteOptions: { preconditions: { uid: current.metadata.uid, resourceVersion: current.metadata.resourceVersion } } });
    assert.equal(matching.status, 201, matching.text);
    assert.equal(await gone("guarded"), true);
  });
});
