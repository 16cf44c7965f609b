/**
 * Updates the real server refuses because they change what may not change: an immutable
 * ConfigMap's or Secret's data, a Secret's type, a workload's selector; with its messages.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { goLabelSelector } from "../../runtime/testing/cluster/immutable-fields.js";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const NS = "/api/v1/namespaces/im";
const DEPLOY = "/apis/apps/v1/namespaces/im/deployments";

describe("immutable fields", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("im");
  });
  after(() => t.close());

  test("an immutable ConfigMap keeps its data and stays immutable; its labels may change", async () => {
    const created = (await t.send("POST", `${NS}/configmaps`, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "frozen" }, data: { k: "v" }, immutable: true } })).body;
    const changed = await t.send("PUT", `${NS}/configmaps/frozen`, { body: { ...created, data: { k: "w" } } });
    assert.equal(changed.status, 422);
    assert.equal(changed.body.message, 'ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set');
    const thawed = await t.send("PATCH", `${NS}/configmaps/frozen`, { body: { immutable: false }, contentType: "application/merge-patch+json" });
    assert.deepEqual(thawed.body.details.causes, [{ reason: "FieldValueForbidden", message: "Forbidden: field is immutable when `immutable` is set", field: "immutable" }]);
    const labelled = await t.send("PATCH", `${NS}/configmaps/frozen`, { body: { metadata: { labels: { a: "b" } } }, contentType: "application/merge-patch+json" });
    assert.equal(labelled.status, 200);
  });

  test("a Secret's type never changes", async () => {
    await t.send("POST", `${NS}/secrets`, { body: { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, stringData: { k: "v" } } });
    const retyped = await t.send("PATCH", `${NS}/secrets/s`, { body: { type: "example.com/other" }, contentType: "application/merge-patch+json" });
    assert.equal(retyped.status, 422);
    assert.equal(retyped.body.message, 'Secret "s" is invalid: type: Invalid value: "example.com/other": field is immutable');
  });

  test("a Deployment's selector never changes: the message prints the new one as the real server does", async () => {
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "main", image: "nginx" }] } } } };
    assert.equal((await t.send("POST", DEPLOY, { body: deployment })).status, 201);
    const moved = await t.send("PATCH", `${DEPLOY}/web`, { body: { spec: { selector: { matchLabels: { app: "web2" } }, template: { metadata: { labels: { app: "web2" } } } } }, contentType: "application/merge-patch+json" });
    assert.equal(moved.status, 422);
    assert.equal(moved.body.message, 'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable');
    assert.equal((await t.send("PATCH", `${DEPLOY}/web`, { body: { spec: { replicas: 3 } }, contentType: "application/merge-patch+json" })).status, 200);
    // No selector at all: required, and (a nil pointer printed as the string "null") immutable.
    const removed = await t.send("PATCH", `${DEPLOY}/web`, { body: { spec: { selector: null } }, contentType: "application/merge-patch+json" });
    assert.equal(removed.body.message, 'Deployment.apps "web" is invalid: [spec.selector: Required value, spec.selector: Invalid value: "null": field is immutable]');
  });

  test("a selector reads as Go's %#v: keys sorted, expressions spelled out", () => {
    assert.equal(
      goLabelSelector({ matchLabels: { b: "2", a: "1" }, matchExpressions: [{ key: "tier", operator: "In", values: ["x", "y"] }, { key: "gone", operator: "DoesNotExist" }] }),
      'v1.LabelSelector{MatchLabels:map[string]string{"a":"1", "b":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"tier", Operator:"In", Values:[]string{"x", "y"}}, v1.LabelSelectorRequirement{Key:"gone", Operator:"DoesNotExist", Values:[]string(nil)}}}',
    );
  });
});
