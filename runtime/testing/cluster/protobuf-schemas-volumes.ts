/**
 * @module cluster/protobuf-schemas-volumes
 * core/v1 Volume as k8s.io/api `generated.proto` numbers it: the volume sources a pod
 * template carries (hostPath, emptyDir, secret, nfs, persistentVolumeClaim, downwardAPI,
 * configMap, projected, csi, ephemeral, image; the deprecated in-tree cloud and storage
 * plugins are skipped), their items, and the PersistentVolumeClaimSpec of an ephemeral
 * volume's claim template.
 */
import { LABEL_SELECTOR, LOCAL_OBJECT_REFERENCE, OBJECT_META, TYPED_LOCAL_OBJECT_REFERENCE, type Schema } from "./protobuf-schemas-meta.js";

export const OBJECT_FIELD_SELECTOR: Schema = { 1: ["apiVersion", "string"], 2: ["fieldPath", "string"] };
/** ResourceFieldSelector (divisor a Quantity value: always written, "0" when unset). */
export const RESOURCE_FIELD_SELECTOR: Schema = { 1: ["containerName", "string"], 2: ["resource", "string"], 3: ["divisor", "quantity"] };
const KEY_TO_PATH: Schema = { 1: ["key", "string"], 2: ["path", "string"], 3: ["mode", "int?"] };
const DOWNWARD_API_FILE: Schema = {
  1: ["path", "string"],
  2: ["fieldRef", OBJECT_FIELD_SELECTOR],
  3: ["resourceFieldRef", RESOURCE_FIELD_SELECTOR],
  4: ["mode", "int?"],
};
const VOLUME_PROJECTION: Schema = {
  1: ["secret", { 1: ["", LOCAL_OBJECT_REFERENCE], 2: ["items", KEY_TO_PATH, "repeated"], 4: ["optional", "bool?"] }],
  2: ["downwardAPI", { 1: ["items", DOWNWARD_API_FILE, "repeated"] }],
  3: ["configMap", { 1: ["", LOCAL_OBJECT_REFERENCE], 2: ["items", KEY_TO_PATH, "repeated"], 4: ["optional", "bool?"] }],
  4: ["serviceAccountToken", { 1: ["audience", "string"], 2: ["expirationSeconds", "int?"], 3: ["path", "string"] }],
  5: ["clusterTrustBundle", { 1: ["name", "string?"], 2: ["signerName", "string?"], 3: ["labelSelector", LABEL_SELECTOR], 4: ["path", "string"], 5: ["optional", "bool?"] }],
};
/** PersistentVolumeClaimSpec (resources a VolumeResourceRequirements value). */
export const PVC_SPEC: Schema = {
  1: ["accessModes", "string", "repeated"],
  2: ["resources", { 1: ["limits", "quantityMap"], 2: ["requests", "quantityMap"] }],
  3: ["volumeName", "string"],
  4: ["selector", LABEL_SELECTOR],
  5: ["storageClassName", "string?"],
  6: ["volumeMode", "string?"],
  7: ["dataSource", TYPED_LOCAL_OBJECT_REFERENCE],
  8: ["dataSourceRef", { 1: ["apiGroup", "string?"], 2: ["kind", "string"], 3: ["name", "string"], 4: ["namespace", "string?"] }],
  9: ["volumeAttributesClassName", "string?"],
};
/** VolumeSource, embedded inline in Volume. */
const VOLUME_SOURCE: Schema = {
  1: ["hostPath", { 1: ["path", "string"], 2: ["type", "string?"] }],
  2: ["emptyDir", { 1: ["medium", "string"], 2: ["sizeLimit", "quantity"] }],
  6: ["secret", { 1: ["secretName", "string"], 2: ["items", KEY_TO_PATH, "repeated"], 3: ["defaultMode", "int?"], 4: ["optional", "bool?"] }],
  7: ["nfs", { 1: ["server", "string"], 2: ["path", "string"], 3: ["readOnly", "bool"] }],
  10: ["persistentVolumeClaim", { 1: ["claimName", "string"], 2: ["readOnly", "bool"] }],
  16: ["downwardAPI", { 1: ["items", DOWNWARD_API_FILE, "repeated"], 2: ["defaultMode", "int?"] }],
  19: ["configMap", { 1: ["", LOCAL_OBJECT_REFERENCE], 2: ["items", KEY_TO_PATH, "repeated"], 3: ["defaultMode", "int?"], 4: ["optional", "bool?"] }],
  26: ["projected", { 1: ["sources", VOLUME_PROJECTION, "repeated"], 2: ["defaultMode", "int?"] }],
  28: ["csi", { 1: ["driver", "string"], 2: ["readOnly", "bool?"], 3: ["fsType", "string?"], 4: ["volumeAttributes", "stringMap"], 5: ["nodePublishSecretRef", LOCAL_OBJECT_REFERENCE] }],
  29: ["ephemeral", { 1: ["volumeClaimTemplate", { 1: ["metadata", OBJECT_META], 2: ["spec", PVC_SPEC] }] }],
  30: ["image", { 1: ["reference", "string"], 2: ["pullPolicy", "string"] }],
};
export const VOLUME: Schema = { 1: ["name", "string"], 2: ["", VOLUME_SOURCE] };
