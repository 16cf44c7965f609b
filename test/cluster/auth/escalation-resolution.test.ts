/**
 * The "resolution errors" of an escalation refusal: 1.32's RBAC registries resolve their user's
 * rules through the role stores (storage_rbac.go), whose NotFound names the resource plural
 * (`clusterroles.rbac.authorization.k8s.io "gone" not found`); the authorizer reads through
 * listers and names it singular in a request's 403.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "../helpers.js";

const RBAC = "/apis/rbac.authorization.k8s.io/v1";
const NS = "res";
const GROUPS = '["system:serviceaccounts" "system:serviceaccounts:res" "system:authenticated"]';
const bind = (name: string, kind: string, role: string) => ({ metadata: { name }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind, name: role }, subjects: [{ kind: "ServiceAccount", name: "robot", namespace: NS }] });

describe("escalation refusals naming roles that are missing", () => {
  let t: TestCluster;
  let robot: string;

  before(async () => {
    t = await clusterWithNamespaces(NS);
    await t.send("POST", `/api/v1/namespaces/${NS}/serviceaccounts`, { body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "robot" } } });
    robot = (await t.send("POST", `/api/v1/namespaces/${NS}/serviceaccounts/robot/token`, { body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } } })).body.status.token;
    await t.send("POST", `${RBAC}/namespaces/${NS}/roles`, { body: { metadata: { name: "writer" }, rules: [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["create"] }] } });
    await t.send("POST", `${RBAC}/namespaces/${NS}/rolebindings`, { body: bind("writer", "Role", "writer") });
    assert.equal((await t.send("POST", `${RBAC}/namespaces/${NS}/rolebindings`, { body: bind("dangling", "ClusterRole", "gone") })).status, 201);
  });
  after(() => t.close());

  test("the escalation check words the missing ClusterRole as its store does (plural)", async () => {
    const refused = await t.send("POST", `${RBAC}/namespaces/${NS}/roles`, { token: robot, body: { metadata: { name: "more" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }] } });
    assert.equal(refused.status, 403);
    assert.equal(
      refused.body.message,
      `roles.rbac.authorization.k8s.io "more" is forbidden: user "system:serviceaccount:res:robot" (groups=${GROUPS}) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}; resolution errors: [clusterroles.rbac.authorization.k8s.io "gone" not found]`,
    );
  });

  test("a request's 403 keeps the authorizer's (singular) wording", async () => {
    const denied = await t.send("GET", `/api/v1/namespaces/${NS}/secrets`, { token: robot });
    assert.equal(denied.status, 403);
    assert.match(denied.body.message, /: RBAC: clusterrole\.rbac\.authorization\.k8s\.io "gone" not found$/);
  });
});
