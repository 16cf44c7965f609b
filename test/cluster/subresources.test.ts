/**
 * Subresources: scale (get, patch, NotFound wording), status (main updates ignore status),
 * pod logs set by the test, and TokenRequest (missing ServiceAccount, short lifetimes). Eviction:
 * eviction.test.ts.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { fixture, pod, testCluster, type TestCluster } from "./helpers.js";

describe("subresources", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "golden" } } });
  });
  after(() => t.close());

  test("scale: get and merge-patch as recorded; NotFound names deployments/scale", async () => {
    const missing = await t.send("GET", "/apis/apps/v1/namespaces/golden/deployments/web/scale");
    assert.deepEqual(missing.body, fixture("sa-scale-named-deployment-missing").response.body);
    const deploy = fixture("create-deployment-defaults").request.body as Record<string, any>;
    await t.send("POST", "/apis/apps/v1/namespaces/golden/deployments", { body: { ...deploy, spec: { ...deploy.spec, replicas: 2 } } });
    const scale = await t.send("GET", "/apis/apps/v1/namespaces/golden/deployments/web/scale");
    const recorded = fixture("get-deployment-scale").response.body;
    assert.deepEqual({ ...scale.body, metadata: undefined }, { ...recorded, metadata: undefined });
    const patched = await t.send("PATCH", "/apis/apps/v1/namespaces/golden/deployments/web/scale", { body: { spec: { replicas: 0 } }, contentType: "application/merge-patch+json" });
    assert.deepEqual({ ...patched.body, metadata: undefined }, { ...fixture("patch-deployment-scale").response.body, metadata: undefined });
    assert.equal((await t.send("GET", "/apis/apps/v1/namespaces/golden/deployments/web")).body.spec.replicas, 0);
    // The patched Scale is decoded as a Scale: a string count is the decoder's 422, not a range error.
    const typed = await t.send("PATCH", "/apis/apps/v1/namespaces/golden/deployments/web/scale", { body: { spec: { replicas: "2" } }, contentType: "application/merge-patch+json" });
    assert.equal(typed.status, 422);
    assert.match(typed.body.message, /^ "" is invalid: patch: Invalid value: "\{.*\\"replicas\\":\\"2\\".*\}": json: cannot unmarshal string into Go struct field ScaleSpec\.spec\.replicas of type int32$/);
    const negative = await t.send("PATCH", "/apis/apps/v1/namespaces/golden/deployments/web/scale", { body: { spec: { replicas: -1 } }, contentType: "application/merge-patch+json" });
    assert.equal(negative.body.message, 'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  });

  test("status: the main resource ignores status, the status subresource sets it", async () => {
    await t.send("POST", "/api/v1/namespaces/golden/pods", { body: pod("s") });
    const current = (await t.send("GET", "/api/v1/namespaces/golden/pods/s")).body;
    const main = await t.send("PUT", "/api/v1/namespaces/golden/pods/s", { body: { ...current, status: { phase: "Running" } } });
    assert.equal(main.body.status.phase, "Pending");
    const status = await t.send("PATCH", "/api/v1/namespaces/golden/pods/s/status", { body: { status: { phase: "Running" } }, contentType: "application/merge-patch+json" });
    assert.equal(status.body.status.phase, "Running");
    const running = await t.send("GET", "/api/v1/namespaces/golden/pods?fieldSelector=status.phase%3DRunning");
    assert.deepEqual(running.body.items.map((p: { metadata: { name: string } }) => p.metadata.name), ["s"]);
  });

  test("status writes take metadata changes, but for what the status strategy resets: a Pod's ownerReferences, a Deployment's labels; a spec change is dropped", async () => {
    await t.send("POST", "/api/v1/namespaces/golden/pods", { body: pod("m") });
    const merge = { contentType: "application/merge-patch+json" };
    const owner = { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: "6b0b5c3e-3f4a-4a55-9f1e-2f0c1d2e3f40" };
    const patched = await t.send("PATCH", "/api/v1/namespaces/golden/pods/m/status", { body: { metadata: { labels: { via: "status" }, annotations: { a: "b" }, ownerReferences: [owner] }, spec: { activeDeadlineSeconds: 5 }, status: { phase: "Running" } }, ...merge });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.metadata.labels?.via, "status");
    assert.deepEqual(patched.body.metadata.annotations, { a: "b" });
    assert.equal(patched.body.metadata.ownerReferences, undefined, "podStatusStrategy keeps the stored ownerReferences");
    assert.equal(patched.body.spec.activeDeadlineSeconds, undefined, "the spec is the stored one");
    assert.equal(patched.body.status.phase, "Running");
    const deploy = fixture("create-deployment-defaults").request.body as Record<string, any>;
    await t.send("POST", "/apis/apps/v1/namespaces/golden/deployments", { body: { ...deploy, metadata: { ...deploy.metadata, name: "labelled" } } });
    const status = await t.send("PATCH", "/apis/apps/v1/namespaces/golden/deployments/labelled/status", { body: { metadata: { labels: { via: "status" }, annotations: { a: "b" } }, status: { observedGeneration: 1 } }, ...merge });
    assert.equal(status.status, 200);
    assert.equal(status.body.metadata.labels?.via, undefined, "deploymentStatusStrategy keeps the stored labels");
    assert.deepEqual(status.body.metadata.annotations, { a: "b" });
    assert.equal(status.body.metadata.generation, 1, "a status write never bumps the generation (rest.BeforeUpdate keeps it)");
  });

  test("an apply (YAML) to status and to scale is read as YAML, as on the main resource", async () => {
    const deploy = fixture("create-deployment-defaults").request.body as Record<string, any>;
    await t.send("POST", "/apis/apps/v1/namespaces/golden/deployments", { body: { ...deploy, metadata: { ...deploy.metadata, name: "applied" } } });
    const apply = { contentType: "application/apply-patch+yaml" };
    // force: the creator owns the replicas (an apply through scale conflicts with it: subresource-apply.test.ts).
    const scaled = await t.send("PATCH", "/apis/apps/v1/namespaces/golden/deployments/applied/scale?fieldManager=scaler&force=true", { body: "apiVersion: autoscaling/v1\nkind: Scale\nmetadata:\n  name: applied\nspec:\n  replicas: 3\n", ...apply });
    assert.equal(scaled.status, 200, scaled.text);
    assert.equal(scaled.body.spec.replicas, 3);
    const status = await t.send("PATCH", "/apis/apps/v1/namespaces/golden/deployments/applied/status?fieldManager=reporter", { body: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: applied\nstatus:\n  replicas: 2\n", ...apply });
    assert.equal(status.status, 200, status.text);
    assert.equal(status.body.status.replicas, 2);
    const bad = await t.send("PATCH", "/apis/apps/v1/namespaces/golden/deployments/applied/status?fieldManager=reporter", { body: "a: [", ...apply });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /^error decoding YAML: /);
    for (const [path, body, message] of [
      ["status", "", "invalid object type: /, Kind="],
      ["status", "apiVersion: apps/v1\nkind: Scale\n", "invalid object type: apps/v1, Kind=Scale"],
      ["scale", "apiVersion: apps/v1\nkind: Deployment\n", "invalid object type: apps/v1, Kind=Deployment"],
    ]) {
      const wrong = await t.send("PATCH", `/apis/apps/v1/namespaces/golden/deployments/applied/${path}?fieldManager=m`, { body, ...apply });
      assert.deepEqual([wrong.status, wrong.body.message], [400, message], `${path}: ${body}`);
    }
  });

  test("pods/log answers what the test set", async () => {
    // A real server reads logs from the kubelet of the pod's node: the pod is placed on a Node with an address.
    await t.send("POST", "/api/v1/nodes", { body: { apiVersion: "v1", kind: "Node", metadata: { name: "node-1" } } });
    await t.send("PATCH", "/api/v1/nodes/node-1/status", { body: { status: { addresses: [{ type: "InternalIP", address: "10.0.0.1" }] } }, contentType: "application/merge-patch+json" });
    await t.send("POST", "/api/v1/namespaces/golden/pods", { body: { ...pod("logger"), spec: { nodeName: "node-1", containers: [{ name: "main", image: "busybox" }] } } });
    t.cluster.setPodLog("golden", "logger", "one\ntwo\nthree\n");
    const all = await t.send("GET", "/api/v1/namespaces/golden/pods/logger/log");
    assert.equal(all.status, 200);
    assert.equal(all.text, "one\ntwo\nthree\n");
    assert.equal((await t.send("GET", "/api/v1/namespaces/golden/pods/logger/log?tailLines=1")).text, "three\n");
    assert.equal((await t.send("GET", "/api/v1/namespaces/golden/pods/nobody/log")).status, 404);
  });

  test("TokenRequest: a token for an existing ServiceAccount, 404 for a missing one, 422 under ten minutes", async () => {
    await t.send("POST", "/api/v1/namespaces/golden/serviceaccounts", { body: fixture("create-serviceaccount").request.body });
    const f = fixture("tokenrequest");
    const minted = await t.send("POST", f.request.path, { body: f.request.body });
    assert.equal(minted.status, 201);
    assert.deepEqual(minted.body.spec, f.response.body.spec);
    assert.match(minted.body.status.token, /^eyJ/);
    const missing = fixture("tokenrequest-missing-sa");
    assert.deepEqual((await t.send("POST", missing.request.path, { body: missing.request.body })).body, missing.response.body);
    // ValidateTokenRequest's errors name no object: NewInvalid(gvk.GroupKind(), "", errs).
    for (const [expirationSeconds, detail] of [[60, "may not specify a duration less than 10 minutes"], [2 ** 33, "may not specify a duration larger than 2^32 seconds"]] as const) {
      const refused = await t.send("POST", f.request.path, { body: { ...(f.request.body as object), spec: { expirationSeconds } } });
      assert.equal(refused.status, 422);
      assert.deepEqual(refused.body, {
        kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
        message: `TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: ${expirationSeconds}: ${detail}`,
        reason: "Invalid",
        details: { group: "authentication.k8s.io", kind: "TokenRequest", causes: [{ reason: "FieldValueInvalid", message: `Invalid value: ${expirationSeconds}: ${detail}`, field: "spec.expirationSeconds" }] },
        code: 422,
      });
    }
  });

  test("TokenRequest: a body naming another ServiceAccount is 422 as TokenREST words it; one of another namespace is the create handler's 400; its own name and namespace are fine", async () => {
    await t.send("POST", "/api/v1/namespaces/golden/serviceaccounts", { body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "named" } } });
    const path = "/api/v1/namespaces/golden/serviceaccounts/named/token";
    const request = (metadata: Record<string, string>) => ({ apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", metadata, spec: {} });
    const renamed = await t.send("POST", path, { body: request({ name: "default" }) });
    assert.equal(renamed.status, 422);
    assert.equal(renamed.body.message, 'TokenRequest.authentication.k8s.io "named" is invalid: metadata.name: Invalid value: "default": must match the service account name if specified');
    assert.deepEqual(renamed.body.details, { name: "named", group: "authentication.k8s.io", kind: "TokenRequest", causes: [{ reason: "FieldValueInvalid", message: 'Invalid value: "default": must match the service account name if specified', field: "metadata.name" }] });
    const elsewhere = await t.send("POST", path, { body: request({ name: "named", namespace: "default" }) });
    assert.equal(elsewhere.status, 400);
    assert.equal(elsewhere.body.message, "the namespace of the provided object does not match the namespace sent on the request");
    assert.equal((await t.send("POST", path, { body: request({ name: "named", namespace: "golden" }) })).status, 201);
  });

  test("a token bound to a pod: only the pod's own ServiceAccount's, and it stops working when the pod is gone", async () => {
    const pod = (name: string, serviceAccountName?: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { ...(serviceAccountName ? { serviceAccountName } : {}), containers: [{ name: "main", image: "busybox" }] } });
    await t.send("POST", "/api/v1/namespaces/golden/pods", { body: pod("robot-pod", "robot") });
    await t.send("POST", "/api/v1/namespaces/golden/pods", { body: pod("default-pod") });
    const request = (name: string) => ({ apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { boundObjectRef: { kind: "Pod", apiVersion: "v1", name } } });
    const foreign = await t.send("POST", "/api/v1/namespaces/golden/serviceaccounts/robot/token", { body: request("default-pod") });
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.message, 'cannot bind token for serviceaccount "robot" to pod running with different serviceaccount name.');
    const token = (await t.send("POST", "/api/v1/namespaces/golden/serviceaccounts/robot/token", { body: request("robot-pod") })).body.status.token as string;
    const review = { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" };
    const before = await t.send("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { token, body: review });
    assert.equal(before.status, 201);
    assert.deepEqual(before.body.status.userInfo.extra["authentication.kubernetes.io/pod-name"], ["robot-pod"]);
    await t.send("DELETE", "/api/v1/namespaces/golden/pods/robot-pod");
    const after = await t.send("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { token, body: review });
    assert.equal(after.status, 401);
  });

  test("a kubelet's token (pod-bound, 3607 s, the server's audience) is extended to a year with warnafter; any other is not", async () => {
    await t.send("POST", "/api/v1/namespaces/golden/pods", { body: { apiVersion: "v1", kind: "Pod", metadata: { name: "kubelet-pod" }, spec: { serviceAccountName: "robot", containers: [{ name: "main", image: "busybox" }] } } });
    const claims = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { exp: number; iat: number; "kubernetes.io": Record<string, unknown> };
    const mint = async (spec: Record<string, unknown>) => {
      const res = await t.send("POST", "/api/v1/namespaces/golden/serviceaccounts/robot/token", { body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec } });
      assert.equal(res.status, 201, res.text);
      return { claims: claims(res.body.status.token), expires: Date.parse(res.body.status.expirationTimestamp) / 1000, spec: res.body.spec };
    };
    const bound = { boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "kubelet-pod" } };
    const kubelet = await mint({ ...bound, expirationSeconds: 3607 });
    assert.equal(kubelet.claims.exp - kubelet.claims.iat, 365 * 24 * 3600);
    assert.equal(kubelet.claims["kubernetes.io"].warnafter, kubelet.claims.iat + 3607);
    assert.deepEqual(Object.keys(kubelet.claims["kubernetes.io"]), ["namespace", "pod", "serviceaccount", "warnafter"]);
    assert.equal(kubelet.expires, kubelet.claims.iat + 3607, "the answer still says 3607 s");
    assert.equal(kubelet.spec.expirationSeconds, 3607);
    for (const spec of [{ ...bound, expirationSeconds: 3600 }, { expirationSeconds: 3607 }, { ...bound, expirationSeconds: 3607, audiences: ["vault"] }]) {
      const other = await mint(spec);
      assert.equal(other.claims.exp - other.claims.iat, spec.expirationSeconds, JSON.stringify(spec));
      assert.equal(other.claims["kubernetes.io"].warnafter, undefined, JSON.stringify(spec));
    }
  });
});
