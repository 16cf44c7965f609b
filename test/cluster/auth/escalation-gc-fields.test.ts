/**
 * RBAC's IsOnlyMutatingGCFields on updates, as 1.32's registries apply it: the object as the
 * request made it (a PUT's body, a patch's result, managedFields as the field manager wrote them)
 * must equal the stored one but for owner references, finalizers and selfLink, or the update is
 * held to the escalation check. A user who may update a Role but lacks its rules can only send
 * it back unchanged.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "../helpers.js";

const RBAC = "/apis/rbac.authorization.k8s.io/v1";
const NS = "gc";
const TARGET = `${RBAC}/namespaces/${NS}/roles/target`;
const RULES = [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }];
const ESCALATION =
  'roles.rbac.authorization.k8s.io "target" is forbidden: user "system:serviceaccount:gc:robot" (groups=["system:serviceaccounts" "system:serviceaccounts:gc" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}';

describe("RBAC updates changing nothing but garbage-collector fields", () => {
  let t: TestCluster;
  let robot: string;
  const asRobot = (method: string, path: string, body: unknown, contentType?: string) => t.send(method, path, { token: robot, body, ...(contentType ? { contentType } : {}) });

  before(async () => {
    t = await clusterWithNamespaces(NS);
    await t.send("POST", `/api/v1/namespaces/${NS}/serviceaccounts`, { body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "robot" } } });
    robot = (await t.send("POST", `/api/v1/namespaces/${NS}/serviceaccounts/robot/token`, { body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } } })).body.status.token;
    // robot may read and change roles, but holds no rights on secrets.
    await t.send("POST", `${RBAC}/namespaces/${NS}/roles`, { body: { metadata: { name: "writer" }, rules: [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["get", "update", "patch"] }] } });
    await t.send("POST", `${RBAC}/namespaces/${NS}/rolebindings`, { body: { metadata: { name: "writer" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "writer" }, subjects: [{ kind: "ServiceAccount", name: "robot", namespace: NS }] } });
    assert.equal((await t.send("POST", `${RBAC}/namespaces/${NS}/roles`, { body: { metadata: { name: "target" }, rules: RULES } })).status, 201);
  });
  after(() => t.close());

  test("a PUT of the Role as read back, unchanged, passes and changes nothing", async () => {
    const current = (await t.send("GET", TARGET)).body;
    const put = await asRobot("PUT", TARGET, current);
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.metadata.resourceVersion, current.metadata.resourceVersion);
    const patched = await asRobot("PATCH", TARGET, {}, "application/merge-patch+json");
    assert.equal(patched.status, 200, patched.text);
  });

  test("a PUT of the same rules without uid and resourceVersion is checked: 403", async () => {
    const put = await asRobot("PUT", TARGET, { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "target" }, rules: RULES });
    assert.equal(put.status, 403, put.text);
    assert.equal(put.body.message, ESCALATION);
  });

  test("a finalizer added by PUT (whole object) or merge patch is recorded by the field manager, so checked: 403", async () => {
    const current = (await t.send("GET", TARGET)).body;
    const put = await asRobot("PUT", TARGET, { ...current, metadata: { ...current.metadata, finalizers: ["example.com/x"] } });
    assert.equal(put.status, 403, put.text);
    assert.equal(put.body.message, ESCALATION);
    const patched = await asRobot("PATCH", TARGET, { metadata: { finalizers: ["example.com/x"] } }, "application/merge-patch+json");
    assert.equal(patched.status, 403, patched.text);
    assert.equal(patched.body.message, ESCALATION);
    assert.equal((await t.send("GET", TARGET)).body.metadata.finalizers, undefined, "nothing stored");
  });
});
