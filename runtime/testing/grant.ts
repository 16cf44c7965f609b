/**
 * @module testing/grant
 * Gives a ServiceAccount exactly what a workload of some functions is granted (the HTTP
 * Deployment's, or a function's CronJob's), with the same RBAC objects `podfn manifests`
 * generates, so local runs and tests enforce the permissions production will.
 */
import type { KubeClient } from "../kube/api.js";
import type { LoadedFunction } from "../function.js";
import { rbacObjects } from "../deploy/rbac.js";
import { declaredScopes } from "../deploy/scopes.js";
import type { ResourceScopes } from "../deploy/rules.js";
import { schedulerLeaseName } from "../schedule/lease.js";
import { applyObjects } from "./apply.js";
import { KubeAlreadyExistsError } from "../kube/index.js";
import { electsLeader, servingPermissions, usesServiceAccountAuth } from "../requirements.js";

export interface GrantOptions {
  /** App name, for the leader-election Lease. Default `podfn`. */
  app?: string;
  /** The workload the functions make up, for its Lease (`<app>-<workload>-scheduler`). Default: the default workload's (`<app>-scheduler`). */
  workload?: string;
  /**
   * The scopes of custom resources as the whole project declares them (`declaredScopes` of every
   * function, as `podfn manifests` reads them). Default: those the functions given declare.
   */
  scopes?: ResourceScopes;
}

/**
 * Create `serviceAccount` in `namespace` (if missing) and bind it to what the HTTP Deployment
 * serving `functions` is granted: the union of their permissions with their watches' list and
 * watch rights, plus the Lease rights of in-process schedules and watches and TokenReview
 * rights of ServiceAccount caller auth, as the generated manifests do (a custom resource these
 * functions' watches or admission rules declare cluster-scoped in a ClusterRole). `namespace`, and every
 * other namespace a permission names, is created when missing: on a cluster of its own (the
 * emulated one) a test or local run names the namespaces it wants, and they exist.
 *
 * @example
 * await grantDeclaredPermissions(admin, "default", "cleanup", [cleanupFn]);
 * const { dir } = await cluster.serviceAccount("default", "cleanup");
 */
export async function grantDeclaredPermissions(
  admin: KubeClient,
  namespace: string,
  serviceAccount: string,
  functions: readonly LoadedFunction[],
  options: GrantOptions = {},
): Promise<void> {
  const inProcess = electsLeader(functions);
  await grantRules(admin, namespace, serviceAccount, functions.flatMap(servingPermissions), {
    ...(inProcess ? { leaseName: schedulerLeaseName(options.app ?? "podfn", options.workload) } : {}),
    tokenReviews: usesServiceAccountAuth(functions),
    scopes: options.scopes ?? declaredScopes(functions),
  });
}

/**
 * Create `serviceAccount` and bind it to what the functions' CronJobs are granted: their
 * declared permissions only (watches run in the HTTP Deployment, which alone may list and
 * watch for them; no Lease, no TokenReview), as `podfn manifests` grants a CronJob's account.
 *
 * @example
 * await grantCronJobPermissions(admin, "default", "cleanup-cronjob", [cleanupFn]);
 */
export async function grantCronJobPermissions(admin: KubeClient, namespace: string, serviceAccount: string, functions: readonly LoadedFunction[], options: Pick<GrantOptions, "scopes"> = {}): Promise<void> {
  await grantRules(admin, namespace, serviceAccount, functions.flatMap((fn) => fn.permissions), { tokenReviews: false, scopes: options.scopes ?? declaredScopes(functions) });
}

async function grantRules(admin: KubeClient, namespace: string, serviceAccount: string, permissions: LoadedFunction["permissions"], extra: { leaseName?: string; tokenReviews: boolean; scopes: ResourceScopes }): Promise<void> {
  const objects = rbacObjects({ serviceAccount, namespace, permissions, ...extra, labels: { "app.kubernetes.io/managed-by": "podfn" } });
  const namespaces = new Set([namespace, ...permissions.map((p) => p.namespace ?? namespace)]);
  namespaces.delete("*");
  for (const name of namespaces) await ensureNamespace(admin, name);
  await applyObjects(admin, [{ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: serviceAccount, namespace } }, ...objects]);
}

/** Create the namespace `name` unless it exists (left as it is when it does). */
async function ensureNamespace(admin: KubeClient, name: string): Promise<void> {
  try {
    await admin.namespaces.create({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
  } catch (error) {
    if (!(error instanceof KubeAlreadyExistsError)) throw error;
  }
}
