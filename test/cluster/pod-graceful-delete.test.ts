/**
 * A Pod is deleted through its graceful strategy, as 1.32 does: the delete first writes
 * `deletionTimestamp` and `deletionGracePeriodSeconds` (a MODIFIED event, its own
 * resourceVersion), then deletes the pod (DELETED, the next one), and answers the pod at the
 * deletion's version. The recorded server shows it: create-lease at 219, delete-configmap at 220,
 * delete-pod answered at 222.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { pod, testCluster, type TestCluster } from "./helpers.js";

const PODS = "/api/v1/namespaces/pgd/pods";

describe("pod delete", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "pgd" } } });
  });
  after(() => t.close());

  test("writes the deletion marks (MODIFIED), then deletes (DELETED), answering the pod at the deletion's resourceVersion", async () => {
    const created = (await t.send("POST", PODS, { body: pod("graceful") })).body;
    const rv = Number(created.metadata.resourceVersion);
    const res = await t.send("DELETE", `${PODS}/graceful`);
    assert.equal(res.status, 200);
    assert.equal(res.body.kind, "Pod");
    assert.equal(res.body.metadata.resourceVersion, String(rv + 2));
    assert.equal(res.body.metadata.deletionGracePeriodSeconds, 0);
    const events = (await t.send("GET", `${PODS}?watch=1&resourceVersion=${rv}&timeoutSeconds=1`)).text.trim().split("\n").map((line) => JSON.parse(line));
    assert.deepEqual(events.map((e) => [e.type, e.object.metadata.resourceVersion]), [["MODIFIED", String(rv + 1)], ["DELETED", String(rv + 2)]]);
    assert.equal(events[0].object.metadata.deletionTimestamp, res.body.metadata.deletionTimestamp);
    assert.equal(events[0].object.metadata.deletionGracePeriodSeconds, 0);
    assert.equal((await t.send("GET", `${PODS}/graceful`)).status, 404);
  });

  test("a pod held by a finalizer is written once and stays", async () => {
    const created = (await t.send("POST", PODS, { body: { ...pod("held"), metadata: { name: "held", finalizers: ["example.com/hold"] } } })).body;
    const res = await t.send("DELETE", `${PODS}/held`);
    assert.equal(res.body.metadata.resourceVersion, String(Number(created.metadata.resourceVersion) + 1));
    assert.equal((await t.send("GET", `${PODS}/held`)).status, 200);
    await t.send("PATCH", `${PODS}/held`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
  });
});
