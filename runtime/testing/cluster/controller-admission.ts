/**
 * @module cluster/controller-admission
 * The admission webhooks of the emulator's controllers' own writes, which a real cluster's
 * controllers send as API clients, each as its own user (kube-controller-manager with
 * `--use-service-account-credentials`, as kubeadm runs it), matched and called as any request's
 * (rules, selectors, matchConditions; mutating then validating; failurePolicy):
 * - the garbage collector as `system:serviceaccount:kube-system:generic-garbage-collector` (a
 *   dependent's DELETE with `preconditions.uid` and the propagationPolicy it chose; its PATCHes,
 *   UPDATEs to admission with UpdateOptions: a dependent's ownerReferences to owners gone,
 *   deleting in the foreground or orphaning it, or made non-blocking before its foreground
 *   delete, and an owner's `orphan` and `foregroundDeletion` finalizers;
 *   garbage-collector-writes.ts);
 * - the namespace controller as `system:serviceaccount:kube-system:namespace-controller` (each
 *   object of its deletecollection, `propagationPolicy: Background`; its UPDATEs of the
 *   namespace's `status` and `finalize`: namespace-controller.ts);
 * - the root CA publisher as `system:serviceaccount:kube-system:root-ca-cert-publisher` and the
 *   ServiceAccount controller as `system:serviceaccount:kube-system:service-account-controller`
 *   (a namespace's `kube-root-ca.crt`, created or updated back, and `default`, created:
 *   namespace-population.ts);
 * - the tokens controller as `system:kube-controller-manager` (its root client: a
 *   `kubernetes.io/service-account-token` Secret's update filling its data, the DELETE with
 *   `preconditions.uid` of a token whose ServiceAccount is gone, the ServiceAccount's update
 *   dropping a deleted token from its `secrets`: serviceaccount-tokens.ts);
 * - the clusterrole-aggregation controller as
 *   `system:serviceaccount:kube-system:clusterrole-aggregation-controller` (its server-side
 *   apply of an aggregated ClusterRole's rules, an UPDATE with its fieldManager in the options;
 *   clusterrole-aggregation.ts; the registry's RBAC checks are made as the server's, since the
 *   emulator does not store the controller's ClusterRole granting it `escalate`).
 * A review is asked for only when some stored webhook matches the write: otherwise the
 * controller writes inline, as before. The userInfo has no `uid` or `extra` (the controllers'
 * ServiceAccounts are not stored); the options have no fieldManager but the aggregation
 * controller's (client-go sends none; the write is recorded under `kube-controller-manager`,
 * its User-Agent's first word).
 */
import type { UserInfo } from "./auth/index.js";
import type { Call, ServerAuth } from "./call.js";
import { clone, type Registry } from "./registry.js";
import type { ResourceDef } from "./resources.js";
import { internalCall } from "./seed.js";
import { admittedUpdate } from "./webhook-admission.js";
import { updateObject } from "./write.js";
import { hasWebhooks, runMutating, runValidating } from "./webhook-dispatch.js";
import { storedWebhooks, webhookMatches, type Attributes } from "./webhook-match.js";

type Obj = Record<string, any>;

/**
 * The controllers whose writes are reviewed, by their ServiceAccount's name in kube-system, or
 * by the name of their client (`tokens-controller`, which has no ServiceAccount of its own).
 */
export type ControllerName = "generic-garbage-collector" | "namespace-controller" | "root-ca-cert-publisher" | "service-account-controller" | "clusterrole-aggregation-controller" | typeof TOKENS_CONTROLLER;

/** The tokens controller: it makes the controllers' ServiceAccount tokens, so it runs with kube-controller-manager's own credentials (its root client). */
export const TOKENS_CONTROLLER = "tokens-controller";

/**
 * The controller's user, as a ServiceAccount token authenticates it; the tokens controller's
 * is kube-controller-manager's client certificate's (kubeadm's: no organization, so no group
 * but `system:authenticated`).
 */
export function controllerUser(name: ControllerName): UserInfo {
  if (name === TOKENS_CONTROLLER) return { username: "system:kube-controller-manager", groups: ["system:authenticated"] };
  return { username: `system:serviceaccount:kube-system:${name}`, groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"] };
}

/**
 * A request of `controller`'s on `def` with `verb`: its user, no query, kube-controller-manager's
 * User-Agent with the controller's name (client-go's, as the controller client builder sets it).
 */
export function controllerCall(registry: Registry, auth: ServerAuth, def: ResourceDef, controller: ControllerName, verb: string): Call {
  const base = internalCall(registry, auth, def, controller);
  return { ...base, info: { ...base.info, verb }, user: controllerUser(controller), query: new URLSearchParams(), userAgent: `kube-controller-manager/v1.32.6 (linux/amd64) kubernetes/podfn-emulated/${controller}` };
}

/** Whether some stored webhook, mutating or validating, matches `a` (before its matchConditions). */
export function someWebhookMatches(registry: Registry, a: Attributes): boolean {
  return [true, false].some((mutating) => storedWebhooks(registry, mutating).some((w) => webhookMatches(registry, w.hook, a)));
}

/**
 * The webhooks of `controller`'s DELETE of `obj` with `options` (DeleteOptions' fields), or of
 * its deletecollection's item `obj` (`collection`: reviewed with no name, as 1.32 does): the
 * call of them, whose promise is settled by their verdict (rejected with the refusal's
 * ApiError), or `undefined` when no webhook matches it (the delete goes on inline).
 */
export type ControllerDeleteReview = (controller: ControllerName, def: ResourceDef, obj: Obj, options: Obj, collection?: boolean) => (() => Promise<void>) | undefined;

/** The review function for `registry`'s controllers. */
export function controllerDeleteReview(registry: Registry, auth: ServerAuth): ControllerDeleteReview {
  return function reviewControllerDelete(controller, def, obj, options, collection = false) {
    const namespace = def.namespaced ? (obj.metadata.namespace ?? "") : "";
    // An item of a deletecollection is reviewed under the collection's attributes: no name.
    const call = controllerCall(registry, auth, def, controller, collection ? "deletecollection" : "delete");
    call.info = { ...call.info, namespace, ...(collection ? {} : { name: obj.metadata.name }) };
    if (!hasWebhooks(call)) return undefined;
    const a: Attributes = { def, subresource: "", operation: "DELETE", namespace, object: null, oldObject: obj, ...(collection ? { name: "" } : {}) };
    if (!someWebhookMatches(registry, a)) return undefined;
    return async function review() {
      await runMutating(call, a, false, options);
      await runValidating(call, a, false, options);
    };
  };
}

/** The request of `controller`'s write of `obj` (its `subresource`): a PUT (UpdateStatus, Finalize, an Update), the collector's a PATCH. */
function controllerUpdateCall(registry: Registry, auth: ServerAuth, controller: ControllerName, def: ResourceDef, obj: Obj, subresource?: "status" | "finalize"): Call {
  const namespace = def.namespaced ? (obj.metadata.namespace ?? "") : "";
  const call = controllerCall(registry, auth, def, controller, subresource || controller !== "generic-garbage-collector" ? "update" : "patch");
  call.info = { ...call.info, namespace, name: obj.metadata.name, subresource: subresource ?? "" };
  return call;
}

/** The object as stored now, when it is still `obj` (same uid). */
function stillStored(registry: Registry, def: ResourceDef, obj: Obj) {
  const current = registry.store.get(def, obj.metadata.namespace, obj.metadata.name);
  return current && current.obj.metadata.uid === obj.metadata.uid ? current : undefined;
}

/**
 * The webhooks of `controller`'s PATCH of `obj` (an UPDATE to admission, UpdateOptions), or its
 * PUT of `obj`'s `subresource`, into what `change` makes of a copy of it: the call of them and of the write, on the object as
 * stored then (settled once written, or rejected with the webhooks' refusal or the write's
 * error; nothing when the object is gone or replaced, as the patch's NotFound, which the
 * controller ignores), or `undefined` when no webhook matches it (the write goes on inline).
 */
export type ControllerUpdateReview = (controller: ControllerName, def: ResourceDef, obj: Obj, change: (copy: Obj) => Obj, subresource?: "status" | "finalize") => (() => Promise<void>) | undefined;

/** The update review function for `registry`'s controllers. */
export function controllerUpdateReview(registry: Registry, auth: ServerAuth): ControllerUpdateReview {
  return function reviewControllerUpdate(controller, def, obj, change, subresource) {
    const call = controllerUpdateCall(registry, auth, controller, def, obj, subresource);
    if (!hasWebhooks(call)) return undefined;
    if (!someWebhookMatches(registry, { def, subresource: subresource ?? "", operation: "UPDATE", namespace: call.info.namespace, object: change(clone(obj)), oldObject: obj })) return undefined;
    return async function review() {
      const current = stillStored(registry, def, obj);
      if (!current) return;
      await admittedUpdate(call, current, change(clone(current.obj)), subresource ?? "main");
    };
  };
}

/**
 * `controller`'s write of what `change` makes of a copy of `obj` as stored now, with no webhook
 * to call: through the update path as its request would be (managedFields under
 * `kube-controller-manager`, a new resourceVersion, a MODIFIED event, the deletion finished
 * when a last finalizer goes); nothing when the object is gone or replaced; the write's error
 * thrown.
 */
export type ControllerInlineUpdate = (controller: ControllerName, def: ResourceDef, obj: Obj, change: (copy: Obj) => Obj, subresource?: "status" | "finalize") => void;

/** The inline update function for `registry`'s controllers. */
export function controllerInlineUpdate(registry: Registry, auth: ServerAuth): ControllerInlineUpdate {
  return function writeControllerUpdate(controller, def, obj, change, subresource) {
    const current = stillStored(registry, def, obj);
    if (current) updateObject(controllerUpdateCall(registry, auth, controller, def, obj, subresource), current, change(clone(current.obj)), subresource ?? "main");
  };
}
