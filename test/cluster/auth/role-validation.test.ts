/**
 * Roles and ClusterRoles are validated as pkg/apis/rbac/validation ValidatePolicyRule does:
 * verbs required, a resource rule needs apiGroups and resources, non-resource URLs only in a
 * ClusterRole and never beside resources; a ClusterRole's aggregationRule needs a selector.
 * Exact 422 messages and causes.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "../helpers.js";

const RBAC = "/apis/rbac.authorization.k8s.io/v1";
const ROLES = `${RBAC}/namespaces/rv/roles`;
const CLUSTER_ROLES = `${RBAC}/clusterroles`;
const role = (kind: "Role" | "ClusterRole", name: string, rules: unknown[], extra: Record<string, unknown> = {}) => ({ apiVersion: "rbac.authorization.k8s.io/v1", kind, metadata: { name }, rules, ...extra });

describe("role validation", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("rv");
  });
  after(() => t.close());

  test("a rule without verbs, apiGroups or resources is 422 with the real messages", async () => {
    const res = await t.send("POST", ROLES, { body: role("Role", "empty", [{}, { verbs: ["get"], resources: ["pods"] }]) });
    assert.equal(res.status, 422);
    assert.equal(res.body.message, 'Role.rbac.authorization.k8s.io "empty" is invalid: [rules[0].verbs: Required value: verbs must contain at least one value, rules[0].apiGroups: Required value: resource rules must supply at least one api group, rules[0].resources: Required value: resource rules must supply at least one resource, rules[1].apiGroups: Required value: resource rules must supply at least one api group]');
    assert.deepEqual(res.body.details, {
      name: "empty",
      group: "rbac.authorization.k8s.io",
      kind: "Role",
      causes: [
        { reason: "FieldValueRequired", message: "Required value: verbs must contain at least one value", field: "rules[0].verbs" },
        { reason: "FieldValueRequired", message: "Required value: resource rules must supply at least one api group", field: "rules[0].apiGroups" },
        { reason: "FieldValueRequired", message: "Required value: resource rules must supply at least one resource", field: "rules[0].resources" },
        { reason: "FieldValueRequired", message: "Required value: resource rules must supply at least one api group", field: "rules[1].apiGroups" },
      ],
    });
  });

  test("non-resource URLs: refused in a Role, and beside resources in a ClusterRole", async () => {
    const namespaced = await t.send("POST", ROLES, { body: role("Role", "urls", [{ verbs: ["get"], nonResourceURLs: ["/healthz", "/metrics"] }]) });
    assert.equal(namespaced.status, 422);
    assert.equal(namespaced.body.message, 'Role.rbac.authorization.k8s.io "urls" is invalid: rules[0].nonResourceURLs: Invalid value: []string{"/healthz", "/metrics"}: namespaced rules cannot apply to non-resource URLs');
    const both = await t.send("POST", CLUSTER_ROLES, { body: role("ClusterRole", "both", [{ verbs: ["get"], apiGroups: [""], resources: ["pods"], nonResourceURLs: ["/healthz"] }]) });
    assert.equal(both.status, 422);
    assert.deepEqual(both.body.details.causes, [{ reason: "FieldValueInvalid", message: 'Invalid value: []string{"/healthz"}: rules cannot apply to both regular resources and non-resource URLs', field: "rules[0].nonResourceURLs" }]);
    assert.equal((await t.send("POST", CLUSTER_ROLES, { body: role("ClusterRole", "health", [{ verbs: ["get"], nonResourceURLs: ["/healthz"] }]) })).status, 201);
  });

  test("a ClusterRole's aggregationRule needs a selector; valid roles and updates still pass", async () => {
    const aggregated = await t.send("POST", CLUSTER_ROLES, { body: role("ClusterRole", "agg", [], { aggregationRule: {} }) });
    assert.equal(aggregated.status, 422);
    assert.equal(aggregated.body.message, 'ClusterRole.rbac.authorization.k8s.io "agg" is invalid: aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil');
    assert.equal((await t.send("POST", ROLES, { body: role("Role", "ok", [{ verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: ["a"] }]) })).status, 201);
    const update = await t.send("PUT", `${ROLES}/ok`, { body: role("Role", "ok", [{ apiGroups: [""], resources: ["pods"] }]) });
    assert.equal(update.status, 422);
    assert.equal(update.body.details.causes[0].field, "rules[0].verbs");
  });
});
