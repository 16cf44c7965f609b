/**
 * @module deploy/plan
 * Which workloads the functions need and what each may do. A serving workload (a Deployment)
 * runs the functions with an `http` trigger, a watch, an in-process schedule or a webhook that
 * name it in `workload`, with the union of their permissions (and egress) only; those that name none share
 * the default one (`<app>-http`). Each function with CronJob schedules gets its own
 * ServiceAccount with that function's permissions only, so a cleanup job holds only its own rights.
 */
import type { EnvVar } from "kubernetes-types/core/v1.js";
import type { EgressRule, LoadedFunction, PermissionRule } from "../function.js";
import { PodfnError } from "../errors.js";
import { environmentSecrets, handlersCallKubeApi, electsLeader, referencedSecrets, servedByDeployment, servingPermissions, usesKubeApi, usesServiceAccountAuth } from "../requirements.js";
import { schedulerLeaseName } from "../schedule/lease.js";
import { cronServiceAccountName, servingWorkloadName } from "./names.js";
import { DEFAULT_WORKLOAD } from "../definition-accept.js";
import type { ResolvedOptions } from "./options.js";
import { byCodeUnits } from "./order.js";
import type { ResourceScopes } from "./rules.js";
import { declaredScopes } from "./scopes.js";

export interface HttpWorkload {
  /** Name of the Deployment, Service and ServiceAccount. */
  name: string;
  /** The `workload` its functions name; absent: the default workload. */
  workload?: string;
  /**
   * The Deployment's `podfn serve` arguments: `["serve"]` when no function names a workload (as
   * ever), else `["serve", "--workload", <name>]` (`http` for the default one), so each
   * Deployment serves its own functions only.
   */
  args: string[];
  functions: LoadedFunction[];
  permissions: PermissionRule[];
  /** Where its pods connect outside the API server: the union of its functions' `egress` (deploy/egress merges it). */
  egress: EgressRule[];
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
  /** The scopes of custom resources, as the project's functions declare them (deploy/scopes). */
  scopes: ResourceScopes;
}

export interface CronWorkload {
  fn: LoadedFunction;
  serviceAccount: string;
  usesApi: boolean;
  configuration: EnvVar[];
  /** As `HttpWorkload`'s: what every function of the project declares. */
  scopes: ResourceScopes;
}

export interface WorkloadPlan {
  /** The default serving workload: the functions that name no `workload`. */
  http?: HttpWorkload;
  /** The named serving workloads, by name. */
  workloads: HttpWorkload[];
  cron: CronWorkload[];
}

/** Every serving workload of `plan`: the default one first, then the named ones by name. */
export function servingWorkloads(plan: WorkloadPlan): HttpWorkload[] {
  return [...(plan.http ? [plan.http] : []), ...plan.workloads];
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
 * const { http, workloads, cron } = planWorkloads(functions, resolveOptions({}));
 */
export function planWorkloads(functions: LoadedFunction[], options: ResolvedOptions): WorkloadPlan {
  const sorted = [...functions].sort(byName);
  const served = servedByDeployment(sorted);
  // A variable a bearer secret is read from is never configuration, in any workload: a CronJob's
  // would write the secret's value into its manifest in clear.
  const secretNames = new Set(environmentSecrets(sorted).map((s) => s.variable));
  // A custom resource's scope, as any function of the project declares it, holds in every workload.
  const scopes = declaredScopes(sorted);
  const plan: WorkloadPlan = {
    workloads: [],
    cron: sorted
      .filter((fn) => fn.schedules.some((s) => s.mode === "cronjob"))
      // A CronJob's pod runs the handler only: its leader election and token reviews are the Deployment's.
      .map((fn) => ({ fn, serviceAccount: cronServiceAccountName(options.app, fn.name), usesApi: handlersCallKubeApi([fn]), configuration: configurationOf([fn], options.env, secretNames), scopes })),
  };
  const named = [...new Set(served.flatMap((fn) => (fn.workload === undefined ? [] : [fn.workload])))].sort(byCodeUnits);
  const split = named.length > 0;
  const unnamed = served.filter((fn) => fn.workload === undefined);
  if (unnamed.length > 0) plan.http = servingWorkload(unnamed, undefined, split, options, scopes);
  plan.workloads = named.map((workload) => servingWorkload(served.filter((fn) => fn.workload === workload), workload, split, options, scopes));
  return plan;
}

/**
 * The serving workload of `functions` (those naming `workload`, or, without, none); `split`:
 * some function names a workload, so each Deployment's `serve` is told which one it is.
 */
function servingWorkload(functions: LoadedFunction[], workload: string | undefined, split: boolean, options: ResolvedOptions, scopes: ResourceScopes): HttpWorkload {
  const permissions = functions.flatMap(servingPermissions);
  const inProcess = electsLeader(functions);
  const secretVariables = environmentSecrets(functions);
  return {
    name: servingWorkloadName(options.app, workload),
    ...(workload !== undefined ? { workload } : {}),
    args: split ? ["serve", "--workload", workload ?? DEFAULT_WORKLOAD] : ["serve"],
    functions,
    permissions,
    egress: functions.flatMap((fn) => fn.egress),
    ...(inProcess ? { leaseName: schedulerLeaseName(options.app, workload) } : {}),
    tokenReviews: usesServiceAccountAuth(functions),
    // The callers' (caller auth) and the functions' own (`secrets`): podSpec mounts each name once.
    secrets: [...referencedSecrets(functions), ...functions.flatMap((fn) => fn.secrets)],
    environmentSecrets: secretVariables,
    usesApi: usesKubeApi(functions),
    configuration: configurationOf(functions, options.env, new Set(secretVariables.map((s) => s.variable))),
    scopes,
  };
}
