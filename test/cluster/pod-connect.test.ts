/**
 * Pods' exec, attach and portforward as the real registry answers them before it would dial a
 * kubelet (strategy.go streamLocation, PortForwardLocation): a pod with no node is a 400
 * `pod X does not have a host assigned`; container names are checked first; a node that is
 * not stored is a 404; discovery lists the three subresources as the recorded server does.
 * Portforward's `ports` are Convert_Slice_string_To_Slice_int32's (each value split at commas,
 * each ParseUint(v, 10, 16)): one that does not parse is ConnectResource's 400 BadRequest,
 * before the pod is looked up.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { fixture, pod, testCluster, type TestCluster } from "./helpers.js";

const PODS = "/api/v1/namespaces/default/pods";

describe("pod exec, attach and portforward", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", PODS, { body: pod("pending") });
    const two = pod("two") as any;
    two.spec.initContainers = [{ name: "setup", image: "busybox" }];
    two.spec.containers.push({ name: "side", image: "busybox" });
    await t.send("POST", PODS, { body: two });
    await t.send("POST", PODS, { body: { ...pod("placed"), spec: { nodeName: "node-a", containers: [{ name: "main", image: "busybox" }] } } });
  });
  after(() => t.close());

  test("exec, attach and portforward of a pod with no node answer 400 does not have a host assigned", async () => {
    for (const [method, path] of [["POST", "exec?command=ls&stdout=true"], ["GET", "exec?command=ls&stdout=true"], ["POST", "attach?stdout=true"], ["POST", "portforward?ports=80"], ["GET", "portforward?ports=80"]] as const) {
      const answer = await t.send(method, `${PODS}/pending/${path}`);
      assert.equal(answer.status, 400, path);
      assert.deepEqual(answer.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "pod pending does not have a host assigned", reason: "BadRequest", code: 400 });
    }
  });

  test("exec checks the container before the node; portforward names none", async () => {
    const unnamed = await t.send("POST", `${PODS}/two/exec?command=ls`);
    assert.equal(unnamed.body.message, "a container name must be specified for pod two, choose one of: [setup main side]");
    assert.equal((await t.send("POST", `${PODS}/two/attach?container=nope`)).body.message, "container nope is not valid for pod two");
    assert.equal((await t.send("POST", `${PODS}/two/exec?container=setup&command=ls`)).body.message, "pod two does not have a host assigned");
    assert.equal((await t.send("POST", `${PODS}/two/portforward?ports=80`)).body.message, "pod two does not have a host assigned");
    const missing = await t.send("POST", `${PODS}/ghost/exec?command=ls`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'pods "ghost" not found');
  });

  test("a pod on a node that is not stored answers the node's 404; on a stored node a plain request needs an upgrade", async () => {
    const missing = await t.send("POST", `${PODS}/placed/exec?command=ls`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'nodes "node-a" not found');
    await t.send("POST", "/api/v1/nodes", { body: { apiVersion: "v1", kind: "Node", metadata: { name: "node-a" } } });
    await t.send("PATCH", "/api/v1/nodes/node-a/status", { body: { status: { addresses: [{ type: "InternalIP", address: "10.0.0.5" }] } }, contentType: "application/merge-patch+json" });
    const plain = await t.send("POST", `${PODS}/placed/exec?command=ls`);
    assert.equal(plain.status, 400);
    assert.equal(plain.body.message, "Upgrade request required");
    assert.equal((await t.send("POST", `${PODS}/placed/exec?command=ls&dryRun=All`)).body.message, "dryRun is not supported");
  });

  test("a portforward port that is not a uint16 is the parameter codec's 400, before the pod is looked up", async () => {
    const cases: Array<[string, string]> = [
      ["ports=abc", 'parsing "abc": invalid syntax'],
      ["ports=80,70000", 'parsing "70000": value out of range'],
      ["ports=70000x", 'parsing "70000x": value out of range'],
      ["ports=80&ports=", 'parsing "": invalid syntax'],
      ["ports=8080,-1", 'parsing "-1": invalid syntax'],
    ];
    for (const [query, reason] of cases) {
      const answer = await t.send("POST", `${PODS}/ghost/portforward?${query}`);
      assert.deepEqual(answer.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `cannot convert to []int32: strconv.ParseUint: ${reason}`, reason: "BadRequest", code: 400 }, query);
    }
    assert.equal((await t.send("GET", `${PODS}/pending/portforward?ports=80,443&ports=65535`)).body.message, "pod pending does not have a host assigned");
  });

  test("/api/v1 lists pods/exec, pods/attach and pods/portforward as the recorded server", async () => {
    const recorded = fixture("discovery-api-v1").response.body.resources.filter((r: { name: string }) => /^pods\/(exec|attach|portforward)$/.test(r.name));
    const ours = (await t.send("GET", "/api/v1")).body.resources.filter((r: { name: string }) => /^pods\/(exec|attach|portforward)$/.test(r.name));
    assert.equal(recorded.length, 3);
    assert.deepEqual(ours, recorded.map((r: Record<string, unknown>) => ({ ...r })));
  });
});
