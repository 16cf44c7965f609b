/**
 * @module testing/deploy-accounts
 * The ServiceAccounts a deployed function runs as in the harness, made as `podfn manifests`
 * makes them: a function a Deployment serves (a route, a watch, an in-process schedule, a
 * webhook) has an account named like it, bound to its declared permissions and its workload's
 * Lease; one with a `cronjob` schedule has its CronJob's (`NAME-cronjob`); a CronJob-only
 * function has that one alone. Each gets a client from its token, or, where its handlers call no
 * API (no token mounted), the offline client naming the permissions to declare.
 */
import type { KubeClient } from "../kube/api.js";
import type { LoadedFunction } from "../function.js";
import { offlineKube } from "../cron/offline-kube.js";
import { handlersCallKubeApi, servedByDeployment, usesKubeApi } from "../requirements.js";
import type { ResourceScopes } from "../deploy/rules.js";
import { grantCronJobPermissions, grantDeclaredPermissions } from "./grant.js";

/** A deployed function's accounts and the clients its calls use. */
export interface DeployAccounts {
  /** Whether a Deployment serves the function (so it has the account named like it). */
  served: boolean;
  /** Whether it has a CronJob. */
  hasCronJob: boolean;
  /** The account its Deployment's calls run as (its CronJob's, for a CronJob-only function). */
  deploymentAccount: string;
  /** The account its CronJob's runs run as (named like the function when it has no CronJob). */
  cronAccount: string;
  /** The client of the Deployment's calls. */
  kube: KubeClient;
  /** The client of the CronJob's runs (`kube` when it has no CronJob). */
  cronKube: KubeClient;
}

/**
 * Grant `fn`'s accounts in `namespace` (as `admin`) and make their clients with `clientOf`.
 * `scopes`: the custom resources' scopes as `fn`'s whole project declares them (as `podfn
 * manifests` reads them: testing/project-scopes); default: those `fn` declares.
 *
 * @example
 * const { kube, cronKube } = await setUpAccounts(fn, admin, "cleanup-1", (name) => clientFor(...), await projectScopes.of(fn));
 */
export async function setUpAccounts(fn: LoadedFunction, admin: KubeClient, namespace: string, clientOf: (account: string) => Promise<KubeClient>, scopes?: ResourceScopes): Promise<DeployAccounts> {
  const served = servedByDeployment([fn]).length > 0;
  const inProject = scopes !== undefined ? { scopes } : {};
  // Its serving workload's grants (the Lease its `workload` elects on), for this function alone.
  if (served) await grantDeclaredPermissions(admin, namespace, fn.name, [fn], { ...(fn.workload !== undefined ? { workload: fn.workload } : {}), ...inProject });
  const hasCronJob = fn.schedules.some((s) => s.mode === "cronjob");
  const cronAccount = hasCronJob ? `${fn.name}-cronjob` : fn.name;
  if (hasCronJob) await grantCronJobPermissions(admin, namespace, cronAccount, [fn], inProject);
  // A pod whose functions call no API mounts no token (automountServiceAccountToken: false):
  // its client names the permissions to declare, as `podfn run` and `serve` do there.
  const cronJobKube = !hasCronJob ? undefined : handlersCallKubeApi([fn]) ? await clientOf(cronAccount) : offlineKube(fn.name, namespace);
  const kube = !served ? cronJobKube! : usesKubeApi([fn]) ? await clientOf(fn.name) : offlineKube(fn.name, namespace);
  return { served, hasCronJob, deploymentAccount: served ? fn.name : cronAccount, cronAccount, kube, cronKube: cronJobKube ?? kube };
}
