/**
 * @module report-failed-jobs
 * Watches the Jobs of the function's namespace and, the first time it sees one failed (condition
 * `Failed` with status `True`), leaves a Warning Event `JobFailed` on it with the failure's
 * reason and message (what `kubectl describe job`, `kubectl events` and event exporters show),
 * then marks the Job with the annotation `podfn.dev/failure-reported`, so a restart or a replica
 * taking over, which lists every Job again (as `ADDED`), does not report it twice. The Job is
 * read again first: an event queued before the mark was made finds it marked and reports
 * nothing (calls about one Job run one at a time, by the leader alone). The Event comes before
 * the mark, so a failure in between can only repeat a report, never lose one: a failed call is
 * retried (the watch's default, 3 times with backoff), and past that the mark's absence lets
 * the Job's next event report it.
 *
 * Trigger: a watch of `jobs.batch` (`ADDED` and `MODIFIED`), run by the HTTP Deployment's
 * leader replica. Permissions: list and watch Jobs (from the watch), get and patch Jobs (the
 * mark), create events.k8s.io Events.
 *
 * Try it (`npm start`, then in another terminal, with the kubeconfig it prints):
 *   kubectl create job fails --image=busybox -- false
 * The emulated cluster runs no Job controller: mark it failed by hand, as the controller does
 * (an API server 1.32 takes Failed only after FailureTarget, and from a Job that has started)
 *   M='"reason":"BackoffLimitExceeded","message":"Job has reached the specified backoff limit"'
 *   kubectl patch job fails --subresource=status --type=merge -p "{\"status\":{\"startTime\":\"$(date -u +%FT%TZ)\",
 *     \"conditions\":[{\"type\":\"FailureTarget\",\"status\":\"True\",$M},{\"type\":\"Failed\",\"status\":\"True\",$M}]}}"
 *   kubectl events --for job/fails
 */
import { defineFunction, isKubeError } from "podfn";
import type { Job } from "kubernetes-types/batch/v1.js";

/** The annotation marking a Job whose failure was reported (its value: when). */
export const REPORTED = "podfn.dev/failure-reported";

export default defineFunction({
  name: "report-failed-jobs",
  description: "Leave a Warning event on each Job that fails, once",
  watch: { resource: "jobs.batch", events: ["ADDED", "MODIFIED"] },
  permissions: [
    { apiGroups: ["batch"], resources: ["jobs"], verbs: ["get", "patch"] },
    { apiGroups: ["events.k8s.io"], resources: ["events"], verbs: ["create"] },
  ],
  async handler({ trigger, kube, log }) {
    if (trigger.type !== "watch") return { reported: false };
    const job = trigger.object; // a Job: the watch names jobs.batch
    const failed = job.status?.conditions?.find((c) => c.type === "Failed" && c.status === "True");
    if (!failed || job.metadata?.annotations?.[REPORTED] !== undefined) return { reported: false };
    const name = job.metadata!.name!;
    let current: Job;
    try {
      current = await kube.jobs.get(name);
    } catch (error) {
      if (isKubeError(error, "kube_not_found")) return { reported: false };
      throw error;
    }
    if (current.metadata?.annotations?.[REPORTED] !== undefined) return { reported: false };
    const regarding = { apiVersion: "batch/v1", kind: "Job", metadata: current.metadata };
    await kube.emitEvent({ regarding, type: "Warning", reason: "JobFailed", action: "Report", message: `${failed.reason ?? "Failed"}: ${failed.message ?? "the job failed"}` });
    await kube.jobs.patch(name, { metadata: { annotations: { [REPORTED]: new Date().toISOString() } } });
    log.info({ job: name, reason: failed.reason }, "reported a failed job");
    return { reported: true };
  },
});
