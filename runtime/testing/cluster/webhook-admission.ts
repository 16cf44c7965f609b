/**
 * @module cluster/webhook-admission
 * Where admission webhooks enter a write (the handlers' create, update, patch, apply and
 * delete, the status subresource's among them; scale, eviction, a TokenRequest and CONNECT
 * through the functions below; not the emulator's own writes): the namespace checks
 * (NamespaceLifecycle) first; the mutating webhooks on the decoded, defaulted object (a create's
 * name not yet generated); then the registry's checks and validation (`prepareCreate`,
 * `prepareUpdate`); the validating webhooks on the object as it would be stored; then the
 * store. A subresource whose object is a kind of its own (a Scale, an Eviction, a
 * TokenRequest, PodExecOptions) is reviewed as that object, as its REST storage has it
 * (`SubresourceKind`). With no configuration stored, the write is the synchronous one,
 * unchanged. A custom resource a mutating webhook patched is defaulted by its version's
 * structural schema before the next step sees it (webhook-patch); one the mutating webhooks changed is pruned by its version's
 * structural schema (fields it does not declare dropped, silently), as 1.32's storage codec
 * (the CRD handler's schemaCoercingConverter) prunes what it stores. Differences: fields a
 * mutating webhook sets are owned by the writer in managedFields; the validating webhooks see a
 * custom resource already pruned (1.32's see the fields its storage then drops); an update whose
 * object changed while the webhooks were called is a 409 (no retry).
 */
import { isDryRun, type Call } from "./call.js";
import { clone } from "./registry.js";
import { pruneUnknown } from "./crd-schema.js";
import type { ResourceDef } from "./resources.js";
import { conflict, notFound, STALE_OBJECT } from "./status.js";
import type { Entry } from "./store.js";
import { prepareCreate, prepareUpdate, type UpdateScope } from "./write.js";
import { admissionName, requireNamespace } from "./namespace-lifecycle.js";
import { hasWebhooks, runMutating, runValidating } from "./webhook-dispatch.js";
import type { Attributes } from "./webhook-match.js";

type Obj = Record<string, any>;

/** The object as a webhook sees it: no empty resourceVersion (the store sets it). */
function stored(obj: Obj): Obj {
  const out = clone(obj);
  if (out.metadata?.resourceVersion === "") delete out.metadata.resourceVersion;
  return out;
}

/**
 * What the mutating webhooks left, as the write goes on with it: `original` when they changed
 * nothing, else `mutated`, a custom resource pruned by its schema as its storage would.
 */
function afterMutation(def: ResourceDef, original: Obj, before: string, mutated: Obj): Obj {
  if (JSON.stringify(mutated) === before) return original;
  if (def.crd?.schema) pruneUnknown(def.crd.schema, mutated);
  return mutated;
}

function subresourceOf(call: Call): string {
  return call.info.subresource ?? "";
}

/** `createObject` with the webhooks called. */
export async function admittedCreate(call: Call, obj: Obj, namespace: string, operation: "Apply" | "Update" = "Update"): Promise<Entry> {
  if (!hasWebhooks(call)) return prepareCreate(call, obj, namespace, operation).commit();
  const { def, registry } = call;
  const dryRun = isDryRun(call);
  requireNamespace(registry, def, namespace, admissionName(obj.metadata), true);
  const view = clone(obj);
  if (def.namespaced && !view.metadata.namespace) view.metadata.namespace = namespace;
  def.defaults?.(view, "");
  const base: Attributes = { def, subresource: subresourceOf(call), operation: "CREATE", namespace: def.namespaced ? namespace : "", object: view, oldObject: null };
  const before = JSON.stringify(view);
  const mutated = (await runMutating(call, base, dryRun)) ?? view;
  const prepared = prepareCreate(call, afterMutation(def, obj, before, mutated), namespace, operation);
  await runValidating(call, { ...base, object: stored(prepared.out) }, dryRun);
  return prepared.commit();
}

/**
 * `updateObject` with the webhooks called. `reviewer`: the request the webhooks are told of,
 * when not `call` (a controller's, as its own user, whose permissions the registry's checks do
 * not know: they are made as `call`'s).
 */
export async function admittedUpdate(call: Call, current: Entry, next: Obj, scope: UpdateScope, operation: "Apply" | "Update" = "Update", source: Obj = next, reviewer: Call = call): Promise<Entry> {
  if (!hasWebhooks(call)) return prepareUpdate(call, current, next, scope, operation, source).commit();
  const { def } = call;
  const dryRun = isDryRun(call);
  const namespace = current.obj.metadata.namespace ?? "";
  const view = clone(next);
  if (def.namespaced && !view.metadata.namespace) view.metadata.namespace = namespace;
  const base: Attributes = { def, subresource: subresourceOf(call), operation: "UPDATE", namespace, object: view, oldObject: current.obj };
  const before = JSON.stringify(view);
  const mutated = (await runMutating(reviewer, base, dryRun)) ?? view;
  const prepared = prepareUpdate(call, current, afterMutation(def, next, before, mutated), scope, operation, source);
  await runValidating(reviewer, { ...base, object: stored(prepared.out) }, dryRun);
  unchangedSince(call, current);
  return prepared.commit();
}

/** The store's re-read after the webhooks: `current` is still what is stored. */
function unchangedSince(call: Call, current: Entry): void {
  const { def, registry } = call;
  const now = registry.store.get(def, current.obj.metadata.namespace ?? "", current.obj.metadata.name);
  // Deleted meanwhile: the update's re-read finds nothing (GuaranteedUpdate's NotFound), never a revival.
  if (!now) throw notFound(def, current.obj.metadata.name);
  // Another write while the webhooks were called: the store's optimistic-concurrency 409.
  if (now.obj.metadata.resourceVersion !== current.obj.metadata.resourceVersion) throw conflict(def, current.obj.metadata.name, STALE_OBJECT);
}

/** The kind of a subresource's own object: `autoscaling/v1 Scale`, `policy/v1 Eviction`. */
export type SubresourceKind = NonNullable<Attributes["kind"]>;

function subresourceAttributes(call: Call, kind: SubresourceKind, operation: Attributes["operation"], object: Obj | null, oldObject: Obj | null): Attributes {
  return { def: call.def, subresource: subresourceOf(call), kind, operation, namespace: call.def.namespaced ? call.info.namespace : "", object, oldObject };
}

/**
 * The mutating webhooks of a write to a subresource of its own kind (the Scale of a scale
 * update, the Eviction or TokenRequest a CREATE posts): `object` as they left it.
 */
export async function mutatedSubresource(call: Call, kind: SubresourceKind, operation: "CREATE" | "UPDATE", object: Obj, oldObject: Obj | null = null): Promise<Obj> {
  if (!hasWebhooks(call)) return object;
  return (await runMutating(call, subresourceAttributes(call, kind, operation, object, oldObject), isDryRun(call))) ?? object;
}

/** The validating webhooks of such a write (an Eviction's, a TokenRequest's, after the registry's checks). */
export async function validateSubresource(call: Call, kind: SubresourceKind, operation: "CREATE" | "UPDATE", object: Obj, oldObject: Obj | null = null): Promise<void> {
  if (!hasWebhooks(call)) return;
  await runValidating(call, subresourceAttributes(call, kind, operation, object, oldObject), isDryRun(call));
}

/**
 * `updateObject` of the parent through a subresource of its own kind (scale: the registry's
 * `toScaleUpdateValidation`; recorded in managedFields under subresource `scale`): the
 * validating webhooks see `view` of the object as it would be stored, against `oldView`, then
 * the store re-reads as `admittedUpdate`'s does. `managedFields`: the entries an apply's field
 * manager left (scale-apply), else the write's own are computed.
 */
export async function admittedViewUpdate(call: Call, current: Entry, next: Obj, kind: SubresourceKind, view: (obj: Obj) => Obj, oldView: Obj, managedFields?: Obj[]): Promise<Entry> {
  const prepared = prepareUpdate(call, current, next, "scale", "Update", next, managedFields);
  if (!hasWebhooks(call)) return prepared.commit();
  await runValidating(call, subresourceAttributes(call, kind, "UPDATE", view(prepared.out), oldView), isDryRun(call));
  unchangedSince(call, current);
  return prepared.commit();
}

/**
 * The webhooks of a CONNECT (handlers/rest.go ConnectResource): mutating then validating, on
 * the options read from the query (PodExecOptions), no oldObject, no options, never a dry run;
 * before the pod is looked up. The options as the mutating webhooks left them, which the
 * dispatcher converts back into the request's and Connect is given.
 */
export async function admitConnect(call: Call, kind: SubresourceKind, object: Obj): Promise<Obj> {
  if (!hasWebhooks(call)) return object;
  const a = subresourceAttributes(call, kind, "CONNECT", object, null);
  const mutated = (await runMutating(call, a, false)) ?? object;
  await runValidating(call, { ...a, object: mutated }, false);
  return mutated;
}

/**
 * The webhooks of a DELETE of `current` (object null, oldObject the stored one); an item of a
 * deletecollection (`collection`) is reviewed with no name, as 1.32 reviews it.
 */
export async function admitDelete(call: Call, current: Entry, dryRun: boolean, options: Obj, collection = false): Promise<void> {
  if (!hasWebhooks(call)) return;
  const { def } = call;
  const a: Attributes = { def, subresource: "", operation: "DELETE", namespace: current.obj.metadata.namespace ?? "", object: null, oldObject: current.obj, ...(collection ? { name: "" } : {}) };
  await runMutating(call, a, dryRun, options);
  await runValidating(call, a, dryRun, options);
}
