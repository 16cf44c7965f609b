/**
 * The in-pod scenario: a fresh ServiceAccount token may do almost nothing (the real 403 bodies),
 * RBAC objects created through the API take effect at once, the credentials folder is laid out
 * as the kubelet does and rotates atomically, and an expired token is 401.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { lstat, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { pod, testCluster, type TestCluster } from "./helpers.js";

describe("a pod's ServiceAccount against the emulated cluster", () => {
  let t: TestCluster;
  let clock = Date.now();
  before(async () => {
    t = await testCluster({ now: () => clock });
  });
  after(() => t.close());

  test("a fresh token gets the real 403 bodies for GET / and for listing pods", async () => {
    const sa = await t.cluster.serviceAccount("apps", "worker");
    const root = await t.send("GET", "/", { token: sa.token });
    assert.equal(root.status, 403);
    assert.deepEqual(root.body, {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
      message: 'forbidden: User "system:serviceaccount:apps:worker" cannot get path "/"', reason: "Forbidden", details: {}, code: 403,
    });
    const pods = await t.send("GET", "/api/v1/namespaces/apps/pods", { token: sa.token });
    assert.equal(pods.status, 403);
    assert.deepEqual(pods.body, {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
      message: 'pods is forbidden: User "system:serviceaccount:apps:worker" cannot list resource "pods" in API group "" in the namespace "apps"',
      reason: "Forbidden", details: { kind: "pods" }, code: 403,
    });
  });

  test("a Role and RoleBinding created by the admin allow the same request at once", async () => {
    const sa = await t.cluster.serviceAccount("apps", "lister");
    assert.equal((await t.send("POST", "/api/v1/namespaces/apps/pods", { body: pod("p1") })).status, 201);
    const role = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "pod-lister" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }] };
    const binding = {
      apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "lister-pods" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-lister" },
      subjects: [{ kind: "ServiceAccount", name: "lister", namespace: "apps" }],
    };
    assert.equal((await t.send("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/apps/roles", { body: role })).status, 201);
    assert.equal((await t.send("GET", "/api/v1/namespaces/apps/pods", { token: sa.token })).status, 403);
    assert.equal((await t.send("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/apps/rolebindings", { body: binding })).status, 201);
    const list = await t.send("GET", "/api/v1/namespaces/apps/pods", { token: sa.token });
    assert.equal(list.status, 200);
    assert.equal(list.body.kind, "PodList");
    assert.deepEqual(list.body.items.map((p: { metadata: { name: string } }) => p.metadata.name), ["p1"]);
    assert.equal((await t.send("GET", "/api/v1/namespaces/apps/pods/p1", { token: sa.token })).status, 403, "get is not granted");
    const access = t.cluster.access("system:serviceaccount:apps:lister");
    assert.ok(access.some((a) => a.verb === "list" && a.resource === "pods" && a.allowed));
    assert.ok(access.some((a) => a.verb === "get" && a.resource === "pods" && a.name === "p1" && !a.allowed));
  });

  test("the credentials folder is laid out as the kubelet's and rotates through ..data", async () => {
    const sa = await t.cluster.serviceAccount("apps", "rotor");
    assert.equal(await readFile(join(sa.dir, "namespace"), "utf8"), "apps");
    assert.equal(await readFile(join(sa.dir, "ca.crt"), "utf8"), t.cluster.caPem);
    assert.equal(await readFile(join(sa.dir, "token"), "utf8"), sa.token);
    assert.ok((await lstat(join(sa.dir, "token"))).isSymbolicLink());
    assert.equal(await readlink(join(sa.dir, "token")), join("..data", "token"));
    const before = await readlink(join(sa.dir, "..data"));
    assert.match(before, /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d+$/);
    const first = sa.token;
    const second = await sa.rotate();
    assert.notEqual(second, first);
    assert.equal(await readFile(join(sa.dir, "token"), "utf8"), second);
    assert.notEqual(await readlink(join(sa.dir, "..data")), before);
    const who = await t.send("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", { token: second, body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" } });
    assert.equal(who.status, 201);
    assert.equal(who.body.status.userInfo.username, "system:serviceaccount:apps:rotor");
  });

  test("an expired token, or one of a deleted ServiceAccount, is 401 Unauthorized", async () => {
    const sa = await t.cluster.serviceAccount("apps", "short", { expirationSeconds: 600 });
    assert.equal((await t.send("GET", "/version", { token: sa.token })).status, 200);
    clock += 2 * 3600 * 1000;
    const expired = await t.send("GET", "/version", { token: sa.token });
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 });
    const gone = await t.cluster.serviceAccount("apps", "gone");
    assert.equal((await t.send("DELETE", "/api/v1/namespaces/apps/serviceaccounts/gone")).status, 200);
    assert.equal((await t.send("GET", "/version", { token: gone.token })).status, 401);
  });
});
