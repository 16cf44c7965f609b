/**
 * @module office-hours
 * Scales Deployments to zero outside office hours and back in the morning. Every Deployment
 * of the function's namespace labelled `podfn.dev/office-hours=true` is scaled to 0 by the
 * `evening` schedule, its replica count kept in the annotation
 * `podfn.dev/office-hours-replicas`; the `morning` schedule restores that count and removes
 * the annotation. Running either twice is harmless: a second `down` keeps the recorded count
 * (it never records 0 over it), an `up` without a recorded count changes nothing.
 *
 * Input: `{action: "down" | "up"}` (each schedule passes its own).
 * Output: `{action, changed: [{name, from, to}], skipped: [{name, reason}], dryRun}`.
 *
 * Configuration (environment, read once at start):
 * - `OFFICE_HOURS_TIME_ZONE`: IANA zone of both schedules, e.g. `Europe/Paris`. Default UTC.
 *
 * Permissions: list and patch Deployments; patch `deployments/scale`.
 * Secrets: none. Schedules: `evening` 19:00 and `morning` 07:00, Monday to Friday.
 *
 * Call it by hand:
 *   podfn run office-hours --input '{"action": "down"}' --dry-run
 */
import { z } from "zod";
import { defineFunction } from "podfn";
import type { Deployment } from "kubernetes-types/apps/v1.js";

/** The label that opts a Deployment in. */
export const OPT_IN_LABEL = "podfn.dev/office-hours";
/** The annotation holding the replica count to restore. */
export const REPLICAS_ANNOTATION = "podfn.dev/office-hours-replicas";

const timeZone = process.env.OFFICE_HOURS_TIME_ZONE?.trim() || undefined;

type Change = { name: string; from: number; to: number };
type Skip = { name: string; reason: string };

/** The recorded replica count, or undefined when there is none (or it is not a count). */
function recorded(deployment: Deployment): number | undefined {
  const text = deployment.metadata?.annotations?.[REPLICAS_ANNOTATION];
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

export default defineFunction({
  name: "office-hours",
  description: "Scale opted-in Deployments to zero in the evening and back in the morning",
  env: ["OFFICE_HOURS_TIME_ZONE"],
  permissions: [
    { apiGroups: ["apps"], resources: ["deployments"], verbs: ["list", "patch"] },
    { apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"] },
  ],
  schedule: [
    { name: "evening", cron: "0 19 * * 1-5", input: { action: "down" }, ...(timeZone ? { timeZone } : {}) },
    { name: "morning", cron: "0 7 * * 1-5", input: { action: "up" }, ...(timeZone ? { timeZone } : {}) },
  ],
  input: z.strictObject({ action: z.enum(["down", "up"]) }),
  async handler({ input, kube, log, dryRun }) {
    const changed: Change[] = [];
    const skipped: Skip[] = [];
    for await (const deployment of kube.deployments.list({ labelSelector: `${OPT_IN_LABEL}=true` })) {
      const name = deployment.metadata!.name!;
      const replicas = deployment.spec?.replicas ?? 1;
      const saved = recorded(deployment);
      if (input.action === "down") {
        if (replicas === 0) { skipped.push({ name, reason: saved === undefined ? "already at 0 replicas" : "already down" }); continue; }
        // Record first, scale second: a run that stops in between is finished by the next one.
        if (saved === undefined) await kube.deployments.patch(name, { metadata: { annotations: { [REPLICAS_ANNOTATION]: String(replicas) } } });
        await kube.deployments.scale(name, 0);
        changed.push({ name, from: replicas, to: 0 });
      } else {
        if (saved === undefined) { skipped.push({ name, reason: `no ${REPLICAS_ANNOTATION} annotation` }); continue; }
        if (replicas !== saved) await kube.deployments.scale(name, saved);
        await kube.deployments.patch(name, { metadata: { annotations: { [REPLICAS_ANNOTATION]: null } } });
        changed.push({ name, from: replicas, to: saved });
      }
    }
    log.info({ action: input.action, changed: changed.length, skipped: skipped.length, dryRun }, "office hours applied");
    return { action: input.action, changed, skipped, dryRun };
  },
});
