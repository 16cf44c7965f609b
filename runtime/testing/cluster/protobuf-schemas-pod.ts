/**
 * @module cluster/protobuf-schemas-pod
 * core/v1 PodSpec and PodTemplateSpec as k8s.io/api `generated.proto` numbers them (1.32):
 * every field of the spec (volumes, containers, affinity, tolerations, securityContext,
 * topologySpreadConstraints, schedulingGates, resourceClaims...). A Pod's status is not
 * decoded (a create ignores it).
 */
import { LABEL_SELECTOR, LOCAL_OBJECT_REFERENCE, OBJECT_META, type Schema } from "./protobuf-schemas-meta.js";
import { CONTAINER, EPHEMERAL_CONTAINER, PROFILE, RESOURCE_REQUIREMENTS, SE_LINUX_OPTIONS, WINDOWS_OPTIONS } from "./protobuf-schemas-container.js";
import { VOLUME } from "./protobuf-schemas-volumes.js";

const NODE_SELECTOR_REQUIREMENT: Schema = { 1: ["key", "string"], 2: ["operator", "string"], 3: ["values", "string", "repeated"] };
const NODE_SELECTOR_TERM: Schema = { 1: ["matchExpressions", NODE_SELECTOR_REQUIREMENT, "repeated"], 2: ["matchFields", NODE_SELECTOR_REQUIREMENT, "repeated"] };
const POD_AFFINITY_TERM: Schema = {
  1: ["labelSelector", LABEL_SELECTOR],
  2: ["namespaces", "string", "repeated"],
  3: ["topologyKey", "string"],
  4: ["namespaceSelector", LABEL_SELECTOR],
  5: ["matchLabelKeys", "string", "repeated"],
  6: ["mismatchLabelKeys", "string", "repeated"],
};
/** PodAffinity and PodAntiAffinity (the same layout). */
const POD_AFFINITY: Schema = {
  1: ["requiredDuringSchedulingIgnoredDuringExecution", POD_AFFINITY_TERM, "repeated"],
  2: ["preferredDuringSchedulingIgnoredDuringExecution", { 1: ["weight", "int"], 2: ["podAffinityTerm", POD_AFFINITY_TERM] }, "repeated"],
};
const AFFINITY: Schema = {
  1: ["nodeAffinity", {
    1: ["requiredDuringSchedulingIgnoredDuringExecution", { 1: ["nodeSelectorTerms", NODE_SELECTOR_TERM, "repeated"] }],
    2: ["preferredDuringSchedulingIgnoredDuringExecution", { 1: ["weight", "int"], 2: ["preference", NODE_SELECTOR_TERM] }, "repeated"],
  }],
  2: ["podAffinity", POD_AFFINITY],
  3: ["podAntiAffinity", POD_AFFINITY],
};
const POD_SECURITY_CONTEXT: Schema = {
  1: ["seLinuxOptions", SE_LINUX_OPTIONS],
  2: ["runAsUser", "int?"],
  3: ["runAsNonRoot", "bool?"],
  4: ["supplementalGroups", "int", "repeated"],
  5: ["fsGroup", "int?"],
  6: ["runAsGroup", "int?"],
  7: ["sysctls", { 1: ["name", "string"], 2: ["value", "string"] }, "repeated"],
  8: ["windowsOptions", WINDOWS_OPTIONS],
  9: ["fsGroupChangePolicy", "string?"],
  10: ["seccompProfile", PROFILE],
  11: ["appArmorProfile", PROFILE],
  12: ["supplementalGroupsPolicy", "string?"],
  13: ["seLinuxChangePolicy", "string?"],
};
const TOLERATION: Schema = { 1: ["key", "string"], 2: ["operator", "string"], 3: ["value", "string"], 4: ["effect", "string"], 5: ["tolerationSeconds", "int?"] };
const TOPOLOGY_SPREAD_CONSTRAINT: Schema = {
  1: ["maxSkew", "int"],
  2: ["topologyKey", "string"],
  3: ["whenUnsatisfiable", "string"],
  4: ["labelSelector", LABEL_SELECTOR],
  5: ["minDomains", "int?"],
  6: ["nodeAffinityPolicy", "string?"],
  7: ["nodeTaintsPolicy", "string?"],
  8: ["matchLabelKeys", "string", "repeated"],
};
export const POD_SPEC: Schema = {
  1: ["volumes", VOLUME, "repeated"],
  2: ["containers", CONTAINER, "repeated"],
  3: ["restartPolicy", "string"],
  4: ["terminationGracePeriodSeconds", "int?"],
  5: ["activeDeadlineSeconds", "int?"],
  6: ["dnsPolicy", "string"],
  7: ["nodeSelector", "stringMap"],
  8: ["serviceAccountName", "string"],
  9: ["serviceAccount", "string"],
  10: ["nodeName", "string"],
  11: ["hostNetwork", "bool"],
  12: ["hostPID", "bool"],
  13: ["hostIPC", "bool"],
  14: ["securityContext", POD_SECURITY_CONTEXT],
  15: ["imagePullSecrets", LOCAL_OBJECT_REFERENCE, "repeated"],
  16: ["hostname", "string"],
  17: ["subdomain", "string"],
  18: ["affinity", AFFINITY],
  19: ["schedulerName", "string"],
  20: ["initContainers", CONTAINER, "repeated"],
  21: ["automountServiceAccountToken", "bool?"],
  22: ["tolerations", TOLERATION, "repeated"],
  23: ["hostAliases", { 1: ["ip", "string"], 2: ["hostnames", "string", "repeated"] }, "repeated"],
  24: ["priorityClassName", "string"],
  25: ["priority", "int?"],
  26: ["dnsConfig", {
    1: ["nameservers", "string", "repeated"],
    2: ["searches", "string", "repeated"],
    3: ["options", { 1: ["name", "string"], 2: ["value", "string?"] }, "repeated"],
  }],
  27: ["shareProcessNamespace", "bool?"],
  28: ["readinessGates", { 1: ["conditionType", "string"] }, "repeated"],
  29: ["runtimeClassName", "string?"],
  30: ["enableServiceLinks", "bool?"],
  31: ["preemptionPolicy", "string?"],
  32: ["overhead", "quantityMap"],
  33: ["topologySpreadConstraints", TOPOLOGY_SPREAD_CONSTRAINT, "repeated"],
  34: ["ephemeralContainers", EPHEMERAL_CONTAINER, "repeated"],
  35: ["setHostnameAsFQDN", "bool?"],
  36: ["os", { 1: ["name", "string"] }],
  37: ["hostUsers", "bool?"],
  38: ["schedulingGates", { 1: ["name", "string"] }, "repeated"],
  39: ["resourceClaims", { 1: ["name", "string"], 3: ["resourceClaimName", "string?"], 4: ["resourceClaimTemplateName", "string?"] }, "repeated"],
  40: ["resources", RESOURCE_REQUIREMENTS],
};
export const POD_TEMPLATE_SPEC: Schema = { 1: ["metadata", OBJECT_META], 2: ["spec", POD_SPEC] };
