/**
 * @module kube/types
 * The group, version, resource and kind of every built-in resource the client names
 * (`kube.pods`, `kube.deployments`, ...). Pass one of these, or your own, to `kube.resource()`.
 * Each keeps its names' literal types (`"jobs"`, `"batch"`): the names a watch gives built-in
 * resources, and their object types, are derived from them (`watch/object-types.ts`).
 */
import type { ResourceType } from "./api.js";

const core = <R extends string, K extends string>(resource: R, kind: K, namespaced = true) => ({ group: "" as const, version: "v1" as const, resource, kind, namespaced }) satisfies ResourceType;
const typed = <G extends string, V extends string, R extends string, K extends string>(group: G, version: V, resource: R, kind: K, namespaced = true) =>
  ({ group, version, resource, kind, namespaced }) satisfies ResourceType;

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
  endpoints: core("endpoints", "Endpoints"),
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
  persistentVolumes: core("persistentvolumes", "PersistentVolume", false),
  horizontalPodAutoscalers: typed("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler"),
  certificateSigningRequests: typed("certificates.k8s.io", "v1", "certificatesigningrequests", "CertificateSigningRequest", false),
  storageClasses: typed("storage.k8s.io", "v1", "storageclasses", "StorageClass", false),
  priorityClasses: typed("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", false),
} as const satisfies Record<string, ResourceType>;
