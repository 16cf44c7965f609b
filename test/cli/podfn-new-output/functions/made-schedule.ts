/**
 * @module made-schedule
 * A CronJob: every 30 minutes, deletes the pods of its namespace that succeeded and were
 * created more than `olderThanHours` ago (24 by default).
 *
 * Run it once: npx podfn run made-schedule --input '{"olderThanHours": 1}' --dry-run
 */
import { z } from "zod";
import { defineFunction } from "podfn";

export default defineFunction({
  name: "made-schedule",
  description: "Delete pods that succeeded, created more than olderThanHours ago",
  permissions: [{ apiGroups: [""], resources: ["pods"], verbs: ["list", "delete"] }],
  schedule: { cron: "*/30 * * * *" },
  input: z.strictObject({ olderThanHours: z.number().min(0).default(24) }),
  timeoutMs: 120_000,
  async handler({ input, kube, log, dryRun }) {
    const cutoff = Date.now() - input.olderThanHours * 3_600_000;
    const deleted: string[] = [];
    // The API server filters by phase; the age is checked here.
    for await (const pod of kube.pods.list({ fieldSelector: "status.phase=Succeeded" })) {
      const created = Date.parse(pod.metadata?.creationTimestamp ?? "");
      if (!(created <= cutoff)) continue;
      await kube.pods.delete(pod.metadata!.name!);
      deleted.push(pod.metadata!.name!);
    }
    log.info({ deleted: deleted.length, dryRun }, "cleanup done");
    return { deleted };
  },
});
