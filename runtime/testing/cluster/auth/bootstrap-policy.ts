/**
 * @module cluster/auth/bootstrap-policy
 * The RBAC objects a real API server creates at start (plugin/pkg/auth/authorizer/rbac/
 * bootstrappolicy/policy.go), limited to the roles a user or a ServiceAccount meets: the
 * superuser, the user-facing roles admin, edit and view (an aggregationRule and no rules: the
 * clusterrole-aggregation controller gathers them from `system:aggregate-to-*`), discovery,
 * basic-user, public-info-viewer, auth-delegator, service-account-issuer-discovery, the node
 * bootstrapper's CSR roles, the well-known signers' approver roles, and the persistent-volume
 * provisioner's and volume scheduler's roles (which read StorageClasses), with their bindings.
 */
import type { ClusterRole, ClusterRoleBinding, PolicyRule } from "kubernetes-types/rbac/v1.js";

const READ = ["get", "list", "watch"];
const WRITE = ["create", "update", "patch", "delete", "deletecollection"];
const READ_WRITE = [...READ, ...WRITE];
const RBAC_GROUP = "rbac.authorization.k8s.io";

/** A rule as RuleOrDie builds it: every list sorted. */
function rule(verbs: string[], groups: string[], resources: string[]): PolicyRule {
  return { verbs: [...verbs].sort(), apiGroups: [...groups].sort(), resources: [...resources].sort() };
}

/** A rule naming its objects (RuleOrDie's `Names`). */
function namedRule(verbs: string[], groups: string[], resources: string[], names: string[]): PolicyRule {
  return { ...rule(verbs, groups, resources), resourceNames: [...names].sort() };
}

const CERTIFICATES = "certificates.k8s.io";
function urlRule(verbs: string[], urls: string[]): PolicyRule {
  return { verbs: [...verbs].sort(), nonResourceURLs: [...urls].sort() };
}

const BOOTSTRAP_LABELS = { "kubernetes.io/bootstrapping": "rbac-defaults" };
const AUTOUPDATE = { "rbac.authorization.kubernetes.io/autoupdate": "true" };

/** A role; without `rules` (an aggregated one), none, as policy.go leaves them to the controller. */
function clusterRole(name: string, rules: PolicyRule[] | undefined, extra: Pick<ClusterRole, "aggregationRule"> & { labels?: Record<string, string> } = {}): ClusterRole {
  const role: ClusterRole = {
    kind: "ClusterRole",
    apiVersion: "rbac.authorization.k8s.io/v1",
    metadata: { name, labels: { ...BOOTSTRAP_LABELS, ...extra.labels }, annotations: { ...AUTOUPDATE } },
  };
  if (extra.aggregationRule) role.aggregationRule = extra.aggregationRule;
  if (rules) role.rules = rules;
  return role;
}

function clusterRoleBinding(name: string, groups: string[]): ClusterRoleBinding {
  return {
    kind: "ClusterRoleBinding",
    apiVersion: "rbac.authorization.k8s.io/v1",
    metadata: { name, labels: { ...BOOTSTRAP_LABELS }, annotations: { ...AUTOUPDATE } },
    subjects: groups.map((group) => ({ kind: "Group", apiGroup: RBAC_GROUP, name: group })),
    roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name },
  };
}

const aggregateTo = (label: string) => ({ [`rbac.authorization.k8s.io/aggregate-to-${label}`]: "true" });

function aggregatedBy(label: string): Pick<ClusterRole, "aggregationRule"> {
  return { aggregationRule: { clusterRoleSelectors: [{ matchLabels: aggregateTo(label) }] } };
}

/** system:aggregate-to-view. */
const VIEW_RULES = [
  rule(READ, [""], ["pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps"]),
  rule(READ, [""], ["limitranges", "resourcequotas", "bindings", "events", "pods/status", "resourcequotas/status", "namespaces/status", "replicationcontrollers/status", "pods/log"]),
  rule(READ, [""], ["namespaces"]),
  rule(READ, ["discovery.k8s.io"], ["endpointslices"]),
  rule(READ, ["apps"], ["controllerrevisions", "statefulsets", "statefulsets/status", "statefulsets/scale", "daemonsets", "daemonsets/status", "deployments", "deployments/status", "deployments/scale", "replicasets", "replicasets/status", "replicasets/scale"]),
  rule(READ, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
  rule(READ, ["batch"], ["jobs", "cronjobs", "cronjobs/status", "jobs/status"]),
  rule(READ, ["extensions"], ["daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "ingresses", "ingresses/status", "replicasets", "replicasets/scale", "replicasets/status", "replicationcontrollers/scale", "networkpolicies"]),
  rule(READ, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
  rule(READ, ["networking.k8s.io"], ["networkpolicies", "ingresses", "ingresses/status"]),
];

/** system:aggregate-to-edit. */
const EDIT_RULES = [
  rule(READ, [""], ["pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy"]),
  rule(["impersonate"], [""], ["serviceaccounts"]),
  rule(WRITE, [""], ["pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"]),
  rule(["create"], [""], ["pods/eviction"]),
  rule(WRITE, [""], ["replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/proxy", "persistentvolumeclaims", "configmaps", "secrets"]),
  rule(["create"], [""], ["serviceaccounts/token"]),
  rule(WRITE, ["apps"], ["statefulsets", "statefulsets/scale", "daemonsets", "deployments", "deployments/scale", "deployments/rollback", "replicasets", "replicasets/scale"]),
  rule(WRITE, ["autoscaling"], ["horizontalpodautoscalers"]),
  rule(WRITE, ["batch"], ["jobs", "cronjobs"]),
  rule(WRITE, ["extensions"], ["daemonsets", "deployments", "deployments/scale", "deployments/rollback", "ingresses", "replicasets", "replicasets/scale", "replicationcontrollers/scale", "networkpolicies"]),
  rule(WRITE, ["policy"], ["poddisruptionbudgets"]),
  rule(WRITE, ["networking.k8s.io"], ["networkpolicies", "ingresses"]),
  rule(READ_WRITE, ["coordination.k8s.io"], ["leases"]),
];

/** system:aggregate-to-admin. */
const ADMIN_RULES = [
  rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]),
  rule(READ_WRITE, [RBAC_GROUP], ["roles", "rolebindings"]),
];

/** The approver role of each well-known signer: `approve` on `signers` of that name. */
const signerApprovers = (): ClusterRole[] =>
  ["legacy-unknown", "kubelet-serving", "kube-apiserver-client", "kube-apiserver-client-kubelet"].map((signer) =>
    clusterRole(`system:certificates.k8s.io:${signer}-approver`, [namedRule(["approve"], [CERTIFICATES], ["signers"], [`kubernetes.io/${signer}`])]),
  );

const DISCOVERY_URLS = ["/livez", "/readyz", "/healthz", "/version", "/version/", "/openapi", "/openapi/*", "/api", "/api/*", "/apis", "/apis/*"];
const PUBLIC_INFO_URLS = ["/livez", "/readyz", "/healthz", "/version", "/version/"];
const ISSUER_DISCOVERY_URLS = ["/.well-known/openid-configuration", "/.well-known/openid-configuration/", "/openid/v1/jwks", "/openid/v1/jwks/"];

/**
 * The default ClusterRoles and ClusterRoleBindings to seed an emulated cluster with. Fresh
 * objects on every call (callers may mutate them); the store fills uid, resourceVersion and
 * creationTimestamp.
 *
 * @example
 * const { clusterRoles, clusterRoleBindings } = defaultRbacObjects();
 * for (const role of clusterRoles) store.create("clusterroles", role);
 */
export function defaultRbacObjects(): { clusterRoles: ClusterRole[]; clusterRoleBindings: ClusterRoleBinding[] } {
  const clusterRoles = [
    clusterRole("cluster-admin", [rule(["*"], ["*"], ["*"]), urlRule(["*"], ["*"])]),
    // The aggregation controller fills these, each selector's roles by name: admin = edit +
    // system:aggregate-to-admin, edit = system:aggregate-to-edit + view.
    clusterRole("admin", undefined, aggregatedBy("admin")),
    clusterRole("edit", undefined, { ...aggregatedBy("edit"), labels: aggregateTo("admin") }),
    clusterRole("view", undefined, { ...aggregatedBy("view"), labels: aggregateTo("edit") }),
    clusterRole("system:aggregate-to-admin", [...ADMIN_RULES], { labels: aggregateTo("admin") }),
    clusterRole("system:aggregate-to-edit", [...EDIT_RULES], { labels: aggregateTo("edit") }),
    clusterRole("system:aggregate-to-view", [...VIEW_RULES], { labels: aggregateTo("view") }),
    clusterRole("system:discovery", [urlRule(["get"], DISCOVERY_URLS)]),
    clusterRole("system:basic-user", [
      rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
      rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]),
    ]),
    clusterRole("system:public-info-viewer", [urlRule(["get"], PUBLIC_INFO_URLS)]),
    clusterRole("system:auth-delegator", [
      rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
      rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
    ]),
    clusterRole("system:service-account-issuer-discovery", [urlRule(["get"], ISSUER_DISCOVERY_URLS)]),
    clusterRole("system:node-bootstrapper", [rule(["create", "get", "list", "watch"], [CERTIFICATES], ["certificatesigningrequests"])]),
    clusterRole("system:certificates.k8s.io:certificatesigningrequests:nodeclient", [rule(["create"], [CERTIFICATES], ["certificatesigningrequests/nodeclient"])]),
    clusterRole("system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", [rule(["create"], [CERTIFICATES], ["certificatesigningrequests/selfnodeclient"])]),
    ...signerApprovers(),
    clusterRole("system:persistent-volume-provisioner", [
      rule(["get", "list", "watch", "create", "delete"], [""], ["persistentvolumes"]),
      rule(["get", "list", "watch", "update"], [""], ["persistentvolumeclaims"]),
      rule(READ, ["storage.k8s.io"], ["storageclasses"]),
      rule(["watch"], [""], ["events"]),
      rule(["create", "update", "patch"], ["", "events.k8s.io"], ["events"]),
    ]),
    clusterRole("system:volume-scheduler", [
      rule([...READ, "update", "patch"], [""], ["persistentvolumes"]),
      rule(READ, ["storage.k8s.io"], ["storageclasses"]),
      rule([...READ, "update", "patch"], [""], ["persistentvolumeclaims"]),
    ]),
  ];
  const clusterRoleBindings = [
    clusterRoleBinding("cluster-admin", ["system:masters"]),
    clusterRoleBinding("system:basic-user", ["system:authenticated"]),
    clusterRoleBinding("system:discovery", ["system:authenticated"]),
    clusterRoleBinding("system:public-info-viewer", ["system:authenticated", "system:unauthenticated"]),
    clusterRoleBinding("system:service-account-issuer-discovery", ["system:serviceaccounts"]),
  ];
  return { clusterRoles, clusterRoleBindings };
}
