/**
 * RoleBindings and ClusterRoleBindings are defaulted and validated as the real server does:
 * apiGroups filled in, roleRef and subjects checked with the real messages, roleRef immutable.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "../helpers.js";

const RBAC = "/apis/rbac.authorization.k8s.io/v1";
const RB = `${RBAC}/namespaces/bv/rolebindings`;
const CRB = `${RBAC}/clusterrolebindings`;
const binding = (kind: "RoleBinding" | "ClusterRoleBinding", name: string, roleRef: Record<string, unknown>, subjects: unknown[]) => ({ apiVersion: "rbac.authorization.k8s.io/v1", kind, metadata: { name }, roleRef, subjects });

describe("binding validation", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("bv");
  });
  after(() => t.close());

  test("roleRef.apiGroup and a User or Group subject's apiGroup default to the RBAC group", async () => {
    const created = await t.send("POST", RB, { body: binding("RoleBinding", "d", { kind: "ClusterRole", name: "view" }, [{ kind: "User", name: "alice" }, { kind: "Group", name: "devs" }, { kind: "ServiceAccount", name: "bot" }]) });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" });
    const apiGroups = Object.fromEntries((created.body.subjects as { name: string; apiGroup?: string }[]).map((s) => [s.name, s.apiGroup]));
    assert.deepEqual(apiGroups, { alice: "rbac.authorization.k8s.io", devs: "rbac.authorization.k8s.io", bot: undefined });
  });

  test("a roleRef kind or subject the server does not know is 422 with its message", async () => {
    const odd = await t.send("POST", RB, { body: binding("RoleBinding", "odd", { apiGroup: "rbac.authorization.k8s.io", kind: "Foo", name: "x" }, [{ kind: "Robot", name: "r" }]) });
    assert.equal(odd.status, 422);
    assert.equal(odd.body.message, 'RoleBinding.rbac.authorization.k8s.io "odd" is invalid: [roleRef.kind: Unsupported value: "Foo": supported values: "Role", "ClusterRole", subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"]');
    const role = await t.send("POST", CRB, { body: binding("ClusterRoleBinding", "role", { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "x" }, [{ kind: "ServiceAccount", name: "bot" }]) });
    assert.deepEqual(role.body.details.causes, [
      { reason: "FieldValueNotSupported", message: 'Unsupported value: "Role": supported values: "ClusterRole"', field: "roleRef.kind" },
      { reason: "FieldValueRequired", message: "Required value", field: "subjects[0].namespace" },
    ]);
  });

  test("roleRef cannot change: 422 naming the new one", async () => {
    const created = (await t.send("POST", RB, { body: binding("RoleBinding", "fixed", { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" }, []) })).body;
    const changed = await t.send("PUT", `${RB}/fixed`, { body: { ...created, roleRef: { ...created.roleRef, name: "edit" } } });
    assert.equal(changed.status, 422);
    assert.equal(changed.body.message, 'RoleBinding.rbac.authorization.k8s.io "fixed" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef');
    const subjects = await t.send("PUT", `${RB}/fixed`, { body: { ...created, subjects: [{ kind: "ServiceAccount", name: "bot", namespace: "bv" }] } });
    assert.equal(subjects.status, 200, "subjects may change");
  });
});
