/**
 * `kube.createJobFromCronJob`: a CronJob run now, as `kubectl create job --from=cronjob/NAME`
 * runs it. Against the emulated cluster: the stored Job equals the one kubectl 1.32 creates
 * from the same CronJob (where kubectl is on PATH), a least-privilege account (get cronjobs,
 * create jobs) may do it, the server names the Job when no name is given, a dry-run client
 * creates nothing, and a missing CronJob is a KubeNotFoundError.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { CronJob, Job } from "kubernetes-types/batch/v1.js";
import { KubeNotFoundError, type KubeClient } from "podfn";
import { clientFor, ensureNamespace } from "podfn/testing";
import { kubectlCluster, type KubectlCluster } from "../cluster/helpers.js";

const run = promisify(execFile);
const hasKubectl = await run("kubectl", ["version", "--client"]).then(() => true, () => false);

const NS = "cron-now";

const CRONJOB: CronJob = {
  metadata: { name: "cleanup", labels: { app: "cleanup" } },
  spec: {
    schedule: "0 3 * * *",
    suspend: true,
    jobTemplate: {
      metadata: { labels: { team: "ops" }, annotations: { "podfn.dev/function": "cleanup", "cronjob.kubernetes.io/instantiate": "template" } },
      spec: {
        backoffLimit: 1,
        template: {
          metadata: { labels: { app: "cleanup" } },
          spec: { restartPolicy: "Never", containers: [{ name: "fn", image: "podfn:1", args: ["run", "cleanup"] }] },
        },
      },
    },
  },
};

/** The Job as stored, with what is its own (name, uid, times, versions, field managers) replaced. */
function comparable(job: Job): unknown {
  const { name, uid } = job.metadata!;
  const text = JSON.stringify(job).replaceAll(uid!, "UID").replaceAll(`"${name}"`, '"NAME"');
  const copy = JSON.parse(text) as Job;
  for (const key of ["resourceVersion", "creationTimestamp", "managedFields"] as const) delete copy.metadata![key];
  return copy;
}

describe("createJobFromCronJob", () => {
  let t: KubectlCluster;
  let admin: KubeClient;
  let cronJob: CronJob;

  before(async () => {
    t = await kubectlCluster();
    admin = (await clientFor({ server: t.cluster.url, caPem: t.cluster.caPem, token: t.cluster.adminToken })).with({ namespace: NS });
    await ensureNamespace(admin, NS);
    cronJob = await admin.cronJobs.create(CRONJOB);
  });
  after(async () => {
    await admin.close();
    await t.close();
  });

  test("the Job is kubectl's: the template's labels, its annotations over instantiate=manual, its spec, the CronJob as controller owner", async () => {
    const job = await admin.createJobFromCronJob("cleanup", { name: "cleanup-now" });
    assert.equal(job.metadata?.name, "cleanup-now");
    assert.equal(job.metadata?.namespace, NS);
    assert.equal(job.metadata?.labels?.team, "ops");
    // The template's own value of the annotation wins, as kubectl copies the template's over it.
    assert.deepEqual(job.metadata?.annotations, { "podfn.dev/function": "cleanup", "cronjob.kubernetes.io/instantiate": "template" });
    assert.deepEqual(job.metadata?.ownerReferences, [{ apiVersion: "batch/v1", kind: "CronJob", name: "cleanup", uid: cronJob.metadata!.uid, controller: true }]);
    assert.equal(job.spec?.backoffLimit, 1);
    assert.deepEqual(job.spec?.template.spec?.containers.map((c) => c.args), [["run", "cleanup"]]);
    assert.equal((await admin.jobs.get("cleanup-now")).metadata?.uid, job.metadata?.uid, "stored");
  });

  test("kubectl create job --from=cronjob/cleanup stores the same Job", { skip: !hasKubectl && "kubectl is not on PATH" }, async () => {
    const ours = await admin.createJobFromCronJob("cleanup", { name: "by-podfn" });
    await t.kubectl("-n", NS, "create", "job", "by-kubectl", "--from=cronjob/cleanup");
    const theirs = await admin.jobs.get("by-kubectl");
    assert.deepEqual(comparable(ours), comparable(theirs));
  });

  test("without a name the server names it <cronjob>-manual-xxxxx; the annotation is manual when the template has none", async () => {
    await admin.cronJobs.patch("cleanup", { spec: { jobTemplate: { metadata: { annotations: { "cronjob.kubernetes.io/instantiate": null } } } } });
    const job = await admin.createJobFromCronJob("cleanup");
    assert.match(job.metadata!.name!, /^cleanup-manual-[a-z0-9]{5}$/);
    assert.match((await admin.createJobFromCronJob("cleanup", { name: "" })).metadata!.name!, /^cleanup-manual-[a-z0-9]{5}$/, "an empty name is none");
    assert.equal(job.metadata?.annotations?.["cronjob.kubernetes.io/instantiate"], "manual");
  });

  test("an account allowed only get cronjobs and create jobs may run it; one without get cronjobs is refused before anything is created", async () => {
    await admin.roles.create({ metadata: { name: "run-now" }, rules: [{ apiGroups: ["batch"], resources: ["cronjobs"], verbs: ["get"] }, { apiGroups: ["batch"], resources: ["jobs"], verbs: ["create"] }] });
    await admin.roleBindings.create({ metadata: { name: "run-now" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "run-now" }, subjects: [{ kind: "ServiceAccount", name: "runner", namespace: NS }] });
    const runner = await t.cluster.serviceAccount(NS, "runner");
    const kube = (await clientFor({ server: t.cluster.url, caPem: t.cluster.caPem, token: runner.token })).with({ namespace: NS });
    try {
      const job = await kube.createJobFromCronJob("cleanup", { name: "least-privilege" });
      assert.equal(job.metadata?.ownerReferences?.[0]?.uid, cronJob.metadata!.uid);
    } finally {
      await kube.close();
    }
    const other = await t.cluster.serviceAccount(NS, "creator-only");
    await admin.roles.create({ metadata: { name: "create-jobs" }, rules: [{ apiGroups: ["batch"], resources: ["jobs"], verbs: ["create"] }] });
    await admin.roleBindings.create({ metadata: { name: "create-jobs" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "create-jobs" }, subjects: [{ kind: "ServiceAccount", name: "creator-only", namespace: NS }] });
    const refused = (await clientFor({ server: t.cluster.url, caPem: t.cluster.caPem, token: other.token })).with({ namespace: NS });
    try {
      await assert.rejects(refused.createJobFromCronJob("cleanup", { name: "refused" }), (e: Error & { code?: string; missingPermission?: unknown }) => {
        assert.equal(e.code, "kube_forbidden");
        assert.deepEqual(e.missingPermission, { apiGroups: ["batch"], resources: ["cronjobs"], verbs: ["get"], resourceNames: ["cleanup"], user: `system:serviceaccount:${NS}:creator-only` });
        return true;
      });
    } finally {
      await refused.close();
    }
    await assert.rejects(admin.jobs.get("refused"), KubeNotFoundError);
  });

  test("a dry-run client's run is checked by the server and stores nothing; a missing CronJob is a KubeNotFoundError", async () => {
    const answered = await admin.with({ dryRun: true }).createJobFromCronJob("cleanup", { name: "dry" });
    assert.equal(answered.metadata?.name, "dry");
    await assert.rejects(admin.jobs.get("dry"), KubeNotFoundError);
    await assert.rejects(admin.createJobFromCronJob("nightly"), (e: Error) => e instanceof KubeNotFoundError && /cronjobs.batch "nightly" not found/.test(e.message));
  });
});
