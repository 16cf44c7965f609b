/**
 * A ClusterRole's aggregationRule.clusterRoleSelectors are validated as 1.32's ValidateClusterRole
 * does: each selector as ValidateLabelSelector (label values checked), then, when it could not be
 * made a labels.Selector, `invalid label selector.` at the selector with the nil selector's "null".
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const ROLES = "/apis/rbac.authorization.k8s.io/v1/clusterroles";
const PREFIX = 'ClusterRole.rbac.authorization.k8s.io "agg" is invalid: ';
const VALUE_RULE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe("ClusterRole aggregationRule selectors", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  const create = (selectors: unknown[]) =>
    t.send("POST", ROLES, { body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "agg" }, aggregationRule: { clusterRoleSelectors: selectors } } });

  test("an unknown operator is refused by ValidateLabelSelector and by LabelSelectorAsSelector", async () => {
    const res = await create([{ matchExpressions: [{ key: "tier", operator: "Near", values: ["x"] }] }]);
    assert.equal(res.status, 422, res.text);
    assert.equal(res.body.message, `${PREFIX}[aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator, aggregationRule.clusterRoleSelectors[0]: Invalid value: "null": invalid label selector.]`);
    assert.deepEqual(res.body.details.causes.map((c: any) => [c.reason, c.field]), [
      ["FieldValueInvalid", "aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator"],
      ["FieldValueInvalid", "aggregationRule.clusterRoleSelectors[0]"],
    ]);
  });

  test("bad label values, In without values and Exists with some are refused, selector by selector", async () => {
    const res = await create([{ matchLabels: { "aggregate-to": "not valid" } }, { matchLabels: { ok: "yes" } }, { matchExpressions: [{ key: "a", operator: "In" }, { key: "b", operator: "Exists", values: ["c"] }] }]);
    assert.equal(res.status, 422, res.text);
    assert.deepEqual(res.body.details.causes.map((c: any) => `${c.field}: ${c.message}`), [
      `aggregationRule.clusterRoleSelectors[0].matchLabels: Invalid value: "not valid": ${VALUE_RULE}`,
      'aggregationRule.clusterRoleSelectors[0]: Invalid value: "null": invalid label selector.',
      "aggregationRule.clusterRoleSelectors[2].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "aggregationRule.clusterRoleSelectors[2].matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      'aggregationRule.clusterRoleSelectors[2]: Invalid value: "null": invalid label selector.',
    ]);
  });

  test("valid selectors, an empty one included, are taken", async () => {
    const res = await create([{ matchLabels: { "example.com/aggregate": "true" } }, { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db"] }] }]);
    assert.equal(res.status, 201, res.text);
    assert.equal((await t.send("DELETE", `${ROLES}/agg`)).status, 200);
    const empty = await create([{}]);
    assert.equal(empty.status, 201, empty.text);
  });
});
