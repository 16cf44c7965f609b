/**
 * The clusterrole-aggregation controller's work (kube-controller-manager's, inline here): a
 * ClusterRole with an aggregationRule holds the rules of the ClusterRoles its selectors match,
 * each selector's roles by name, a rule already there not again, written by server-side apply as
 * `clusterrole-aggregation-controller`. The bootstrap admin, edit and view roles are built so
 * from `system:aggregate-to-*`, and a role labelled `aggregate-to-view` reaches all three.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import { eventually, testCluster, type TestCluster } from "../helpers.js";

const RBAC = "/apis/rbac.authorization.k8s.io/v1";
const clusterRole = (name: string, extra: Record<string, unknown>) => ({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name }, ...extra });
const labelled = (name: string, labels: Record<string, string>, rules: unknown[]) => ({ ...clusterRole(name, { rules }), metadata: { name, labels } });
const aggregating = (...selectors: Record<string, string>[]) => ({ aggregationRule: { clusterRoleSelectors: selectors.map((matchLabels) => ({ matchLabels })) } });
const WIDGETS = { verbs: ["get", "list"], apiGroups: ["example.com"], resources: ["widgets"] };

describe("ClusterRole aggregation", () => {
  let t: TestCluster;
  const rulesOf = async (name: string) => (await t.send("GET", `${RBAC}/clusterroles/${name}`)).body.rules;
  /** Polls until `name`'s rules are `expected` (the controller works after the write that changes them). */
  const rulesBecome = (name: string, expected: unknown) =>
    eventually(async () => {
      const rules = await rulesOf(name);
      return isDeepStrictEqual(rules, expected) ? rules : undefined;
    }, 2000).catch(async () => assert.deepEqual(await rulesOf(name), expected, `rules of ${name}`));
  const allowed = async (user: string, resourceAttributes: Record<string, string>) =>
    (await t.send("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", { body: { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec: { user, groups: ["system:authenticated"], resourceAttributes } } })).body.status.allowed;

  before(async () => {
    t = await testCluster({ port: 0 });
  });
  after(() => t.close());

  test("admin, edit and view hold the rules of system:aggregate-to-*, by name, from the controller's apply", async () => {
    const view = await rulesOf("system:aggregate-to-view");
    const edit = await rulesOf("system:aggregate-to-edit");
    const admin = await rulesOf("system:aggregate-to-admin");
    assert.ok(view.length > 5 && edit.length > 5 && admin.length === 2);
    assert.deepEqual(await rulesOf("view"), view);
    assert.deepEqual(await rulesOf("edit"), [...edit, ...view], "edit selects system:aggregate-to-edit, then view");
    assert.deepEqual(await rulesOf("admin"), [...edit, ...view, ...admin], "admin selects edit, then system:aggregate-to-admin");
    const role = (await t.send("GET", `${RBAC}/clusterroles/view`)).body;
    assert.deepEqual(role.aggregationRule, { clusterRoleSelectors: [{ matchLabels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" } }] });
    assert.deepEqual(role.metadata.labels, { "kubernetes.io/bootstrapping": "rbac-defaults", "rbac.authorization.k8s.io/aggregate-to-edit": "true" });
    const controller = role.metadata.managedFields.find((e: { manager: string }) => e.manager === "clusterrole-aggregation-controller");
    assert.deepEqual({ ...controller, time: undefined }, { manager: "clusterrole-aggregation-controller", operation: "Apply", apiVersion: "rbac.authorization.k8s.io/v1", time: undefined, fieldsType: "FieldsV1", fieldsV1: { "f:rules": {} } });
    const apiserver = role.metadata.managedFields.find((e: { manager: string }) => e.manager === "kube-apiserver");
    assert.equal(apiserver.fieldsV1["f:rules"], undefined, "the bootstrap role is created without rules");
  });

  test("a ClusterRole labelled aggregate-to-view adds its rules to view, edit and admin, and takes them away when it goes", async () => {
    const viewBefore = await rulesOf("view");
    const editBefore = await rulesOf("edit");
    const adminOwn = await rulesOf("system:aggregate-to-admin");
    assert.equal((await t.send("POST", `${RBAC}/clusterroles`, { body: labelled("widgets-view", { "rbac.authorization.k8s.io/aggregate-to-view": "true" }, [WIDGETS]) })).status, 201);
    // view: system:aggregate-to-view then widgets-view (by name); edit and admin through view.
    await rulesBecome("view", [...viewBefore, WIDGETS]);
    await rulesBecome("edit", [...editBefore, WIDGETS]);
    await rulesBecome("admin", [...editBefore, WIDGETS, ...adminOwn]);
    await t.send("POST", `${RBAC}/namespaces/default/rolebindings`, { body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "alice-view" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" }, subjects: [{ kind: "User", name: "alice" }] } });
    assert.equal(await allowed("alice", { namespace: "default", verb: "list", group: "example.com", resource: "widgets" }), true);

    assert.equal((await t.send("DELETE", `${RBAC}/clusterroles/widgets-view`)).status, 200);
    await rulesBecome("view", viewBefore);
    await rulesBecome("edit", editBefore);
    await rulesBecome("admin", [...editBefore, ...adminOwn]);
    assert.equal(await allowed("alice", { namespace: "default", verb: "list", group: "example.com", resource: "widgets" }), false);
  });

  test("each selector's roles in name order, a rule met again not repeated, the role itself skipped; nothing selected empties it", async () => {
    const pods = { verbs: ["list"], apiGroups: [""], resources: ["pods"] };
    const jobs = { verbs: ["get"], apiGroups: ["batch"], resources: ["jobs"] };
    const secrets = { verbs: ["get"], apiGroups: [""], resources: ["secrets"] };
    const made = await t.send("POST", `${RBAC}/clusterroles`, { body: clusterRole("mine", { ...aggregating({ team: "b" }, { team: "a" }), rules: [secrets] }) });
    assert.equal(made.status, 201);
    await t.send("POST", `${RBAC}/clusterroles`, { body: labelled("z-team-a", { team: "a" }, [jobs, pods]) });
    await t.send("POST", `${RBAC}/clusterroles`, { body: labelled("a-team-a", { team: "a" }, [pods]) });
    // The same rule written another way (an empty resourceNames, keys in another order) is the same rule.
    await t.send("POST", `${RBAC}/clusterroles`, { body: labelled("team-b", { team: "b" }, [{ resources: ["jobs"], apiGroups: ["batch"], verbs: ["get"], resourceNames: [] }]) });
    await rulesBecome("mine", [jobs, pods]);
    // A role selecting itself adds nothing of its own.
    await t.send("PATCH", `${RBAC}/clusterroles/mine`, { body: { metadata: { labels: { team: "a" } } }, contentType: "application/merge-patch+json" });
    await rulesBecome("mine", [jobs, pods]);
    for (const name of ["z-team-a", "a-team-a", "team-b"]) await t.send("DELETE", `${RBAC}/clusterroles/${name}`);
    await rulesBecome("mine", null);
  });
});
