/**
 * @module cluster/auth/types
 * The shapes shared by authentication and authorization of the emulated API server: who a
 * request comes from (`UserInfo`), what it asks (`RequestAttributes`, as the real server's
 * `authorizer.Attributes`) and where RBAC objects are read from (`RbacSource`).
 */
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from "kubernetes-types/rbac/v1.js";
import type { NonResourceRule, ResourceRule as GeneratedResourceRule } from "kubernetes-types/authorization/v1.js";

/**
 * authorization/v1 ResourceRule. kubernetes-types loses `verbs` and `resources` (a `*\/foo` in
 * their doc comment ends the comment early), so they are added back here.
 */
export interface ResourceRule extends GeneratedResourceRule {
  verbs: string[];
  resources?: string[];
}

/** An authenticated (or the anonymous) user, as `user.Info` in k8s.io/apiserver. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  /** Extra attributes, e.g. `authentication.kubernetes.io/credential-id`. */
  extra?: Record<string, string[]>;
}

/** What a request asks to do, as the real server's authorizer attributes. */
export interface RequestAttributes {
  user: UserInfo;
  /** Kubernetes verb (`get`, `list`, `watch`, `create`, ...) or, for non-resource requests, the lowercased HTTP method. */
  verb: string;
  /** `false` for paths outside `/api` and `/apis` resources (`/healthz`, `/version`, `/`). */
  resourceRequest: boolean;
  /** The URL path (without the query). */
  path: string;
  apiGroup: string;
  apiVersion: string;
  /** Plural resource name, e.g. `deployments`. Empty for non-resource requests. */
  resource: string;
  /** e.g. `scale`, `log`, `status`; empty when none. */
  subresource: string;
  /** Object name; empty for list, watch without a name, create (when not in the path) and deletecollection. */
  name: string;
  /** Empty for cluster-scoped resources and all-namespaces requests. */
  namespace: string;
}

/** Where the authorizer reads RBAC objects from; called on every decision, so it sees changes at once. */
export interface RbacSource {
  roles(namespace: string): Role[];
  roleBindings(namespace: string): RoleBinding[];
  clusterRoles(): ClusterRole[];
  clusterRoleBindings(): ClusterRoleBinding[];
}

/** A decision: `reason` reads like the real RBAC authorizer's (empty when denied). */
export interface Decision {
  allowed: boolean;
  reason: string;
}

/** The rules a user has in a namespace, as a SelfSubjectRulesReview's status. */
export interface UserRules {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  /** True when some binding refers to a missing role (see `evaluationError`). */
  incomplete: boolean;
  /** Why the rules are incomplete, as the real server words it. */
  evaluationError?: string;
}

/**
 * Whose rule resolver reads the roles: the authorizer's (informer listers; rules reviews) or
 * the RBAC registries' escalation check's (the stores), which word a missing role differently.
 */
export type RulesVia = "listers" | "registry";

/** RBAC authorization of requests. */
export interface Authorizer {
  authorize(attrs: RequestAttributes): Decision;
  /** Every rule that applies to `user` in `namespace` (cluster-wide rules included). */
  rulesFor(user: UserInfo, namespace: string, via?: RulesVia): UserRules;
}
