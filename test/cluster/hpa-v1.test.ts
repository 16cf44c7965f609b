/**
 * autoscaling/v1 HorizontalPodAutoscalers, served from the v2 storage as 1.32 converts them
 * (pkg/apis/autoscaling/v1/conversion.go): discovery lists v1 after the preferred v2 as the
 * real server does; v1's cpu target and current utilization are v2's cpu Utilization metric;
 * other metrics, current metrics, conditions and the behavior ride in v1's round-trip
 * annotations; `kubectl autoscale` (a v1 protobuf POST) creates one `kubectl get hpa` lists.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fixture, kubectlCluster, type KubectlCluster } from "./helpers.js";

const run = promisify(execFile);
const hasKubectl = await run("kubectl", ["version", "--client"]).then(() => true, () => false);
const V1 = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers";
const V2 = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers";
const target = { kind: "Deployment", name: "web", apiVersion: "apps/v1" };

describe("autoscaling/v1 HorizontalPodAutoscalers", () => {
  let t: KubectlCluster;
  before(async () => {
    t = await kubectlCluster();
  });
  after(() => t.close());

  test("discovery lists autoscaling/v1 after the preferred v2, as the real server", async () => {
    const group = (body: any) => body.groups.find((g: { name: string }) => g.name === "autoscaling");
    assert.deepEqual(group((await t.send("GET", "/apis")).body), group(fixture("discovery-apis").response.body));
    const f = fixture("discovery-aggregated-apis");
    const item = (body: any) => body.items.find((i: { metadata: { name: string } }) => i.metadata.name === "autoscaling");
    assert.deepEqual(item((await t.send("GET", "/apis", { accept: f.request.accept! })).body), item(f.response.body));
  });

  test("a v1 cpu target is v2's cpu Utilization metric, and none is 80%; the status reads back with v1's counts", async () => {
    const created = await t.send("POST", V1, { body: { apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { name: "cpu" }, spec: { scaleTargetRef: target, maxReplicas: 5, targetCPUUtilizationPercentage: 70 } } });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.spec, { scaleTargetRef: target, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 70 });
    assert.deepEqual(created.body.status, { currentReplicas: 0, desiredReplicas: 0 });
    const v2 = (await t.send("GET", `${V2}/cpu`)).body;
    assert.deepEqual(v2.spec.metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }]);
    const bare = await t.send("POST", V1, { body: { apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { name: "bare" }, spec: { scaleTargetRef: target, maxReplicas: 3 } } });
    assert.equal(bare.body.spec.targetCPUUtilizationPercentage, 80);
    assert.equal(bare.body.metadata.annotations, undefined);
  });

  test("what v1 cannot say is kept in its round-trip annotations, and read back from them", async () => {
    const metrics = [
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } },
      { type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "10" } } },
    ];
    const behavior = { scaleDown: { stabilizationWindowSeconds: 60 } };
    const v2 = await t.send("POST", V2, { body: { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "rich" }, spec: { scaleTargetRef: target, maxReplicas: 4, metrics, behavior } } });
    assert.equal(v2.status, 201, v2.text);
    const currentMetrics = [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 42, averageValue: "120m" } } }];
    const conditions = [{ type: "AbleToScale", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z", reason: "ReadyForNewScale" }];
    const status = await t.send("PUT", `${V2}/rich/status`, { body: { ...v2.body, status: { currentReplicas: 2, desiredReplicas: 2, currentMetrics, conditions } } });
    assert.equal(status.status, 200, status.text);
    const v1 = (await t.send("GET", `${V1}/rich`)).body;
    assert.deepEqual(v1.spec, { scaleTargetRef: target, minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 60 });
    assert.deepEqual(v1.status, { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 42 });
    const a = v1.metadata.annotations;
    assert.equal(a["autoscaling.alpha.kubernetes.io/metrics"], '[{"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"10"}}]');
    assert.equal(a["autoscaling.alpha.kubernetes.io/current-metrics"], '[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":42,"currentAverageValue":"120m"}}]');
    assert.equal(a["autoscaling.alpha.kubernetes.io/conditions"], '[{"type":"AbleToScale","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z","reason":"ReadyForNewScale"}]');
    assert.equal(
      a["autoscaling.alpha.kubernetes.io/behavior"],
      '{"ScaleUp":{"StabilizationWindowSeconds":0,"SelectPolicy":"Max","Policies":[{"Type":"Pods","Value":4,"PeriodSeconds":15},{"Type":"Percent","Value":100,"PeriodSeconds":15}]},"ScaleDown":{"StabilizationWindowSeconds":60,"SelectPolicy":"Max","Policies":[{"Type":"Percent","Value":100,"PeriodSeconds":15}]}}',
    );
    // A v1 update that keeps the annotations keeps the v2 object; the annotations are never stored.
    const updated = await t.send("PUT", `${V1}/rich`, { body: { ...v1, spec: { ...v1.spec, maxReplicas: 6 } } });
    assert.equal(updated.status, 200, updated.text);
    const after = (await t.send("GET", `${V2}/rich`)).body;
    assert.equal(after.spec.maxReplicas, 6);
    assert.deepEqual(after.spec.metrics, [metrics[1], metrics[0]], "v1's other metrics come first, then its cpu target");
    assert.equal(after.spec.behavior.scaleDown.stabilizationWindowSeconds, 60);
    assert.equal(after.metadata.annotations, undefined);
  });

  test("kubectl autoscale creates one, and kubectl get hpa lists it", { skip: hasKubectl ? false : "kubectl is not on PATH" }, async () => {
    await t.kubectl("create", "deployment", "web", "--image=nginx");
    assert.match(await t.kubectl("autoscale", "deploy", "web", "--min=2", "--max=5", "--cpu-percent=70"), /horizontalpodautoscaler.autoscaling\/web autoscaled/);
    assert.match(await t.kubectl("get", "hpa"), /^web\s/m);
    const v2 = (await t.send("GET", `${V2}/web`)).body;
    assert.equal(v2.spec.minReplicas, 2);
    assert.deepEqual(v2.spec.metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }]);
  });
});
