/**
 * `kubectl create job --from=cronjob/X` copies the CronJob's jobTemplate into a Job and sends it
 * as protobuf (its typed client): the whole JobSpec and PodTemplateSpec must be decoded, as
 * k8s.io/api batch/v1 and core/v1 generated.proto lay them out. The fixture is what kubectl
 * v1.32.4 sent for a CronJob whose template sets every field (volumes of each common source,
 * env valueFrom, envFrom, resources, probes, lifecycle hooks, securityContexts, a sidecar's
 * restartPolicy, affinity, tolerations, topologySpreadConstraints, podFailurePolicy,
 * successPolicy...). Real kubectl runs too where it is installed.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { decodeProtobuf } from "../../runtime/testing/cluster/protobuf.js";
import { kubectlCluster, type KubectlCluster } from "./helpers.js";

const run = promisify(execFile);
const hasKubectl = await run("kubectl", ["version", "--client"]).then(() => true, () => false);
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, "protobuf-fixtures", "job-from-cronjob.json"), "utf8"));
const body = Buffer.from(fixture.protobufJob, "base64");
/**
 * The fixture's first pod failure rule lists exit codes 42, 7, which 1.32's validation refuses
 * (must be ordered): `ordered` has them as 7, 42 (in the protobuf body, its two `values` fields,
 * tag 0x18 and a one-byte varint each, swapped), for the tests of what a created Job keeps.
 */
const UNORDERED = Buffer.from([0x18, 42, 0x18, 7]);
const orderedBody = Buffer.from(body);
orderedBody.set([0x18, 7, 0x18, 42], body.indexOf(UNORDERED));
const orderedCronJob = structuredClone(fixture.cronJob);
orderedCronJob.spec.jobTemplate.spec.podFailurePolicy.rules[0].onExitCodes.values = [7, 42];
/** The JSON without its zero metav1.Time values (`creationTimestamp: null`), which protobuf writes as an empty message the decoder skips. */
function withoutNullTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullTimes);
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([key, v]) => !(key === "creationTimestamp" && v === null)).map(([key, v]) => [key, withoutNullTimes(v)]));
}
const JOBS = "/apis/batch/v1/namespaces/default/jobs";
const CRONJOBS = "/apis/batch/v1/namespaces/default/cronjobs";

describe("a workload's pod template sent as protobuf", () => {
  let t: KubectlCluster;
  before(async () => {
    t = await kubectlCluster();
  });
  after(() => t.close());

  test("kubectl's Job body decodes to the CronJob's jobTemplate, field for field", () => {
    const job = decodeProtobuf(body) as any;
    assert.equal(job.kind, "Job");
    assert.deepEqual(job.spec, withoutNullTimes(fixture.cronJob.spec.jobTemplate.spec));
    assert.deepEqual(job.metadata, {
      name: "cja-manual",
      labels: { jt: "l" },
      annotations: { jt: "a", "cronjob.kubernetes.io/instantiate": "manual" },
      ownerReferences: [{ apiVersion: "batch/v1", kind: "CronJob", name: "cja", uid: fixture.cronJob.metadata.uid, controller: true }],
    });
  });

  test("the created Job keeps volumes, env sources, resources, a sidecar's restartPolicy and its probes", async () => {
    const unordered = await t.send("POST", JOBS, { body, contentType: "application/vnd.kubernetes.protobuf" });
    assert.equal(unordered.status, 422);
    assert.match(unordered.body.message, /onExitCodes\.values: Invalid value: \[\]int32\{42, 7\}: must be ordered$/);
    const created = await t.send("POST", JOBS, { body: orderedBody, contentType: "application/vnd.kubernetes.protobuf" });
    assert.equal(created.status, 201, created.text);
    const spec = created.body.spec.template.spec;
    assert.deepEqual(spec.volumes.map((v: any) => v.name), ["hp", "ed", "sec", "nfs", "pvc", "dapi", "cm", "proj", "csi", "eph", "img"]);
    assert.deepEqual(spec.volumes[2].secret, { secretName: "s1", items: [{ key: "k", path: "p", mode: 256 }], defaultMode: 420, optional: false });
    assert.deepEqual(spec.containers[0].env[0], { name: "PW", valueFrom: { secretKeyRef: { name: "s1", key: "a", optional: true } } });
    assert.deepEqual(spec.containers[0].resources, { limits: { memory: "64Mi", cpu: "500m" }, requests: { cpu: "10m", memory: "32Mi" } });
    assert.equal(spec.initContainers[0].restartPolicy, "Always");
    assert.deepEqual(spec.initContainers[0].startupProbe.grpc, { port: 9902, service: "health" });
    assert.equal(spec.securityContext.runAsUser, 0);
    assert.equal(spec.tolerations[0].tolerationSeconds, 0);
    assert.equal(created.body.spec.podFailurePolicy.rules[0].onExitCodes.values.join(), "7,42");
  });

  test("kubectl create job --from=cronjob creates the Job its CronJob describes", { skip: hasKubectl ? false : "kubectl is not on PATH" }, async () => {
    const { uid: _uid, ...metadata } = orderedCronJob.metadata;
    const cron = await t.send("POST", CRONJOBS, { body: { ...orderedCronJob, metadata: { ...metadata, name: "live" } } });
    assert.equal(cron.status, 201, cron.text);
    assert.match(await t.kubectl("create", "job", "live-manual", "--from=cronjob/live"), /job.batch\/live-manual created/);
    const job = (await t.send("GET", `${JOBS}/live-manual`)).body;
    const template = structuredClone(cron.body.spec.jobTemplate.spec);
    for (const [key, value] of Object.entries(job.spec.template.metadata.labels)) if (/job-name|controller-uid/.test(key)) template.template.metadata.labels[key] = value;
    assert.deepEqual({ ...job.spec, selector: undefined, manualSelector: undefined }, { ...template, selector: undefined, manualSelector: undefined });
  });
});
