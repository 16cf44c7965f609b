/**
 * @module cluster/protobuf-schemas-meta
 * The shape of a protobuf schema (what `protobuf` decodes by) and the apimachinery messages
 * every kind carries: ObjectMeta, OwnerReference, LabelSelector, the DeleteOptions of a DELETE's
 * body, and core/v1's
 * LocalObjectReference and TypedLocalObjectReference (field numbers from k8s.io/apimachinery
 * and k8s.io/api `generated.proto`).
 */

/**
 * A field's type: a nested message schema, or a scalar. Scalars without `?` are Go value
 * fields (their zero value is dropped); with `?` Go pointers (a zero value is kept).
 * `quantity` is resource.Quantity (a message holding its string), `quantityMap` a
 * `map<string, Quantity>`.
 */
export type FieldType =
  | "string"
  | "string?"
  | "int"
  | "int?"
  | "bool"
  | "bool?"
  | "bytes"
  | "intOrString"
  | "quantity"
  | "stringMap"
  | "bytesMap"
  | "quantityMap"
  | Schema;
/**
 * A field: its JSON name, its type, and whether it repeats. A message field named `""` is an
 * embedded Go struct (`json:",inline"`): its fields are merged into the parent's.
 */
export type Field = [name: string, type: FieldType, repeated?: "repeated"];
/** A message: its fields by number. */
export interface Schema {
  [field: number]: Field;
}

export const OWNER_REFERENCE: Schema = {
  1: ["kind", "string"], 3: ["name", "string"], 4: ["uid", "string"], 5: ["apiVersion", "string"], 6: ["controller", "bool?"], 7: ["blockOwnerDeletion", "bool?"],
};
export const OBJECT_META: Schema = {
  1: ["name", "string"],
  2: ["generateName", "string"],
  3: ["namespace", "string"],
  5: ["uid", "string"],
  6: ["resourceVersion", "string"],
  11: ["labels", "stringMap"],
  12: ["annotations", "stringMap"],
  13: ["ownerReferences", OWNER_REFERENCE, "repeated"],
  14: ["finalizers", "string", "repeated"],
};
export const LABEL_SELECTOR: Schema = {
  1: ["matchLabels", "stringMap"],
  2: ["matchExpressions", { 1: ["key", "string"], 2: ["operator", "string"], 3: ["values", "string", "repeated"] }, "repeated"],
};
/** core/v1 LocalObjectReference: `name` (embedded inline by the key selectors and env sources). */
export const LOCAL_OBJECT_REFERENCE: Schema = { 1: ["name", "string"] };
/** core/v1 TypedLocalObjectReference (apiGroup a pointer). */
export const TYPED_LOCAL_OBJECT_REFERENCE: Schema = { 1: ["apiGroup", "string?"], 2: ["kind", "string"], 3: ["name", "string"] };
/**
 * meta/v1 DeleteOptions (every field a Go pointer or a slice). A typed client sends it under its
 * own group version (`rbac.authorization.k8s.io/v1`, `v1`...): the server's scheme registers it
 * unversioned, so any `<group>/<version>/DeleteOptions` decodes to it.
 */
export const DELETE_OPTIONS: Schema = {
  1: ["gracePeriodSeconds", "int?"],
  2: ["preconditions", { 1: ["uid", "string?"], 2: ["resourceVersion", "string?"] }],
  3: ["orphanDependents", "bool?"],
  4: ["propagationPolicy", "string?"],
  5: ["dryRun", "string", "repeated"],
  6: ["ignoreStoreReadErrorWithClusterBreakingPotential", "bool?"],
};
