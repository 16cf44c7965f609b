/**
 * The watch history is one window per resource type, as the real server's watch caches (one per
 * group/resource, watch_cache.go's getAllEventsSinceLocked): churn on one type never expires a
 * watch of another; a type's own churn beyond its window does, with
 * `too old resource version: X (Y)`, Y one less than its oldest change kept; a type with no change
 * since a version is watched from it, back to the version its cache listed at when it started.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Agent } from "undici";
import { pod, testCluster, watch, type TestCluster } from "./helpers.js";

const WINDOW = 20;
const PODS = "/api/v1/namespaces/w/pods";
const CMS = "/api/v1/namespaces/w/configmaps";
const MERGE = "application/merge-patch+json";

describe("the watch window is per resource type", () => {
  let t: TestCluster;
  let agent: Agent;
  before(async () => {
    t = await testCluster({ eventWindow: WINDOW });
    agent = new Agent({ connect: { ca: t.cluster.caPem } });
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "w" } } });
    await t.send("POST", CMS, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "churn" }, data: { i: "0" } } });
  });
  after(async () => {
    await agent.close();
    await t.close();
  });

  const latest = async (): Promise<number> => Number((await t.send("GET", CMS)).body.metadata.resourceVersion);
  /** Patches the ConfigMap `churn` `n` times: changes of another type than the watched ones. */
  const churnConfigMaps = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) await t.send("PATCH", `${CMS}/churn`, { body: { data: { i: `${Date.now()}-${i}` } }, contentType: MERGE });
  };
  /** Patches pod `name`'s labels; returns the change's resourceVersion. */
  const patchPod = async (name: string, i: number): Promise<number> => {
    const answer = await t.send("PATCH", `${PODS}/${name}`, { body: { metadata: { labels: { i: String(i) } } }, contentType: MERGE });
    assert.equal(answer.status, 200);
    return Number(answer.body.metadata.resourceVersion);
  };
  // A watch expected to fail carries a timeout: served instead, it ends with no events rather than never.
  const expired = (message: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "Expired", code: 410 });

  test("churn on ConfigMaps does not expire a pods watch from an old resourceVersion: it replays the pods' changes since", async () => {
    const old = await latest();
    const created = await t.send("POST", PODS, { body: pod("quiet") });
    await churnConfigMaps(WINDOW + 10);
    const s = await watch(t, agent, `${PODS}?watch=1&resourceVersion=${old}`);
    const [first] = await s.next(1);
    s.close();
    assert.equal(first.type, "ADDED", JSON.stringify(first));
    assert.equal(first.object.metadata.name, "quiet");
    assert.equal(first.object.metadata.resourceVersion, created.body.metadata.resourceVersion);
  });

  test("churn on pods beyond the window expires it: 410 'too old resource version: X (Y)', Y one less than the oldest pod change kept, and a watch from Y is served", async () => {
    await t.send("POST", PODS, { body: pod("busy") });
    const old = await latest();
    // Each pod change is followed by a ConfigMap's: the pods' window is not the last WINDOW changes of all types.
    const rvs: number[] = [];
    for (let i = 0; i < WINDOW + 5; i++) {
      rvs.push(await patchPod("busy", i));
      await churnConfigMaps(1);
    }
    const oldestKept = rvs[rvs.length - WINDOW]!;
    const bound = oldestKept - 1;
    for (const from of [old, bound - 1]) {
      const s = await watch(t, agent, `${PODS}?watch=1&resourceVersion=${from}&timeoutSeconds=2`);
      assert.equal(s.status, 200);
      assert.deepEqual(await s.rest(), [{ type: "ERROR", object: expired(`too old resource version: ${from} (${bound})`) }]);
    }
    const s = await watch(t, agent, `${PODS}?watch=1&resourceVersion=${bound}`);
    const [first] = await s.next(1);
    s.close();
    assert.equal(first.type, "MODIFIED", JSON.stringify(first));
    assert.equal(Number(first.object.metadata.resourceVersion), oldestKept);
  });

  test("a type with no change since a version is watched from it however much else changed, back to its cache's initial list", async () => {
    // Pods overflowed their window, then only ConfigMaps changed.
    let last = 0;
    for (let i = 0; i < WINDOW + 5; i++) last = await patchPod("busy", 100 + i);
    await churnConfigMaps(WINDOW + 10);
    const pods = await watch(t, agent, `${PODS}?watch=1&resourceVersion=${last}`);
    // Leases were never written: their cache reaches back to the server's start.
    const leases = await watch(t, agent, "/apis/coordination.k8s.io/v1/namespaces/w/leases?watch=1&resourceVersion=1");
    const next = await patchPod("busy", 999);
    await t.send("POST", "/apis/coordination.k8s.io/v1/namespaces/w/leases", { body: { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "first" }, spec: {} } });
    const [podEvent] = await pods.next(1);
    const [leaseEvent] = await leases.next(1);
    pods.close();
    leases.close();
    assert.deepEqual([podEvent.type, Number(podEvent.object.metadata.resourceVersion)], ["MODIFIED", next]);
    assert.deepEqual([leaseEvent.type, leaseEvent.object.metadata.name], ["ADDED", "first"]);
  });
});
