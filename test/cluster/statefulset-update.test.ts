/**
 * StatefulSet updates as 1.32's ValidateStatefulSetUpdate allows them: replicas, ordinals,
 * template, updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds may change;
 * anything else in the spec (serviceName, selector, volumeClaimTemplates, podManagementPolicy,
 * revisionHistoryLimit until 1.33) is one 422 Forbidden on `spec`, worded as 1.32 words it.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const STS = "/apis/apps/v1/namespaces/sts/statefulsets";
const MERGE = "application/merge-patch+json";
const FORBIDDEN = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

function statefulSet(name: string): Record<string, unknown> {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name },
    spec: {
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "main", image: "busybox" }] } },
      volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
    },
  };
}

describe("StatefulSet updates", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("sts");
    assert.equal((await t.send("POST", STS, { body: statefulSet("db") })).status, 201);
  });
  after(() => t.close());

  test("the fields 1.32 lets change may change", async () => {
    const patch = {
      spec: {
        replicas: 3,
        minReadySeconds: 5,
        ordinals: { start: 1 },
        updateStrategy: { type: "OnDelete", rollingUpdate: null },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" },
        template: { metadata: { labels: { app: "db", tier: "x" } }, spec: { containers: [{ name: "main", image: "busybox:2" }] } },
      },
    };
    const changed = await t.send("PATCH", `${STS}/db`, { body: patch, contentType: MERGE });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.spec.replicas, 3);
    assert.equal(changed.body.metadata.generation, 2);
  });

  for (const [field, value] of [
    ["serviceName", "other"],
    ["podManagementPolicy", "Parallel"],
    ["revisionHistoryLimit", 3],
    ["volumeClaimTemplates", [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "2Gi" } } } }]],
  ] as const) {
    test(`a change of spec.${field} is the 1.32 422 Forbidden on spec`, async () => {
      const refused = await t.send("PATCH", `${STS}/db`, { body: { spec: { [field]: value } }, contentType: MERGE });
      assert.equal(refused.status, 422);
      assert.equal(refused.body.reason, "Invalid");
      assert.equal(refused.body.message, `StatefulSet.apps "db" is invalid: spec: Forbidden: ${FORBIDDEN}`);
      assert.deepEqual(refused.body.details, { name: "db", group: "apps", kind: "StatefulSet", causes: [{ reason: "FieldValueForbidden", message: `Forbidden: ${FORBIDDEN}`, field: "spec" }] });
    });
  }

  test("a changed selector is the same Forbidden (no separate immutable-selector error), after the template mismatch", async () => {
    const refused = await t.send("PATCH", `${STS}/db`, { body: { spec: { selector: { matchLabels: { app: "other" } } } }, contentType: MERGE });
    assert.equal(refused.status, 422);
    assert.deepEqual(
      refused.body.details.causes.map((c: { field: string }) => c.field),
      ["spec.template.metadata.labels", "spec"],
    );
  });

  test("a PUT of the stored object unchanged and a scale change pass", async () => {
    const stored = (await t.send("GET", `${STS}/db`)).body;
    assert.equal((await t.send("PUT", `${STS}/db`, { body: stored })).status, 200);
    assert.equal((await t.send("PATCH", `${STS}/db/scale`, { body: { spec: { replicas: 1 } }, contentType: MERGE })).status, 200);
  });
});
