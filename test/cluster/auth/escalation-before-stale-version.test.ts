/**
 * An update of a Role, ClusterRole, RoleBinding or ClusterRoleBinding that would escalate is the
 * escalation 403 even with a stale resourceVersion: 1.32's RBAC storages
 * (pkg/registry/rbac/role/policybased/storage.go and its siblings) check escalation in the
 * UpdatedObject wrapper, which the generic store runs before it compares versions. An update
 * that does not escalate (or by system:masters) still gets the stale version's 409.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "../helpers.js";

const RBAC = "/apis/rbac.authorization.k8s.io/v1";
const NS = "stale";
const REF = (kind: string, name: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind, name });
const SUBJECTS = [{ kind: "ServiceAccount", name: "robot", namespace: NS }];
const SECRETS = [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }];

describe("a stale update of an RBAC object by a user it would escalate", () => {
  let t: TestCluster;
  let robot: string;
  const asRobot = (path: string, body: unknown) => t.send("PUT", path, { token: robot, body });

  before(async () => {
    t = await clusterWithNamespaces(NS);
    await t.send("POST", `/api/v1/namespaces/${NS}/serviceaccounts`, { body: { metadata: { name: "robot" } } });
    robot = (await t.send("POST", `/api/v1/namespaces/${NS}/serviceaccounts/robot/token`, { body: { spec: { expirationSeconds: 3600 } } })).body.status.token;
    const writer = [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "rolebindings", "clusterroles", "clusterrolebindings"], verbs: ["get", "update"] }];
    await t.send("POST", `${RBAC}/clusterroles`, { body: { metadata: { name: "stale-writer" }, rules: writer } });
    await t.send("POST", `${RBAC}/clusterrolebindings`, { body: { metadata: { name: "stale-writer" }, roleRef: REF("ClusterRole", "stale-writer"), subjects: SUBJECTS } });
    await t.send("POST", `${RBAC}/namespaces/${NS}/roles`, { body: { metadata: { name: "target" }, rules: [] } });
    await t.send("POST", `${RBAC}/clusterroles`, { body: { metadata: { name: "stale-target" }, rules: [] } });
    await t.send("POST", `${RBAC}/clusterroles`, { body: { metadata: { name: "stale-secrets" }, rules: SECRETS } });
    await t.send("POST", `${RBAC}/namespaces/${NS}/rolebindings`, { body: { metadata: { name: "target" }, roleRef: REF("ClusterRole", "stale-secrets"), subjects: [] } });
    await t.send("POST", `${RBAC}/clusterrolebindings`, { body: { metadata: { name: "stale-target" }, roleRef: REF("ClusterRole", "stale-secrets"), subjects: [] } });
  });
  after(() => t.close());

  const cases: [string, string, string, Record<string, unknown>][] = [
    ["a Role", "roles", `${RBAC}/namespaces/${NS}/roles/target`, { rules: SECRETS }],
    ["a ClusterRole", "clusterroles", `${RBAC}/clusterroles/stale-target`, { rules: SECRETS }],
    ["a RoleBinding", "rolebindings", `${RBAC}/namespaces/${NS}/rolebindings/target`, { roleRef: REF("ClusterRole", "stale-secrets"), subjects: SUBJECTS }],
    ["a ClusterRoleBinding", "clusterrolebindings", `${RBAC}/clusterrolebindings/stale-target`, { roleRef: REF("ClusterRole", "stale-secrets"), subjects: SUBJECTS }],
  ];
  for (const [what, resource, path, body] of cases) {
    test(`${what}: the escalation 403, not the 409`, async () => {
      const name = path.split("/").pop()!;
      const answer = await asRobot(path, { metadata: { name, resourceVersion: "1" }, ...body });
      assert.equal(answer.status, 403, answer.text);
      assert.equal(answer.body.reason, "Forbidden");
      assert.match(answer.body.message, new RegExp(`^${resource}\\.rbac\\.authorization\\.k8s\\.io "${name}" is forbidden: user "system:serviceaccount:${NS}:robot" .* is attempting to grant RBAC permissions not currently held`));
    });
  }

  test("an update that does not escalate, or by system:masters, is the stale version's 409", async () => {
    const own = await asRobot(`${RBAC}/namespaces/${NS}/roles/target`, { metadata: { name: "target", resourceVersion: "1" }, rules: [] });
    assert.equal(own.status, 409, own.text);
    assert.equal(own.body.reason, "Conflict");
    const admin = await t.send("PUT", `${RBAC}/namespaces/${NS}/roles/target`, { body: { metadata: { name: "target", resourceVersion: "1" }, rules: SECRETS } });
    assert.equal(admin.status, 409, admin.text);
  });
});
