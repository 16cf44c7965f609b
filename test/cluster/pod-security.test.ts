/**
 * The PodSecurity admission plugin on the emulated cluster, as 1.32's (pod-security-admission,
 * on by default, default configuration): a namespace's pod-security.kubernetes.io labels
 * choose the levels; enforce refuses pods (403, the checks' messages in the evaluator's
 * order), warn warns of pods and of workloads' pod templates, a bad label value is the
 * namespace's 422, and making enforce stricter warns of the existing pods that violate it.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { kubectlCluster, testCluster, type Answer, type KubectlCluster, type TestCluster } from "./helpers.js";

type Obj = Record<string, any>;

const warnings = (a: Answer): string[] => {
  const value = a.headers.warning;
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  // 299 - "text": the text unquoted.
  return list.map((h) => JSON.parse(h.replace(/^299 - /, "")) as string);
};

const RESTRICTED_DETAIL =
  'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ' +
  'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), ' +
  'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ' +
  'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

const plainPod = (name: string, image = "busybox"): Obj => ({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { containers: [{ name: "c", image }] } });

const restrictedPod = (name: string): Obj => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name },
  spec: {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [{ name: "c", image: "busybox", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }],
  },
});

describe("PodSecurity admission", () => {
  let t: TestCluster;
  const namespace = async (name: string, labels: Record<string, string>) => {
    const res = await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } } });
    assert.equal(res.status, 201, res.text);
  };
  const label = (name: string, labels: Record<string, string | null>, query = "") =>
    t.send("PATCH", `/api/v1/namespaces/${name}${query}`, { body: { metadata: { labels } }, contentType: "application/merge-patch+json" });

  before(async () => {
    t = await testCluster();
    await namespace("strict", { "pod-security.kubernetes.io/enforce": "restricted" });
    await namespace("warned", { "pod-security.kubernetes.io/warn": "restricted" });
    await namespace("base", { "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted" });
    await namespace("old", { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.21" });
  });
  after(() => t.close());

  test("enforce restricted: a pod violating it is 403 Forbidden, every check's reason and detail in the evaluator's order", async () => {
    const res = await t.send("POST", "/api/v1/namespaces/strict/pods", { body: plainPod("p") });
    assert.equal(res.status, 403, res.text);
    assert.deepEqual(res.body, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: `pods "p" is forbidden: violates PodSecurity "restricted:latest": ${RESTRICTED_DETAIL}`,
      reason: "Forbidden",
      details: { name: "p", kind: "pods" },
      code: 403,
    });
    assert.deepEqual(warnings(res), []);
    assert.equal((await t.send("GET", "/api/v1/namespaces/strict/pods/p")).status, 404);
    // A dry run is refused the same way.
    assert.equal((await t.send("POST", "/api/v1/namespaces/strict/pods?dryRun=All", { body: plainPod("p") })).status, 403);
  });

  test("a pod meeting restricted is created without a warning; a metadata-only update of it is not checked again", async () => {
    const res = await t.send("POST", "/api/v1/namespaces/strict/pods", { body: restrictedPod("ok") });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(warnings(res), []);
  });

  test("baseline: host namespaces, host ports and privileged containers, named as the checks name them", async () => {
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "host" },
      spec: { hostNetwork: true, hostPID: true, containers: [{ name: "c", image: "busybox", ports: [{ containerPort: 8080, hostPort: 8080 }], securityContext: { privileged: true, capabilities: { add: ["SYS_ADMIN", "NET_RAW", "CHOWN"] } } }] },
    };
    const res = await t.send("POST", "/api/v1/namespaces/base/pods", { body: pod });
    assert.equal(res.status, 403, res.text);
    assert.equal(
      res.body.message,
      'pods "host" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (container "c" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add), ' +
        'host namespaces (hostNetwork=true, hostPID=true), hostPort (container "c" uses hostPort 8080), privileged (container "c" must not set securityContext.privileged=true)',
    );
  });

  test("warn: a pod baseline admits is created, with the restricted level's warning", async () => {
    const res = await t.send("POST", "/api/v1/namespaces/base/pods", { body: plainPod("w") });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(warnings(res), [`would violate PodSecurity "restricted:latest": ${RESTRICTED_DETAIL}`]);
  });

  test("an older enforce-version runs that version's checks: restricted v1.21 has no capabilities_restricted, capabilities_baseline instead", async () => {
    const pod = plainPod("v121");
    pod.spec.containers[0].securityContext = { capabilities: { add: ["SYS_TIME"] } };
    const res = await t.send("POST", "/api/v1/namespaces/old/pods", { body: pod });
    assert.equal(res.status, 403, res.text);
    assert.equal(
      res.body.message,
      'pods "v121" is forbidden: violates PodSecurity "restricted:v1.21": non-default capabilities (container "c" must not include "SYS_TIME" in securityContext.capabilities.add), ' +
        'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  test("workloads are never refused; their pod templates are warned of where the warn level asks (Deployment, Job, CronJob, ReplicaSet, StatefulSet, DaemonSet, ReplicationController, PodTemplate)", async () => {
    const template = { metadata: { labels: { app: "a" } }, spec: { containers: [{ name: "c", image: "busybox" }] } };
    const jobTemplate = { ...template, spec: { ...template.spec, restartPolicy: "Never" } };
    const selector = { matchLabels: { app: "a" } };
    const objects: [string, Obj][] = [
      ["/apis/apps/v1/namespaces/NS/deployments", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { selector, template } }],
      ["/apis/apps/v1/namespaces/NS/replicasets", { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "rs" }, spec: { selector, template } }],
      ["/apis/apps/v1/namespaces/NS/statefulsets", { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "ss" }, spec: { selector, serviceName: "s", template } }],
      ["/apis/apps/v1/namespaces/NS/daemonsets", { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "ds" }, spec: { selector, template } }],
      ["/apis/batch/v1/namespaces/NS/jobs", { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j" }, spec: { template: jobTemplate } }],
      ["/apis/batch/v1/namespaces/NS/cronjobs", { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "cj" }, spec: { schedule: "0 * * * *", jobTemplate: { spec: { template: jobTemplate } } } }],
      ["/api/v1/namespaces/NS/replicationcontrollers", { apiVersion: "v1", kind: "ReplicationController", metadata: { name: "rc" }, spec: { selector: { app: "a" }, template } }],
      ["/api/v1/namespaces/NS/podtemplates", { apiVersion: "v1", kind: "PodTemplate", metadata: { name: "pt" }, template }],
    ];
    for (const [path, body] of objects) {
      const warned = await t.send("POST", path.replace("NS", "warned"), { body });
      assert.equal(warned.status, 201, `${body.kind}: ${warned.text}`);
      assert.deepEqual(warnings(warned), [`would violate PodSecurity "restricted:latest": ${RESTRICTED_DETAIL}`], body.kind);
      // enforce alone: created, no warning (the warn level is privileged).
      const enforced = await t.send("POST", path.replace("NS", "strict"), { body });
      assert.equal(enforced.status, 201, `${body.kind}: ${enforced.text}`);
      assert.deepEqual(warnings(enforced), [], body.kind);
    }
    // The scale subresource is not checked.
    const scale = await t.send("PATCH", "/apis/apps/v1/namespaces/warned/deployments/d/scale", { body: { spec: { replicas: 2 } }, contentType: "application/merge-patch+json" });
    assert.equal(scale.status, 200, scale.text);
    assert.deepEqual(warnings(scale), []);
  });

  test("a namespace label with a bad level or version is the namespace's 422, on create and on an update changing to it", async () => {
    const res = await t.send("POST", "/api/v1/namespaces", {
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "bad", labels: { "pod-security.kubernetes.io/enforce": "strict", "pod-security.kubernetes.io/warn-version": "1.30" } } },
    });
    assert.equal(res.status, 422, res.text);
    assert.deepEqual(res.body, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message:
        'Namespace "bad" is invalid: [metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted, ' +
        'metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: "1.30": must be "latest" or "v1.x"]',
      reason: "Invalid",
      details: {
        name: "bad",
        kind: "Namespace",
        causes: [
          { reason: "FieldValueInvalid", message: 'Invalid value: "strict": must be one of privileged, baseline, restricted', field: "metadata.labels[pod-security.kubernetes.io/enforce]" },
          { reason: "FieldValueInvalid", message: 'Invalid value: "1.30": must be "latest" or "v1.x"', field: "metadata.labels[pod-security.kubernetes.io/warn-version]" },
        ],
      },
      code: 422,
    });
    const update = await label("warned", { "pod-security.kubernetes.io/audit": "Restricted" });
    assert.equal(update.status, 422, update.text);
    assert.equal(update.body.message, 'Namespace "warned" is invalid: metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "Restricted": must be one of privileged, baseline, restricted');
  });

  test("making enforce stricter warns of the existing pods violating it: one line per set of violations, pods counted under the first name", async () => {
    await namespace("legacy", {});
    for (const name of ["b", "a", "c"]) assert.equal((await t.send("POST", "/api/v1/namespaces/legacy/pods", { body: plainPod(name) })).status, 201);
    const privileged = plainPod("priv");
    privileged.spec.containers[0].securityContext = { privileged: true };
    assert.equal((await t.send("POST", "/api/v1/namespaces/legacy/pods", { body: privileged })).status, 201);
    assert.equal((await t.send("POST", "/api/v1/namespaces/legacy/pods", { body: restrictedPod("fine") })).status, 201);

    // A server-side dry run, as the docs suggest, warns without changing the namespace.
    const dry = await label("legacy", { "pod-security.kubernetes.io/enforce": "restricted" }, "?dryRun=All");
    assert.equal(dry.status, 200, dry.text);
    assert.deepEqual(warnings(dry), [
      'existing pods in namespace "legacy" violate the new PodSecurity enforce level "restricted:latest"',
      "a (and 2 other pods): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile",
      "priv: privileged, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile",
    ]);
    const baseline = await label("legacy", { "pod-security.kubernetes.io/enforce": "baseline" });
    assert.deepEqual(warnings(baseline), ['existing pods in namespace "legacy" violate the new PodSecurity enforce level "baseline:latest"', "priv: privileged"]);
    // Relaxing it, or leaving it as it is, checks nothing.
    assert.deepEqual(warnings(await label("legacy", { "pod-security.kubernetes.io/enforce": "privileged" })), []);
    assert.deepEqual(warnings(await label("legacy", { other: "x" })), []);
  });

  test("a pod update is checked only when it changes a container's image (or adds one); a label change of a violating pod passes", async () => {
    await namespace("later", {});
    assert.equal((await t.send("POST", "/api/v1/namespaces/later/pods", { body: plainPod("u") })).status, 201);
    await label("later", { "pod-security.kubernetes.io/enforce": "restricted" });
    const relabel = await t.send("PATCH", "/api/v1/namespaces/later/pods/u", { body: { metadata: { labels: { x: "y" } } }, contentType: "application/merge-patch+json" });
    assert.equal(relabel.status, 200, relabel.text);
    const image = await t.send("PATCH", "/api/v1/namespaces/later/pods/u", { body: { spec: { containers: [{ name: "c", image: "busybox:2" }] } }, contentType: "application/strategic-merge-patch+json" });
    assert.equal(image.status, 403, image.text);
    assert.equal(image.body.message, `pods "u" is forbidden: violates PodSecurity "restricted:latest": ${RESTRICTED_DETAIL}`);
    // The status subresource is not checked.
    const status = await t.send("PATCH", "/api/v1/namespaces/later/pods/u/status", { body: { status: { phase: "Running" } }, contentType: "application/merge-patch+json" });
    assert.equal(status.status, 200, status.text);
  });

  test("a namespace without labels is privileged: anything goes, no warning", async () => {
    const pod = plainPod("anything");
    pod.spec.hostPID = true;
    const res = await t.send("POST", "/api/v1/namespaces/default/pods", { body: pod });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(warnings(res), []);
  });
});

const exec = promisify(execFile);
const hasKubectl = await exec("kubectl", ["version", "--client"]).then(() => true, () => false);

describe("PodSecurity as kubectl prints it", { skip: hasKubectl ? false : "kubectl is not on PATH" }, () => {
  let t: KubectlCluster;
  /** kubectl's stdout and stderr, whether it succeeded or not. */
  const kubectl = (...args: string[]) =>
    exec("kubectl", ["--kubeconfig", t.kubeconfig, ...args]).then(
      ({ stdout, stderr }) => ({ ok: true, stdout, stderr }),
      (e: { stdout: string; stderr: string }) => ({ ok: false, stdout: e.stdout, stderr: e.stderr }),
    );
  const POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox\n";

  before(async () => {
    t = await kubectlCluster({ "pod.yaml": POD });
  });
  after(() => t.close());

  test("a warning on create, the existing pods' warnings on label, the Forbidden error on create", async () => {
    await kubectl("create", "namespace", "ps");
    assert.ok((await kubectl("label", "namespace", "ps", "pod-security.kubernetes.io/warn=restricted")).ok);
    const created = await kubectl("apply", "-n", "ps", "-f", join(t.dir, "pod.yaml"));
    assert.ok(created.ok, created.stderr);
    assert.equal(created.stderr, `Warning: would violate PodSecurity "restricted:latest": ${RESTRICTED_DETAIL}\n`);
    const labelled = await kubectl("label", "namespace", "ps", "pod-security.kubernetes.io/enforce=restricted");
    assert.ok(labelled.ok, labelled.stderr);
    assert.equal(
      labelled.stderr,
      'Warning: existing pods in namespace "ps" violate the new PodSecurity enforce level "restricted:latest"\n' +
        "Warning: p: allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile\n",
    );
    const refused = await kubectl("create", "-n", "ps", "-f", join(t.dir, "pod.yaml"), "--dry-run=server");
    assert.equal(refused.ok, false);
    assert.equal(refused.stderr, `Error from server (Forbidden): error when creating "${join(t.dir, "pod.yaml")}": pods "p" is forbidden: violates PodSecurity "restricted:latest": ${RESTRICTED_DETAIL}\n`);
  });
});
