/**
 * @module cluster/namespace-strategy
 * A Namespace's strategies as 1.32's pkg/registry/core/namespace has them. Create: the status
 * is reset to `Active` and `kubernetes` joins `spec.finalizers` (PrepareForCreate). An update
 * of the main resource keeps the stored `spec.finalizers` and `status`, and checks the object
 * as a create then as an update (ValidateNamespace + ValidateNamespaceUpdate). A status update
 * keeps the spec; an empty phase is `Active` (SetDefaults_NamespaceStatus) and must match
 * `deletionTimestamp` (ValidateNamespaceStatusUpdate). `PUT .../finalize` (FinalizeREST: an
 * update only, no get or patch) keeps the status and takes the rest of the object, each
 * `spec.finalizers[i]` checked (ValidateNamespaceFinalizeUpdate). A deleting Namespace is
 * deleted by the update that leaves it no finalizer in `metadata` nor in `spec`
 * (ShouldDeleteNamespaceDuringUpdate); RBAC names the subresource `namespaces/finalize`.
 */
import { decodeObject, type Call, type Reply } from "./call.js";
import { decodeRequestObject, writeOptions } from "./field-validation.js";
import { clone } from "./registry.js";
import type { ResourceDef } from "./resources.js";
import { badRequest, routeMethodNotAllowed, type FieldError } from "./status.js";
import { namespaceFinalizerErrors } from "./validation.js";
import { existing, updateObject } from "./write.js";

type Obj = Record<string, any>;

/** core.FinalizerKubernetes. */
const KUBERNETES = "kubernetes";

/** The main strategy's hooks, spread into the Namespace's ResourceDef (a function: resources.ts reads it while this module may still load). */
export function namespaceStrategy(): Partial<ResourceDef> {
  return {
    prepareCreate: prepareCreate,
    prepareUpdate: prepareUpdate,
    prepareStatusUpdate: prepareStatusUpdate,
    validate: phaseErrors,
    validateCreate: namespaceFinalizerErrors,
    // ValidateUpdate runs ValidateNamespace (core's ValidateObjectMeta) before ValidateNamespaceUpdate.
    finalizerRule: "create+update",
    shouldDeleteDuringUpdate: finalized,
  };
}

/** PrepareForCreate: the status is `Active` whatever was sent; `kubernetes` is appended unless present. */
function prepareCreate(ns: Obj): void {
  ns.status = { phase: "Active" };
  const finalizers: string[] = Array.isArray(ns.spec?.finalizers) ? ns.spec.finalizers : [];
  ns.spec = { ...ns.spec, finalizers: finalizers.includes(KUBERNETES) ? finalizers : [...finalizers, KUBERNETES] };
}

/** PrepareForUpdate of the main resource: a PUT or PATCH cannot change `spec.finalizers` nor `status`. */
function prepareUpdate(ns: Obj, old: Obj): void {
  ns.spec = { ...ns.spec };
  if (old.spec?.finalizers !== undefined) ns.spec.finalizers = clone(old.spec.finalizers);
  else delete ns.spec.finalizers;
  if (old.status !== undefined) ns.status = clone(old.status);
}

/** The status strategy keeps the spec (the status update does); decoding defaults an empty phase to `Active`. */
function prepareStatusUpdate(ns: Obj, old: Obj): void {
  ns.spec = clone(old.spec);
  ns.status = { ...ns.status };
  if (!ns.status.phase) ns.status.phase = "Active";
}

/**
 * ValidateNamespaceStatusUpdate's phase rule. Only a status update can break it (a create resets
 * the status, the other updates keep it), so it is checked with every write.
 */
function phaseErrors(ns: Obj): FieldError[] {
  const phase = ns.status?.phase ?? "";
  if (!ns.metadata.deletionTimestamp) {
    return phase === "Active" ? [] : [{ type: "Invalid", field: "status.Phase", value: phase, detail: "may only be 'Active' if `deletionTimestamp` is empty" }];
  }
  return phase === "Terminating" ? [] : [{ type: "Invalid", field: "status.Phase", value: phase, detail: "may only be 'Terminating' if `deletionTimestamp` is not empty" }];
}

/** ShouldDeleteNamespaceDuringUpdate: no `spec.finalizers` left either. */
function finalized(ns: Obj): boolean {
  return !ns.spec?.finalizers?.length;
}

/** The finalize strategy's PrepareForUpdate keeps the status; the rest is the request's (an empty list is omitted, as `omitempty`). */
function prepareFinalize(ns: Obj, old: Obj): void {
  if (old.status !== undefined) ns.status = clone(old.status);
  else delete ns.status;
  ns.spec = { ...ns.spec };
  if (!ns.spec.finalizers?.length) delete ns.spec.finalizers;
}

/**
 * The finalize store, as storage.go's `finalizeStore := *store` with FinalizeStrategy: the same
 * objects (kept as the Namespace's, watched as the Namespace's), another update strategy.
 */
export function finalizeStore(def: ResourceDef): ResourceDef {
  return {
    ...def,
    storage: { def, toStorage: (o) => o, fromStorage: (o) => o },
    prepareUpdate: prepareFinalize,
    prepareStatusUpdate: undefined,
    validate: undefined,
    validateCreate: undefined,
    // ValidateNamespaceFinalizeUpdate: core's ValidateObjectMetaUpdate, then each spec.finalizers[i].
    validateUpdate: (o) => namespaceFinalizerErrors(o, true),
    finalizerRule: "core",
  };
}

/**
 * `/api/v1/namespaces/NAME/finalize`: a PUT of the Namespace (the handler's checks as any
 * update's), stored through the finalize strategy. Another method is go-restful's 405.
 */
export function finalizeNamespace(call: Call): Reply {
  if (call.info.verb !== "update") throw routeMethodNotAllowed();
  // As any update: the options, the body (typed), its name.
  const directive = writeOptions(call);
  const obj = decodeRequestObject(call, decodeObject(call, call.def, true), directive);
  const name = call.info.name;
  if (!obj.metadata?.name) throw badRequest(`the name of the object (${name} based on URL) was undeterminable: name must be provided`);
  // Warnings recorded on the call the server answers.
  call.warnings ??= [];
  const finalize: Call = { ...call, def: finalizeStore(call.def) };
  const current = existing(finalize, "", name);
  return { status: 200, body: updateObject(finalize, current, obj, "finalize").full };
}
