/**
 * @module cleanup-finished-jobs
 * Deletes the Jobs of the function's namespace that finished (condition `Complete` or `Failed`
 * with status `True`) more than `olderThanHours` ago. Running Jobs are never touched, nor, by
 * default, a CronJob's: its history limits keep them (podfn's own CronJobs keep their last 3
 * failed runs' logs however old, which a day's cutoff would delete). With `keepPerCronJob`,
 * CronJobs' Jobs are cleaned too, the newest K finished of each kept whatever their age.
 * Jobs are deleted with `propagationPolicy: Background`, so their pods go too, and with the
 * listed Job's `uid` as a precondition, so a Job created anew under the same name is skipped
 * (and logged), not deleted. Each deletion leaves an events.k8s.io Event (reason `Deleted`) on
 * the Job (an Event that cannot be written is logged as a warning; the run goes on).
 *
 * Input (JSON body, `--input`, or the schedule's):
 * - `olderThanHours`: positive integer. Default 24.
 * - `labelSelector`: optional, only Jobs matching it are considered.
 * - `keepPerCronJob`: optional integer ≥ 0: clean CronJobs' Jobs too, keeping this many finished per CronJob.
 *
 * Dry run (`podfn run --dry-run`, `?dryRun=true`): every delete and Event is sent with
 * `dryRun=All`, so the server checks them (RBAC included) and persists nothing; the result
 * lists what would be deleted.
 *
 * Permissions: list and delete Jobs; create events.k8s.io Events.
 * Secrets: `api-token` for the HTTP way in. Schedule: hourly (`0 * * * *`, UTC).
 *
 * Call it:
 *   podfn run cleanup-finished-jobs --dry-run --input '{"olderThanHours": 6}'
 *   curl -X POST -H "Authorization: Bearer $(cat api-token)" -H 'content-type: application/json' \
 *     -d '{"olderThanHours": 6, "keepPerCronJob": 3}' localhost:8080/cleanup-finished-jobs
 */
import { z } from "zod";
import { defineFunction, isKubeError } from "podfn";
import type { Job } from "kubernetes-types/batch/v1.js";
import { asSelectorInput } from "./_selector-input.js";

/** When the Job finished, in ms since the epoch; undefined while it runs. */
export function finishedAt(job: Job): number | undefined {
  const done = job.status?.conditions?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
  if (!done) return undefined;
  const time = job.status?.completionTime ?? done.lastTransitionTime;
  return time ? Date.parse(time) : undefined;
}

/** Name of the CronJob that owns the Job, if one does. */
function ownerCronJob(job: Job): string | undefined {
  return job.metadata?.ownerReferences?.find((o) => o.kind === "CronJob")?.name;
}

/** Names of the finished Jobs to keep: the newest `keep` of each CronJob. */
function newestPerCronJob(finished: { job: Job; at: number }[], keep: number): Set<string> {
  const byOwner = new Map<string, { job: Job; at: number }[]>();
  for (const entry of finished) {
    const owner = ownerCronJob(entry.job);
    if (owner !== undefined) byOwner.set(owner, [...(byOwner.get(owner) ?? []), entry]);
  }
  const kept = new Set<string>();
  for (const entries of byOwner.values()) {
    for (const { job } of entries.sort((a, b) => b.at - a.at).slice(0, keep)) kept.add(job.metadata!.name!);
  }
  return kept;
}

export default defineFunction({
  name: "cleanup-finished-jobs",
  description: "Delete Jobs that finished more than N hours ago",
  permissions: [
    { apiGroups: ["batch"], resources: ["jobs"], verbs: ["list", "delete"] },
    { apiGroups: ["events.k8s.io"], resources: ["events"], verbs: ["create"] },
  ],
  schedule: { cron: "0 * * * *" },
  http: { method: "POST", auth: { type: "bearer", secret: "api-token" } },
  // Strict: a misspelt field (`olderThanHour`) is a 400 naming it, never the default (this deletes).
  input: z.strictObject({
    olderThanHours: z.number().int().positive().default(24),
    labelSelector: z.string().max(1000).optional(),
    keepPerCronJob: z.number().int().min(0).optional(),
  }),
  timeoutMs: 120_000,
  async handler({ input, kube, log, dryRun }) {
    const cutoff = Date.now() - input.olderThanHours * 3_600_000;
    const finished: { job: Job; at: number }[] = [];
    try {
      for await (const job of kube.jobs.list({ labelSelector: input.labelSelector })) {
        const at = finishedAt(job);
        if (at !== undefined) finished.push({ job, at });
      }
    } catch (error) {
      throw asSelectorInput(error, "labelSelector");
    }
    const keep = input.keepPerCronJob === undefined ? undefined : newestPerCronJob(finished, input.keepPerCronJob);
    const deleted: string[] = [];
    for (const { job, at } of finished) {
      const name = job.metadata!.name!;
      // Without keepPerCronJob a CronJob's Jobs are its own to keep (its history limits).
      if (at >= cutoff || (keep ? keep.has(name) : ownerCronJob(job) !== undefined)) continue;
      try {
        // Only the Job listed: one created anew under the same name since fails the precondition (409).
        await kube.jobs.delete(name, { propagationPolicy: "Background", preconditions: { uid: job.metadata!.uid! } });
      } catch (error) {
        if (isKubeError(error, "kube_not_found")) continue; // already gone
        if (isKubeError(error, "kube_conflict")) {
          log.info({ job: name }, "skipped a job replaced under the same name since it was listed");
          continue;
        }
        throw error;
      }
      deleted.push(name);
      const hours = Math.floor((Date.now() - at) / 3_600_000);
      // List items carry no apiVersion/kind: name them for the Event.
      const regarding = { apiVersion: "batch/v1", kind: "Job", metadata: job.metadata };
      log.info({ job: name, dryRun }, dryRun ? "would delete finished job (dry run)" : "deleted finished job");
      try {
        await kube.emitEvent({ regarding, reason: "Deleted", action: "Delete", message: `Deleted by cleanup-finished-jobs: finished ${hours}h ago (older than ${input.olderThanHours}h)` });
      } catch (error) {
        // The Event is an audit trail: the Job is gone either way, so carry on with the others.
        log.warn({ job: name, err: (error as Error).message }, "could not record the Deleted event");
      }
    }
    return { deleted, kept: finished.length - deleted.length, dryRun };
  },
});
