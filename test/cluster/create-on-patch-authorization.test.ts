/**
 * A server-side apply that creates its object, and a PUT that creates one (the types whose
 * registry allows create on update: Leases, Services, Events, RBAC objects), are authorized for
 * `create` too, as 1.32's handlers do (patch.go and update.go wrap the create's validating
 * admission in withAuthorization): without it the 403 is apierrors.NewForbidden's
 * `<resource> "<name>" is forbidden: <the authorizer's reason>` (empty for a plain RBAC denial),
 * after the object's validation, and nothing is created. Applying to an object that exists needs
 * `patch` alone. The create's decision is recorded for `cluster.access()` as a request's is.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const NS = "default";
const CM = `/api/v1/namespaces/${NS}/configmaps`;
const LEASES = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`;
const ROLES = `/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}`;
const AP = "application/apply-patch+yaml";

describe("a write that creates through PATCH (apply) or PUT", () => {
  let t: TestCluster;
  let patcher: string;
  let creator: string;
  const grant = async (name: string, rules: unknown[]) => {
    const sa = await t.cluster.serviceAccount(NS, name);
    await t.send("POST", `${ROLES}/roles`, { body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name }, rules } });
    await t.send("POST", `${ROLES}/rolebindings`, {
      body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name }, subjects: [{ kind: "ServiceAccount", name, namespace: NS }] },
    });
    return sa.token;
  };
  const apply = (name: string, token: string, query = "", data: Record<string, string> = { a: "1" }) =>
    t.send("PATCH", `${CM}/${name}?fieldManager=m${query}`, { token, contentType: AP, body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data } });
  const lease = (name: string) => ({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name }, spec: { holderIdentity: "x" } });

  before(async () => {
    t = await testCluster();
    patcher = await grant("patcher", [
      { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "patch"] },
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "update"] },
    ]);
    creator = await grant("creator", [
      { apiGroups: [""], resources: ["configmaps"], verbs: ["create", "patch"] },
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create", "update"] },
    ]);
  });
  after(() => t.close());

  test("an apply that would create, with patch but not create, is 1.32's 403 and creates nothing", async () => {
    const refused = await apply("c1", patcher);
    assert.deepEqual(refused.body, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'configmaps "c1" is forbidden: ',
      reason: "Forbidden",
      details: { name: "c1", kind: "configmaps" },
      code: 403,
    });
    assert.equal(refused.status, 403);
    assert.equal((await apply("c1", patcher, "&dryRun=All")).status, 403);
    assert.equal((await t.send("GET", `${CM}/c1`)).status, 404);
  });

  test("the object's validation comes first: an invalid one is 422", async () => {
    assert.equal((await apply("c2", patcher, "", { "not a key": "1" })).status, 422);
  });

  test("with create it creates; an apply to an existing object needs patch alone", async () => {
    assert.equal((await apply("c3", creator)).status, 201);
    assert.equal((await apply("c3", patcher, "", { a: "2" })).status, 200);
  });

  test("the create's decision is in cluster.access(), as the request's own", async () => {
    assert.equal((await apply("c4", patcher)).status, 403);
    assert.equal((await apply("c5", creator)).status, 201);
    const decided = (user: string, name: string) =>
      t.cluster.access(`system:serviceaccount:${NS}:${user}`).filter((a) => a.name === name).map((a) => `${a.allowed ? "allowed" : "denied"} ${a.verb} ${a.resource}`);
    assert.deepEqual(decided("patcher", "c4"), ["allowed patch configmaps", "denied create configmaps"]);
    assert.deepEqual(decided("creator", "c5"), ["allowed patch configmaps", "allowed create configmaps"]);
  });

  test("the create is authorized before the validating admission plugins: a second default PriorityClass is the create's 403, not Priority's", async () => {
    const CLASSES = "/apis/scheduling.k8s.io/v1/priorityclasses";
    const RBAC = "/apis/rbac.authorization.k8s.io/v1";
    await t.send("POST", `${RBAC}/clusterroles`, { body: { metadata: { name: "pc-patcher" }, rules: [{ apiGroups: ["scheduling.k8s.io"], resources: ["priorityclasses"], verbs: ["get", "patch"] }] } });
    await t.send("POST", `${RBAC}/clusterrolebindings`, {
      body: { metadata: { name: "pc-patcher" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "pc-patcher" }, subjects: [{ kind: "ServiceAccount", name: "patcher", namespace: NS }] },
    });
    const pc = (name: string) => ({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name }, value: 10, globalDefault: true });
    assert.equal((await t.send("POST", CLASSES, { body: pc("first-default") })).status, 201);
    const refused = await t.send("PATCH", `${CLASSES}/second-default?fieldManager=m`, { token: patcher, contentType: AP, body: pc("second-default") });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.message, 'priorityclasses.scheduling.k8s.io "second-default" is forbidden: ');
    // With create, the plugin speaks.
    const admitted = await t.send("PATCH", `${CLASSES}/second-default?fieldManager=m`, { contentType: AP, body: pc("second-default") });
    assert.equal(admitted.status, 403);
    assert.match(admitted.body.message, /PriorityClass first-default is already marked as default/);
  });

  test("a PUT that would create a Lease needs create too", async () => {
    const refused = await t.send("PUT", `${LEASES}/l1`, { token: patcher, body: lease("l1") });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.message, 'leases.coordination.k8s.io "l1" is forbidden: ');
    assert.deepEqual(refused.body.details, { name: "l1", group: "coordination.k8s.io", kind: "leases" });
    assert.equal((await t.send("GET", `${LEASES}/l1`)).status, 404);
    assert.equal((await t.send("PUT", `${LEASES}/l1`, { token: creator, body: lease("l1") })).status, 201);
    const updated = await t.send("PUT", `${LEASES}/l1`, { token: patcher, body: { ...lease("l1"), metadata: { name: "l1", resourceVersion: (await t.send("GET", `${LEASES}/l1`)).body.metadata.resourceVersion } } });
    assert.equal(updated.status, 200);
  });
});
