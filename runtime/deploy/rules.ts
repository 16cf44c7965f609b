/**
 * @module deploy/rules
 * Declared permissions to RBAC rules, per scope, granting exactly what was declared. Each rule is
 * taken apart into grants (scope, group, resource, verb, name), then put back together as few
 * rules as merging allows without widening: two rules merge only when they differ along a single
 * dimension, since a rule grants the cross product of its lists. The output is sorted, so the
 * same permissions always give the same rules.
 *
 * The scope is the namespace a Role goes to, or `"*"` for a ClusterRole: rules with
 * `namespace: "*"` and every cluster-scoped resource (nodes, namespaces, ...) need one: the
 * built-in ones known here, custom ones as the project declares them (deploy/scopes).
 */
import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import type { PermissionRule } from "../function.js";
import { byCodeUnits } from "./order.js";

/** Scope of rules that need a ClusterRole. */
export const CLUSTER_SCOPE = "*";

/** Cluster-scoped resources by API group (`""` is core): RBAC grants them only through a ClusterRole. */
const CLUSTER_SCOPED: Record<string, string[]> = {
  "": ["componentstatuses", "namespaces", "nodes", "persistentvolumes"],
  "admissionregistration.k8s.io": [
    "mutatingadmissionpolicies",
    "mutatingadmissionpolicybindings",
    "mutatingwebhookconfigurations",
    "validatingadmissionpolicies",
    "validatingadmissionpolicybindings",
    "validatingwebhookconfigurations",
  ],
  "apiextensions.k8s.io": ["customresourcedefinitions"],
  "apiregistration.k8s.io": ["apiservices"],
  "authentication.k8s.io": ["selfsubjectreviews", "tokenreviews"],
  "authorization.k8s.io": ["selfsubjectaccessreviews", "selfsubjectrulesreviews", "subjectaccessreviews"],
  // signers: what the CertificateApproval and CertificateSigning plugins authorize approve and sign on.
  "certificates.k8s.io": ["certificatesigningrequests", "clustertrustbundles", "signers"],
  "flowcontrol.apiserver.k8s.io": ["flowschemas", "prioritylevelconfigurations"],
  "internal.apiserver.k8s.io": ["storageversions"],
  // metrics-server's NodeMetrics (`/apis/metrics.k8s.io/v1beta1/nodes`); PodMetrics are namespaced.
  "metrics.k8s.io": ["nodes"],
  "networking.k8s.io": ["ingressclasses", "ipaddresses", "servicecidrs"],
  "node.k8s.io": ["runtimeclasses"],
  "rbac.authorization.k8s.io": ["clusterrolebindings", "clusterroles"],
  "resource.k8s.io": ["deviceclasses", "resourceslices"],
  "scheduling.k8s.io": ["priorityclasses"],
  "storage.k8s.io": ["csidrivers", "csinodes", "storageclasses", "volumeattachments", "volumeattributesclasses"],
  "storagemigration.k8s.io": ["storageversionmigrations"],
};

/** Built-in API groups whose resources are all namespaced (the others are `CLUSTER_SCOPED`'s). */
const NAMESPACED_GROUPS = new Set(["apps", "autoscaling", "batch", "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io", "policy"]);

/** Whether `group` is one of Kubernetes' own (or metrics-server's), whose resources' scopes are known here. */
export function isBuiltInGroup(group: string): boolean {
  return Object.hasOwn(CLUSTER_SCOPED, group) || NAMESPACED_GROUPS.has(group);
}

/**
 * Whether each custom resource the project declares a scope for is namespaced, by
 * `scopeKey(group, resource)` (deploy/scopes).
 */
export type ResourceScopes = ReadonlyMap<string, boolean>;

/** `example.com/gadgets` for `gadgets` or `gadgets/status` of example.com. */
export const scopeKey = (group: string, resource: string): string => `${group}/${resource.split("/")[0]!}`;

/** Whether `scopes` says `group`/`resource` is cluster-scoped; for the group `*`, in some group. */
function declaredClusterScoped(scopes: ResourceScopes, group: string, resource: string): boolean {
  if (group !== "*") return scopes.get(scopeKey(group, resource)) === false;
  const base = resource.split("/")[0]!;
  return [...scopes].some(([key, namespaced]) => !namespaced && key.slice(key.lastIndexOf("/") + 1) === base);
}

/**
 * Whether `group`/`resource` (subresource allowed, e.g. `nodes/status`) is cluster-scoped. For
 * the group `*`, whether it is in some group: a Role's grant on `*`/`nodes` would grant nothing.
 */
export function isClusterScoped(group: string, resource: string): boolean {
  const base = resource.split("/")[0]!;
  if (group === "*") return Object.values(CLUSTER_SCOPED).some((resources) => resources.includes(base));
  return CLUSTER_SCOPED[group]?.includes(base) ?? false;
}

/** One permission: verb on group/resource, on one object (`name`) or all (`null`), in one scope. */
export interface Grant {
  scope: string;
  group: string;
  resource: string;
  verb: string;
  name: string | null;
}

/**
 * The grants of declared permissions. `home` is the workload's namespace (rules without
 * `namespace`); `scopes`, the custom resources' the project declares: a cluster-scoped one is
 * granted in the ClusterRole, as a built-in one is, whatever the rule's `namespace`.
 */
export function grantsOf(rules: PermissionRule[], home: string, scopes: ResourceScopes = new Map()): Grant[] {
  const out: Grant[] = [];
  for (const rule of rules) {
    for (const group of rule.apiGroups) {
      for (const resource of rule.resources) {
        const cluster = rule.namespace === CLUSTER_SCOPE || isClusterScoped(group, resource) || declaredClusterScoped(scopes, group, resource);
        const scope = cluster ? CLUSTER_SCOPE : (rule.namespace ?? home);
        for (const verb of rule.verbs) {
          for (const name of rule.resourceNames ?? [null]) out.push({ scope, group, resource, verb, name });
        }
      }
    }
  }
  return out;
}

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();
const key = (values: string[]): string => JSON.stringify(values);

/** Groups `items` by `keyOf`, keeping the first item of each group's other fields and merging one field. */
function mergeAlong<T>(items: T[], keyOf: (item: T) => string, merge: (group: T[]) => T): T[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return [...groups.values()].map(merge);
}

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  /** `[]`: every object. */
  resourceNames: string[];
}

/**
 * The fewest RBAC rules granting exactly `grants` (all in one scope), sorted.
 * A grant on every object makes grants on named objects of the same verb redundant.
 */
export function compactRules(grants: Grant[]): PolicyRule[] {
  const names = new Map<string, Set<string> | "all">();
  for (const g of grants) {
    const k = key([g.group, g.resource, g.verb]);
    const current = names.get(k);
    if (g.name === null || current === "all") names.set(k, "all");
    else names.set(k, new Set([...(current ?? []), g.name]));
  }
  let rules: Rule[] = [...names].map(([k, n]) => {
    const [group, resource, verb] = JSON.parse(k) as [string, string, string];
    return { apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: n === "all" ? [] : sorted(n) };
  });
  rules = mergeAlong(
    rules,
    (r) => key([...r.apiGroups, "|", ...r.resources, "|", ...r.resourceNames]),
    (g) => ({ ...g[0]!, verbs: sorted(g.flatMap((r) => r.verbs)) }),
  );
  rules = mergeAlong(
    rules,
    (r) => key([...r.apiGroups, "|", ...r.verbs, "|", ...r.resourceNames]),
    (g) => ({ ...g[0]!, resources: sorted(g.flatMap((r) => r.resources)) }),
  );
  rules = mergeAlong(
    rules,
    (r) => key([...r.resources, "|", ...r.verbs, "|", ...r.resourceNames]),
    (g) => ({ ...g[0]!, apiGroups: sorted(g.flatMap((r) => r.apiGroups)) }),
  );
  return rules
    .map((r): PolicyRule => ({ apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs, ...(r.resourceNames.length ? { resourceNames: r.resourceNames } : {}) }))
    .sort((a, b) => byCodeUnits(JSON.stringify(a), JSON.stringify(b)));
}

/** Grants by scope, scopes sorted (`"*"` first). */
export function grantsByScope(grants: Grant[]): Map<string, Grant[]> {
  const byScope = new Map<string, Grant[]>();
  for (const g of [...grants].sort((a, b) => byCodeUnits(a.scope, b.scope))) byScope.set(g.scope, [...(byScope.get(g.scope) ?? []), g]);
  return byScope;
}
