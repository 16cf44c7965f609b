/**
 * @module requirements
 * What a set of functions needs from its environment, derived from their definitions in one
 * place: the manifests, the emulated cluster's grants, local secrets and the cluster connection
 * all ask here.
 */
import { PodfnError } from "./errors.js";
import type { LoadedFunction, PermissionRule } from "./function.js";
import { watchRules } from "./watch/definition.js";

/**
 * The functions the HTTP Deployment runs: an `http` trigger, an in-process schedule, a watch or
 * an admission webhook. The others run only as CronJobs, with their own ServiceAccounts: `serve`
 * neither needs nor gets their permissions.
 */
export function servedByDeployment(functions: readonly LoadedFunction[]): LoadedFunction[] {
  return functions.filter((fn) => fn.http !== undefined || runsOnLeader(fn) || fn.admission !== undefined);
}

/** The function runs a watch or an in-process schedule: on the replica holding the Lease only. */
export function runsOnLeader(fn: LoadedFunction): boolean {
  return fn.watches.length > 0 || fn.schedules.some((s) => s.mode === "in-process");
}

/**
 * Some function runs a schedule or a watch inside the HTTP Deployment: only the replica holding
 * the Lease runs them (leader election).
 */
export function electsLeader(functions: readonly LoadedFunction[]): boolean {
  return functions.some(runsOnLeader);
}

/**
 * What a function may do where `podfn serve` runs it: its declared permissions and the rights
 * of its watches (list and watch; more for a finalizer or a status). (A CronJob runs only the
 * handler: it gets the declared ones.)
 */
export function servingPermissions(fn: LoadedFunction): PermissionRule[] {
  return fn.watches.length === 0 ? fn.permissions : [...fn.permissions, ...fn.watches.flatMap(watchRules)];
}

/** Some function authenticates callers by ServiceAccount token (TokenReview). */
export function usesServiceAccountAuth(functions: readonly LoadedFunction[]): boolean {
  return functions.some((fn) => fn.http !== undefined && fn.http.auth !== "none" && fn.http.auth.type === "serviceAccount");
}

/** Some handler calls the API server: it declares permissions or `kubeApi`. All a `podfn run` (a CronJob's pod) needs a token for. */
export function handlersCallKubeApi(functions: readonly LoadedFunction[]): boolean {
  return functions.some((fn) => fn.permissions.length > 0 || fn.definition.kubeApi === true);
}

/** The serving workload calls the API server: a handler does, or it elects a leader or reviews tokens. */
export function usesKubeApi(functions: readonly LoadedFunction[]): boolean {
  return handlersCallKubeApi(functions) || electsLeader(functions) || usesServiceAccountAuth(functions);
}

/**
 * Bearer secrets the functions read from an environment variable (`env`), by variable: the
 * manifests set each from the key `value` of the Kubernetes Secret named `secret`. Sorted.
 */
export function environmentSecrets(functions: readonly LoadedFunction[]): { variable: string; secret: string }[] {
  const byVariable = new Map<string, { secret: string; fn: string }>();
  for (const fn of functions) {
    const auth = fn.http?.auth;
    if (!auth || auth === "none" || auth.type !== "bearer" || auth.env === undefined) continue;
    const seen = byVariable.get(auth.env);
    if (seen && seen.secret !== auth.secret) {
      throw new PodfnError("definition_invalid", `${seen.fn} and ${fn.name} read the variable ${auth.env} for different secrets (${seen.secret}, ${auth.secret}): one variable holds one secret`);
    }
    byVariable.set(auth.env, { secret: auth.secret, fn: fn.name });
  }
  return [...byVariable].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([variable, { secret }]) => ({ variable, secret }));
}

/** Names of the secrets the functions read from files (bearer without `env`, and HMAC), sorted. */
export function referencedSecrets(functions: readonly LoadedFunction[]): string[] {
  const names = new Set<string>();
  for (const fn of functions) {
    const auth = fn.http?.auth;
    if (!auth || auth === "none") continue;
    if ((auth.type === "bearer" && auth.env === undefined) || auth.type === "hmac") names.add(auth.secret);
  }
  return [...names].sort();
}
