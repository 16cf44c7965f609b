/**
 * @module deploy/plan
 * Which workloads the functions need and what each may do. The HTTP Deployment runs every
 * function with an `http` trigger or an in-process schedule, with the union of their
 * permissions; each function with CronJob schedules gets its own ServiceAccount with that
 * function's permissions only, so a cleanup job holds only its own rights.
 */
import type { LoadedFunction, PermissionRule } from "../function.js";
import { environmentSecrets, handlersCallKubeApi, hasInProcessSchedules, referencedSecrets, servedByDeployment, usesKubeApi, usesServiceAccountAuth } from "../requirements.js";
import { schedulerLeaseName } from "../schedule/lease.js";
import { cronServiceAccountName, httpWorkloadName } from "./names.js";
import type { ResolvedOptions } from "./options.js";

export interface HttpWorkload {
  /** Name of the Deployment, Service and ServiceAccount. */
  name: string;
  functions: LoadedFunction[];
  permissions: PermissionRule[];
  /** Set when some function has an in-process schedule (leader election). */
  leaseName?: string;
  /** Some function authenticates callers by ServiceAccount (TokenReview). */
  authDelegator: boolean;
  /** Kubernetes Secrets of bearer and HMAC caller auth, read from files. */
  secrets: string[];
  /** Bearer secrets read from environment variables (`env`): each set from its Secret. */
  environmentSecrets: { variable: string; secret: string }[];
  /** Whether the pods call the API at all (else no token is mounted). */
  usesApi: boolean;
}

export interface CronWorkload {
  fn: LoadedFunction;
  serviceAccount: string;
  usesApi: boolean;
}

export interface WorkloadPlan {
  http?: HttpWorkload;
  cron: CronWorkload[];
}

const byName = (a: LoadedFunction, b: LoadedFunction) => a.name.localeCompare(b.name);

/**
 * The workloads of `functions`.
 *
 * @example
 * const { http, cron } = planWorkloads(functions, resolveOptions({}));
 */
export function planWorkloads(functions: LoadedFunction[], options: ResolvedOptions): WorkloadPlan {
  const sorted = [...functions].sort(byName);
  const served = servedByDeployment(sorted);
  const plan: WorkloadPlan = {
    cron: sorted
      .filter((fn) => fn.schedules.some((s) => s.mode === "cronjob"))
      // A CronJob's pod runs the handler only: its leader election and token reviews are the Deployment's.
      .map((fn) => ({ fn, serviceAccount: cronServiceAccountName(options.app, fn.name), usesApi: handlersCallKubeApi([fn]) })),
  };
  if (served.length > 0) {
    const permissions = served.flatMap((fn) => fn.permissions);
    const inProcess = hasInProcessSchedules(served);
    plan.http = {
      name: httpWorkloadName(options.app),
      functions: served,
      permissions,
      ...(inProcess ? { leaseName: schedulerLeaseName(options.app) } : {}),
      authDelegator: usesServiceAccountAuth(served),
      secrets: referencedSecrets(served),
      environmentSecrets: environmentSecrets(served),
      usesApi: usesKubeApi(served),
    };
  }
  return plan;
}
