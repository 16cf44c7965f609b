/**
 * @module testing/apply
 * `kubectl apply` for tests and local runs: creates each object, or replaces it (carrying the
 * current resourceVersion) when it exists. Understands the kinds podfn generates.
 */
import type { KubeClient, KubeObject, ResourceClient } from "../kube/api.js";
import { KubeAlreadyExistsError } from "../kube/index.js";
import { PodfnError } from "../errors.js";

function clientFor(kube: KubeClient, object: KubeObject): ResourceClient<KubeObject> {
  const byKind: Record<string, { type: unknown }> = {
    ServiceAccount: kube.serviceAccounts,
    Role: kube.roles,
    RoleBinding: kube.roleBindings,
    ClusterRole: kube.clusterRoles,
    ClusterRoleBinding: kube.clusterRoleBindings,
    ConfigMap: kube.configMaps,
    Secret: kube.secrets,
    Service: kube.services,
    Deployment: kube.deployments,
    CronJob: kube.cronJobs,
    Job: kube.jobs,
    Pod: kube.pods,
    Namespace: kube.namespaces,
    PodDisruptionBudget: kube.podDisruptionBudgets,
    Lease: kube.leases,
  };
  const client = object.kind ? byKind[object.kind] : undefined;
  if (!client) throw new PodfnError("unsupported_kind", `cannot apply kind ${object.kind ?? "(none)"}: use kube.resource(...) for it`);
  return client as unknown as ResourceClient<KubeObject>;
}

/**
 * Create or replace every object, in order.
 *
 * @example
 * await applyObjects(admin, generateManifests(functions).flatMap((g) => g.objects));
 */
export async function applyObjects(kube: KubeClient, objects: readonly KubeObject[]): Promise<void> {
  for (const object of objects) {
    const client = clientFor(kube, object);
    const namespace = object.metadata?.namespace;
    const where = namespace ? { namespace } : {};
    try {
      await client.create(object, where);
    } catch (error) {
      if (!(error instanceof KubeAlreadyExistsError)) throw error;
      const current = await client.get(object.metadata!.name!, where);
      await client.replace({ ...object, metadata: { ...object.metadata, resourceVersion: current.metadata?.resourceVersion } }, where);
    }
  }
}
