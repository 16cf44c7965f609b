/**
 * @module kube/types
 * The group, version, resource and kind of every built-in resource the client names
 * (`kube.pods`, `kube.deployments`, ...). Pass one of these, or your own, to `kube.resource()`.
 */
import type { ResourceType } from "./api.js";

const core = (resource: string, kind: string, namespaced = true): ResourceType => ({ group: "", version: "v1", resource, kind, namespaced });
const typed = (group: string, version: string, resource: string, kind: string, namespaced = true): ResourceType => ({ group, version, resource, kind, namespaced });

/** Built-in resource types, keyed as on `KubeClient`. */
export const RESOURCE_TYPES = {
  pods: core("pods", "Pod"),
  services: core("services", "Service"),
  configMaps: core("configmaps", "ConfigMap"),
  secrets: core("secrets", "Secret"),
  serviceAccounts: core("serviceaccounts", "ServiceAccount"),
  namespaces: core("namespaces", "Namespace", false),
  events: core("events", "Event"),
  nodes: core("nodes", "Node", false),
  persistentVolumeClaims: core("persistentvolumeclaims", "PersistentVolumeClaim"),
  resourceQuotas: core("resourcequotas", "ResourceQuota"),
  limitRanges: core("limitranges", "LimitRange"),
  deployments: typed("apps", "v1", "deployments", "Deployment"),
  statefulSets: typed("apps", "v1", "statefulsets", "StatefulSet"),
  daemonSets: typed("apps", "v1", "daemonsets", "DaemonSet"),
  replicaSets: typed("apps", "v1", "replicasets", "ReplicaSet"),
  jobs: typed("batch", "v1", "jobs", "Job"),
  cronJobs: typed("batch", "v1", "cronjobs", "CronJob"),
  leases: typed("coordination.k8s.io", "v1", "leases", "Lease"),
  roles: typed("rbac.authorization.k8s.io", "v1", "roles", "Role"),
  roleBindings: typed("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding"),
  clusterRoles: typed("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false),
  clusterRoleBindings: typed("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false),
  eventsV1: typed("events.k8s.io", "v1", "events", "Event"),
  podDisruptionBudgets: typed("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget"),
  ingresses: typed("networking.k8s.io", "v1", "ingresses", "Ingress"),
  ingressClasses: typed("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false),
  networkPolicies: typed("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy"),
  endpointSlices: typed("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice"),
} as const satisfies Record<string, ResourceType>;
