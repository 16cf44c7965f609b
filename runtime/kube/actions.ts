/**
 * @module kube/actions
 * The helpers automation reaches for: `restartDeployment` (the patch `kubectl rollout restart`
 * sends, without kubectl's read of the Deployment first), `createJobFromCronJob` (the Job
 * `kubectl create job --from=cronjob/NAME` creates: a CronJob run now) and `emitEvent` (an
 * events.k8s.io/v1 Event about an object, so automated actions leave a trail in
 * `kubectl describe` and `kubectl events`).
 */
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { CronJob, Job } from "kubernetes-types/batch/v1.js";
import type { Event } from "kubernetes-types/events/v1.js";
import type { CreateJobFromCronJobOptions, EmitEventOptions, ResourceClient, WriteOptions } from "./api.js";
import type { ClientContext } from "./context.js";

/** RFC 3339 in UTC to the second, as Go's `time.RFC3339` prints in a pod: `2024-01-01T00:00:00Z`. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A MicroTime, as events.k8s.io needs: `2024-01-01T00:00:00.000000Z`. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/**
 * Strategic merge patch of `spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]`,
 * the same patch `kubectl rollout restart` sends.
 *
 * @example
 * await restartDeployment(context, kube.deployments, "web");
 */
export function restartDeployment(context: ClientContext, deployments: ResourceClient<Deployment>, name: string, options: WriteOptions = {}): Promise<Deployment> {
  const patch = { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": rfc3339(context.now()) } } } } };
  return deployments.patch(name, patch, { ...options, type: "strategic" });
}

/** The annotation kubectl puts on a Job it makes from a CronJob (`kubectl create job --from`). */
export const MANUAL_INSTANTIATION = "cronjob.kubernetes.io/instantiate";

/**
 * The Job `kubectl create job NAME --from=cronjob/CRONJOB` creates (kubectl's
 * `createJobFromCronJob`): the CronJob's job template (its labels, its annotations over
 * `cronjob.kubernetes.io/instantiate: manual`, its spec), owned by the CronJob as its
 * controller (no `blockOwnerDeletion`, which would need `update cronjobs/finalizers`), in the
 * CronJob's namespace. Without `options.name` (or with an empty one) the server names it:
 * `generateName` `<cronjob>-manual-` (kubectl requires a name). Reads the CronJob, then creates the Job: needs `get cronjobs` and
 * `create jobs`.
 *
 * @example
 * await createJobFromCronJob(kube.cronJobs, kube.jobs, "cleanup", { name: "cleanup-now" });
 */
export async function createJobFromCronJob(cronJobs: ResourceClient<CronJob>, jobs: ResourceClient<Job>, cronJobName: string, options: CreateJobFromCronJobOptions = {}): Promise<Job> {
  const { name, ...write } = options;
  const cronJob = await cronJobs.get(cronJobName, { namespace: options.namespace, signal: options.signal });
  const template = cronJob.spec?.jobTemplate;
  const job: Job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      ...(name === undefined || name === "" ? { generateName: `${cronJobName}-manual-` } : { name }),
      annotations: { [MANUAL_INSTANTIATION]: "manual", ...template?.metadata?.annotations },
      labels: template?.metadata?.labels,
      ownerReferences: [{ apiVersion: "batch/v1", kind: "CronJob", name: cronJob.metadata!.name!, uid: cronJob.metadata!.uid!, controller: true }],
    },
    spec: template?.spec,
  };
  return jobs.create(job, { ...write, namespace: cronJob.metadata?.namespace ?? options.namespace });
}

/** Largest `note` the API server accepts, in bytes. */
const NOTE_LIMIT = 1024;

function truncateUtf8(text: string, bytes: number): string {
  const buffer = Buffer.from(text);
  return buffer.length <= bytes ? text : buffer.subarray(0, bytes).toString("utf8").replace(/\uFFFD$/, "");
}

/**
 * Where Events about objects without a namespace go: an object read from the API server has one
 * unless it is cluster-scoped (a Node, a Namespace), and the API server accepts an Event with an
 * `eventTime` about such an object only in `default` or `kube-system` (`legacyValidateEvent`):
 * anywhere else it answers 422 "involvedObject.namespace: does not match event.namespace".
 */
export const CLUSTER_EVENTS_NAMESPACE = "default";

/**
 * Fills the nanoseconds of Event names: random at start, so replicas doing the same work in the
 * same millisecond do not name their Events alike; then counting, so one process never does.
 */
let eventSequence: number | undefined;

/**
 * An Event's name as client-go's recorders make it: `<object>.<time in ns, hex>` (the object's
 * name cut so the whole stays within 253 characters). Not `generateName: "<object>."`: the
 * events.k8s.io/v1 API validates a generateName as a DNS subdomain, which may not end in `.`
 * (422). This process knows the time to the millisecond; a sequence fills the nanoseconds.
 */
function eventName(objectName: string, ms: number): string {
  // Math.random, not node:crypto: the start need not be unpredictable, only unlikely to match another replica's.
  eventSequence = ((eventSequence ?? Math.floor(Math.random() * 1_000_000)) + 1) % 1_000_000;
  const suffix = (BigInt(Math.floor(ms)) * 1_000_000n + BigInt(eventSequence)).toString(16);
  // A cut name may not end in "." or "-" (not a DNS subdomain).
  return `${objectName.slice(0, 253 - 1 - suffix.length).replace(/[.-]+$/, "")}.${suffix}`;
}

/**
 * Create an events.k8s.io/v1 Event about `options.regarding`, reported by controller `podfn`
 * from this host. The Event goes to the object's namespace, or for a cluster-scoped object (one
 * without a namespace) to `default`, where the API server accepts it (the function then needs
 * `create events` there); `options.namespace` overrides both.
 *
 * @example
 * await emitEvent(context, kube.eventsV1, { regarding: job, reason: "Deleted", message: "finished 26h ago" });
 */
export function emitEvent(context: ClientContext, events: ResourceClient<Event>, options: EmitEventOptions): Promise<Event> {
  const meta = options.regarding.metadata ?? {};
  const namespace = options.namespace ?? meta.namespace ?? CLUSTER_EVENTS_NAMESPACE;
  const event: Event = {
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    metadata: { name: eventName(meta.name ?? "podfn", context.now()), namespace },
    eventTime: microTime(context.now()),
    reportingController: "podfn",
    reportingInstance: context.hostname.slice(0, 128),
    action: options.action ?? options.reason,
    reason: options.reason,
    note: truncateUtf8(options.message, NOTE_LIMIT),
    type: options.type ?? "Normal",
    regarding: {
      apiVersion: options.regarding.apiVersion,
      kind: options.regarding.kind,
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
    },
  };
  return events.create(event, { signal: options.signal, dryRun: options.dryRun, fieldManager: options.fieldManager, fieldValidation: options.fieldValidation, namespace });
}
