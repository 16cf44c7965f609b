/**
 * @module deploy/plan
 * Which workloads the functions need and what each may do. The HTTP Deployment runs every
 * function with an `http` trigger or an in-process schedule, with the union of their
 * permissions; each function with CronJob schedules gets its own ServiceAccount with that
 * function's permissions only, so a cleanup job holds only its own rights.
 */
import type { EnvVar } from "kubernetes-types/core/v1.js";
import type { LoadedFunction, PermissionRule } from "../function.js";
import { PodfnError } from "../errors.js";
import { environmentSecrets, handlersCallKubeApi, electsLeader, referencedSecrets, servedByDeployment, servingPermissions, usesKubeApi, usesServiceAccountAuth } from "../requirements.js";
import { schedulerLeaseName } from "../schedule/lease.js";
import { cronServiceAccountName, httpWorkloadName } from "./names.js";
import type { ResolvedOptions } from "./options.js";
import { byCodeUnits } from "./order.js";

export interface HttpWorkload {
  /** Name of the Deployment, Service and ServiceAccount. */
  name: string;
  functions: LoadedFunction[];
  permissions: PermissionRule[];
  /** Set when some function has an in-process schedule (leader election). */
  leaseName?: string;
  /** Some function authenticates callers by ServiceAccount (TokenReview). */
  tokenReviews: boolean;
  /** Kubernetes Secrets mounted as files: bearer and HMAC caller auth, and the functions' own (`secrets`); a name may repeat. */
  secrets: string[];
  /** Bearer secrets read from environment variables (`env`): each set from its Secret. */
  environmentSecrets: { variable: string; secret: string }[];
  /** Whether the pods call the API at all (else no token is mounted). */
  usesApi: boolean;
  /** The functions' declared configuration variables (`env`) that are set, with their values. */
  configuration: EnvVar[];
}

export interface CronWorkload {
  fn: LoadedFunction;
  serviceAccount: string;
  usesApi: boolean;
  configuration: EnvVar[];
}

export interface WorkloadPlan {
  http?: HttpWorkload;
  cron: CronWorkload[];
}

const byName = (a: LoadedFunction, b: LoadedFunction) => byCodeUnits(a.name, b.name);

/**
 * The variables `functions` declare in `env` that are set in `env`, with the values there, by
 * name: what their pods must read for the permissions computed from them to fit. A variable a
 * bearer secret is read from (set from its Secret) cannot be configuration too.
 */
function configurationOf(functions: readonly LoadedFunction[], env: ResolvedOptions["env"], secretVariables: ReadonlySet<string>): EnvVar[] {
  const names = [...new Set(functions.flatMap((fn) => fn.env))].sort();
  for (const name of names) {
    if (secretVariables.has(name)) {
      const fn = functions.find((f) => f.env.includes(name))!;
      throw new PodfnError("definition_invalid", `${fn.name} declares ${name} in env, which a bearer secret is read from: one variable cannot be configuration and a secret`);
    }
  }
  return names.filter((name) => env[name] !== undefined).map((name) => ({ name, value: env[name]! }));
}

/**
 * The workloads of `functions`.
 *
 * @example
 * const { http, cron } = planWorkloads(functions, resolveOptions({}));
 */
export function planWorkloads(functions: LoadedFunction[], options: ResolvedOptions): WorkloadPlan {
  const sorted = [...functions].sort(byName);
  const served = servedByDeployment(sorted);
  // A variable a bearer secret is read from is never configuration, in any workload: a CronJob's
  // would write the secret's value into its manifest in clear.
  const secretNames = new Set(environmentSecrets(sorted).map((s) => s.variable));
  const plan: WorkloadPlan = {
    cron: sorted
      .filter((fn) => fn.schedules.some((s) => s.mode === "cronjob"))
      // A CronJob's pod runs the handler only: its leader election and token reviews are the Deployment's.
      .map((fn) => ({ fn, serviceAccount: cronServiceAccountName(options.app, fn.name), usesApi: handlersCallKubeApi([fn]), configuration: configurationOf([fn], options.env, secretNames) })),
  };
  if (served.length > 0) {
    const permissions = served.flatMap(servingPermissions);
    const inProcess = electsLeader(served);
    const secretVariables = environmentSecrets(served);
    plan.http = {
      name: httpWorkloadName(options.app),
      functions: served,
      permissions,
      ...(inProcess ? { leaseName: schedulerLeaseName(options.app) } : {}),
      tokenReviews: usesServiceAccountAuth(served),
      // The callers' (caller auth) and the functions' own (`secrets`): podSpec mounts each name once.
      secrets: [...referencedSecrets(served), ...served.flatMap((fn) => fn.secrets)],
      environmentSecrets: secretVariables,
      usesApi: usesKubeApi(served),
      configuration: configurationOf(served, options.env, new Set(secretVariables.map((s) => s.variable))),
    };
  }
  return plan;
}
