/**
 * @module deploy/names
 * Names and labels of the generated objects. Names are DNS labels bounded in length (a CronJob
 * name at most 52 characters, since the controller appends an 11-character suffix to its Jobs);
 * a name too long keeps its start and gets a short hash of the whole, so it stays unique and
 * stable across runs. Joined names can still meet (function `a` with schedule `b-c` and
 * function `a-b` with schedule `c`), so `assertDistinctNames` checks the generated objects.
 */
import { createHash } from "node:crypto";
import { PodfnError } from "../errors.js";
import type { KubeObject } from "../kube/api.js";

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

/**
 * Name of a serving workload's Deployment, Service and ServiceAccount: `<app>-<workload>` for a
 * named one, the default's (`<app>-http`) without.
 */
export function servingWorkloadName(app: string, workload?: string): string {
  return workload === undefined ? httpWorkloadName(app) : boundedName([app, workload]);
}

/**
 * The labels a serving workload's pods are selected by. The default workload's are the selector
 * every install has had (`app.kubernetes.io/component: http`; a Deployment's selector cannot
 * change); a named workload's pods are `component: workload` with `podfn.dev/workload: <name>`,
 * so no selector of one workload matches another's pods (the default's needs `http`, which they
 * lack; a named one's needs its own name, which the default pods and other workloads' lack).
 */
export function workloadSelector(app: string, workload?: string): Record<string, string> {
  return workload === undefined
    ? { "app.kubernetes.io/name": app, "app.kubernetes.io/component": "http" }
    : { "app.kubernetes.io/name": app, "app.kubernetes.io/component": "workload", [WORKLOAD_LABEL]: workload };
}

/** The label naming a named workload's objects and pods. */
export const WORKLOAD_LABEL = "podfn.dev/workload";

/** Labels of every object of a serving workload: the common ones, and for a named workload its name. */
export function workloadLabels(app: string, namespace: string, workload?: string): Record<string, string> {
  return workload === undefined ? commonLabels(app, "http", namespace) : { ...commonLabels(app, "workload", namespace), [WORKLOAD_LABEL]: workload };
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

/**
 * Labels every generated object carries. `podfn.dev/namespace` is the install's home namespace:
 * the same app installed in two namespaces shares names' prefixes and the other labels, and a
 * prune or delete by label must touch one install only (its Roles in a shared namespace, its
 * ClusterRoles). Selectors leave it out (a Deployment's selector cannot change).
 */
export function commonLabels(app: string, component: "http" | "workload" | "cronjob", namespace: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": app,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/managed-by": "podfn",
    "podfn.dev/namespace": namespace,
  };
}

/** Generated objects and who asked for them, for `assertDistinctNames`' message. */
export interface OwnedObjects {
  /** E.g. `function "cleanup"` or `the HTTP workload (functions a, b)`. */
  owner: string;
  objects: KubeObject[];
}

/**
 * Throws a `PodfnError` (code `manifest_name_conflict`) naming both owners when two generated
 * objects have the same kind, namespace and name (one would overwrite the other on apply).
 *
 * @example
 * assertDistinctNames([{ owner: 'function "a"', objects }, { owner: 'function "a-b"', objects: others }]);
 */
export function assertDistinctNames(groups: OwnedObjects[]): void {
  const seen = new Map<string, string>();
  for (const { owner, objects } of groups) {
    for (const object of objects) {
      const { kind = "", metadata = {} } = object;
      const key = `${kind}/${metadata.namespace ?? ""}/${metadata.name ?? ""}`;
      const schedule = object.metadata?.labels?.["podfn.dev/schedule"];
      const who = kind === "CronJob" && schedule !== undefined ? `${owner} (schedule "${schedule}")` : owner;
      const first = seen.get(key);
      if (first !== undefined) {
        const where = metadata.namespace ? ` in namespace "${metadata.namespace}"` : "";
        throw new PodfnError("manifest_name_conflict", `${first} and ${who} both need the ${kind} "${metadata.name}"${where}: rename a function, a schedule or a workload`);
      }
      seen.set(key, who);
    }
  }
}
