/**
 * @module cleanup-evicted-pods
 * Deletes the pods of the function's namespace that the kubelet evicted (`status.phase`
 * Failed and `status.reason` Evicted) more than `olderThanMinutes` ago. Evicted pods are never
 * garbage-collected until the cluster-wide threshold is reached, and they clutter
 * `kubectl get pods`. The API server filters on the phase (field selector
 * `status.phase=Failed`); the reason is checked here. Each delete carries the listed pod's
 * `uid` as a precondition, so a pod created anew under the same name is never deleted (it is
 * skipped, and logged).
 *
 * Input (the schedule's, or `--input`):
 * - `olderThanMinutes`: positive integer. Default 60. A pod's eviction time is the latest
 *   `lastTransitionTime` of its conditions, else its start or creation time.
 *
 * Dry run (`podfn run --dry-run`): deletes are sent with `dryRun=All`; nothing changes.
 *
 * Permissions: list and delete pods.
 * Secrets: none. Schedule: every 15 minutes (`*\/15 * * * *`, UTC).
 *
 * Call it:
 *   podfn run cleanup-evicted-pods --dry-run --input '{"olderThanMinutes": 10}'
 */
import { z } from "zod";
import { defineFunction, isKubeError } from "podfn";
import type { Pod } from "kubernetes-types/core/v1.js";

/** When the pod was evicted, in ms since the epoch (best estimate the API gives). */
export function evictedAt(pod: Pod): number {
  const times = (pod.status?.conditions ?? []).flatMap((c) => (c.lastTransitionTime ? [Date.parse(c.lastTransitionTime)] : []));
  if (times.length > 0) return Math.max(...times);
  const fallback = pod.status?.startTime ?? pod.metadata?.creationTimestamp;
  return fallback ? Date.parse(fallback) : Date.now();
}

export default defineFunction({
  name: "cleanup-evicted-pods",
  description: "Delete pods evicted more than N minutes ago",
  permissions: [{ apiGroups: [""], resources: ["pods"], verbs: ["list", "delete"] }],
  schedule: { cron: "*/15 * * * *" },
  // Strict: a misspelt field is a 400, not the default (this function deletes).
  input: z.strictObject({ olderThanMinutes: z.number().int().positive().default(60) }),
  timeoutMs: 120_000,
  async handler({ input, kube, log, dryRun }) {
    const cutoff = Date.now() - input.olderThanMinutes * 60_000;
    const deleted: string[] = [];
    for await (const pod of kube.pods.list({ fieldSelector: "status.phase=Failed" })) {
      if (pod.status?.reason !== "Evicted" || evictedAt(pod) >= cutoff) continue;
      const name = pod.metadata!.name!;
      try {
        // Only the pod listed: one created anew under the same name since fails the precondition (409).
        await kube.pods.delete(name, { preconditions: { uid: pod.metadata!.uid! } });
      } catch (error) {
        if (isKubeError(error, "kube_not_found")) continue; // already gone
        if (isKubeError(error, "kube_conflict")) {
          log.info({ pod: name }, "skipped a pod replaced under the same name since it was listed");
          continue;
        }
        throw error;
      }
      deleted.push(name);
      log.info({ pod: name, dryRun }, dryRun ? "would delete evicted pod (dry run)" : "deleted evicted pod");
    }
    return { deleted, dryRun };
  },
});
