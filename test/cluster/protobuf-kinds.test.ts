/**
 * Kinds kubectl's create commands send as protobuf, decoded as k8s.io/api generated.proto lays
 * them out: a ClusterRole's aggregationRule (`kubectl create clusterrole --aggregation-rule`).
 * The bodies are what kubectl v1.32.4 sent (fixture kubectl-creates.json).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { until } from "../../runtime/testing/index.js";
import { testCluster, type TestCluster } from "./helpers.js";

const bodies: Record<string, string> = JSON.parse(readFileSync(join(import.meta.dirname, "protobuf-fixtures", "kubectl-creates.json"), "utf8"));
const PROTOBUF = "application/vnd.kubernetes.protobuf";
const sent = (command: string) => Buffer.from(bodies[command]!, "base64");

describe("kinds kubectl creates with protobuf bodies", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  test("kubectl create clusterrole --aggregation-rule keeps the rule, and the role aggregates", async () => {
    const created = await t.send("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", {
      body: sent("kubectl create clusterrole agg3 --aggregation-rule=rbac.example.com/aggregate-to-agg=true"),
      contentType: PROTOBUF,
    });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.aggregationRule, { clusterRoleSelectors: [{ matchLabels: { "rbac.example.com/aggregate-to-agg": "true" } }] });
    const part = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "part", labels: { "rbac.example.com/aggregate-to-agg": "true" } },
      rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }],
    };
    assert.equal((await t.send("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", { body: part })).status, 201);
    await until(async () => (await t.send("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/agg3")).body.rules?.length === 1, "agg3 aggregating part's rules");
  });
});
