import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ClusterRoleBinding, PolicyRule, RoleBinding, Subject } from "kubernetes-types/rbac/v1.js";
import { ADMIN_USERNAME, ANONYMOUS_USER, createAuthorizer, defaultRbacObjects } from "../../../runtime/testing/cluster/auth/index.js";
import type { RequestAttributes, UserInfo } from "../../../runtime/testing/cluster/auth/index.js";
import { aggregatedRules } from "../../../runtime/testing/cluster/clusterrole-aggregation.js";
import { attrs, memorySource, ROBOT_USER } from "./helpers.js";

const RBAC = "rbac.authorization.k8s.io";
const ALICE: UserInfo = { username: "alice", groups: ["devs", "system:authenticated"] };
const ADMIN: UserInfo = { username: ADMIN_USERNAME, groups: ["system:masters", "system:authenticated"] };

function roleBinding(name: string, namespace: string, roleKind: "Role" | "ClusterRole", role: string, subjects: Subject[]): RoleBinding {
  return { metadata: { name, namespace }, roleRef: { apiGroup: RBAC, kind: roleKind, name: role }, subjects };
}

function clusterRoleBinding(name: string, role: string, subjects: Subject[]): ClusterRoleBinding {
  return { metadata: { name }, roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: role }, subjects };
}

/** An authorizer where `subjects` get `rules` through a Role bound in `golden`. */
function withRole(rules: PolicyRule[], subjects: Subject[] = [{ kind: "ServiceAccount", name: "robot", namespace: "golden" }]) {
  return createAuthorizer(
    memorySource({
      roles: [{ metadata: { name: "r", namespace: "golden" }, rules }],
      roleBindings: [roleBinding("rb", "golden", "Role", "r", subjects)],
    }),
  );
}

function allowed(authz: ReturnType<typeof createAuthorizer>, request: RequestAttributes): boolean {
  return authz.authorize(request).allowed;
}

const robot = (fields: Partial<Omit<RequestAttributes, "user">>) => attrs(ROBOT_USER, { namespace: "golden", ...fields });

describe("binding scope", () => {
  const rules: PolicyRule[] = [{ verbs: ["get"], apiGroups: [""], resources: ["configmaps"] }];
  const source = memorySource({
    roles: [{ metadata: { name: "cm-reader", namespace: "golden" }, rules }],
    clusterRoles: [{ metadata: { name: "cm-reader" }, rules }, { metadata: { name: "node-reader" }, rules: [{ verbs: ["get"], apiGroups: [""], resources: ["nodes"] }] }],
    roleBindings: [
      roleBinding("by-role", "golden", "Role", "cm-reader", [{ kind: "User", name: "alice" }]),
      roleBinding("by-clusterrole", "silver", "ClusterRole", "cm-reader", [{ kind: "User", name: "alice" }]),
    ],
    clusterRoleBindings: [clusterRoleBinding("nodes", "node-reader", [{ kind: "Group", name: "devs" }])],
  });
  const authz = createAuthorizer(source);

  test("a RoleBinding to a Role grants in its namespace only", () => {
    assert.deepEqual(authz.authorize(attrs(ALICE, { resource: "configmaps", namespace: "golden" })), {
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "by-role/golden" of Role "cm-reader" to User "alice"',
    });
    assert.equal(allowed(authz, attrs(ALICE, { resource: "configmaps", namespace: "bronze" })), false);
    assert.equal(allowed(authz, attrs(ALICE, { resource: "configmaps" })), false, "not across namespaces");
  });

  test("a RoleBinding to a ClusterRole grants in the binding's namespace only", () => {
    assert.equal(authz.authorize(attrs(ALICE, { resource: "configmaps", namespace: "silver" })).reason, 'RBAC: allowed by RoleBinding "by-clusterrole/silver" of ClusterRole "cm-reader" to User "alice"');
    assert.equal(allowed(authz, attrs(ALICE, { resource: "secrets", name: "s", namespace: "silver" })), false);
  });

  test("a ClusterRoleBinding grants everywhere, cluster-scoped resources included", () => {
    assert.equal(authz.authorize(attrs(ALICE, { resource: "nodes", name: "n1" })).reason, 'RBAC: allowed by ClusterRoleBinding "nodes" of ClusterRole "node-reader" to Group "devs"');
    assert.equal(allowed(authz, attrs(ALICE, { resource: "nodes", namespace: "any" })), true);
  });

  test("a RoleBinding to a missing role, or of an unknown kind, grants nothing and says why", () => {
    const broken = createAuthorizer(
      memorySource({
        roleBindings: [
          roleBinding("a", "golden", "ClusterRole", "gone", [{ kind: "User", name: "alice" }]),
          { ...roleBinding("b", "golden", "Role", "x", [{ kind: "User", name: "alice" }]), roleRef: { apiGroup: RBAC, kind: "Other", name: "x" } },
        ],
      }),
    );
    assert.deepEqual(broken.authorize(attrs(ALICE, { resource: "pods", namespace: "golden" })), {
      allowed: false,
      reason: 'RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, unsupported role reference kind: "Other"]',
    });
    assert.deepEqual(broken.rulesFor(ALICE, "golden"), {
      resourceRules: [],
      nonResourceRules: [],
      incomplete: false,
      evaluationError: '[clusterrole.rbac.authorization.k8s.io "gone" not found, unsupported role reference kind: "Other"]',
    });
    // The same error twice is told once, without brackets (utilerrors' aggregate).
    const twice = createAuthorizer(
      memorySource({
        roleBindings: [roleBinding("a", "golden", "ClusterRole", "gone", [{ kind: "User", name: "alice" }])],
        clusterRoleBindings: [clusterRoleBinding("c", "gone", [{ kind: "User", name: "alice" }])],
      }),
    );
    assert.equal(twice.authorize(attrs(ALICE, { resource: "pods", namespace: "golden" })).reason, 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found');
    assert.equal(twice.rulesFor(ALICE, "golden").evaluationError, 'clusterrole.rbac.authorization.k8s.io "gone" not found');
  });
});

describe("subjects", () => {
  const rules: PolicyRule[] = [{ verbs: ["list"], apiGroups: [""], resources: ["pods"] }];
  const list = robot({ verb: "list", resource: "pods" });

  test("a ServiceAccount subject, with or without its namespace, names the ServiceAccount", () => {
    assert.equal(withRole(rules, [{ kind: "ServiceAccount", name: "robot", namespace: "golden" }]).authorize(list).reason, 'RBAC: allowed by RoleBinding "rb/golden" of Role "r" to ServiceAccount "robot/golden"');
    assert.equal(withRole(rules, [{ kind: "ServiceAccount", name: "robot" }]).authorize(list).reason, 'RBAC: allowed by RoleBinding "rb/golden" of Role "r" to ServiceAccount "robot/golden"');
    assert.equal(allowed(withRole(rules, [{ kind: "ServiceAccount", name: "robot", namespace: "other" }]), list), false);
    assert.equal(allowed(withRole(rules, [{ kind: "ServiceAccount", name: "robot2" }]), list), false);
  });

  test("a ServiceAccount subject without namespace in a ClusterRoleBinding matches nobody", () => {
    const authz = createAuthorizer(
      memorySource({ clusterRoles: [{ metadata: { name: "c" }, rules }], clusterRoleBindings: [clusterRoleBinding("crb", "c", [{ kind: "ServiceAccount", name: "robot" }])] }),
    );
    assert.equal(allowed(authz, list), false);
  });

  test("User subjects match the username; Group subjects the groups", () => {
    assert.equal(allowed(withRole(rules, [{ kind: "User", name: "system:serviceaccount:golden:robot" }]), list), true);
    assert.equal(allowed(withRole(rules, [{ kind: "User", name: "robot" }]), list), false);
    for (const group of ["system:serviceaccounts", "system:serviceaccounts:golden", "system:authenticated"]) {
      assert.equal(withRole(rules, [{ kind: "Group", name: group }]).authorize(list).reason, `RBAC: allowed by RoleBinding "rb/golden" of Role "r" to Group "${group}"`);
    }
    assert.equal(allowed(withRole(rules, [{ kind: "Group", name: "system:serviceaccounts:other" }]), list), false);
    assert.equal(allowed(withRole(rules, [{ kind: "Group", name: "system:authenticated" }]), attrs(ANONYMOUS_USER, { verb: "list", resource: "pods", namespace: "golden" })), false);
    assert.equal(allowed(withRole(rules, [{ kind: "Group", name: "system:unauthenticated" }]), attrs(ANONYMOUS_USER, { verb: "list", resource: "pods", namespace: "golden" })), true);
  });
});

describe("rule matching", () => {
  test("verbs: exact or *", () => {
    const authz = withRole([{ verbs: ["list", "delete"], apiGroups: ["batch"], resources: ["jobs"] }]);
    assert.equal(allowed(authz, robot({ verb: "list", apiGroup: "batch", resource: "jobs" })), true);
    assert.equal(allowed(authz, robot({ verb: "delete", apiGroup: "batch", resource: "jobs", name: "j" })), true);
    assert.equal(allowed(authz, robot({ verb: "get", apiGroup: "batch", resource: "jobs", name: "j" })), false);
    assert.equal(allowed(authz, robot({ verb: "deletecollection", apiGroup: "batch", resource: "jobs" })), false);
    const star = withRole([{ verbs: ["*"], apiGroups: ["batch"], resources: ["jobs"] }]);
    assert.equal(allowed(star, robot({ verb: "deletecollection", apiGroup: "batch", resource: "jobs" })), true);
  });

  test("groups: exact, core as empty string, or *", () => {
    const core = withRole([{ verbs: ["get"], apiGroups: [""], resources: ["*"] }]);
    assert.equal(allowed(core, robot({ resource: "pods", name: "p" })), true);
    assert.equal(allowed(core, robot({ apiGroup: "apps", resource: "deployments", name: "d" })), false);
    const any = withRole([{ verbs: ["get"], apiGroups: ["*"], resources: ["deployments"] }]);
    assert.equal(allowed(any, robot({ apiGroup: "apps", resource: "deployments", name: "d" })), true);
    assert.equal(allowed(any, robot({ apiGroup: "extensions", resource: "deployments", name: "d" })), true);
  });

  test("resources: a subresource must be named; * covers subresources; */scale covers every scale", () => {
    const plain = withRole([{ verbs: ["get"], apiGroups: ["apps", ""], resources: ["deployments", "pods"] }]);
    assert.equal(allowed(plain, robot({ apiGroup: "apps", resource: "deployments", subresource: "scale", name: "web" })), false);
    assert.equal(allowed(plain, robot({ resource: "pods", subresource: "log", name: "p" })), false);

    const named = withRole([{ verbs: ["get"], apiGroups: ["apps", ""], resources: ["deployments/scale", "pods/log"] }]);
    assert.equal(allowed(named, robot({ apiGroup: "apps", resource: "deployments", subresource: "scale", name: "web" })), true);
    assert.equal(allowed(named, robot({ apiGroup: "apps", resource: "deployments", name: "web" })), false);
    assert.equal(allowed(named, robot({ apiGroup: "apps", resource: "statefulsets", subresource: "scale", name: "db" })), false);
    assert.equal(allowed(named, robot({ resource: "pods", subresource: "log", name: "p" })), true);

    const anyScale = withRole([{ verbs: ["get"], apiGroups: ["apps"], resources: ["*/scale"] }]);
    assert.equal(allowed(anyScale, robot({ apiGroup: "apps", resource: "deployments", subresource: "scale", name: "web" })), true);
    assert.equal(allowed(anyScale, robot({ apiGroup: "apps", resource: "statefulsets", subresource: "scale", name: "db" })), true);
    assert.equal(allowed(anyScale, robot({ apiGroup: "apps", resource: "deployments", name: "web" })), false);
    assert.equal(allowed(anyScale, robot({ apiGroup: "apps", resource: "deployments", subresource: "status", name: "web" })), false);

    const all = withRole([{ verbs: ["get"], apiGroups: [""], resources: ["*"] }]);
    assert.equal(allowed(all, robot({ resource: "pods", subresource: "log", name: "p" })), true);
  });

  test("resources: pods/* is no wildcard in real RBAC, it matches only itself", () => {
    const authz = withRole([{ verbs: ["get"], apiGroups: [""], resources: ["pods/*"] }]);
    assert.equal(allowed(authz, robot({ resource: "pods", subresource: "log", name: "p" })), false);
    assert.equal(allowed(authz, robot({ resource: "pods", name: "p" })), false);
  });

  test("resourceNames: only the named objects, never lists or creates without a name", () => {
    const authz = withRole([{ verbs: ["get", "patch", "list", "create"], apiGroups: ["apps"], resources: ["deployments/scale", "deployments"], resourceNames: ["web"] }]);
    assert.equal(allowed(authz, robot({ apiGroup: "apps", resource: "deployments", subresource: "scale", name: "web" })), true);
    assert.equal(allowed(authz, robot({ verb: "patch", apiGroup: "apps", resource: "deployments", subresource: "scale", name: "web" })), true);
    assert.equal(allowed(authz, robot({ apiGroup: "apps", resource: "deployments", subresource: "scale", name: "api" })), false);
    assert.equal(allowed(authz, robot({ verb: "list", apiGroup: "apps", resource: "deployments" })), false);
    assert.equal(allowed(authz, robot({ verb: "create", apiGroup: "apps", resource: "deployments" })), false);
  });

  test("non-resource URLs: exact, trailing * as a prefix, or *; never for resource requests", () => {
    const authz = createAuthorizer(
      memorySource({
        clusterRoles: [{ metadata: { name: "urls" }, rules: [{ verbs: ["get"], nonResourceURLs: ["/metrics", "/logs/*", "/debug*"] }] }],
        clusterRoleBindings: [clusterRoleBinding("urls", "urls", [{ kind: "User", name: "alice" }])],
      }),
    );
    const path = (p: string, verb = "get") => attrs(ALICE, { resourceRequest: false, path: p, verb, apiVersion: "" });
    assert.equal(allowed(authz, path("/metrics")), true);
    assert.equal(allowed(authz, path("/metrics/extra")), false);
    assert.equal(allowed(authz, path("/metrics", "post")), false);
    assert.equal(allowed(authz, path("/logs/kubelet.log")), true);
    assert.equal(allowed(authz, path("/logs")), false);
    assert.equal(allowed(authz, path("/debug/pprof")), true);
    assert.equal(allowed(authz, attrs(ALICE, { resource: "metrics" })), false);
  });
});

describe("default policy", () => {
  const authz = createAuthorizer(memorySource(defaultRbacObjects()));

  test("system:masters may do anything, with an empty reason as the privileged-group authorizer", () => {
    assert.deepEqual(authz.authorize(attrs(ADMIN, { verb: "delete", resource: "nodes", name: "n" })), { allowed: true, reason: "" });
    assert.equal(allowed(createAuthorizer(memorySource({})), attrs(ADMIN, { verb: "get", resourceRequest: false, path: "/metrics" })), true);
  });

  test("anyone may read the health and version endpoints; only the authenticated read discovery", () => {
    for (const p of ["/healthz", "/livez", "/readyz", "/version", "/version/"]) {
      assert.equal(allowed(authz, attrs(ANONYMOUS_USER, { resourceRequest: false, path: p })), true, p);
    }
    assert.equal(allowed(authz, attrs(ANONYMOUS_USER, { resourceRequest: false, path: "/apis" })), false);
    assert.equal(authz.authorize(attrs(ROBOT_USER, { resourceRequest: false, path: "/apis/apps/v1" })).reason, 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"');
    assert.equal(allowed(authz, attrs(ROBOT_USER, { resourceRequest: false, path: "/metrics" })), false);
  });

  test("every authenticated user may review itself; TokenReviews need system:auth-delegator", () => {
    for (const [group, resource] of [["authentication.k8s.io", "selfsubjectreviews"], ["authorization.k8s.io", "selfsubjectaccessreviews"], ["authorization.k8s.io", "selfsubjectrulesreviews"]] as const) {
      assert.equal(allowed(authz, attrs(ROBOT_USER, { verb: "create", apiGroup: group, resource })), true, resource);
      assert.equal(allowed(authz, attrs(ANONYMOUS_USER, { verb: "create", apiGroup: group, resource })), false, resource);
    }
    const review = attrs(ROBOT_USER, { verb: "create", apiGroup: "authentication.k8s.io", resource: "tokenreviews" });
    assert.equal(allowed(authz, review), false);
    const source = memorySource(defaultRbacObjects());
    source.objects.clusterRoleBindings.push(clusterRoleBinding("robot-delegator", "system:auth-delegator", [{ kind: "ServiceAccount", name: "robot", namespace: "golden" }]));
    assert.equal(allowed(createAuthorizer(source), review), true);
  });

  test("edit and view, bound in a namespace, grant the usual verbs", () => {
    const objects = defaultRbacObjects();
    // As the aggregation controller leaves them: view first, which edit then admin gather.
    for (const name of ["view", "edit", "admin"]) {
      const role = objects.clusterRoles.find((r) => r.metadata?.name === name)!;
      role.rules = aggregatedRules(role, objects.clusterRoles) as PolicyRule[];
    }
    const source = memorySource(objects);
    source.objects.roleBindings.push(roleBinding("robot-edit", "golden", "ClusterRole", "edit", [{ kind: "ServiceAccount", name: "robot" }]));
    source.objects.roleBindings.push(roleBinding("robot-view", "silver", "ClusterRole", "view", [{ kind: "ServiceAccount", name: "robot", namespace: "golden" }]));
    const rbac = createAuthorizer(source);
    const at = (namespace: string, fields: Partial<Omit<RequestAttributes, "user">>) => allowed(rbac, attrs(ROBOT_USER, { namespace, ...fields }));
    assert.equal(at("golden", { verb: "create", apiGroup: "apps", resource: "deployments" }), true);
    assert.equal(at("golden", { verb: "patch", apiGroup: "apps", resource: "deployments", subresource: "scale", name: "web" }), true);
    assert.equal(at("golden", { verb: "get", resource: "secrets", name: "s" }), true);
    assert.equal(at("golden", { verb: "create", apiGroup: RBAC, resource: "rolebindings" }), false, "edit cannot grant");
    assert.equal(at("silver", { verb: "list", apiGroup: "batch", resource: "jobs" }), true);
    assert.equal(at("silver", { verb: "get", resource: "pods", subresource: "log", name: "p" }), true);
    assert.equal(at("silver", { verb: "get", resource: "secrets", name: "s" }), false, "view cannot read secrets");
    assert.equal(at("silver", { verb: "delete", apiGroup: "batch", resource: "jobs", name: "j" }), false);
  });
});
