/**
 * @module deploy/rbac
 * The RBAC objects of one workload: a Role and RoleBinding per namespace its permissions touch,
 * a ClusterRole and ClusterRoleBinding when some need the cluster scope, the Lease rights of
 * leader election when it runs in-process schedules, and `create tokenreviews` (in its
 * ClusterRole) when a function authenticates callers by ServiceAccount: not a binding to
 * `system:auth-delegator`, which grants SubjectAccessReviews too. Nothing else.
 *
 * Names: a Role and RoleBinding in the home namespace are named after the ServiceAccount; in
 * another namespace, and for cluster-wide objects, `<home namespace>:<ServiceAccount>`, so the
 * same app deployed in two namespaces does not collide. RBAC names are path segments, where
 * `:` is allowed (as in `system:auth-delegator`).
 */
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from "kubernetes-types/rbac/v1.js";
import type { PermissionRule } from "../function.js";
import { CLUSTER_SCOPE, compactRules, grantsByScope, grantsOf, type ResourceScopes } from "./rules.js";

export interface WorkloadAccess {
  /** The workload's ServiceAccount (and the name of its Roles in `namespace`). */
  serviceAccount: string;
  namespace: string;
  /** The union of its functions' declared permissions. */
  permissions: PermissionRule[];
  /** Name of the leader-election Lease, when the workload runs in-process schedules. */
  leaseName?: string;
  /** Grant `create tokenreviews` for ServiceAccount caller auth. */
  tokenReviews: boolean;
  /** The scopes the project declares for custom resources (deploy/scopes); absent: none. */
  scopes?: ResourceScopes;
  labels: Record<string, string>;
}

export type RbacObject = Role | RoleBinding | ClusterRole | ClusterRoleBinding;

/**
 * The rules leader election needs: get and update of its own Lease; create cannot be
 * restricted by name (the name is not known when the request is authorized), so it is granted
 * on leases of the namespace.
 */
export function leaseRules(leaseName: string): PermissionRule[] {
  return [
    { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "update"], resourceNames: [leaseName] },
    { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
  ];
}

/** The rule ServiceAccount caller auth needs: creating TokenReviews (cluster-scoped). */
export const TOKEN_REVIEW_RULES: PermissionRule[] = [{ apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"] }];

const RBAC = "rbac.authorization.k8s.io";

/**
 * Roles and bindings granting a workload exactly its permissions.
 *
 * @example
 * rbacObjects({ serviceAccount: "podfn-cleanup", namespace: "ops", permissions: [...], tokenReviews: false, labels: {} });
 */
export function rbacObjects(access: WorkloadAccess): RbacObject[] {
  const { serviceAccount, namespace, labels } = access;
  const subjects: Subject[] = [{ kind: "ServiceAccount", name: serviceAccount, namespace }];
  const permissions = [...access.permissions, ...(access.leaseName ? leaseRules(access.leaseName) : []), ...(access.tokenReviews ? TOKEN_REVIEW_RULES : [])];
  const out: RbacObject[] = [];
  for (const [scope, grants] of grantsByScope(grantsOf(permissions, namespace, access.scopes))) {
    const rules: PolicyRule[] = compactRules(grants);
    if (scope === CLUSTER_SCOPE) {
      const name = `${namespace}:${serviceAccount}`;
      out.push({ apiVersion: `${RBAC}/v1`, kind: "ClusterRole", metadata: { name, labels }, rules });
      out.push({
        apiVersion: `${RBAC}/v1`,
        kind: "ClusterRoleBinding",
        metadata: { name, labels },
        roleRef: { apiGroup: RBAC, kind: "ClusterRole", name },
        subjects,
      });
    } else {
      // In another namespace, ServiceAccounts of other home namespaces may share the name: prefix the home one.
      const name = scope === namespace ? serviceAccount : `${namespace}:${serviceAccount}`;
      const metadata = { name, namespace: scope, labels };
      out.push({ apiVersion: `${RBAC}/v1`, kind: "Role", metadata, rules });
      out.push({ apiVersion: `${RBAC}/v1`, kind: "RoleBinding", metadata, roleRef: { apiGroup: RBAC, kind: "Role", name }, subjects });
    }
  }
  return out;
}
