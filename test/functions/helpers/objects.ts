/**
 * @module test/functions/helpers/objects
 * Seeds the emulated cluster (as admin) with the objects the examples act on, in the states
 * they look for: finished and running Jobs (status written through the status subresource,
 * as the Job controller does), evicted pods, Deployments with labels and annotations.
 */
import { KubeNotFoundError, type KubeClient } from "podfn";
import { finishJob } from "podfn/testing";
import type { Job } from "kubernetes-types/batch/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { OwnerReference } from "kubernetes-types/meta/v1.js";

const HOUR = 3_600_000;

/** An ISO time `ms` before now. */
export function ago(ms: number): string {
  return new Date(Date.now() - ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

const podSpec = { restartPolicy: "Never" as const, containers: [{ name: "main", image: "busybox:1.36", command: ["true"] }] };

export interface JobSeed {
  /** Finished this many hours ago; omit for a running Job. */
  finishedHoursAgo?: number;
  /** Finished with condition `Failed` instead of `Complete`. */
  failed?: boolean;
  /** Name of the owning CronJob. */
  cronJob?: string;
  labels?: Record<string, string>;
}

/**
 * The CronJob `name` (made suspended when missing): a Job's owner must exist, or the garbage
 * collector deletes the Job as soon as it is written, as on a real cluster.
 */
async function ownerCronJob(admin: KubeClient, name: string): Promise<string> {
  try {
    return (await admin.cronJobs.get(name)).metadata!.uid!;
  } catch (error) {
    if (!(error instanceof KubeNotFoundError)) throw error;
    const created = await admin.cronJobs.create({ metadata: { name }, spec: { schedule: "0 3 * * *", suspend: true, jobTemplate: { spec: { template: { spec: podSpec } } } } });
    return created.metadata!.uid!;
  }
}

/** Creates a Job (owned by its CronJob, when it names one), then writes its status as the Job controller would (`finishJob` for a finished one). */
export async function seedJob(admin: KubeClient, name: string, seed: JobSeed = {}): Promise<Job> {
  const ownerReferences = seed.cronJob
    ? [{ apiVersion: "batch/v1", kind: "CronJob", name: seed.cronJob, uid: await ownerCronJob(admin, seed.cronJob), controller: true, blockOwnerDeletion: true }]
    : undefined;
  await admin.jobs.create({
    metadata: { name, labels: seed.labels, ownerReferences },
    spec: { backoffLimit: 0, template: { spec: podSpec } },
  });
  const start = ago((seed.finishedHoursAgo ?? 0) * HOUR + HOUR);
  if (seed.finishedHoursAgo === undefined) {
    return admin.jobs.patchStatus(name, { status: { startTime: start, active: 1 } });
  }
  await admin.jobs.patchStatus(name, { status: { startTime: start } });
  return finishJob(admin, name, { at: ago(seed.finishedHoursAgo * HOUR), failed: seed.failed === true });
}

/** Creates a pod and, with `evictedMinutesAgo`, marks it evicted by the kubelet. */
export async function seedPod(admin: KubeClient, name: string, seed: { evictedMinutesAgo?: number; phase?: "Pending" | "Running" | "Succeeded" | "Failed"; labels?: Record<string, string>; node?: string; restarts?: number; ownerReferences?: OwnerReference[] } = {}): Promise<Pod> {
  await admin.pods.create({ metadata: { name, labels: seed.labels, ownerReferences: seed.ownerReferences }, spec: { ...podSpec, nodeName: seed.node } });
  if (seed.evictedMinutesAgo !== undefined) {
    const at = ago(seed.evictedMinutesAgo * 60_000);
    return admin.pods.patchStatus(name, {
      status: {
        phase: "Failed",
        reason: "Evicted",
        message: "The node was low on resource: memory.",
        startTime: ago(seed.evictedMinutesAgo * 60_000 + HOUR),
        conditions: [{ type: "DisruptionTarget", status: "True", reason: "TerminationByKubelet", lastTransitionTime: at }],
      },
    });
  }
  if (seed.phase === undefined) return admin.pods.get(name);
  return admin.pods.patchStatus(name, {
    status: {
      phase: seed.phase,
      containerStatuses: [{ name: "main", image: "busybox:1.36", imageID: "", ready: seed.phase === "Running", started: seed.phase === "Running", restartCount: seed.restarts ?? 0, state: {} }],
    },
  });
}

/** Creates a Deployment of `replicas` pods. */
export async function seedDeployment(admin: KubeClient, name: string, seed: { replicas?: number; labels?: Record<string, string>; annotations?: Record<string, string> } = {}): Promise<Deployment> {
  return admin.deployments.create({
    metadata: { name, labels: seed.labels, annotations: seed.annotations },
    spec: {
      replicas: seed.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "main", image: "nginx:1.27" }] } },
    },
  });
}
