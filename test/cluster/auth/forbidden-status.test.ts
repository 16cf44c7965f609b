import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ANONYMOUS_USER,
  createAuthorizer,
  defaultRbacObjects,
  forbiddenStatus,
  unauthorizedStatus,
} from "../../../runtime/testing/cluster/auth/index.js";
import type { RequestAttributes } from "../../../runtime/testing/cluster/auth/index.js";
import { attrs, fixture, memorySource, ROBOT_USER } from "./helpers.js";

type Fields = Partial<Omit<RequestAttributes, "user">>;
const ns = "golden";

/** Every recorded 403 of robot before its Role exists, with the attributes of its request. */
const ROBOT_BEFORE_ROLE: Record<string, Fields> = {
  "sa-get-root-path": { resourceRequest: false, path: "/", apiVersion: "" },
  "sa-get-metrics-path": { resourceRequest: false, path: "/metrics", apiVersion: "" },
  "sa-list-secrets": { verb: "list", resource: "secrets", namespace: ns },
  "sa-get-secret": { resource: "secrets", name: "db-password", namespace: ns },
  "sa-watch-configmaps": { verb: "watch", resource: "configmaps", namespace: ns },
  "sa-create-deployment": { verb: "create", apiGroup: "apps", resource: "deployments", namespace: ns },
  "sa-update-configmap": { verb: "update", resource: "configmaps", name: "settings", namespace: ns },
  "sa-patch-job": { verb: "patch", apiGroup: "batch", resource: "jobs", name: "nightly", namespace: ns },
  "sa-delete-pod": { verb: "delete", resource: "pods", name: "worker-0", namespace: ns },
  "sa-deletecollection-pods": { verb: "deletecollection", resource: "pods", namespace: ns },
  "sa-get-pod-log": { resource: "pods", subresource: "log", name: "worker-0", namespace: ns },
  "sa-update-statefulset-scale": { verb: "update", apiGroup: "apps", resource: "statefulsets", subresource: "scale", name: "db", namespace: ns },
  "sa-list-namespaces": { verb: "list", resource: "namespaces" },
  "sa-get-node": { resource: "nodes", name: "node-1" },
  "sa-list-clusterroles": { verb: "list", apiGroup: "rbac.authorization.k8s.io", resource: "clusterroles" },
  "sa-list-jobs-all-namespaces": { verb: "list", apiGroup: "batch", resource: "jobs" },
  "sa-create-lease": { verb: "create", apiGroup: "coordination.k8s.io", resource: "leases", namespace: ns },
  "sa-tokenreview": { verb: "create", apiGroup: "authentication.k8s.io", resource: "tokenreviews" },
};

/** The recorded 403s of robot after the Role `job-janitor` is bound. */
const ROBOT_AFTER_ROLE: Record<string, Fields> = {
  "sa-get-job-verb-not-granted": { apiGroup: "batch", resource: "jobs", name: "nightly", namespace: ns },
  "sa-scale-other-deployment": { apiGroup: "apps", resource: "deployments", subresource: "scale", name: "api", namespace: ns },
};

function withJanitorRole() {
  const defaults = defaultRbacObjects();
  return memorySource({
    ...defaults,
    roles: [{ ...(fixture("create-role").response.body as object), metadata: { name: "job-janitor", namespace: ns } } as never],
    roleBindings: [{ ...(fixture("create-rolebinding").response.body as object), metadata: { name: "robot-janitor", namespace: ns } } as never],
  });
}

for (const [name, fields] of Object.entries(ROBOT_BEFORE_ROLE)) {
  test(`${name}: denied with the real server's Status body`, () => {
    const request = attrs(ROBOT_USER, fields);
    const decision = createAuthorizer(memorySource(defaultRbacObjects())).authorize(request);
    assert.deepEqual(decision, { allowed: false, reason: "" });
    const status = forbiddenStatus(request, decision.reason);
    assert.equal(JSON.stringify(status), JSON.stringify(fixture(name).response.body));
  });
}

for (const [name, fields] of Object.entries(ROBOT_AFTER_ROLE)) {
  test(`${name}: still denied once the Role is bound, with the real server's Status body`, () => {
    const request = attrs(ROBOT_USER, fields);
    const decision = createAuthorizer(withJanitorRole()).authorize(request);
    assert.equal(decision.allowed, false);
    assert.equal(JSON.stringify(forbiddenStatus(request, decision.reason)), JSON.stringify(fixture(name).response.body));
  });
}

test("anonymous-list-secrets: the anonymous user is denied with the real server's Status body", () => {
  const request = attrs(ANONYMOUS_USER, { verb: "list", resource: "secrets", namespace: ns });
  const decision = createAuthorizer(memorySource(defaultRbacObjects())).authorize(request);
  assert.equal(decision.allowed, false);
  assert.equal(JSON.stringify(forbiddenStatus(request, decision.reason)), JSON.stringify(fixture("anonymous-list-secrets").response.body));
});

test("bad-token: the 401 body is the real server's", () => {
  assert.equal(JSON.stringify(unauthorizedStatus()), JSON.stringify(fixture("bad-token").response.body));
});

test("a binding to a missing Role makes the denial's reason part of the message", () => {
  const source = memorySource({
    roleBindings: [{ metadata: { name: "dangling", namespace: ns }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "gone" }, subjects: [{ kind: "ServiceAccount", name: "robot" }] }],
  });
  const request = attrs(ROBOT_USER, { verb: "list", resource: "secrets", namespace: ns });
  const decision = createAuthorizer(source).authorize(request);
  assert.deepEqual(decision, { allowed: false, reason: 'RBAC: role.rbac.authorization.k8s.io "gone" not found' });
  assert.equal(
    forbiddenStatus(request, decision.reason).message,
    'secrets is forbidden: User "system:serviceaccount:golden:robot" cannot list resource "secrets" in API group "" in the namespace "golden": RBAC: role.rbac.authorization.k8s.io "gone" not found',
  );
});
