/**
 * @module cluster/scale-apply
 * A server-side apply through `/scale`, as 1.32 makes it: the applied Scale (YAML, of kind
 * `autoscaling/v1, Kind=Scale`, its fields declared) is applied by the Scale's field manager to
 * the current Scale, whose managedFields are the parent's managers of the replicas
 * (ScaleHandler.ToSubresource); a change to the replicas another manager owns is the 409 naming
 * it as the Scale sees it (`"creator" using autoscaling/v1`), unless `force=true`. The applier's
 * entry is `subresource: scale`; the Scale's entries go back to the parent (ToParent).
 */
import { decodeObject, fieldManager, type Call } from "./call.js";
import { checkAppliedType, checkRepeatedKeys, decodeApplyBody, forced } from "./apply.js";
import { applyWithOwnership } from "./field-ownership.js";
import { rootType } from "./field-schema.js";
import { decodeAppliedObject, type FieldValidation } from "./field-validation.js";
import type { ManagedFieldsEntry } from "./managed-fields.js";
import { apiVersionOf, type ResourceDef } from "./resources.js";
import { SCALE_API_VERSION, toParentEntries, toScaleEntries } from "./scale-handler.js";
import { badRequest } from "./status.js";

type Obj = Record<string, any>;

/**
 * The Scale an apply asks for and the parent's managedFields after it. `call` is the request
 * with the Scale's def, `parentDef` the resource's, `parent` the stored object, `scale` its
 * Scale, `replicas` the parent's replicas field.
 */
export function appliedScale(call: Call, parentDef: ResourceDef, parent: Obj, scale: Obj, replicas: readonly string[], directive: FieldValidation): { wanted: Obj; owners: ManagedFieldsEntry[] } {
  const { value, repeatedKeys } = decodeApplyBody(call);
  checkAppliedType(call.def, value);
  const config = decodeAppliedObject(call, decodeObject(call, call.def, true));
  // structuredMergeManager.Apply: the applied object may not carry managedFields.
  if (config.metadata?.managedFields !== undefined && config.metadata?.managedFields !== null) throw badRequest("metadata.managedFields must be nil");
  const parentVersion = apiVersionOf(parentDef);
  const parentEntries = parent.metadata?.managedFields as ManagedFieldsEntry[] | undefined;
  const live = { ...scale, metadata: { ...scale.metadata, managedFields: toScaleEntries(parentEntries, replicas, parentVersion) } };
  const write = { type: rootType(call.def), manager: fieldManager(call), apiVersion: SCALE_API_VERSION, subresource: "scale", time: call.registry.timestamp(), ignored: [] };
  const { object, managedFields } = applyWithOwnership(write, live, config, forced(call));
  checkRepeatedKeys(call, repeatedKeys, directive);
  const { managedFields: _m, ...metadata } = (object.metadata ?? {}) as Obj;
  return { wanted: { ...object, metadata }, owners: toParentEntries(parentEntries, managedFields, replicas, parentVersion) };
}
