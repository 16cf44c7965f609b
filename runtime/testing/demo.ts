/**
 * @module testing/demo
 * A few objects for local runs on the emulated cluster, so the examples have something to show:
 * running and evicted pods, a Deployment opted into office hours, and Jobs a CronJob finished
 * long ago and recently. Written as an admin, statuses included (no controllers run).
 */
import type { Pod } from "kubernetes-types/core/v1.js";
import type { Job } from "kubernetes-types/batch/v1.js";
import type { KubeClient } from "../kube/api.js";
import { finishJob } from "./finish-job.js";

const hoursAgo = (now: number, h: number) => new Date(now - h * 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");

function pod(name: string, labels: Record<string, string>): Pod {
  return { apiVersion: "v1", kind: "Pod", metadata: { name, labels }, spec: { containers: [{ name: "main", image: "registry.k8s.io/pause:3.10" }] } };
}

function job(name: string, cronJob: string): Job {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, labels: { "app.kubernetes.io/name": cronJob } },
    spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox:1.36", command: ["true"] }] } } },
  };
}

/**
 * Seed `namespace` with demo objects. Idempotent enough for one fresh cluster: call it once.
 *
 * @example
 * await seedDemoObjects(admin, "default");
 */
export async function seedDemoObjects(admin: KubeClient, namespace: string, now = Date.now()): Promise<void> {
  const k = admin.with({ namespace });
  for (const name of ["web-7d9c-abcde", "web-7d9c-fghij"]) {
    await k.pods.create(pod(name, { app: "web" }));
    await k.pods.patchStatus(name, { status: { phase: "Running", startTime: hoursAgo(now, 5), podIP: "10.244.0.7", containerStatuses: [{ name: "main", ready: true, restartCount: 1, image: "registry.k8s.io/pause:3.10", imageID: "", started: true, state: { running: { startedAt: hoursAgo(now, 5) } } }] } });
  }
  await k.pods.create(pod("batch-evicted-x7k2p", { app: "batch" }));
  await k.pods.patchStatus("batch-evicted-x7k2p", {
    status: { phase: "Failed", reason: "Evicted", message: "The node was low on resource: memory.", startTime: hoursAgo(now, 3) },
  });
  await k.deployments.create({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", labels: { app: "web", "podfn.dev/office-hours": "true" } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.27" }] } },
    },
  });
  for (const [name, finished] of [["nightly-report-29001", 30], ["nightly-report-29002", 6]] as const) {
    await k.jobs.create(job(name, "nightly-report"));
    await k.jobs.patchStatus(name, { status: { startTime: hoursAgo(now, finished + 1) } });
    await finishJob(k, name, { at: hoursAgo(now, finished) });
  }
}
