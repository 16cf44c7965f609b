/**
 * Endpoints and LimitRanges are, with Leases, Services, Events and RBAC objects, the types whose
 * 1.32 registry allows create on update (pkg/registry/core/endpoint and limitrange strategy.go:
 * AllowCreateOnUpdate true): a PUT of a missing one creates it (201), and update.go authorizes
 * that create apart, so a user with `update` alone is refused with apierrors.NewForbidden's
 * `<resource> "<name>" is forbidden: ` and nothing is created.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const NS = "default";
const CORE = `/api/v1/namespaces/${NS}`;
const endpoints = (name: string) => ({ apiVersion: "v1", kind: "Endpoints", metadata: { name }, subsets: [{ addresses: [{ ip: "10.0.0.1" }], ports: [{ port: 80 }] }] });
const limitRange = (name: string) => ({ apiVersion: "v1", kind: "LimitRange", metadata: { name }, spec: { limits: [{ type: "Container", max: { cpu: "1" } }] } });

describe("a PUT of a missing Endpoints or LimitRange", () => {
  let t: TestCluster;
  let updater: string;

  before(async () => {
    t = await testCluster();
    const sa = await t.cluster.serviceAccount(NS, "updater");
    updater = sa.token;
    await t.send("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/roles`, {
      body: { metadata: { name: "updater" }, rules: [{ apiGroups: [""], resources: ["endpoints", "limitranges"], verbs: ["get", "update"] }] },
    });
    await t.send("POST", `/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/rolebindings`, {
      body: { metadata: { name: "updater" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "updater" }, subjects: [{ kind: "ServiceAccount", name: "updater", namespace: NS }] },
    });
  });
  after(() => t.close());

  for (const [resource, body] of [["endpoints", endpoints], ["limitranges", limitRange]] as const) {
    test(`${resource}: creates it (201) for a user who may create`, async () => {
      const created = await t.send("PUT", `${CORE}/${resource}/a`, { body: body("a") });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.metadata.name, "a");
      assert.equal((await t.send("GET", `${CORE}/${resource}/a`)).status, 200);
    });

    test(`${resource}: with update alone, 1.32's 403 for the create, and nothing created`, async () => {
      const refused = await t.send("PUT", `${CORE}/${resource}/b`, { token: updater, body: body("b") });
      assert.equal(refused.status, 403);
      assert.deepEqual(refused.body, {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: `${resource} "b" is forbidden: `,
        reason: "Forbidden",
        details: { name: "b", kind: resource },
        code: 403,
      });
      assert.equal((await t.send("GET", `${CORE}/${resource}/b`)).status, 404);
    });
  }
});
