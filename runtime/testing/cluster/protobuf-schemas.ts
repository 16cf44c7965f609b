/**
 * @module cluster/protobuf-schemas
 * The protobuf field numbers (from k8s.io/api `generated.proto`) of the kinds kubectl's typed
 * clients send as protobuf: reviews, TokenRequest, RBAC, Namespace, ServiceAccount, ConfigMap,
 * Secret (`kubectl create secret/configmap/...`), Job, CronJob, Deployment, Service,
 * PodDisruptionBudget, Ingress and ResourceQuota (`kubectl create
 * job/cronjob/deployment/service/pdb/ingress/quota`), an autoscaling/v1
 * HorizontalPodAutoscaler (`kubectl autoscale`), a CertificateSigningRequest (`kubectl certificate
 * approve/deny`, `protobuf-schemas-certificates`), a PriorityClass (`kubectl create priorityclass`,
 * `protobuf-schemas-scheduling`), Pod (`kubectl debug --copy-to`, `kubectl
 * debug node/...`), with the nested
 * types they carry: a workload's pod template whole (`protobuf-schemas-pod`), so `kubectl create
 * job --from=cronjob/...` creates the Job its CronJob describes. Fields not listed are skipped
 * (an object's status, managedFields and timestamps; the deprecated in-tree volume plugins).
 */

import { LABEL_SELECTOR, OBJECT_META, TYPED_LOCAL_OBJECT_REFERENCE, type Schema } from "./protobuf-schemas-meta.js";
import { POD_SPEC, POD_TEMPLATE_SPEC } from "./protobuf-schemas-pod.js";
import { CERTIFICATES_SCHEMAS } from "./protobuf-schemas-certificates.js";
import { SCHEDULING_SCHEMAS } from "./protobuf-schemas-scheduling.js";

export type { Field, FieldType, Schema } from "./protobuf-schemas-meta.js";

const POLICY_RULE: Schema = {
  1: ["verbs", "string", "repeated"],
  2: ["apiGroups", "string", "repeated"],
  3: ["resources", "string", "repeated"],
  4: ["resourceNames", "string", "repeated"],
  5: ["nonResourceURLs", "string", "repeated"],
};
const BINDING: Schema = {
  1: ["metadata", OBJECT_META],
  2: ["subjects", { 1: ["kind", "string"], 2: ["apiGroup", "string"], 3: ["name", "string"], 4: ["namespace", "string"] }, "repeated"],
  3: ["roleRef", { 1: ["apiGroup", "string"], 2: ["kind", "string"], 3: ["name", "string"] }],
};
const ROLE: Schema = { 1: ["metadata", OBJECT_META], 2: ["rules", POLICY_RULE, "repeated"] };
/** A ClusterRole is a Role with an aggregationRule (3): the selectors of the roles it gathers. */
const CLUSTER_ROLE: Schema = { ...ROLE, 3: ["aggregationRule", { 1: ["clusterRoleSelectors", LABEL_SELECTOR, "repeated"] }] };
const RESOURCE_ATTRIBUTES: Schema = {
  1: ["namespace", "string"], 2: ["verb", "string"], 3: ["group", "string"], 4: ["version", "string"],
  5: ["resource", "string"], 6: ["subresource", "string"], 7: ["name", "string"],
};
/** batch/v1 PodFailurePolicy: its rules (onExitCodes' values a repeated int32). */
const POD_FAILURE_POLICY: Schema = {
  1: ["rules", {
    1: ["action", "string"],
    2: ["onExitCodes", { 1: ["containerName", "string?"], 2: ["operator", "string"], 3: ["values", "int", "repeated"] }],
    3: ["onPodConditions", { 1: ["type", "string"], 2: ["status", "string"] }, "repeated"],
  }, "repeated"],
};
const JOB_SPEC: Schema = {
  1: ["parallelism", "int?"],
  2: ["completions", "int?"],
  3: ["activeDeadlineSeconds", "int?"],
  4: ["selector", LABEL_SELECTOR],
  5: ["manualSelector", "bool?"],
  6: ["template", POD_TEMPLATE_SPEC],
  7: ["backoffLimit", "int?"],
  8: ["ttlSecondsAfterFinished", "int?"],
  9: ["completionMode", "string?"],
  10: ["suspend", "bool?"],
  11: ["podFailurePolicy", POD_FAILURE_POLICY],
  12: ["backoffLimitPerIndex", "int?"],
  13: ["maxFailedIndexes", "int?"],
  14: ["podReplacementPolicy", "string?"],
  15: ["managedBy", "string?"],
  16: ["successPolicy", { 1: ["rules", { 1: ["succeededIndexes", "string?"], 2: ["succeededCount", "int?"] }, "repeated"] }],
};
const CRON_JOB_SPEC: Schema = {
  1: ["schedule", "string"],
  2: ["startingDeadlineSeconds", "int?"],
  3: ["concurrencyPolicy", "string"],
  4: ["suspend", "bool?"],
  5: ["jobTemplate", { 1: ["metadata", OBJECT_META], 2: ["spec", JOB_SPEC] }],
  6: ["successfulJobsHistoryLimit", "int?"],
  7: ["failedJobsHistoryLimit", "int?"],
  8: ["timeZone", "string?"],
};
const DEPLOYMENT_SPEC: Schema = {
  1: ["replicas", "int?"],
  2: ["selector", LABEL_SELECTOR],
  3: ["template", POD_TEMPLATE_SPEC],
  4: ["strategy", { 1: ["type", "string"], 2: ["rollingUpdate", { 1: ["maxUnavailable", "intOrString"], 2: ["maxSurge", "intOrString"] }] }],
  5: ["minReadySeconds", "int"],
  6: ["revisionHistoryLimit", "int?"],
  7: ["paused", "bool"],
  9: ["progressDeadlineSeconds", "int?"],
};
const SERVICE_SPEC: Schema = {
  1: ["ports", { 1: ["name", "string"], 2: ["protocol", "string"], 3: ["port", "int"], 4: ["targetPort", "intOrString"], 5: ["nodePort", "int"], 6: ["appProtocol", "string?"] }, "repeated"],
  2: ["selector", "stringMap"],
  3: ["clusterIP", "string"],
  4: ["type", "string"],
  5: ["externalIPs", "string", "repeated"],
  7: ["sessionAffinity", "string"],
  8: ["loadBalancerIP", "string"],
  9: ["loadBalancerSourceRanges", "string", "repeated"],
  10: ["externalName", "string"],
  11: ["externalTrafficPolicy", "string"],
  12: ["healthCheckNodePort", "int"],
  13: ["publishNotReadyAddresses", "bool"],
  17: ["ipFamilyPolicy", "string?"],
  18: ["clusterIPs", "string", "repeated"],
  19: ["ipFamilies", "string", "repeated"],
  20: ["allocateLoadBalancerNodePorts", "bool?"],
  21: ["loadBalancerClass", "string?"],
  22: ["internalTrafficPolicy", "string?"],
};
/** policy/v1 PodDisruptionBudgetSpec (unhealthyPodEvictionPolicy, field 4, since 1.26). */
const PDB_SPEC: Schema = {
  1: ["minAvailable", "intOrString"],
  2: ["selector", LABEL_SELECTOR],
  3: ["maxUnavailable", "intOrString"],
  4: ["unhealthyPodEvictionPolicy", "string?"],
};
/** networking/v1 IngressBackend (fields 1 and 2 were v1beta1's serviceName and servicePort). */
const INGRESS_BACKEND: Schema = {
  3: ["resource", TYPED_LOCAL_OBJECT_REFERENCE],
  4: ["service", { 1: ["name", "string"], 2: ["port", { 1: ["name", "string"], 2: ["number", "int"] }] }],
};
const INGRESS_SPEC: Schema = {
  1: ["defaultBackend", INGRESS_BACKEND],
  2: ["tls", { 1: ["hosts", "string", "repeated"], 2: ["secretName", "string"] }, "repeated"],
  3: ["rules", {
    1: ["host", "string"],
    // IngressRuleValue, embedded inline: its http.
    2: ["", { 1: ["http", { 1: ["paths", { 1: ["path", "string"], 2: ["backend", INGRESS_BACKEND], 3: ["pathType", "string?"] }, "repeated"] }] }],
  }, "repeated"],
  4: ["ingressClassName", "string?"],
};
const RESOURCE_QUOTA_SPEC: Schema = {
  1: ["hard", "quantityMap"],
  2: ["scopes", "string", "repeated"],
  3: ["scopeSelector", { 1: ["matchExpressions", { 1: ["scopeName", "string"], 2: ["operator", "string"], 3: ["values", "string", "repeated"] }, "repeated"] }],
};

/** autoscaling/v1 HorizontalPodAutoscalerSpec (`kubectl autoscale`): the target, the bounds, the cpu target. */
const HPA_V1_SPEC: Schema = {
  1: ["scaleTargetRef", { 1: ["kind", "string"], 2: ["name", "string"], 3: ["apiVersion", "string"] }],
  2: ["minReplicas", "int?"],
  3: ["maxReplicas", "int"],
  4: ["targetCPUUtilizationPercentage", "int?"],
};

/** Known kinds by `apiVersion/kind`. */
export const SCHEMAS: Record<string, Schema> = {
  "authentication.k8s.io/v1/SelfSubjectReview": { 1: ["metadata", OBJECT_META] },
  "authentication.k8s.io/v1/TokenReview": { 1: ["metadata", OBJECT_META], 2: ["spec", { 1: ["token", "string"], 2: ["audiences", "string", "repeated"] }] },
  "authentication.k8s.io/v1/TokenRequest": {
    1: ["metadata", OBJECT_META],
    2: ["spec", { 1: ["audiences", "string", "repeated"], 3: ["boundObjectRef", { 1: ["kind", "string"], 2: ["apiVersion", "string"], 3: ["name", "string"], 4: ["uid", "string"] }], 4: ["expirationSeconds", "int?"] }],
  },
  "authorization.k8s.io/v1/SelfSubjectAccessReview": {
    1: ["metadata", OBJECT_META],
    2: ["spec", { 1: ["resourceAttributes", RESOURCE_ATTRIBUTES], 2: ["nonResourceAttributes", { 1: ["path", "string"], 2: ["verb", "string"] }] }],
  },
  "authorization.k8s.io/v1/SelfSubjectRulesReview": { 1: ["metadata", OBJECT_META], 2: ["spec", { 1: ["namespace", "string"] }] },
  "rbac.authorization.k8s.io/v1/RoleBinding": BINDING,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": BINDING,
  "rbac.authorization.k8s.io/v1/Role": ROLE,
  "rbac.authorization.k8s.io/v1/ClusterRole": CLUSTER_ROLE,
  "v1/Namespace": { 1: ["metadata", OBJECT_META], 2: ["spec", { 1: ["finalizers", "string", "repeated"] }] },
  "v1/ServiceAccount": { 1: ["metadata", OBJECT_META], 4: ["automountServiceAccountToken", "bool?"] },
  "v1/ConfigMap": { 1: ["metadata", OBJECT_META], 2: ["data", "stringMap"], 3: ["binaryData", "bytesMap"], 4: ["immutable", "bool?"] },
  "v1/Secret": { 1: ["metadata", OBJECT_META], 2: ["data", "bytesMap"], 3: ["type", "string"], 4: ["stringData", "stringMap"], 5: ["immutable", "bool?"] },
  "v1/Service": { 1: ["metadata", OBJECT_META], 2: ["spec", SERVICE_SPEC] },
  "v1/Pod": { 1: ["metadata", OBJECT_META], 2: ["spec", POD_SPEC] },
  "v1/ResourceQuota": { 1: ["metadata", OBJECT_META], 2: ["spec", RESOURCE_QUOTA_SPEC] },
  "networking.k8s.io/v1/Ingress": { 1: ["metadata", OBJECT_META], 2: ["spec", INGRESS_SPEC] },
  "batch/v1/Job": { 1: ["metadata", OBJECT_META], 2: ["spec", JOB_SPEC] },
  "batch/v1/CronJob": { 1: ["metadata", OBJECT_META], 2: ["spec", CRON_JOB_SPEC] },
  "apps/v1/Deployment": { 1: ["metadata", OBJECT_META], 2: ["spec", DEPLOYMENT_SPEC] },
  "policy/v1/PodDisruptionBudget": { 1: ["metadata", OBJECT_META], 2: ["spec", PDB_SPEC] },
  "autoscaling/v1/HorizontalPodAutoscaler": { 1: ["metadata", OBJECT_META], 2: ["spec", HPA_V1_SPEC] },
  ...CERTIFICATES_SCHEMAS,
  ...SCHEDULING_SCHEMAS,
};
