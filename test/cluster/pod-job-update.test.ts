/**
 * What an update may change in a Pod's spec and in a Job's spec (1.32's ValidatePodUpdate and
 * ValidateJobSpecUpdate): images, a lowered deadline, added tolerations, removed gates on a
 * Pod; a suspended Job's scheduling directives before it starts; everything else refused with
 * the real server's messages.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { semanticDiff, semanticEqual } from "../../runtime/testing/cluster/go-equality.js";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const PODS = "/api/v1/namespaces/pu/pods";
const JOBS = "/apis/batch/v1/namespaces/pu/jobs";
const MERGE = "application/merge-patch+json";
const FIRST_LINE =
  'Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

describe("pod and job updates", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("pu");
  });
  after(() => t.close());

  async function pod(name: string, spec: Record<string, unknown> = {}) {
    const created = await t.send("POST", PODS, { body: { apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { containers: [{ name: "main", image: "busybox:1" }], ...spec } } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  }

  test("a pod's image, labels and a lowered deadline may change; its resources, env or command may not, as one Forbidden on spec", async () => {
    const created = await pod("p", { activeDeadlineSeconds: 600 });
    const retagged = await t.send("PATCH", `${PODS}/p`, { body: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "main", image: "busybox:2" }], activeDeadlineSeconds: 300 } }, contentType: "application/strategic-merge-patch+json" });
    assert.equal(retagged.status, 200, JSON.stringify(retagged.body));
    assert.equal(retagged.body.spec.containers[0].image, "busybox:2");

    const resized = await t.send("PATCH", `${PODS}/p`, { body: { spec: { containers: [{ name: "main", resources: { requests: { memory: "2Gi" } } }] } }, contentType: "application/strategic-merge-patch+json" });
    assert.equal(resized.status, 422);
    const [first, ...diff] = resized.body.message.split("\n");
    assert.equal(first, FIRST_LINE);
    assert.deepEqual(diff, ['+ spec.containers[0].resources.requests["memory"]: "2Gi"']);
    assert.deepEqual(resized.body.details.causes.map((c: { field: string; reason: string }) => [c.field, c.reason]), [["spec", "FieldValueForbidden"]]);

    // A PUT of the object as read, with one env var more: the same refusal; the stored pod is untouched.
    const current = (await t.send("GET", `${PODS}/p`)).body;
    current.spec.containers[0].env = [{ name: "X", value: "1" }];
    const put = await t.send("PUT", `${PODS}/p`, { body: current });
    assert.equal(put.status, 422);
    assert.match(put.body.message, /\n\+ spec\.containers\[0\]\.env: \[\{"name":"X","value":"1"\}\]/);
    assert.equal((await t.send("GET", `${PODS}/p`)).body.metadata.resourceVersion, retagged.body.metadata.resourceVersion);
    assert.ok(created.metadata.uid);
  });

  test("containers may not be added or removed; an image may not be emptied or padded", async () => {
    await pod("c");
    const added = await t.send("PATCH", `${PODS}/c`, { body: { spec: { containers: [{ name: "side", image: "busybox:1" }] } }, contentType: "application/strategic-merge-patch+json" });
    assert.equal(added.status, 422);
    assert.equal(added.body.message, 'Pod "c" is invalid: spec.containers: Forbidden: pod updates may not add or remove containers');
    const padded = await t.send("PATCH", `${PODS}/c`, { body: { spec: { containers: [{ name: "main", image: " busybox:2" }] } }, contentType: "application/strategic-merge-patch+json" });
    assert.equal(padded.body.message, 'Pod "c" is invalid: spec.containers[0].image: Invalid value: " busybox:2": must not have leading or trailing whitespace');
  });

  test("activeDeadlineSeconds may be set or lowered, never raised or removed", async () => {
    await pod("d", { activeDeadlineSeconds: 60 });
    const raised = await t.send("PATCH", `${PODS}/d`, { body: { spec: { activeDeadlineSeconds: 120 } }, contentType: MERGE });
    assert.equal(raised.body.message, 'Pod "d" is invalid: spec.activeDeadlineSeconds: Invalid value: 120: must be less than or equal to previous value');
    const removed = await t.send("PATCH", `${PODS}/d`, { body: { spec: { activeDeadlineSeconds: null } }, contentType: MERGE });
    assert.equal(removed.body.message, 'Pod "d" is invalid: spec.activeDeadlineSeconds: Invalid value: "null": must not update from a positive integer to nil value');
    await pod("d2");
    assert.equal((await t.send("PATCH", `${PODS}/d2`, { body: { spec: { activeDeadlineSeconds: 30 } }, contentType: MERGE })).status, 200);
  });

  test("tolerations may be added and their tolerationSeconds changed, not removed; scheduling gates only removed", async () => {
    await pod("g", { schedulingGates: [{ name: "example.com/wait" }] });
    const current = (await t.send("GET", `${PODS}/g`)).body;
    const tolerations = [...current.spec.tolerations, { key: "dedicated", operator: "Equal", value: "batch", effect: "NoSchedule" }];
    assert.equal((await t.send("PATCH", `${PODS}/g`, { body: { spec: { tolerations } }, contentType: MERGE })).status, 200);
    const shortened = tolerations.map((x: Record<string, unknown>) => (x.tolerationSeconds ? { ...x, tolerationSeconds: 10 } : x));
    assert.equal((await t.send("PATCH", `${PODS}/g`, { body: { spec: { tolerations: shortened } }, contentType: MERGE })).status, 200);
    // (Dropping a default toleration would not tell: DefaultTolerationSeconds adds it back on update too.)
    const dropped = await t.send("PATCH", `${PODS}/g`, { body: { spec: { tolerations: shortened.filter((x: Record<string, unknown>) => x.key !== "dedicated") } }, contentType: MERGE });
    assert.equal(dropped.body.message, 'Pod "g" is invalid: spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds');

    const gated = await t.send("PATCH", `${PODS}/g`, { body: { spec: { schedulingGates: [{ name: "example.com/wait" }, { name: "example.com/more" }] } }, contentType: MERGE });
    assert.equal(gated.body.message, "Pod \"g\" is invalid: spec.schedulingGates[1].name: Forbidden: only deletion is allowed, but found new scheduling gate 'example.com/more'");
    // While gated, the node selector may grow, not change.
    assert.equal((await t.send("PATCH", `${PODS}/g`, { body: { spec: { nodeSelector: { disk: "ssd" } } }, contentType: MERGE })).status, 200);
    const changed = await t.send("PATCH", `${PODS}/g`, { body: { spec: { nodeSelector: { disk: "hdd" } } }, contentType: MERGE });
    assert.equal(changed.body.message, 'Pod "g" is invalid: spec.nodeSelector: Invalid value: map[string]string{"disk":"hdd"}: only additions to spec.nodeSelector are allowed (no mutations or deletions)');
    assert.equal((await t.send("PATCH", `${PODS}/g`, { body: { spec: { schedulingGates: null } }, contentType: MERGE })).status, 200);
    // Ungated, the node selector is fixed.
    const late = await t.send("PATCH", `${PODS}/g`, { body: { spec: { nodeSelector: { disk: "ssd", zone: "a" } } }, contentType: MERGE });
    assert.equal(late.body.message.split("\n")[0], FIRST_LINE.replace('"p"', '"g"'));
  });

  test("a null or nameless scheduling gate added by an update is named '' in the refusal, never a 500", async () => {
    await pod("gz", { schedulingGates: [{ name: "example.com/wait" }] });
    for (const gates of [[null], [{}]]) {
      const answer = await t.send("PATCH", `${PODS}/gz`, { body: { spec: { schedulingGates: gates } }, contentType: MERGE });
      assert.equal(answer.status, 422, JSON.stringify(answer.body));
      assert.match(answer.body.message, /only deletion is allowed, but found new scheduling gate ''/);
    }
  });

  test("a pod's status update is not held to the spec rules", async () => {
    const created = await pod("s");
    const status = await t.send("PUT", `${PODS}/s/status`, { body: { ...created, status: { phase: "Running" } } });
    assert.equal(status.status, 200, JSON.stringify(status.body));
  });

  async function job(name: string, spec: Record<string, unknown> = {}) {
    const created = await t.send("POST", JOBS, { body: { apiVersion: "batch/v1", kind: "Job", metadata: { name }, spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox:1" }] } }, ...spec } } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  }

  test("a Job's template, completions and completionMode are fixed; its parallelism and suspend are not", async () => {
    await job("j", { completions: 2 });
    assert.equal((await t.send("PATCH", `${JOBS}/j`, { body: { spec: { parallelism: 3, suspend: true } }, contentType: MERGE })).status, 200);
    const retemplated = await t.send("PATCH", `${JOBS}/j`, { body: { spec: { template: { spec: { containers: [{ name: "main", image: "busybox:2" }] } } } }, contentType: "application/strategic-merge-patch+json" });
    assert.equal(retemplated.status, 422);
    assert.equal(retemplated.body.message, 'Job.batch "j" is invalid: spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable');
    const more = await t.send("PATCH", `${JOBS}/j`, { body: { spec: { completions: 5 } }, contentType: MERGE });
    assert.equal(more.body.message, 'Job.batch "j" is invalid: spec.completions: Invalid value: 5: field is immutable');
    const indexed = await t.send("PATCH", `${JOBS}/j`, { body: { spec: { completionMode: "Indexed" } }, contentType: MERGE });
    assert.equal(indexed.body.message, 'Job.batch "j" is invalid: spec.completionMode: Invalid value: "Indexed": field is immutable');
  });

  test("an Indexed Job's completions change with its parallelism (elastic indexed jobs)", async () => {
    await job("ix", { completionMode: "Indexed", completions: 2, parallelism: 2 });
    const alone = await t.send("PATCH", `${JOBS}/ix`, { body: { spec: { completions: 4 } }, contentType: MERGE });
    assert.equal(alone.body.message, 'Job.batch "ix" is invalid: spec.completions: Invalid value: 4: can only be modified in tandem with spec.parallelism');
    assert.equal((await t.send("PATCH", `${JOBS}/ix`, { body: { spec: { completions: 4, parallelism: 4 } }, contentType: MERGE })).status, 200);
  });

  test("a suspended Job that never started may change its template's scheduling directives, labels and annotations, nothing else", async () => {
    await job("susp", { suspend: true });
    const directives = { metadata: { labels: { queue: "q1" }, annotations: { note: "x" } }, spec: { nodeSelector: { disk: "ssd" }, tolerations: [{ key: "k", operator: "Exists" }], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }] } } } } };
    const moved = await t.send("PATCH", `${JOBS}/susp`, { body: { spec: { template: directives } }, contentType: "application/strategic-merge-patch+json" });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.deepEqual(moved.body.spec.template.spec.nodeSelector, { disk: "ssd" });
    const image = await t.send("PATCH", `${JOBS}/susp`, { body: { spec: { template: { spec: { containers: [{ name: "main", image: "busybox:2" }] } } } }, contentType: "application/strategic-merge-patch+json" });
    assert.equal(image.status, 422);
    // Once started (a startTime in its status), the directives are fixed too.
    const current = (await t.send("GET", `${JOBS}/susp`)).body;
    assert.equal((await t.send("PUT", `${JOBS}/susp/status`, { body: { ...current, status: { startTime: "2026-01-01T00:00:00Z" } } })).status, 200);
    const later = await t.send("PATCH", `${JOBS}/susp`, { body: { spec: { template: { spec: { nodeSelector: { disk: "hdd" } } } } }, contentType: MERGE });
    assert.equal(later.status, 422);
    assert.equal(later.body.details.causes[0].field, "spec.template");
  });

  test("semantic equality: a field left out equals its zero value, nil lists and maps equal empty ones, map keys count", () => {
    assert.ok(semanticEqual({ hostNetwork: false, volumes: [] }, {}, "V1PodSpec"));
    assert.ok(!semanticEqual({ nodeSelector: { a: "" } }, {}, "V1PodSpec"));
    assert.ok(!semanticEqual({ containers: [{ name: "a" }] }, { containers: [{ name: "b" }] }, "V1PodSpec"));
    assert.deepEqual(semanticDiff({ nodeSelector: { a: "1", b: "2" } }, { nodeSelector: { a: "1", c: "3" } }, "V1PodSpec", "spec"), ['- spec.nodeSelector["b"]: "2"', '+ spec.nodeSelector["c"]: "3"']);
  });
});
