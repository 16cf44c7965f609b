/**
 * RBAC escalation prevention over HTTP, as the real registries enforce it: a ServiceAccount
 * allowed to create roles and bindings may only grant what it holds, unless it has `escalate`
 * on roles or `bind` on the role it binds. The 403 lists the missing permissions as the real
 * server words them.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "../helpers.js";

const RBAC = "/apis/rbac.authorization.k8s.io/v1";
const NS = "esc";
const GROUPS = '["system:serviceaccounts" "system:serviceaccounts:esc" "system:authenticated"]';
const role = (name: string, rules: unknown[]) => ({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name }, rules });
const binding = (name: string, kind: "Role" | "ClusterRole", roleName: string, sa = "robot") => ({
  apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind, name: roleName }, subjects: [{ kind: "ServiceAccount", name: sa, namespace: NS }],
});

/** The real 403 of an escalation, for `resource` `name`, missing `lines`. */
function escalation(resource: string, name: string, lines: string[]) {
  return {
    kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
    message: `${resource}.rbac.authorization.k8s.io "${name}" is forbidden: user "system:serviceaccount:esc:robot" (groups=${GROUPS}) is attempting to grant RBAC permissions not currently held:\n${lines.join("\n")}`,
    reason: "Forbidden", details: { name, group: "rbac.authorization.k8s.io", kind: resource }, code: 403,
  };
}

describe("RBAC escalation prevention", () => {
  let t: TestCluster;
  let robot: string;
  const asRobot = (method: string, path: string, body?: unknown) => t.send(method, path, { token: robot, ...(body === undefined ? {} : { body }) });

  before(async () => {
    t = await clusterWithNamespaces(NS);
    await t.send("POST", `/api/v1/namespaces/${NS}/serviceaccounts`, { body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "robot" } } });
    robot = (await t.send("POST", `/api/v1/namespaces/${NS}/serviceaccounts/robot/token`, { body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } } })).body.status.token;
    // robot may write roles and bindings, and read pods: nothing else.
    await t.send("POST", `${RBAC}/namespaces/${NS}/roles`, { body: role("rbac-writer", [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "rolebindings"], verbs: ["create", "update", "get"] }, { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }]) });
    await t.send("POST", `${RBAC}/namespaces/${NS}/rolebindings`, { body: binding("rbac-writer", "Role", "rbac-writer") });
  });
  after(() => t.close());

  test("a Role granting only what its author holds is created; one granting more is 403 naming what is missing", async () => {
    assert.equal((await asRobot("POST", `${RBAC}/namespaces/${NS}/roles`, role("pod-reader", [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]))).status, 201);
    const refused = await asRobot("POST", `${RBAC}/namespaces/${NS}/roles`, role("grab", [{ apiGroups: [""], resources: ["pods", "secrets"], verbs: ["get", "list", "delete"] }]));
    assert.deepEqual(refused.body, escalation("roles", "grab", ['{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}', '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list" "delete"]}']));
    assert.equal((await t.send("GET", `${RBAC}/namespaces/${NS}/roles/grab`)).status, 404, "nothing stored");
  });

  test("an update that adds a permission its author lacks is refused; one it holds passes", async () => {
    const current = (await t.send("GET", `${RBAC}/namespaces/${NS}/roles/pod-reader`)).body;
    const widened = await asRobot("PUT", `${RBAC}/namespaces/${NS}/roles/pod-reader`, { ...current, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "watch"] }] });
    assert.deepEqual(widened.body, escalation("roles", "pod-reader", ['{APIGroups:[""], Resources:["pods"], Verbs:["watch"]}']));
    const same = await asRobot("PUT", `${RBAC}/namespaces/${NS}/roles/pod-reader`, { ...current, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }] });
    assert.equal(same.status, 200);
  });

  test("a binding to a role whose permissions its author holds is created; to cluster-admin, 403", async () => {
    assert.equal((await asRobot("POST", `${RBAC}/namespaces/${NS}/rolebindings`, binding("readers", "Role", "pod-reader", "helper"))).status, 201);
    const admin = await asRobot("POST", `${RBAC}/namespaces/${NS}/rolebindings`, binding("takeover", "ClusterRole", "cluster-admin"));
    assert.deepEqual(admin.body, escalation("rolebindings", "takeover", ['{APIGroups:["*"], Resources:["*"], Verbs:["*"]}', '{NonResourceURLs:["*"], Verbs:["*"]}']));
    const missing = await asRobot("POST", `${RBAC}/namespaces/${NS}/rolebindings`, binding("dangling", "Role", "nope"));
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'roles.rbac.authorization.k8s.io "nope" not found');
  });

  test("as the real registries: a generated name is not yet in the refusal; an unknown roleRef kind is the resolver's 500", async () => {
    const generated = await asRobot("POST", `${RBAC}/namespaces/${NS}/roles`, { ...role("", [{ apiGroups: [""], resources: ["nodes"], verbs: ["get"] }]), metadata: { generateName: "g-" } });
    assert.equal(generated.status, 403);
    assert.match(generated.body.message, /^roles\.rbac\.authorization\.k8s\.io is forbidden: user "system:serviceaccount:esc:robot"/);
    assert.deepEqual(generated.body.details, { group: "rbac.authorization.k8s.io", kind: "roles" });
    const odd = await asRobot("POST", `${RBAC}/namespaces/${NS}/rolebindings`, { ...binding("odd", "Role", "x"), roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Foo", name: "x" } });
    assert.equal(odd.status, 500);
    assert.equal(odd.body.message, 'Internal error occurred: unsupported role reference kind: "Foo"');
  });

  test("bind on the role, or escalate on roles, lets its holder grant what it does not hold", async () => {
    await t.send("POST", `${RBAC}/namespaces/${NS}/roles`, { body: role("delegate", [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], resourceNames: ["view"], verbs: ["bind"] }, { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["escalate"] }]) });
    await t.send("POST", `${RBAC}/namespaces/${NS}/rolebindings`, { body: binding("delegate", "Role", "delegate") });
    assert.equal((await asRobot("POST", `${RBAC}/namespaces/${NS}/rolebindings`, binding("viewers", "ClusterRole", "view"))).status, 201);
    // roleRef's group is defaulted before the bind check, as at decoding.
    const unqualified = { ...binding("viewers-2", "ClusterRole", "view"), roleRef: { kind: "ClusterRole", name: "view" } };
    assert.equal((await asRobot("POST", `${RBAC}/namespaces/${NS}/rolebindings`, unqualified)).status, 201);
    assert.equal((await asRobot("POST", `${RBAC}/namespaces/${NS}/rolebindings`, binding("editors", "ClusterRole", "edit"))).status, 403, "bind names view only");
    assert.equal((await asRobot("POST", `${RBAC}/namespaces/${NS}/roles`, role("secrets", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }]))).status, 201);
  });

  test("system:masters (the admin) grants anything", async () => {
    assert.equal((await t.send("POST", `${RBAC}/namespaces/${NS}/rolebindings`, { body: binding("root", "ClusterRole", "cluster-admin", "other") })).status, 201);
  });
  test("the namespace is checked before escalation (admission comes first): a missing one is 404", async () => {
    await t.send("POST", `${RBAC}/clusterroles`, { body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "role-writer" }, rules: [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["create"] }] } });
    await t.send("POST", `${RBAC}/clusterrolebindings`, { body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "robot-role-writer" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "role-writer" }, subjects: [{ kind: "ServiceAccount", name: "robot", namespace: NS }] } });
    const missing = await asRobot("POST", `${RBAC}/namespaces/nowhere/roles`, role("grab", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }]));
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'namespaces "nowhere" not found');
  });

  test("a ClusterRole with an aggregationRule needs every right there is, on create and on an update that keeps or drops it", async () => {
    const cr = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name }, rules: [], ...extra });
    const aggregating = { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "example.com/aggregate": "true" } }] } };
    await t.send("POST", `${RBAC}/clusterroles`, { body: cr("clusterrole-writer", { rules: [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["create", "update", "get"] }] }) });
    await t.send("POST", `${RBAC}/clusterrolebindings`, { body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "robot-clusterrole-writer" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "clusterrole-writer" }, subjects: [{ kind: "ServiceAccount", name: "robot", namespace: NS }] } });
    const refused = await asRobot("POST", `${RBAC}/clusterroles`, cr("gather-all", aggregating));
    assert.deepEqual(refused.body, {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
      message: 'clusterroles.rbac.authorization.k8s.io "gather-all" is forbidden: must have cluster-admin privileges to use the aggregationRule',
      reason: "Forbidden", details: { name: "gather-all", group: "rbac.authorization.k8s.io", kind: "clusterroles" }, code: 403,
    });
    assert.equal((await asRobot("POST", `${RBAC}/clusterroles`, cr("plain"))).status, 201, "without one it is an ordinary role");
    // One the admin made: robot may neither keep it in an update nor drop it.
    const made = await t.send("POST", `${RBAC}/clusterroles`, { body: cr("admin-aggregated", aggregating) });
    assert.equal(made.status, 201);
    const current = (await t.send("GET", `${RBAC}/clusterroles/admin-aggregated`)).body;
    assert.equal((await asRobot("PUT", `${RBAC}/clusterroles/admin-aggregated`, { ...current, metadata: { ...current.metadata, labels: { a: "b" } } })).status, 403);
    const { aggregationRule: _dropped, ...without } = current;
    assert.equal((await asRobot("PUT", `${RBAC}/clusterroles/admin-aggregated`, without)).status, 403);
  });
});
