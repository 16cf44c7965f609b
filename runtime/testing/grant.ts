/**
 * @module testing/grant
 * Gives a ServiceAccount exactly what some functions declare, with the same RBAC objects
 * `podfn manifests` generates, so local runs and tests enforce the permissions production will.
 */
import type { KubeClient } from "../kube/api.js";
import type { LoadedFunction } from "../function.js";
import { rbacObjects } from "../deploy/rbac.js";
import { schedulerLeaseName } from "../schedule/lease.js";
import { applyObjects } from "./apply.js";
import { hasInProcessSchedules, usesServiceAccountAuth } from "../requirements.js";

export interface GrantOptions {
  /** App name, for the leader-election Lease. Default `podfn`. */
  app?: string;
}

/**
 * Create `serviceAccount` in `namespace` (if missing) and bind it to the union of the
 * functions' permissions, plus the Lease rights of in-process schedules and TokenReview rights
 * of ServiceAccount caller auth, as the generated manifests do.
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
  const inProcess = hasInProcessSchedules(functions);
  const objects = rbacObjects({
    serviceAccount,
    namespace,
    permissions: functions.flatMap((fn) => fn.permissions),
    ...(inProcess ? { leaseName: schedulerLeaseName(options.app ?? "podfn") } : {}),
    authDelegator: usesServiceAccountAuth(functions),
    labels: { "app.kubernetes.io/managed-by": "podfn" },
  });
  await applyObjects(admin, [{ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: serviceAccount, namespace } }, ...objects]);
}
