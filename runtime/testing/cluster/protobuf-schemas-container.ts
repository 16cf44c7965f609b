/**
 * @module cluster/protobuf-schemas-container
 * core/v1 Container as k8s.io/api `generated.proto` numbers it (1.32): ports, env and
 * envFrom with their sources, resources, volume mounts and devices, probes, lifecycle
 * hooks, securityContext, resizePolicy and a sidecar's restartPolicy. EphemeralContainer
 * embeds the same fields (EphemeralContainerCommon, inline) and names its target.
 */
import { LOCAL_OBJECT_REFERENCE, type Schema } from "./protobuf-schemas-meta.js";
import { OBJECT_FIELD_SELECTOR, RESOURCE_FIELD_SELECTOR } from "./protobuf-schemas-volumes.js";

const ENV_VAR_SOURCE: Schema = {
  1: ["fieldRef", OBJECT_FIELD_SELECTOR],
  2: ["resourceFieldRef", RESOURCE_FIELD_SELECTOR],
  3: ["configMapKeyRef", { 1: ["", LOCAL_OBJECT_REFERENCE], 2: ["key", "string"], 3: ["optional", "bool?"] }],
  4: ["secretKeyRef", { 1: ["", LOCAL_OBJECT_REFERENCE], 2: ["key", "string"], 3: ["optional", "bool?"] }],
};
const ENV_FROM_SOURCE: Schema = {
  1: ["prefix", "string"],
  2: ["configMapRef", { 1: ["", LOCAL_OBJECT_REFERENCE], 2: ["optional", "bool?"] }],
  3: ["secretRef", { 1: ["", LOCAL_OBJECT_REFERENCE], 2: ["optional", "bool?"] }],
};
/** ResourceRequirements (also PodSpec.resources). */
export const RESOURCE_REQUIREMENTS: Schema = {
  1: ["limits", "quantityMap"],
  2: ["requests", "quantityMap"],
  3: ["claims", { 1: ["name", "string"], 2: ["request", "string"] }, "repeated"],
};
const EXEC_ACTION: Schema = { 1: ["command", "string", "repeated"] };
const HTTP_GET_ACTION: Schema = {
  1: ["path", "string"],
  2: ["port", "intOrString"],
  3: ["host", "string"],
  4: ["scheme", "string"],
  5: ["httpHeaders", { 1: ["name", "string"], 2: ["value", "string"] }, "repeated"],
};
const TCP_SOCKET_ACTION: Schema = { 1: ["port", "intOrString"], 2: ["host", "string"] };
const PROBE_HANDLER: Schema = {
  1: ["exec", EXEC_ACTION],
  2: ["httpGet", HTTP_GET_ACTION],
  3: ["tcpSocket", TCP_SOCKET_ACTION],
  4: ["grpc", { 1: ["port", "int"], 2: ["service", "string?"] }],
};
const PROBE: Schema = {
  1: ["", PROBE_HANDLER],
  2: ["initialDelaySeconds", "int"],
  3: ["timeoutSeconds", "int"],
  4: ["periodSeconds", "int"],
  5: ["successThreshold", "int"],
  6: ["failureThreshold", "int"],
  7: ["terminationGracePeriodSeconds", "int?"],
};
const LIFECYCLE_HANDLER: Schema = {
  1: ["exec", EXEC_ACTION],
  2: ["httpGet", HTTP_GET_ACTION],
  3: ["tcpSocket", TCP_SOCKET_ACTION],
  4: ["sleep", { 1: ["seconds", "int"] }],
};
export const SE_LINUX_OPTIONS: Schema = { 1: ["user", "string"], 2: ["role", "string"], 3: ["type", "string"], 4: ["level", "string"] };
export const WINDOWS_OPTIONS: Schema = {
  1: ["gmsaCredentialSpecName", "string?"],
  2: ["gmsaCredentialSpec", "string?"],
  3: ["runAsUserName", "string?"],
  4: ["hostProcess", "bool?"],
};
/** SeccompProfile and AppArmorProfile (the same layout). */
export const PROFILE: Schema = { 1: ["type", "string"], 2: ["localhostProfile", "string?"] };
const SECURITY_CONTEXT: Schema = {
  1: ["capabilities", { 1: ["add", "string", "repeated"], 2: ["drop", "string", "repeated"] }],
  2: ["privileged", "bool?"],
  3: ["seLinuxOptions", SE_LINUX_OPTIONS],
  4: ["runAsUser", "int?"],
  5: ["runAsNonRoot", "bool?"],
  6: ["readOnlyRootFilesystem", "bool?"],
  7: ["allowPrivilegeEscalation", "bool?"],
  8: ["runAsGroup", "int?"],
  9: ["procMount", "string?"],
  10: ["windowsOptions", WINDOWS_OPTIONS],
  11: ["seccompProfile", PROFILE],
  12: ["appArmorProfile", PROFILE],
};
export const CONTAINER: Schema = {
  1: ["name", "string"],
  2: ["image", "string"],
  3: ["command", "string", "repeated"],
  4: ["args", "string", "repeated"],
  5: ["workingDir", "string"],
  6: ["ports", { 1: ["name", "string"], 2: ["hostPort", "int"], 3: ["containerPort", "int"], 4: ["protocol", "string"], 5: ["hostIP", "string"] }, "repeated"],
  7: ["env", { 1: ["name", "string"], 2: ["value", "string"], 3: ["valueFrom", ENV_VAR_SOURCE] }, "repeated"],
  8: ["resources", RESOURCE_REQUIREMENTS],
  9: ["volumeMounts", {
    1: ["name", "string"], 2: ["readOnly", "bool"], 3: ["mountPath", "string"], 4: ["subPath", "string"],
    5: ["mountPropagation", "string?"], 6: ["subPathExpr", "string"], 7: ["recursiveReadOnly", "string?"],
  }, "repeated"],
  10: ["livenessProbe", PROBE],
  11: ["readinessProbe", PROBE],
  12: ["lifecycle", { 1: ["postStart", LIFECYCLE_HANDLER], 2: ["preStop", LIFECYCLE_HANDLER] }],
  13: ["terminationMessagePath", "string"],
  14: ["imagePullPolicy", "string"],
  15: ["securityContext", SECURITY_CONTEXT],
  16: ["stdin", "bool"],
  17: ["stdinOnce", "bool"],
  18: ["tty", "bool"],
  19: ["envFrom", ENV_FROM_SOURCE, "repeated"],
  20: ["terminationMessagePolicy", "string"],
  21: ["volumeDevices", { 1: ["name", "string"], 2: ["devicePath", "string"] }, "repeated"],
  22: ["startupProbe", PROBE],
  23: ["resizePolicy", { 1: ["resourceName", "string"], 2: ["restartPolicy", "string"] }, "repeated"],
  24: ["restartPolicy", "string?"],
};
export const EPHEMERAL_CONTAINER: Schema = { 1: ["", CONTAINER], 2: ["targetContainerName", "string"] };
