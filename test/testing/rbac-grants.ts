/**
 * Helpers of the tests that hold the harness to `podfn manifests`: the RBAC objects in the
 * emulated cluster, and what they grant one ServiceAccount (one `scope group/resource verb name`
 * string a permission, its home namespace written `HOME`), as the manifests' objects are read.
 */
import type { KubeClient, KubeObject } from "../../runtime/kube/api.js";
import { grantedTo } from "../deploy/helpers.js";

/** Every Role, RoleBinding, ClusterRole and ClusterRoleBinding in the cluster. */
export async function rbacInCluster(admin: KubeClient): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const client of [admin.roles, admin.roleBindings, admin.clusterRoles, admin.clusterRoleBindings]) {
    for await (const o of client.list({ namespace: "*" })) out.push(o as KubeObject);
  }
  return out;
}

/** What `objects` grant `namespace/serviceAccount`, with `namespace` itself written `HOME`. */
export function homeGrants(objects: KubeObject[], namespace: string, serviceAccount: string): string[] {
  return grantedTo(objects, namespace, serviceAccount).map((g) => (g.startsWith(`${namespace} `) ? `HOME${g.slice(namespace.length)}` : g)).sort();
}
