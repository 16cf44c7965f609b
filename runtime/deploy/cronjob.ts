/**
 * @module deploy/cronjob
 * The CronJob workload of one function: its own ServiceAccount and RBAC (that function's
 * permissions only) and one CronJob per `mode: "cronjob"` schedule, each running
 * `podfn run NAME --schedule S` (the schedule's input comes from the definition in the image).
 * Every CronJob names its `timeZone`, `Etc/UTC` when the schedule gives none; its pods get the
 * function's own `resources` over the workloads'.
 */
import type { CronJob } from "kubernetes-types/batch/v1.js";
import type { ServiceAccount } from "kubernetes-types/core/v1.js";
import { rbacObjects, type RbacObject } from "./rbac.js";
import { commonLabels, cronJobName } from "./names.js";
import { DEFAULT_TIME_ZONE, JOB_BACKOFF_LIMIT, JOB_HISTORY_LIMIT, jobActiveDeadlineSeconds, jobPodFailurePolicy, type ResolvedOptions } from "./options.js";
import { podSpec } from "./pod.js";
import { functionResources } from "./resources.js";
import { cronNetworkPolicy } from "./network-policy.js";
import type { NetworkPolicy } from "kubernetes-types/networking/v1.js";
import type { CronWorkload } from "./plan.js";

export type CronObject = ServiceAccount | RbacObject | CronJob | NetworkPolicy;

/** Every object of one function's CronJob workload. */
export function cronObjects(workload: CronWorkload, options: ResolvedOptions): CronObject[] {
  const { fn, serviceAccount } = workload;
  const { namespace } = options;
  const labels = { ...commonLabels(options.app, "cronjob", namespace), "podfn.dev/function": fn.name };
  const out: CronObject[] = [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: serviceAccount, namespace, labels }, automountServiceAccountToken: workload.usesApi },
    ...rbacObjects({ serviceAccount, namespace, permissions: fn.permissions, tokenReviews: false, scopes: workload.scopes, labels }),
  ];
  const schedules = fn.schedules.filter((s) => s.mode === "cronjob");
  const resources = functionResources(options.sizing.resources, fn);
  for (const schedule of schedules) {
    const jobLabels = { ...labels, "podfn.dev/schedule": schedule.name };
    out.push({
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: cronJobName(options.app, fn.name, schedule.name, schedules.length === 1), namespace, labels: jobLabels },
      spec: {
        schedule: schedule.cron,
        // Without a zone the controller-manager's local one applies; podfn's scheduler and docs mean UTC.
        timeZone: schedule.timeZone ?? DEFAULT_TIME_ZONE,
        concurrencyPolicy: schedule.concurrencyPolicy,
        ...(schedule.startingDeadlineSeconds !== undefined ? { startingDeadlineSeconds: schedule.startingDeadlineSeconds } : {}),
        successfulJobsHistoryLimit: JOB_HISTORY_LIMIT,
        failedJobsHistoryLimit: JOB_HISTORY_LIMIT,
        jobTemplate: {
          metadata: { labels: jobLabels },
          spec: {
            backoffLimit: JOB_BACKOFF_LIMIT,
            // A disrupted pod (drain, preemption, eviction) is replaced, not counted as a failed run.
            podFailurePolicy: jobPodFailurePolicy(),
            activeDeadlineSeconds: jobActiveDeadlineSeconds(fn.timeoutMs),
            template: {
              metadata: { labels: jobLabels },
              spec: podSpec({
                serviceAccount,
                automountToken: workload.usesApi,
                image: options.image,
                args: ["run", fn.name, "--schedule", schedule.name],
                resources,
                // The function's configuration (`env`), as set where the manifests were generated.
                env: workload.configuration,
                // The Secrets the handler reads (`secrets`): files, as the HTTP pods get them.
                secrets: fn.secrets,
                pod: { restartPolicy: "Never" },
              }),
            },
          },
        },
      },
    });
  }
  if (options.networkPolicy && schedules.length > 0) {
    out.push(cronNetworkPolicy({ name: serviceAccount, namespace, labels }, { "app.kubernetes.io/name": options.app, "app.kubernetes.io/component": "cronjob", "podfn.dev/function": fn.name }, options.egressCidrs, fn.egress));
  }
  return out;
}
