/**
 * @module report-failed-jobs
 * Watches the Jobs of the function's namespace and, the first time it sees one failed (condition
 * `Failed` with status `True`), leaves a Warning Event `JobFailed` on it with the failure's
 * reason and message (what `kubectl describe job`, `kubectl events` and event exporters show).
 * The Job is marked first with the annotation `podfn.dev/failure-reported`, so a restart or a
 * replica taking over, which lists every Job again (as `ADDED`), does not report it twice. The
 * mark carries the resourceVersion the event showed: if the Job changed since, the patch is
 * refused (409) and the next event about it decides.
 *
 * Trigger: a watch of `jobs.batch` (`ADDED` and `MODIFIED`), run by the HTTP Deployment's
 * leader replica. Permissions: list and watch Jobs (from the watch), patch Jobs (the mark),
 * create events.k8s.io Events.
 *
 * Try it (`npm start`, then in another terminal, with the kubeconfig it prints):
 *   kubectl create job fails --image=busybox -- false
 * The emulated cluster runs no Job controller: mark it failed by hand with
 *   kubectl patch job fails --subresource=status --type=merge \
 *     -p '{"status":{"conditions":[{"type":"Failed","status":"True","reason":"BackoffLimitExceeded","message":"Job has reached the specified backoff limit"}]}}'
 *   kubectl events --for job/fails
 */
import { defineFunction } from "podfn";
import type { Job } from "kubernetes-types/batch/v1.js";

/** The annotation marking a Job whose failure was reported (its value: when). */
export const REPORTED = "podfn.dev/failure-reported";

export default defineFunction({
  name: "report-failed-jobs",
  description: "Leave a Warning event on each Job that fails, once",
  watch: { resource: "jobs.batch", events: ["ADDED", "MODIFIED"] },
  permissions: [
    { apiGroups: ["batch"], resources: ["jobs"], verbs: ["patch"] },
    { apiGroups: ["events.k8s.io"], resources: ["events"], verbs: ["create"] },
  ],
  async handler({ trigger, kube, log }) {
    if (trigger.type !== "watch") return { reported: false };
    const job = trigger.object as Job;
    const failed = job.status?.conditions?.find((c) => c.type === "Failed" && c.status === "True");
    if (!failed || job.metadata?.annotations?.[REPORTED] !== undefined) return { reported: false };
    const name = job.metadata!.name!;
    try {
      await kube.jobs.patch(name, { metadata: { resourceVersion: job.metadata!.resourceVersion, annotations: { [REPORTED]: new Date().toISOString() } } });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      // Changed since this event (a later one follows), or gone: nothing to report from this one.
      if (code === "kube_conflict" || code === "kube_not_found") return { reported: false };
      throw error;
    }
    const regarding = { apiVersion: "batch/v1", kind: "Job", metadata: job.metadata };
    await kube.emitEvent({ regarding, type: "Warning", reason: "JobFailed", action: "Report", message: `${failed.reason ?? "Failed"}: ${failed.message ?? "the job failed"}` });
    log.info({ job: name, reason: failed.reason }, "reported a failed job");
    return { reported: true };
  },
});
