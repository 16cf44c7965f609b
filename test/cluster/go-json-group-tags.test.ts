/**
 * The non-core field tags read against k8s.io/api v0.32 (`go-json-tags-groups`), pinned where
 * the default rule (a field not in the tables is a plain `omitempty` value, a struct a pointer)
 * would answer otherwise: fields without `omitempty` are written at their zero, and pointers
 * without it as `null`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";
import { goEncoded } from "../../runtime/testing/cluster/go-json-encoding.js";

const STATEFULSETS = "/apis/apps/v1/namespaces/tags/statefulsets";
const HPAS = "/apis/autoscaling/v2/namespaces/tags/horizontalpodautoscalers";

/** A StatefulSet's spec as 1.32 defaults it, for a template of one busybox container labelled app: db. */
const defaultedStatefulSetSpec = {
  replicas: 1,
  selector: { matchLabels: { app: "db" } },
  template: {
    metadata: { creationTimestamp: null, labels: { app: "db" } },
    spec: {
      containers: [{ name: "main", image: "busybox:1", resources: {}, terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File", imagePullPolicy: "IfNotPresent" }],
      restartPolicy: "Always", terminationGracePeriodSeconds: 30, dnsPolicy: "ClusterFirst", securityContext: {}, schedulerName: "default-scheduler",
    },
  },
  serviceName: "",
  podManagementPolicy: "OrderedReady",
  updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
  revisionHistoryLimit: 10,
  persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
};

describe("non-core field tags (k8s.io/api v0.32)", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("tags");
  });
  after(() => t.close());

  test("a StatefulSet created without serviceName reads back serviceName: \"\" (no omitempty); its status is replicas: 0 and availableReplicas: 0", async () => {
    const body = { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db" }, spec: { selector: { matchLabels: { app: "db" } }, template: { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "main", image: "busybox:1" }] } } } };
    const created = await t.send("POST", STATEFULSETS, { body });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.spec, defaultedStatefulSetSpec);
    assert.deepEqual(created.body.status, { replicas: 0, availableReplicas: 0 });
    const read = (await t.send("GET", `${STATEFULSETS}/db`)).body;
    assert.deepEqual(read.spec, defaultedStatefulSetSpec);
    assert.deepEqual(read.status, { replicas: 0, availableReplicas: 0 });
  });

  test("a StatefulSet's ordinals: {} reads back ordinals: {start: 0} (start has no omitempty)", async () => {
    const body = { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "zero" }, spec: { serviceName: "zero", ordinals: {}, selector: { matchLabels: { app: "db" } }, template: { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "main", image: "busybox:1" }] } } } };
    const created = await t.send("POST", STATEFULSETS, { body });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.spec, { ...defaultedStatefulSetSpec, serviceName: "zero", ordinals: { start: 0 } });
    assert.deepEqual((await t.send("GET", `${STATEFULSETS}/zero`)).body.spec.ordinals, { start: 0 });
  });

  test("an HPA's new status is desiredReplicas: 0 then currentMetrics: null (a list without omitempty)", async () => {
    const body = { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "web" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, maxReplicas: 3 } };
    const created = await t.send("POST", HPAS, { body });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.status, { desiredReplicas: 0, currentMetrics: null });
    assert.deepEqual(Object.keys(created.body.status), ["desiredReplicas", "currentMetrics"]);
    assert.deepEqual((await t.send("GET", `${HPAS}/web`)).body.status, { desiredReplicas: 0, currentMetrics: null });
  });

  test("an IngressClass's parameters without a scope encode scope: null (a pointer without omitempty)", () => {
    const ingressClass = { apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: { name: "nginx" }, spec: { controller: "example.com/nginx", parameters: { kind: "Params", name: "p" } } };
    assert.deepEqual(goEncoded(ingressClass).spec, { controller: "example.com/nginx", parameters: { kind: "Params", name: "p", scope: null } });
  });

  test("a pod's securityContext.seLinuxChangePolicy is a pointer: an empty one is kept", () => {
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "busybox:1" }], securityContext: { seLinuxChangePolicy: "" } } };
    assert.deepEqual(goEncoded(pod).spec.securityContext, { seLinuxChangePolicy: "" });
  });
});
