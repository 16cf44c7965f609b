/** Helpers of the manifest tests: inline functions, and what RBAC actually grants a ServiceAccount. */
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from "kubernetes-types/rbac/v1.js";
import type { KubeObject } from "../../runtime/kube/api.js";

export { loaded } from "../schedule/helpers.js";

/**
 * Every permission the RBAC objects give `namespace/serviceAccount`, one string per
 * `scope group/resource verb name` (`*` scope: cluster-wide; name `*`: every object),
 * read from the bindings and the roles they reference, as the authorizer would.
 */
export function grantedTo(objects: KubeObject[], namespace: string, serviceAccount: string): string[] {
  const out = new Set<string>();
  const bound = (b: RoleBinding | ClusterRoleBinding) => b.subjects?.some((s) => s.kind === "ServiceAccount" && s.name === serviceAccount && s.namespace === namespace);
  for (const binding of objects.filter((o) => o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding") as (RoleBinding | ClusterRoleBinding)[]) {
    if (!bound(binding)) continue;
    const scope = binding.kind === "RoleBinding" ? binding.metadata!.namespace! : "*";
    const role = objects.find(
      (o) => o.kind === binding.roleRef.kind && o.metadata?.name === binding.roleRef.name && (o.kind === "ClusterRole" || o.metadata?.namespace === binding.metadata?.namespace),
    ) as Role | ClusterRole | undefined;
    if (!role) {
      out.add(`${scope} bound:${binding.roleRef.kind}/${binding.roleRef.name}`);
      continue;
    }
    for (const rule of role.rules ?? []) {
      for (const group of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) {
          for (const verb of rule.verbs) for (const name of rule.resourceNames ?? ["*"]) out.add(`${scope} ${group}/${resource} ${verb} ${name}`);
        }
      }
    }
  }
  return [...out].sort();
}
