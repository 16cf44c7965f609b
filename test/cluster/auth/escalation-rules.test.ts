import { test } from "node:test";
import assert from "node:assert/strict";
import { compactString, missingRights } from "../../../runtime/testing/cluster/auth/escalation.js";

// Covers (pkg/registry/rbac/validation): what a user's own rules leave uncovered of a grant.

test("each verb, resource and name is checked on its own; only the uncovered ones are missing", () => {
  const owned = [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }];
  assert.deepEqual(missingRights(owned, [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]), []);
  assert.deepEqual(missingRights(owned, [{ apiGroups: ["", "apps"], resources: ["pods"], verbs: ["list", "delete"] }]), [
    { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
    { apiGroups: ["apps"], resources: ["pods"], verbs: ["list"] },
    { apiGroups: ["apps"], resources: ["pods"], verbs: ["delete"] },
  ]);
});

test("wildcards cover: * verbs, groups and resources, */subresource, URL prefixes", () => {
  assert.deepEqual(missingRights([{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }], [{ apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"] }]), []);
  assert.deepEqual(missingRights([{ apiGroups: ["apps"], resources: ["*/scale"], verbs: ["patch"] }], [{ apiGroups: ["apps"], resources: ["deployments/scale", "deployments"], verbs: ["patch"] }]), [
    { apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"] },
  ]);
  assert.deepEqual(missingRights([{ nonResourceURLs: ["/healthz/*"], verbs: ["get"] }], [{ nonResourceURLs: ["/healthz/ping", "/metrics"], verbs: ["get"] }]), [{ nonResourceURLs: ["/metrics"], verbs: ["get"] }]);
});

test("resource names: a named grant is covered by the name or by no names; an unnamed one only by no names", () => {
  const named = [{ apiGroups: [""], resources: ["configmaps"], resourceNames: ["a"], verbs: ["get"] }];
  assert.deepEqual(missingRights(named, [{ apiGroups: [""], resources: ["configmaps"], resourceNames: ["a"], verbs: ["get"] }]), []);
  assert.equal(missingRights(named, [{ apiGroups: [""], resources: ["configmaps"], resourceNames: ["b"], verbs: ["get"] }]).length, 1);
  assert.equal(missingRights(named, [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }]).length, 1);
  assert.deepEqual(missingRights([{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }], named), []);
});

test("a rule reads as the real message writes it", () => {
  assert.equal(compactString({ apiGroups: [""], resources: ["pods"], resourceNames: ["a"], verbs: ["get", "list"] }), '{APIGroups:[""], Resources:["pods"], ResourceNames:["a"], Verbs:["get" "list"]}');
  assert.equal(compactString({ nonResourceURLs: ["*"], verbs: ["*"] }), '{NonResourceURLs:["*"], Verbs:["*"]}');
});
