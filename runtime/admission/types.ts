/**
 * @module admission/types
 * What a function author writes for an admission webhook: the `admission` trigger (which
 * requests the API server sends it, and how it treats the webhook), the handler's context and
 * the decision it returns. Types only; `defineFunction` (function.ts) takes an admission
 * definition through an overload of its own, since its handler answers with a decision rather
 * than a result, and the loader checks it (admission/definition.ts).
 */
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import type { Scale } from "kubernetes-types/autoscaling/v1.js";
import type { Eviction } from "kubernetes-types/policy/v1.js";
import type { Binding } from "kubernetes-types/core/v1.js";
import type { TokenRequest } from "kubernetes-types/authentication/v1.js";
import type { KubeObject } from "../kube/api.js";
import type { EgressRule, FunctionContext, PermissionRule, WatchedResourceType } from "../function.js";
import type { WatchedObjectType } from "../watch/object-types.js";
import type { AdmissionOperation, AdmissionRequest } from "./review.js";

export type { AdmissionOperation, AdmissionRequest, AdmissionResponse, AdmissionReview, AdmissionStatus, AdmissionUserInfo, GroupVersionKind, GroupVersionResource } from "./review.js";

/**
 * What a rule's `resource` may be: the forms a watch's `resource` takes, and a subresource of
 * one (`"pods/exec"`, `"deployments.apps/scale"`, or a descriptor with `subresource`).
 */
export type AdmissionResource = string | (WatchedResourceType & { subresource?: string });

/** Which webhook: a validating one decides; a mutating one may change the object too (first, before every validating one). */
export type AdmissionWebhookType = "validating" | "mutating";

/**
 * Which requests the API server sends the webhook (a rule of the webhook configuration).
 *
 * @example
 * { operations: ["CREATE", "UPDATE"], resource: "deployments.apps" }
 */
export interface AdmissionRule<R extends AdmissionResource = AdmissionResource> {
  /** The operations, or `["*"]` for all four. */
  operations: (AdmissionOperation | "*")[];
  /**
   * The resource, as a watch names it: a built-in one as RBAC names it with its group (`pods`,
   * `deployments.apps`: the handler's `trigger.request.object` is then its `kubernetes-types`
   * type), or `{group, version, resource, namespaced}` (a `ResourceType<Backup>` types it as a
   * `Backup`). The API server sends the object in that version, converting it if need be. A
   * subresource after a `/` (`"pods/exec"`, `"deployments.apps/scale"`, `"pods/status"`) or as
   * the descriptor's `subresource`: only that subresource's requests (`trigger.request.subResource`),
   * whose object is the subresource's (`AdmissionObjectType`); `exec`, `attach`, `portforward`
   * are reached by `CONNECT` only.
   */
  resource: R;
  /** `"Namespaced"`, `"Cluster"` or `"*"` (both). Default `"*"`, as Kubernetes. */
  scope?: "Namespaced" | "Cluster" | "*";
}

/**
 * Make the function an admission webhook: the API server calls it over HTTPS for the requests
 * its `rules` match, before it persists them, and a validating one may deny them, a mutating one
 * change the object too. Served by `podfn serve` on the webhook port (`--admission-port`, 9443),
 * at `/admission/<name>`; `podfn manifests` writes the webhook configuration and its TLS
 * (cert-manager). A function with `admission` has no other trigger.
 *
 * @example
 * admission: { type: "validating", rules: [{ operations: ["CREATE", "UPDATE"], resource: "deployments.apps" }] }
 */
export interface AdmissionTrigger<R extends AdmissionResource = AdmissionResource, T extends AdmissionWebhookType = AdmissionWebhookType> {
  /** `"validating"` (decide) or `"mutating"` (decide, and change the object by returning it). */
  type: T;
  /** Which requests are sent (at least one rule). */
  rules: AdmissionRule<R>[];
  /**
   * What the API server does when the webhook cannot answer (unreachable, past its timeout, an
   * answer it cannot read): `"Fail"` refuses the request, `"Ignore"` lets it through. A handler
   * that throws or runs out of time is answered the same way by podfn (denied under Fail,
   * allowed with a warning under Ignore). Default `"Fail"`, as Kubernetes.
   */
  failurePolicy?: "Fail" | "Ignore";
  /** How long the API server waits for the answer, 1 to 30 seconds; podfn answers a little before. Default 10, as Kubernetes. */
  timeoutSeconds?: number;
  /**
   * `"None"`: the handler changes nothing outside the object (the API server then calls it for
   * dry runs too). `"NoneOnDryRun"`: it may write elsewhere, but not for a dry run
   * (`ctx.dryRun` is then true, and its client's writes are dry runs). Default `"None"`.
   */
  sideEffects?: "None" | "NoneOnDryRun";
  /**
   * Only objects in namespaces these labels select. The function's own namespace and
   * `kube-system` are always left out (see the README: with `Fail`, a webhook whose own pods
   * need it to start could never start).
   */
  namespaceSelector?: LabelSelector;
  /** Only objects these labels select. */
  objectSelector?: LabelSelector;
  /**
   * Only requests for which every one of these CEL expressions is true (at most 64; Kubernetes'
   * `matchConditions`, evaluated by the API server before it calls the webhook). Each sees
   * `object`, `oldObject` (null when absent), `request` (the AdmissionRequest) and `authorizer`.
   * A request a condition leaves out is let through without a call; an expression that fails to
   * evaluate is treated as `failurePolicy` says.
   *
   * @example
   * matchConditions: [{ name: "not-system", expression: "!request.userInfo.username.startsWith('system:')" }]
   */
  matchConditions?: AdmissionMatchCondition[];
  /**
   * Mutating webhooks only: `"IfNeeded"` has the API server call the webhook once more when a
   * later mutating webhook changed the object after it (the handler must then be idempotent).
   * Default `"Never"`, as Kubernetes.
   */
  reinvocationPolicy?: "Never" | "IfNeeded";
}

/** One of a webhook's `matchConditions`: a qualified name and a CEL expression evaluating to a bool. */
export interface AdmissionMatchCondition {
  /** A qualified name (`exclude-leases`, `example.com/skip-system`), unique among the webhook's conditions. */
  name: string;
  /** CEL, evaluating to a bool: the webhook is called only when every condition is true. */
  expression: string;
}

/** A webhook's decision: let the request through, or deny it with a message. */
export interface AdmissionDecision {
  allowed: boolean;
  /** Why it is denied: the API server answers it to whoever made the request. */
  message?: string;
  /** The HTTP status the denied request is answered with, 400 to 599. Default: the API server's 400. */
  code?: number;
  /** Shown to the client either way (`kubectl` prints each as `Warning: ...`). */
  warnings?: string[];
}

/**
 * A mutating webhook's decision: also the object as it should be written (`object`, allowed
 * only): podfn sends the API server the JSONPatch from the request's object to it.
 */
export interface MutatingDecision<O extends KubeObject = KubeObject> extends AdmissionDecision {
  /** The changed object (a copy of `trigger.request.object`, changed); absent: no change. */
  object?: O;
}

/** What a handler of webhook type `T` returns: a validating one cannot return an object (the API server refuses its patches). */
export type AdmissionResult<O extends KubeObject, T extends AdmissionWebhookType> = T extends "mutating" ? MutatingDecision<O> : AdmissionDecision & { object?: never };

/** An admission call's trigger: `{type: "admission", webhook, request}`. */
export interface AdmissionCall<O extends KubeObject = KubeObject> {
  type: "admission";
  /** The webhook's type. */
  webhook: AdmissionWebhookType;
  /**
   * What the API server asks about: `request.object` (null on DELETE), `request.oldObject`,
   * `request.userInfo`, ... With rules on several resources, `request.object?.kind === "Pod"`
   * narrows `request.object` (each `kubernetes-types` type's `kind` is a literal); checking
   * `request.resource.resource` cannot, TypeScript narrowing no union through a nested property.
   */
  request: AdmissionRequest<O>;
}

/** What an admission handler receives: the usual context (no input), its trigger the review's request. */
export interface AdmissionContext<O extends KubeObject = KubeObject> extends Omit<FunctionContext<Record<string, never>>, "trigger" | "input"> {
  trigger: AdmissionCall<O>;
}

/**
 * The object a request for subresource `S` of objects of type `P` carries: the object itself
 * for `status`, `ephemeralcontainers` and `resize`; a `Scale`, `Eviction`, `Binding` or
 * `TokenRequest` for those subresources; else a `KubeObject` (the options of a CONNECT:
 * `PodExecOptions`, `PodAttachOptions`, `PodPortForwardOptions`, which `kubernetes-types` leaves out).
 */
type SubresourceObject<P, S> = S extends "status" | "ephemeralcontainers" | "resize" ? P : S extends "scale" ? Scale : S extends "eviction" ? Eviction : S extends "binding" ? Binding : S extends "token" ? TokenRequest : KubeObject;

/**
 * The type of the objects a rule's `resource` names (see `WatchedObjectType`), or of a
 * subresource's requests: `"deployments.apps/scale"` is a `Scale`, `"pods/status"` a `Pod`.
 */
export type AdmissionObjectType<R> = R extends `${infer B}/${infer S}` ? SubresourceObject<WatchedObjectType<B>, S> : R extends { subresource: infer S extends string } ? SubresourceObject<WatchedObjectType<R>, S> : WatchedObjectType<R>;

/**
 * What `defineFunction` takes for an admission webhook: no `input`, `http`, `schedule`,
 * `watch` or `timeoutMs` (the webhook's `timeoutSeconds` bounds the call).
 *
 * @typeParam R - the rules' `resource` (inferred): types `trigger.request.object`.
 * @typeParam T - the webhook's type (inferred): a mutating handler may return the object.
 */
export interface AdmissionFunctionDefinition<R extends AdmissionResource = AdmissionResource, T extends AdmissionWebhookType = AdmissionWebhookType> {
  /** DNS-1123 label: lower case, digits, `-`; at most 52 characters. */
  name: string;
  /** Shown by `podfn list`. */
  description?: string;
  /** RBAC rules the handler needs (it runs in the HTTP Deployment, as its ServiceAccount). */
  permissions?: PermissionRule[];
  /** The webhook (see `AdmissionTrigger`). */
  admission: AdmissionTrigger<R, T>;
  /** See `FunctionDefinition.workload`: the Deployment (and Service) that serves the webhook. */
  workload?: string;
  /** See `FunctionDefinition.kubeApi`. */
  kubeApi?: boolean;
  /** See `FunctionDefinition.env`. */
  env?: string[];
  /** See `FunctionDefinition.secrets`: Secrets the handler reads with `ctx.secret(name)`. */
  secrets?: string[];
  /** See `FunctionDefinition.egress`: where the webhook connects outside the API server (an image-signature service, a policy engine). */
  egress?: EgressRule[];
  /** Work to do once when the process shuts down. */
  onShutdown?: () => Promise<void> | void;
  /**
   * Decides one admission request: `{allowed: true}`, `{allowed: false, message}`, and for a
   * mutating webhook `{allowed: true, object}` with the object changed. A throw (or a call past
   * the deadline) is answered as `failurePolicy` says, with the request id, and logged.
   */
  handler(ctx: AdmissionContext<AdmissionObjectType<R>>): AdmissionResult<AdmissionObjectType<R>, T> | Promise<AdmissionResult<AdmissionObjectType<R>, T>>;
}

/** An admission trigger with its defaults resolved (`LoadedFunction.admission`). */
export interface LoadedAdmission {
  type: AdmissionWebhookType;
  /** The rules, each resource resolved to its type. */
  rules: { operations: (AdmissionOperation | "*")[]; type: WatchedResourceType; subresource?: string; scope: "Namespaced" | "Cluster" | "*" }[];
  failurePolicy: "Fail" | "Ignore";
  timeoutSeconds: number;
  sideEffects: "None" | "NoneOnDryRun";
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  matchConditions?: AdmissionMatchCondition[];
  /** Set for a mutating webhook only. */
  reinvocationPolicy?: "Never" | "IfNeeded";
  /** Where `podfn serve` serves it on the webhook port: `/admission/<name>`. */
  path: string;
  /** When the handler's answer is due (ms after the request arrived): a little before `timeoutSeconds`. */
  deadlineMs: number;
}
