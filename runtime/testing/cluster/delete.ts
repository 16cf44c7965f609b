/**
 * @module cluster/delete
 * DELETE of one object and of a collection, with `DeleteOptions` from the body or the query:
 * `propagationPolicy` (without one: the object's `orphan`/`foregroundDeletion` finalizer, else
 * the type's default, Background, Orphan for batch/v1 Jobs; deletion-plan.ts),
 * `orphanDependents`, `gracePeriodSeconds`, `preconditions` (409 with the real message; a
 * Namespace's in its storage's words, namespace-delete.ts) and `dryRun=All`. Objects with finalizers get `deletionTimestamp` and stay until their
 * finalizers are removed. The answer is what the real server sends: the object while it
 * still exists (202 when `orphanDependents: false` asked for cascading) or for pods, a `Success`
 * Status otherwise; a collection delete answers the list it read before deleting (one page of it
 * with a `limit`, as Store.DeleteCollection deletes only that). A Job's delete without a policy
 * warns that it orphans the pods (warnings.ts). Simplification:
 * pods are deleted at once (no kubelet honours the grace period).
 */
import { decodeDeleteOptions, type DeleteOptions } from "./delete-options.js";
import { planDeletion, type Propagation } from "./deletion-plan.js";
import { immortalNamespaceError, namespacePolicy, namespacePreconditionError, terminatingNamespace } from "./namespace-delete.js";
import { json, type Call, type Reply } from "./call.js";
import { listBody, listIntegers, readList, selection, validateListOptions, type ListRead, type Selection } from "./list.js";
import { storedAs } from "./resources.js";
import { ApiError, conflict, notFound, success } from "./status.js";
import { isCrdType, markCrdDeleted } from "./crd-controller.js";
import { entryOf, type Entry } from "./store.js";
import { admitDelete } from "./webhook-admission.js";
import { orphanByDefaultWarning } from "./warnings.js";

/** The DeleteOptions a webhook's request carries (`options`), as the client gave them. */
function deleteOptionsOf(options: DeleteOptions): Record<string, unknown> {
  const { dryRun, ...rest } = options as DeleteOptions & Record<string, unknown>;
  return { ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)), ...(dryRun ? { dryRun: ["All"] } : {}) };
}

type Obj = Record<string, any>;

function answer(call: Call, entry: Entry, gone: boolean, options: DeleteOptions): Reply {
  if (gone && !call.def.returnDeletedObject) return json(200, success(call.def, entry.obj.metadata.name, entry.obj.metadata.uid));
  // handlers/delete.go: an object left in place (finalizers) after orphanDependents=false is 202 Accepted.
  return { status: !gone && options.orphanDependents === false ? 202 : 200, body: entry.full };
}

function isNamespace(def: { group: string; resource: string }): boolean {
  return def.group === "" && def.resource === "namespaces";
}

/** What a delete would answer, computed without writing (dryRun). */
function preview(call: Call, obj: Obj, policy: Propagation | undefined, collection = false): { entry: Entry; gone: boolean } {
  if (isNamespace(call.def)) {
    if (!obj.metadata.deletionTimestamp) return { entry: entryOf(terminatingNamespace(obj, policy, call.registry.timestamp())), gone: false };
    if (obj.spec?.finalizers?.length) return { entry: entryOf(obj), gone: false };
  }
  if (isCrdType(call.def) && !collection && !obj.metadata.deletionTimestamp) return { entry: entryOf(markCrdDeleted(obj, call.registry.timestamp())), gone: false };
  const plan = planDeletion(call.def, obj, policy, call.registry.timestamp(), 0);
  return { entry: entryOf(plan.obj), gone: plan.action === "remove" };
}

/** A CRD's storage checks the preconditions itself, in its own words (etcd.go `Delete`). */
function crdPreconditionError(def: Call["def"], obj: Obj, pre: DeleteOptions["preconditions"]): ApiError | undefined {
  if (pre?.uid && pre.uid !== obj.metadata.uid) return conflict(def, obj.metadata.name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
  if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
    return conflict(def, obj.metadata.name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
  }
  return undefined;
}

/** rest.BeforeDelete's check of a delete's preconditions: the Conflict names the Kind (`ConfigMap`, `Deployment.apps`), not the resource. */
export function checkPreconditions(def: Call["def"], obj: Obj, pre: DeleteOptions["preconditions"]): void {
  const kind = { group: storedAs(def).group, resource: def.kind };
  if (pre?.uid && pre.uid !== obj.metadata.uid) {
    throw conflict(kind, obj.metadata.name, `the UID in the precondition (${pre.uid}) does not match the UID in record (${obj.metadata.uid}). The object might have been deleted and then recreated`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw conflict(kind, obj.metadata.name, `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${obj.metadata.resourceVersion}). The object might have been modified`);
  }
}

/** Deletes one stored object under the call's options. */
function deleteOne(call: Call, current: Entry, options: DeleteOptions, dryRun: boolean, collection = false): { entry: Entry; gone: boolean } {
  const { def, registry } = call;
  const obj = current.obj;
  const pre = options.preconditions;
  if (isNamespace(def)) {
    // The namespace storage checks them itself, in its own words; its first delete is its own update.
    const error = namespacePreconditionError(obj, pre) ?? immortalNamespaceError(obj.metadata.name);
    if (error) throw error;
    if (!obj.metadata.deletionTimestamp) {
      const policy = namespacePolicy(options);
      return dryRun ? preview(call, obj, policy) : registry.deleteObject(def, obj, policy, 0);
    }
  }
  // A collection delete goes through the generic store's Delete, not the CRD storage's own: no
  // cleanup finalizer, and the CRD's resources stay in storage (they are back if it is recreated).
  if (isCrdType(def) && !collection) {
    const error = crdPreconditionError(def, obj, pre);
    if (error) throw error;
    return dryRun ? preview(call, obj, options.propagationPolicy) : registry.deleteObject(def, obj, options.propagationPolicy, 0);
  }
  checkPreconditions(def, obj, pre);
  // No policy: the object's own `orphan`/`foregroundDeletion` finalizer, else the type's default (store.go).
  const policy = options.propagationPolicy;
  if (dryRun) return preview(call, obj, policy, collection);
  return registry.deleteObject(def, obj, policy, 0, collection);
}

/** DELETE /.../{name}; the admission webhooks of a DELETE are called first (webhook-admission). */
export async function deleteObjectCall(call: Call): Promise<Reply> {
  const options = decodeDeleteOptions(call);
  const dryRun = options.dryRun;
  orphanByDefaultWarning(call, options);
  call.def.refuseDelete?.(call.info.name);
  const read = call.registry.store.get(call.def, call.info.namespace, call.info.name);
  if (!read) throw notFound(call.def, call.info.name);
  await admitDelete(call, read, dryRun, deleteOptionsOf(options));
  // Read again after the webhooks, as the store's delete does: what changed meanwhile (a
  // finalizer added, the object deleted by another request) decides.
  const current = call.registry.store.get(call.def, call.info.namespace, call.info.name);
  if (!current) throw notFound(call.def, call.info.name);
  const { entry, gone } = deleteOne(call, current, options, dryRun);
  return answer(call, entry, gone, options);
}

/** Store.DeleteCollection's page size when the request sets no limit (deleteCollectionPageSize). */
const DELETE_COLLECTION_PAGE = 10000;

/**
 * The list Store.DeleteCollection reads: with the request's `limit`, that one page (with its
 * continue and remainingItemCount); without one, pages of 10000 read one after another (the
 * first as the request asks, the next by their continue tokens), every item answered in the
 * first page's list.
 */
function collectionToDelete(call: Call, sel: Selection): ListRead {
  if (listIntegers(call).limit > 0) return readList(call, sel);
  const query = new URLSearchParams(call.query);
  query.set("limit", String(DELETE_COLLECTION_PAGE));
  const first = readList({ ...call, query }, sel);
  const items = [...first.items];
  let next = JSON.parse(first.meta) as { continue?: string };
  while (next.continue) {
    query.set("continue", next.continue);
    query.delete("resourceVersion");
    query.delete("resourceVersionMatch");
    const page = readList({ ...call, query }, sel);
    items.push(...page.items);
    next = JSON.parse(page.meta) as { continue?: string };
  }
  return { items, meta: first.meta };
}

/**
 * DELETE /.../{resource} (deletecollection), in its handler's order: the list options decoded
 * and validated (400, 422), the field labels converted (400), then the DeleteOptions. Answers
 * the list as read before deleting (its items and metadata), as Store.DeleteCollection returns
 * it: a `limit` deletes that one page only and answers it with its continue.
 */
export async function deleteCollectionCall(call: Call): Promise<Reply> {
  validateListOptions(call);
  const sel = selection(call);
  const options = decodeDeleteOptions(call);
  const dryRun = options.dryRun;
  orphanByDefaultWarning(call, options);
  const listed = collectionToDelete(call, sel);
  for (const { entry } of listed.items) {
    const { namespace, name } = entry.obj.metadata;
    const read = call.registry.store.get(call.def, namespace, name);
    if (!read) continue;
    // Each item's DELETE is reviewed as a single one is (Store.DeleteCollection deletes each with
    // admission), but under the collection's name, none; the first refusal ends the call with it.
    await admitDelete(call, read, dryRun, deleteOptionsOf(options), true);
    const current = call.registry.store.get(call.def, namespace, name);
    if (current) deleteOne(call, current, options, dryRun, true);
  }
  return { status: 200, body: listBody(call.def, listed) };
}
