/**
 * A TokenRequest's boundObjectRef as 1.32's TokenREST.Create resolves it: by the group and kind
 * of its apiVersion and kind (a Pod, Secret or Node of the core group; anything else the 400
 * naming gvk.String()), a missing Node its 404, a uid mismatch the 409 on `Secret "s1"`; a
 * Node-bound token (ServiceAccountTokenNodeBinding) carries the node claim, authenticates with
 * the node-name and node-uid extras and stops working once the Node is gone; a pod's token
 * names the pod's node.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const TOKEN = "/api/v1/namespaces/default/serviceaccounts/default/token";
const request = (boundObjectRef: Record<string, unknown>) => ({ apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { boundObjectRef } });
const claims = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString())["kubernetes.io"] as Record<string, any>;
const REVIEW = { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" };

describe("TokenRequest boundObjectRef", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/nodes", { body: { apiVersion: "v1", kind: "Node", metadata: { name: "n1" } } });
    await t.send("POST", "/api/v1/namespaces/default/pods", { body: { apiVersion: "v1", kind: "Pod", metadata: { name: "p1" }, spec: { nodeName: "n1", containers: [{ name: "c", image: "nginx" }] } } });
    await t.send("POST", "/api/v1/namespaces/default/secrets", { body: { apiVersion: "v1", kind: "Secret", metadata: { name: "s1" } } });
  });
  after(() => t.close());

  test("only core Pods, Secrets and Nodes: another group or kind is the 400 naming its group, version and kind", async () => {
    for (const [ref, type] of [
      [{ kind: "Pod", apiVersion: "apps/v1", name: "p1" }, "apps/v1, Kind=Pod"],
      [{ kind: "Deployment", apiVersion: "apps/v1", name: "web" }, "apps/v1, Kind=Deployment"],
      [{ kind: "ConfigMap", apiVersion: "v1", name: "c" }, "/v1, Kind=ConfigMap"],
    ] as const) {
      const res = await t.send("POST", TOKEN, { body: request(ref) });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.message, `cannot bind token to object of type ${type}`);
    }
  });

  test("a uid mismatch is the conflict on the kind: Secret \"s1\"", async () => {
    const res = await t.send("POST", TOKEN, { body: request({ kind: "Secret", apiVersion: "v1", name: "s1", uid: "abc" }) });
    assert.equal(res.status, 409);
    assert.equal(res.body.message, 'Operation cannot be fulfilled on Secret "s1": the UID in the bound object reference (abc) does not match the UID in record. The object might have been deleted and then recreated');
    assert.deepEqual(res.body.details, { name: "s1", kind: "Secret" });
  });

  test("a Node: a missing one is 404, an existing one gets a token with the node claim, valid while the Node is", async () => {
    const missing = await t.send("POST", TOKEN, { body: request({ kind: "Node", apiVersion: "v1", name: "n9" }) });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'nodes "n9" not found');
    await t.send("POST", "/api/v1/nodes", { body: { apiVersion: "v1", kind: "Node", metadata: { name: "n2" } } });
    const node = (await t.send("GET", "/api/v1/nodes/n2")).body;
    const res = await t.send("POST", TOKEN, { body: request({ kind: "Node", apiVersion: "v1", name: "n2" }) });
    assert.equal(res.status, 201, res.text);
    const token = res.body.status.token as string;
    assert.deepEqual(claims(token).node, { name: "n2", uid: node.metadata.uid });
    const who = await t.send("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { token, body: REVIEW });
    assert.equal(who.status, 201, who.text);
    assert.deepEqual(who.body.status.userInfo.extra["authentication.kubernetes.io/node-name"], ["n2"]);
    assert.deepEqual(who.body.status.userInfo.extra["authentication.kubernetes.io/node-uid"], [node.metadata.uid]);
    await t.send("DELETE", "/api/v1/nodes/n2");
    assert.equal((await t.send("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { token, body: REVIEW })).status, 401);
  });

  test("a pod's token names the node it runs on", async () => {
    const res = await t.send("POST", TOKEN, { body: request({ kind: "Pod", apiVersion: "v1", name: "p1" }) });
    assert.equal(res.status, 201, res.text);
    const node = (await t.send("GET", "/api/v1/nodes/n1")).body;
    assert.deepEqual(claims(res.body.status.token).node, { name: "n1", uid: node.metadata.uid });
  });
});
