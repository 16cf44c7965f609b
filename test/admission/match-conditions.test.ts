/**
 * A webhook's `matchConditions` in a deployed function's review(): the webhook is called only
 * when every condition is true; a false one lets the request go on without a call; one that
 * cannot be evaluated (and none false) is treated as failurePolicy says; `authorizer`'s checks
 * are decided by the harness's emulated cluster (RBAC) for the review's user; a condition that
 * does not compile, or uses `authorizer` with no cluster to ask, is a clear error naming it.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { defineFunction } from "../../runtime/function.js";
import { MatchConditionError, admissionReview, startHarness, type Deployed, type Harness } from "../../runtime/testing/index.js";
import { evaluateMatchConditions } from "../../runtime/testing/admission-conditions.js";
import { PodfnError } from "../../runtime/errors.js";

const calls: string[] = [];
const guarded = (name: string, failurePolicy: "Fail" | "Ignore", matchConditions: { name: string; expression: string }[]) =>
  defineFunction({
    name,
    admission: { type: "validating", rules: [{ operations: ["CREATE", "UPDATE"], resource: "configmaps" }], failurePolicy, matchConditions },
    handler({ trigger }) {
      calls.push(`${name}:${trigger.request.object?.metadata?.name}`);
      return { allowed: false, message: "denied by the handler" };
    },
  });

const notSystem = guarded("not-system", "Fail", [
  { name: "not-system-user", expression: "!request.userInfo.username.startsWith('system:')" },
  { name: "few-keys", expression: "!has(object.data) || size(object.data) < 3" },
]);
const brokenFail = guarded("broken-fail", "Fail", [{ name: "needs-data", expression: "object.data.mode == 'strict'" }]);
const brokenIgnore = guarded("broken-ignore", "Ignore", [{ name: "needs-data", expression: "object.data.mode == 'strict'" }]);
const notCompiling = guarded("not-compiling", "Fail", [{ name: "typo", expression: "object.metadata.name ==" }]);
const canDelete = "authorizer.group('').resource('pods').namespace(request.namespace).check('delete')";
const usesAuthorizer = guarded("uses-authorizer", "Fail", [{ name: "can-delete-pods", expression: `${canDelete}.allowed()` }]);
const readsReason = guarded("reads-reason", "Fail", [{ name: "reason", expression: `${canDelete}.reason().startsWith('RBAC: allowed by RoleBinding')` }]);
const saysAuthorizer = guarded("says-authorizer", "Fail", [{ name: "not-the-authorizer", expression: "request.userInfo.username != 'authorizer'" }]);

const configMap = (name: string, data?: Record<string, string>): ConfigMap => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, ...(data ? { data } : {}) });
const user = (username: string) => ({ userInfo: { username, groups: ["system:authenticated"] } });

describe("matchConditions", () => {
  let h: Harness;
  let fns: Record<string, Deployed>;
  before(async () => {
    h = await startHarness();
    const deployed = await Promise.all([notSystem, brokenFail, brokenIgnore, notCompiling, usesAuthorizer, readsReason, saysAuthorizer].map((fn) => h.deploy(fn)));
    fns = Object.fromEntries(deployed.map((d, i) => [[notSystem, brokenFail, brokenIgnore, notCompiling, usesAuthorizer, readsReason, saysAuthorizer][i]!.name, d]));
  });
  after(() => h.stop());

  test("the webhook is called when every condition is true", async () => {
    calls.length = 0;
    const result = await fns["not-system"]!.review({ object: configMap("a", { x: "1" }), ...user("jane") });
    assert.equal(result.called, true);
    assert.equal(result.response.allowed, false);
    assert.deepEqual(calls, ["not-system:a"]);
  });

  test("a false condition lets the request go on without a call, naming the condition", async () => {
    calls.length = 0;
    const system = await fns["not-system"]!.review({ object: configMap("b"), ...user("system:serviceaccount:kube-system:gc") });
    assert.equal(system.called, false);
    assert.equal(system.response.allowed, true);
    assert.match(system.notCalledBecause!, /admission\.matchConditions\[0\] \("not-system-user"\) is false/);
    const many = await fns["not-system"]!.review({ object: configMap("c", { a: "1", b: "2", c: "3" }), ...user("jane") });
    assert.equal(many.called, false);
    assert.match(many.notCalledBecause!, /\[1\] \("few-keys"\) is false/);
    assert.deepEqual(calls, [], "the handler never ran");
  });

  test("a condition that cannot be evaluated refuses the request under Fail and skips the webhook under Ignore", async () => {
    calls.length = 0;
    const failed = await fns["broken-fail"]!.review({ object: configMap("d"), ...user("jane") });
    assert.equal(failed.called, false);
    assert.equal(failed.response.allowed, false);
    assert.match(failed.notCalledBecause!, /\("needs-data"\).*failurePolicy Fail the API server refuses the request/);
    const ignored = await fns["broken-ignore"]!.review({ object: configMap("e"), ...user("jane") });
    assert.equal(ignored.called, false);
    assert.equal(ignored.response.allowed, true);
    assert.match(ignored.notCalledBecause!, /failurePolicy Ignore the API server lets the request through/);
    // With the field there, it evaluates: the handler is called.
    assert.equal((await fns["broken-ignore"]!.review({ object: configMap("f", { mode: "strict" }), ...user("jane") })).called, true);
    assert.deepEqual(calls, ["broken-ignore:f"]);
  });

  test("authorizer's checks are decided by the cluster's RBAC for the review's user", async () => {
    for (const fn of ["uses-authorizer", "reads-reason"]) {
      const { namespace } = fns[fn]!;
      await h.admin.request({ method: "POST", path: `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`, body: { metadata: { name: "pod-deleter" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["delete"] }] } });
      await h.admin.request({ method: "POST", path: `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, body: { metadata: { name: "jane" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-deleter" }, subjects: [{ kind: "User", name: "jane" }] } });
    }
    calls.length = 0;
    assert.equal((await fns["uses-authorizer"]!.review({ object: configMap("k"), ...user("jane") })).called, true);
    const bob = await fns["uses-authorizer"]!.review({ object: configMap("l"), ...user("bob") });
    assert.equal(bob.called, false);
    assert.equal(bob.response.allowed, true);
    assert.match(bob.notCalledBecause!, /\("can-delete-pods"\) is false/);
    // The default user is a cluster admin (system:masters): allowed, with no RBAC reason.
    assert.equal((await fns["uses-authorizer"]!.review({ object: configMap("m") })).called, true);
    assert.equal((await fns["reads-reason"]!.review({ object: configMap("n"), ...user("jane") })).called, true);
    assert.equal((await fns["reads-reason"]!.review({ object: configMap("o") })).called, false);
    assert.deepEqual(calls, ["uses-authorizer:k", "uses-authorizer:m", "reads-reason:n"]);
    // A check the cluster does not answer is an error of its own, not a misjudged request.
    const release = h.cluster.inject({ match: { verb: "create", resource: "subjectaccessreviews" }, status: 403 });
    try {
      await assert.rejects(fns["uses-authorizer"]!.review({ object: configMap("p"), ...user("jane") }), (error: unknown) => error instanceof PodfnError && error.code === "authorizer_unavailable" && /did not answer the SubjectAccessReview/.test(error.message));
    } finally {
      release();
    }
  });

  test("a condition that does not compile, or uses authorizer with no cluster to ask, is an error naming it", async () => {
    await assert.rejects(fns["not-compiling"]!.review({ object: configMap("g") }), (error: unknown) => error instanceof MatchConditionError && error.code === "match_condition_invalid" && /admission\.matchConditions\[0\] \("typo"\): does not compile/.test(error.message));
    const { fn } = fns["uses-authorizer"]!;
    await assert.rejects(evaluateMatchConditions(fn.admission!, admissionReview({ object: configMap("h") }, fn, "default").request!), (error: unknown) => error instanceof MatchConditionError && /\("can-delete-pods"\): uses authorizer, whose checks need a cluster's authorizer, and none was given/.test(error.message));
    // The word in a string is no use of it: evaluated as any other condition.
    assert.equal((await fns["says-authorizer"]!.review({ object: configMap("i"), ...user("authorizer") })).called, false);
    assert.equal((await fns["says-authorizer"]!.review({ object: configMap("j"), ...user("jane") })).called, true);
  });
});
