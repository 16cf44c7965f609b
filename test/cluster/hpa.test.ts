/**
 * autoscaling/v2 HorizontalPodAutoscalers are served as the real server serves them (discovery
 * as recorded, defaults, the status reset on create, the spec's replica and target rules with
 * their messages), so `podfn manifests --max-replicas` output applies to the emulated cluster.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, fixture, type TestCluster } from "./helpers.js";
import { generateManifests } from "../../runtime/deploy/index.js";
import { loaded } from "../schedule/helpers.js";

const HPAS = "/apis/autoscaling/v2/namespaces/hpa/horizontalpodautoscalers";
const hpa = (name: string, spec: Record<string, unknown>) => ({ apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name }, spec });
const target = { apiVersion: "apps/v1", kind: "Deployment", name: "web" };

describe("HorizontalPodAutoscaler", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("hpa");
  });
  after(() => t.close());

  test("discovery describes it as the real server (aggregated, v2)", async () => {
    const f = fixture("discovery-aggregated-apis");
    const agg = await t.send("GET", "/apis", { accept: f.request.accept! });
    const group = (body: { items: { metadata: { name: string }; versions: { version: string; resources: unknown[] }[] }[] }) => body.items.find((i) => i.metadata.name === "autoscaling")!;
    const real = group(f.response.body).versions.find((v) => v.version === "v2")!;
    assert.deepEqual(group(agg.body).versions.find((v) => v.version === "v2")!.resources, real.resources);
  });

  test("created with the defaults: minReplicas 1, CPU at 80%, a given behavior's rules filled in; the status is the controller's", async () => {
    const bare = await t.send("POST", HPAS, { body: { ...hpa("bare", { scaleTargetRef: target, maxReplicas: 3 }), status: { currentReplicas: 7, desiredReplicas: 7 } } });
    assert.equal(bare.status, 201, JSON.stringify(bare.body));
    assert.equal(bare.body.spec.minReplicas, 1);
    assert.deepEqual(bare.body.spec.metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }]);
    assert.equal(bare.body.spec.behavior, undefined);
    assert.deepEqual(bare.body.status, { desiredReplicas: 0, currentMetrics: null });
    const shaped = await t.send("POST", HPAS, { body: hpa("shaped", { scaleTargetRef: target, maxReplicas: 3, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } }) });
    assert.deepEqual(shaped.body.spec.behavior, {
      scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] },
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: "Max", policies: [{ type: "Pods", value: 4, periodSeconds: 15 }, { type: "Percent", value: 100, periodSeconds: 15 }] },
    });
    const listed = await t.send("GET", HPAS);
    assert.deepEqual(listed.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), ["bare", "shaped"]);
  });

  test("replica bounds and the target are checked, each error with the real message, in validation's order", async () => {
    const refused = await t.send("POST", HPAS, { body: hpa("bad", { scaleTargetRef: { apiVersion: "apps/v1", name: "a/b" }, minReplicas: 0, maxReplicas: 0 }) });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.reason, "Invalid");
    assert.deepEqual(refused.body.details.causes, [
      { reason: "FieldValueInvalid", message: "Invalid value: 0: must be greater than or equal to 1", field: "spec.minReplicas" },
      { reason: "FieldValueInvalid", message: "Invalid value: 0: must be greater than 0", field: "spec.maxReplicas" },
      { reason: "FieldValueRequired", message: "Required value", field: "spec.scaleTargetRef.kind" },
      { reason: "FieldValueInvalid", message: "Invalid value: \"a/b\": may not contain '/'", field: "spec.scaleTargetRef.name" },
    ]);
    const inverted = await t.send("POST", HPAS, { body: hpa("inverted", { scaleTargetRef: target, minReplicas: 4, maxReplicas: 2 }) });
    assert.equal(inverted.body.message, 'HorizontalPodAutoscaler.autoscaling "inverted" is invalid: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`');
  });

  test("podfn manifests --max-replicas output is accepted", async () => {
    const objects = generateManifests([loaded({ name: "web", http: { method: "GET", auth: "none" }, handler: () => 1 })], { namespace: "hpa", image: "podfn:test", replicas: 2, maxReplicas: 5 });
    const made = objects.flatMap((group) => group.objects).find((o) => o.kind === "HorizontalPodAutoscaler")!;
    const created = await t.send("POST", HPAS, { body: made });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.spec.maxReplicas, 5);
  });
});
