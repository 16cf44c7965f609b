/**
 * Pod logs as the real registry answers them (strategy.go LogLocation, rest.LocationStreamer,
 * responsewriters.StreamObject): a pod with no node has no location, so no stream: 204 No
 * Content with an empty body; container names are checked first; a node that is not stored is
 * its 404; a placed pod's log is what the test set.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { pod, testCluster, type TestCluster } from "./helpers.js";

const PODS = "/api/v1/namespaces/default/pods";

describe("pod logs", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  test("the log of a pod with no node answers 204 No Content", async () => {
    await t.send("POST", PODS, { body: pod("pending") });
    t.cluster.setPodLog("default", "pending", "never read\n");
    const answer = await t.send("GET", `${PODS}/pending/log`);
    assert.equal(answer.status, 204);
    assert.equal(answer.text, "");
    assert.equal((await t.send("GET", `${PODS}/pending/log?container=other`)).body.message, "container other is not valid for pod pending");
  });

  test("a pod on a node that is not stored answers the node's 404; on a stored node, the log set", async () => {
    await t.send("POST", PODS, { body: { ...pod("placed"), spec: { nodeName: "node-b", containers: [{ name: "main", image: "busybox" }] } } });
    t.cluster.setPodLog("default", "placed", "hello\n");
    const missing = await t.send("GET", `${PODS}/placed/log`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'nodes "node-b" not found');
    await t.send("POST", "/api/v1/nodes", { body: { apiVersion: "v1", kind: "Node", metadata: { name: "node-b" } } });
    const noAddress = await t.send("GET", `${PODS}/placed/log`);
    assert.equal(noAddress.status, 500);
    assert.equal(noAddress.body.message, "no preferred addresses found; known addresses: []");
    await t.send("PATCH", "/api/v1/nodes/node-b/status", { body: { status: { addresses: [{ type: "InternalIP", address: "10.0.0.2" }] } }, contentType: "application/merge-patch+json" });
    const placed = await t.send("GET", `${PODS}/placed/log`);
    assert.equal(placed.status, 200);
    assert.equal(placed.text, "hello\n");
  });
});
