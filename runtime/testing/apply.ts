/**
 * @module testing/apply
 * `kubectl apply` for tests and local runs: creates each object, or replaces it (carrying the
 * current resourceVersion) when it exists. The kinds podfn generates have their typed clients;
 * any other kind (a CustomResourceDefinition, then its custom resources) is found in the
 * server's discovery of its group version, as kubectl's REST mapper finds it.
 */
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import type { KubeClient, KubeObject, ResourceClient } from "../kube/api.js";
import { KubeAlreadyExistsError } from "../kube/index.js";
import { PodfnError } from "../errors.js";

function typedClient(kube: KubeClient, kind: string): ResourceClient<KubeObject> | undefined {
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
  return byKind[kind] as unknown as ResourceClient<KubeObject> | undefined;
}

interface DiscoveredResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** The resource of `kind` in `apiVersion`, from the server's discovery of that group version. */
async function discoveredClient(kube: KubeClient, apiVersion: string, kind: string): Promise<ResourceClient<KubeObject>> {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/", 2) as [string, string] : ["", apiVersion];
  const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
  let resources: DiscoveredResource[] = [];
  try {
    resources = (await kube.request<{ resources?: DiscoveredResource[] }>({ method: "GET", path })).resources ?? [];
  } catch {
    // Not served: reported below as kubectl reports it.
  }
  const found = resources.find((r) => r.kind === kind && !r.name.includes("/"));
  if (!found) throw new PodfnError("unsupported_kind", `cannot apply kind ${kind}: no matches for kind "${kind}" in version "${apiVersion}" (is its CustomResourceDefinition applied, and established, first?)`);
  return kube.resource({ group, version, resource: found.name, kind, namespaced: found.namespaced });
}

async function clientFor(kube: KubeClient, object: KubeObject): Promise<ResourceClient<KubeObject>> {
  if (!object.kind || !object.apiVersion) throw new PodfnError("unsupported_kind", `cannot apply an object without ${object.kind ? "apiVersion" : "kind"}`);
  const typed = object.apiVersion === "v1" || /^(apps|batch|policy|coordination\.k8s\.io|rbac\.authorization\.k8s\.io)\/v1$/.test(object.apiVersion) ? typedClient(kube, object.kind) : undefined;
  return typed ?? discoveredClient(kube, object.apiVersion, object.kind);
}

/** An object as the server stored it: the fields given, with the server's metadata (uid, resourceVersion...). */
export type Applied<T> = Omit<T, "metadata"> & { metadata: ObjectMeta };

/**
 * Creates every object, in order, or replaces one that exists (carrying its current
 * resourceVersion: the object as given wins, no three-way merge as `kubectl apply` makes).
 * Resolves to the objects as the server stored them. An object literal may carry any fields
 * its kind has (`spec`, `data`...).
 *
 * @example
 * await applyObjects(admin, generateManifests(functions).flatMap((g) => g.objects));
 * const [backup] = await applyObjects(fn.admin, [{ apiVersion: "ops.example.com/v1", kind: "Backup", metadata: { name: "nightly" }, spec: { target: "db" } }]);
 */
export async function applyObjects<const T extends readonly KubeObject[]>(kube: KubeClient, objects: T): Promise<{ -readonly [K in keyof T]: Applied<T[K]> }> {
  const stored: KubeObject[] = [];
  for (const object of objects) {
    const client = await clientFor(kube, object);
    const namespace = object.metadata?.namespace;
    const where = namespace ? { namespace } : {};
    try {
      stored.push(await client.create(object, where));
    } catch (error) {
      if (!(error instanceof KubeAlreadyExistsError)) throw error;
      const current = await client.get(object.metadata!.name!, where);
      stored.push(await client.replace({ ...object, metadata: { ...object.metadata, resourceVersion: current.metadata?.resourceVersion } }, where));
    }
  }
  // Each object as the server stored it, typed as the one given in its place.
  return stored as { -readonly [K in keyof T]: Applied<T[K]> };
}
