/**
 * @module cluster/field-schema
 * The shape of a type as structured-merge-diff sees it, for field ownership: a struct (declared
 * fields), a map (keys are its items), a list (atomic, a set, or associative by its keys), a
 * scalar, or `deduced` (no schema: an object a map, a list atomic). A built-in kind's comes from
 * `schema-1.32`'s models and the tables below, which hold what those models lack, from the
 * 1.32 API types' markers: the associative lists and their keys (`+listType=map`,
 * `+listMapKey`; a key with a default, a port's `protocol`, reads as `TCP` when left out), the
 * sets (`+listType=set`), the atomic structs and maps (`+structType=atomic`,
 * `+mapType=atomic`); every other list is atomic. A custom resource's comes from its CRD
 * version's schema (`x-kubernetes-list-type`, `-list-map-keys`, `-map-type`,
 * `-preserve-unknown-fields`). Also which struct fields a Go zero value already holds
 * (`ZERO_PRESENT`), which an Update's comparison with the empty object of a create needs.
 */
import type { ResourceDef } from "./resources.js";
import { apiVersionOf } from "./resources.js";
import { KINDS, MODELS } from "./schema-1.32.js";

type Obj = Record<string, any>;

export type FieldType =
  | { kind: "scalar" }
  | { kind: "deduced" }
  | { kind: "struct"; name: string; field(key: string): FieldType | undefined; atomic: boolean }
  | { kind: "map"; elem: FieldType; atomic: boolean }
  | { kind: "list"; elem: FieldType; listType: "atomic" | "set" | "map"; keys: string[]; keyDefaults: Obj };

const SCALAR: FieldType = { kind: "scalar" };
const DEDUCED: FieldType = { kind: "deduced" };

/** Associative lists (`Model.field`) and their keys. */
const LIST_MAP_KEYS: Record<string, string[]> = {
  "V1ObjectMeta.ownerReferences": ["uid"],
  "V1PodSpec.containers": ["name"],
  "V1PodSpec.initContainers": ["name"],
  "V1PodSpec.ephemeralContainers": ["name"],
  "V1PodSpec.volumes": ["name"],
  "V1PodSpec.imagePullSecrets": ["name"],
  "V1PodSpec.hostAliases": ["ip"],
  "V1PodSpec.topologySpreadConstraints": ["topologyKey", "whenUnsatisfiable"],
  "V1PodSpec.resourceClaims": ["name"],
  "V1PodSpec.schedulingGates": ["name"],
  "V1Container.ports": ["containerPort", "protocol"],
  "V1Container.env": ["name"],
  "V1Container.volumeMounts": ["mountPath"],
  "V1Container.volumeDevices": ["devicePath"],
  "V1EphemeralContainer.ports": ["containerPort", "protocol"],
  "V1EphemeralContainer.env": ["name"],
  "V1EphemeralContainer.volumeMounts": ["mountPath"],
  "V1EphemeralContainer.volumeDevices": ["devicePath"],
  "V1ServiceSpec.ports": ["port", "protocol"],
  "V1ServiceAccount.secrets": ["name"],
  "V1PodStatus.conditions": ["type"],
  "V1PodStatus.podIPs": ["ip"],
  "V1PodStatus.hostIPs": ["ip"],
  "V1DeploymentStatus.conditions": ["type"],
  "V1StatefulSetStatus.conditions": ["type"],
  "V1DaemonSetStatus.conditions": ["type"],
  "V1ReplicaSetStatus.conditions": ["type"],
  "V1NamespaceStatus.conditions": ["type"],
  "V1NodeStatus.conditions": ["type"],
  "V1NodeStatus.addresses": ["type"],
  "V1ServiceStatus.conditions": ["type"],
  "V1CustomResourceDefinitionStatus.conditions": ["type"],
  "V1CustomResourceDefinitionSpec.versions": ["name"],
};

/** Defaults of list keys (the schema's `default`), used for an item that leaves its key out. */
const KEY_DEFAULTS: Record<string, Obj> = {
  "V1Container.ports": { protocol: "TCP" },
  "V1EphemeralContainer.ports": { protocol: "TCP" },
  "V1ServiceSpec.ports": { protocol: "TCP" },
};

/** Lists of scalars that merge as sets. */
const SET_LISTS = new Set(["V1ObjectMeta.finalizers", "V1NamespaceSpec.finalizers"]);

/** Structs (models) owned as one value. */
const ATOMIC_STRUCTS = new Set([
  "V1LabelSelector", "V1LocalObjectReference", "V1ObjectReference", "V1TypedLocalObjectReference", "V1ConfigMapKeySelector",
  "V1EndpointAddress", "CoreV1EndpointPort", "V1SecretKeySelector", "V1ObjectFieldSelector", "V1ResourceFieldSelector", "V1NodeSelector", "V1NodeSelectorTerm", "V1SecretReference", "V1RoleRef",
]);

/** Maps (`Model.field`) owned as one value. */
const ATOMIC_MAPS = new Set(["V1ServiceSpec.selector", "V1PodSpec.nodeSelector"]);

/**
 * Fields a Go zero value holds (value structs, and `containers`, a slice its JSON never omits),
 * besides every kind's `metadata`, `spec` and `status`.
 */
const ZERO_PRESENT = new Set([
  "V1PodSpec.containers", "V1PodTemplateSpec.metadata", "V1PodTemplateSpec.spec", "V1JobTemplateSpec.metadata", "V1JobTemplateSpec.spec",
  "V1DeploymentSpec.template", "V1DeploymentSpec.strategy", "V1StatefulSetSpec.template", "V1StatefulSetSpec.updateStrategy",
  "V1DaemonSetSpec.template", "V1DaemonSetSpec.updateStrategy", "V1ReplicaSetSpec.template", "V1JobSpec.template", "V1CronJobSpec.jobTemplate",
  "V1Container.resources", "V1EphemeralContainer.resources", "V1RoleBinding.roleRef", "V1ClusterRoleBinding.roleRef",
  "V1PersistentVolumeClaimSpec.resources", "V1ServiceStatus.loadBalancer", "V1NodeStatus.nodeInfo", "V1NodeStatus.daemonEndpoints",
  "CoreV1Event.involvedObject", "CoreV1Event.source", "V1NetworkPolicySpec.podSelector", "V2HorizontalPodAutoscalerSpec.scaleTargetRef",
]);

const ROOT_FIELDS = new Set(["metadata", "spec", "status"]);

/** Whether the Go zero value of `struct` holds `field` (a value struct, or a slice never omitted). */
export function zeroHolds(struct: FieldType, field: string, root: boolean): boolean {
  if (struct.kind !== "struct") return false;
  return (root && ROOT_FIELDS.has(field) && !struct.name.startsWith("crd:")) || ZERO_PRESENT.has(`${struct.name}.${field}`);
}

function modelField(model: string, field: string, type: string): FieldType {
  const where = `${model}.${field}`;
  if (type.startsWith("[]")) {
    const keys = LIST_MAP_KEYS[where];
    const listType = keys ? "map" : SET_LISTS.has(where) ? "set" : "atomic";
    return { kind: "list", elem: typeNamed(type.slice(2)), listType, keys: keys ?? [], keyDefaults: KEY_DEFAULTS[where] ?? {} };
  }
  if (type.startsWith("{}")) return { kind: "map", elem: typeNamed(type.slice(2)), atomic: ATOMIC_MAPS.has(where) };
  return typeNamed(type);
}

const structs = new Map<string, FieldType>();

function typeNamed(type: string): FieldType {
  if (type === "any") return DEDUCED;
  const model = MODELS[type];
  if (!model) return SCALAR;
  let struct = structs.get(type);
  if (!struct) {
    const fields = new Map<string, FieldType>();
    struct = {
      kind: "struct",
      name: type,
      atomic: ATOMIC_STRUCTS.has(type),
      field(key) {
        const declared = model.fields[key];
        if (declared === undefined) return undefined;
        if (!fields.has(key)) fields.set(key, modelField(type, key, declared));
        return fields.get(key);
      },
    };
    structs.set(type, struct);
  }
  return struct;
}

/** A CRD schema's node as a type (structural: `properties`, `additionalProperties`, `items`). */
function schemaType(schema: Obj | undefined, name: string): FieldType {
  if (!schema || schema["x-kubernetes-int-or-string"]) return schema ? SCALAR : DEDUCED;
  const type = schema.type;
  if (type === "array") {
    const listType = schema["x-kubernetes-list-type"] ?? "atomic";
    return { kind: "list", elem: schemaType(schema.items, name), listType, keys: schema["x-kubernetes-list-map-keys"] ?? [], keyDefaults: {} };
  }
  if (type === "object" || schema.properties || schema["x-kubernetes-embedded-resource"]) {
    const atomic = schema["x-kubernetes-map-type"] === "atomic";
    if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
      return { kind: "map", elem: schemaType(schema.additionalProperties, name), atomic };
    }
    const properties = (schema.properties ?? {}) as Obj;
    const unknown = schema["x-kubernetes-preserve-unknown-fields"] ? DEDUCED : undefined;
    if (!schema.properties && unknown) return DEDUCED;
    return {
      kind: "struct",
      name: `crd:${name}`,
      atomic,
      field: (key) => (key in properties ? schemaType(properties[key], `${name}.${key}`) : schema["x-kubernetes-embedded-resource"] && key === "metadata" ? typeNamed("V1ObjectMeta") : unknown),
    };
  }
  return type ? SCALAR : schema["x-kubernetes-preserve-unknown-fields"] ? DEDUCED : SCALAR;
}

/** The type of a resource's objects. */
export function rootType(def: ResourceDef): FieldType {
  const schema = def.crd?.schema as Obj | undefined;
  if (def.custom) {
    const body = schemaType(schema, def.kind);
    return {
      kind: "struct",
      name: `crd:${def.kind}`,
      atomic: false,
      field: (key) => (key === "metadata" ? typeNamed("V1ObjectMeta") : key === "apiVersion" || key === "kind" ? SCALAR : body.kind === "struct" ? body.field(key) : DEDUCED),
    };
  }
  const model = KINDS[`${apiVersionOf(def)}/${def.kind}`];
  return model ? typeNamed(model) : DEDUCED;
}

/** The type of a map's or struct's key; undefined for a struct's undeclared field. */
export function childType(type: FieldType, key: string): FieldType | undefined {
  if (type.kind === "struct") return type.field(key);
  if (type.kind === "map") return type.elem;
  return DEDUCED;
}

/** The type a value of `type` is walked as: a deduced value by its shape. */
export function resolved(type: FieldType, value: unknown): FieldType {
  if (type.kind !== "deduced") return type;
  if (Array.isArray(value)) return { kind: "list", elem: DEDUCED, listType: "atomic", keys: [], keyDefaults: {} };
  if (value !== null && typeof value === "object") return { kind: "map", elem: DEDUCED, atomic: false };
  return SCALAR;
}
