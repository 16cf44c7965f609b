/**
 * @module deploy/names
 * Names and labels of the generated objects. Names are DNS labels bounded in length (a CronJob
 * name at most 52 characters, since the controller appends an 11-character suffix to its Jobs);
 * a name too long keeps its start and gets a short hash of the whole, so it stays unique and
 * stable across runs.
 */
import { createHash } from "node:crypto";

/** Longest CronJob name Kubernetes accepts. */
export const MAX_CRONJOB_NAME = 52;
/** Longest DNS label (names of ServiceAccounts, Services, Deployments, label values). */
export const MAX_LABEL = 63;

/**
 * `parts` joined with `-`, at most `max` characters: when longer, cut and suffixed with
 * 5 hex characters of the full name's SHA-256.
 *
 * @example
 * boundedName(["podfn", "cleanup"], 52); // "podfn-cleanup"
 */
export function boundedName(parts: string[], max: number = MAX_LABEL): string {
  const full = parts.filter((p) => p !== "").join("-");
  if (full.length <= max) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 5);
  return `${full.slice(0, max - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/** Name of the HTTP workload: its Deployment, Service and ServiceAccount. */
export function httpWorkloadName(app: string): string {
  return boundedName([app, "http"]);
}

/** Name of a function's CronJob workload ServiceAccount (shared by its schedules). */
export function cronServiceAccountName(app: string, fn: string): string {
  return boundedName([app, fn]);
}

/**
 * Name of the CronJob of one schedule: `<app>-<function>` when the function has a single
 * CronJob schedule, else `<app>-<function>-<schedule>`.
 */
export function cronJobName(app: string, fn: string, schedule: string, only: boolean): string {
  return boundedName(only ? [app, fn] : [app, fn, schedule], MAX_CRONJOB_NAME);
}

/** Labels every generated object carries. */
export function commonLabels(app: string, component: "http" | "cronjob"): Record<string, string> {
  return {
    "app.kubernetes.io/name": app,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/managed-by": "podfn",
  };
}
