/**
 * @module cluster/webhook-dispatch
 * Calls the matching admission webhooks of a write, as 1.32's MutatingAdmissionWebhook and
 * ValidatingAdmissionWebhook plugins do (apiserver pkg/admission/plugin/webhook):
 * - the AdmissionReview request, v1 or v1beta1 as the webhook's first known
 *   admissionReviewVersion says (the same fields): a new `uid`, kind/resource/subResource (and the same as
 *   requestKind/requestResource/requestSubResource: no conversion here; a subresource's kind is
 *   its object's, `autoscaling/v1 Scale` of `apps/v1 deployments` `scale`), name, namespace (a
 *   Namespace's own name for a Namespace, as 1.32's request info has it),
 *   operation, the caller's userInfo, object, oldObject, dryRun and options (Create-, Update- or
 *   DeleteOptions, meta.k8s.io/v1; a CONNECT's null);
 * - matchConditions (webhook-conditions; `authorizer` checks by the cluster's RBAC authorizer,
 *   for the request's user): a false one skips the call; an error is judged by
 *   failurePolicy (`Fail`: the 403 `<resource> "<name>" is forbidden: expression '<expression>'
 *   resulted in error: <error>`, ShouldCallHook's NewForbidden, before any validating webhook
 *   is called; `Ignore`: no call);
 * - a dry run reaches only webhooks with sideEffects None or NoneOnDryRun, any other is the
 *   400 `admission webhook "<name>" does not support dry run` (NewDryRunUnsupportedErr);
 * - mutating webhooks one at a time, each JSONPatch applied to the object the next one sees
 *   (webhook-patch: decoded into its Go type, unknown fields dropped, and defaulted); one with
 *   reinvocationPolicy IfNeeded is called once more when a later one changed the object after
 *   it (any change, even one undone later: webhookReinvokeContext); validating webhooks all at
 *   once, the first refusal to arrive answered (the dispatcher's `errs[0]`);
 * - a refusal is webhook/errors ToStatusErr's Status (1.32: code at least 400, `Failure`,
 *   `admission webhook "<name>" denied the request: <message>`, its reason and details kept);
 *   warnings become `Warning` headers as filters/warning.go records them (warnings.ts);
 * - a failed call (unreachable, TLS, timeout: webhook-call), an answer the client cannot read
 *   (a non-2xx status, a body that is no AdmissionReview: webhook-answer), one
 *   VerifyAdmissionResponse refuses (webhook-verify), a patch that is no JSON Patch or not of
 *   type JSONPatch (webhook-patch) is ErrCallingWebhook: under `Fail` the 500 `Internal error
 *   occurred: failed calling webhook "<name>": ...`, under `Ignore` the request goes on.
 */
import { randomUUID } from "node:crypto";
import type { Call } from "./call.js";
import type { Status } from "kubernetes-types/meta/v1.js";
import { ApiError, badRequest, forbidden, internalError } from "./status.js";
import { addWarning } from "./warnings.js";
import { callWebhook, WebhookCallError } from "./webhook-call.js";
import { evaluateConditions, type MatchCondition } from "./webhook-conditions.js";
import { celGoError } from "./crd-cel-error.js";
import { InvalidWebhookResponse, verifiedResponse, type ReviewVersion } from "./webhook-verify.js";
import { patchedObject, UnusablePatch } from "./webhook-patch.js";
import { storedWebhooks, webhookMatches, type Attributes, type StoredWebhook } from "./webhook-match.js";

type Obj = Record<string, any>;

/** Whether any stored configuration could concern a write (cheap: no configuration, no work). */
export function hasWebhooks(call: Call): boolean {
  return storedWebhooks(call.registry, true).length > 0 || storedWebhooks(call.registry, false).length > 0;
}

/** ErrCallingWebhook's message. */
function callingError(name: string, reason: string): ApiError {
  return internalError(`failed calling webhook "${name}": ${reason}`);
}

/** ToStatusErr as 1.32 has it. */
function denial(name: string, result: Obj | undefined): ApiError {
  const status: Obj = { ...(result ?? {}) };
  const deniedBy = `admission webhook "${name}" denied the request`;
  const code = typeof status.code === "number" && status.code >= 400 ? status.code : 400;
  const message = status.message ? `${deniedBy}: ${status.message}` : status.reason ? `${deniedBy}: ${status.reason}` : `${deniedBy} without explanation`;
  const out: Status = { kind: "Status", apiVersion: "v1", metadata: {}, status: status.status && status.status !== "Success" ? status.status : "Failure", message };
  if (status.reason) out.reason = status.reason;
  if (status.details) out.details = status.details;
  out.code = code;
  return new ApiError(out);
}

function optionsOf(call: Call, operation: Attributes["operation"], deleteOptions?: Obj): Obj | null {
  // A CONNECT's attributes carry no options: the RawExtension of none is `null`.
  if (operation === "CONNECT") return null;
  const kind = operation === "CREATE" ? "CreateOptions" : operation === "UPDATE" ? "UpdateOptions" : "DeleteOptions";
  if (deleteOptions) return { kind, apiVersion: "meta.k8s.io/v1", ...deleteOptions };
  const out: Obj = { kind, apiVersion: "meta.k8s.io/v1" };
  if (call.query.getAll("dryRun").length) out.dryRun = call.query.getAll("dryRun");
  const manager = call.query.get("fieldManager");
  if (manager) out.fieldManager = manager;
  const validation = call.query.get("fieldValidation");
  if (validation) out.fieldValidation = validation;
  return out;
}

/**
 * The AdmissionReview version a webhook is sent (CreateAdmissionObjects): the first of its
 * admissionReviewVersions the server knows (validation makes sure there is one).
 */
function reviewVersion(w: StoredWebhook): ReviewVersion {
  const versions: unknown[] = Array.isArray(w.hook.admissionReviewVersions) ? w.hook.admissionReviewVersions : [];
  return (versions.find((v) => v === "v1" || v === "v1beta1") as ReviewVersion | undefined) ?? "v1";
}

/** The AdmissionReview the API server posts (v1beta1's request has v1's fields). */
function reviewOf(call: Call, a: Attributes, dryRun: boolean, version: ReviewVersion, deleteOptions?: Obj): Obj {
  const { def } = a;
  // A subresource's name is the URL's (an Eviction's body may name none).
  const name = a.name ?? (a.subresource ? call.info.name : undefined) ?? (a.object ?? a.oldObject)?.metadata?.name ?? call.info.name ?? "";
  const kind = a.kind ?? { group: def.group, version: def.version, kind: def.kind };
  const resource = { group: def.group, version: def.version, resource: def.resource };
  const request: Obj = { uid: randomUUID(), kind, resource };
  if (a.subresource) request.subResource = a.subresource;
  request.requestKind = kind;
  request.requestResource = resource;
  if (a.subresource) request.requestSubResource = a.subresource;
  if (name) request.name = name;
  // A Namespace's requests name it as their namespace, on every operation (since 1.20, kubernetes#95012).
  const namespace = def.group === "" && def.resource === "namespaces" ? name : a.namespace;
  if (namespace) request.namespace = namespace;
  request.operation = a.operation;
  const { username, uid, groups, extra } = call.user;
  request.userInfo = { username, ...(uid ? { uid } : {}), ...(groups?.length ? { groups } : {}), ...(extra && Object.keys(extra).length ? { extra } : {}) };
  request.object = a.object;
  request.oldObject = a.oldObject;
  request.dryRun = dryRun;
  request.options = optionsOf(call, a.operation, deleteOptions);
  return { kind: "AdmissionReview", apiVersion: `admission.k8s.io/${version}`, request };
}

/**
 * The matchConditions' verdict (matchconditions.Matcher, generic.ShouldCallHook): call, skip, or
 * under Fail the 403 naming the object, its message every failed expression's error
 * (`expression '<expression>' resulted in error: <error>`, several as an aggregate `[a, b]`).
 */
function conditionsAllow(call: Call, w: StoredWebhook, review: Obj): "call" | "skip" {
  const conditions: { expression: string }[] = w.hook.matchConditions ?? [];
  const outcome = evaluateConditions(conditions as MatchCondition[], review.request, (attributes) => call.auth.authorizer.authorize(attributes));
  if ("match" in outcome) return outcome.match ? "call" : "skip";
  if (w.hook.failurePolicy === "Ignore") return "skip";
  const messages = [...new Set(outcome.errors.map((e) => `expression '${conditions[e.index]!.expression}' resulted in error: ${celGoError(e.error)}`))];
  const { group, resource } = review.request.resource as { group: string; resource: string };
  throw forbidden({ group, resource }, review.request.name ?? "", messages.length === 1 ? messages[0]! : `[${messages.join(", ")}]`);
}

/** One call and the checks of its answer (VerifyAdmissionResponse); `undefined` when ignored. */
async function called(call: Call, w: StoredWebhook, review: Obj): Promise<Obj | undefined> {
  const { hook } = w;
  try {
    const answer = await callWebhook(call.registry, hook.clientConfig ?? {}, hook.timeoutSeconds ?? 10, review);
    return verifiedResponse(answer, review, w.mutating);
  } catch (error) {
    if (!(error instanceof WebhookCallError) && !(error instanceof InvalidWebhookResponse)) throw error;
    if (hook.failurePolicy === "Ignore") return undefined;
    const reason = error instanceof InvalidWebhookResponse ? `received invalid webhook response: ${error.message}` : `failed to call webhook: ${error.message}`;
    throw callingError(hook.name, reason);
  }
}

/** The review to send `w`, or `undefined` when its matchConditions skip it (their error thrown). */
function reviewFor(call: Call, w: StoredWebhook, a: Attributes, dryRun: boolean, deleteOptions?: Obj): Obj | undefined {
  const review = reviewOf(call, a, dryRun, reviewVersion(w), deleteOptions);
  return conditionsAllow(call, w, review) === "call" ? review : undefined;
}

/** Checks dry-run support, calls; the response when the webhook was called and allowed the request. */
async function invoke(call: Call, w: StoredWebhook, review: Obj, dryRun: boolean): Promise<Obj | undefined> {
  if (dryRun && !["None", "NoneOnDryRun"].includes(w.hook.sideEffects)) throw badRequest(`admission webhook "${w.hook.name}" does not support dry run`);
  const response = await called(call, w, review);
  if (!response) return undefined;
  for (const text of Array.isArray(response.warnings) ? response.warnings : []) addWarning(call, String(text));
  if (response.allowed !== true) throw denial(w.hook.name, response.status);
  return response;
}

/** The object after a mutating webhook's patch (webhook-patch); an unusable patch is judged by failurePolicy (Ignore: unchanged). */
function patched(w: StoredWebhook, a: Attributes, object: Obj | null, response: Obj): Obj | null {
  try {
    return patchedObject(a, w.hook.name, object, response);
  } catch (error) {
    if (!(error instanceof UnusablePatch)) throw error;
    if (w.hook.failurePolicy === "Ignore") return object;
    throw callingError(w.hook.name, error.message);
  }
}

/**
 * The mutating webhooks over `a.object` (a create's or update's; a delete's null is passed
 * along, and a patch to it refused): the object as they left it. Reinvocation as 1.32's
 * webhookReinvokeContext: a patch that changes the object marks every IfNeeded webhook called
 * before it (since the last change) for a second round, which runs once, when anything changed,
 * and calls only the marked ones (their own changes mark those before them in that round).
 */
export async function runMutating(call: Call, a: Attributes, dryRun: boolean, deleteOptions?: Obj): Promise<Obj | null> {
  const hooks = storedWebhooks(call.registry, true).filter((w) => webhookMatches(call.registry, w.hook, a));
  let object = a.object;
  let previously = new Set<StoredWebhook>();
  const reinvoke = new Set<StoredWebhook>();
  let changedAny = false;
  const round = async (again: boolean) => {
    for (const w of hooks) {
      const review = reviewFor(call, w, { ...a, object }, dryRun, deleteOptions);
      if (!review || (again && !reinvoke.has(w))) continue;
      const response = await invoke(call, w, review, dryRun);
      const before = JSON.stringify(object);
      if (response?.patch) object = patched(w, a, object, response);
      if (JSON.stringify(object) !== before) {
        changedAny = true;
        for (const p of previously) reinvoke.add(p);
        previously = new Set();
      }
      if (w.hook.reinvocationPolicy === "IfNeeded") previously.add(w);
    }
  };
  await round(false);
  if (changedAny) await round(true);
  return object;
}

/**
 * The validating webhooks: all matched first (a matchConditions error thrown before any call),
 * then called together; once all have answered, the first refusal (or failure under `Fail`) to
 * arrive is thrown, as the dispatcher's error channel returns `errs[0]`, whatever the order of
 * the configurations.
 */
export async function runValidating(call: Call, a: Attributes, dryRun: boolean, deleteOptions?: Obj): Promise<void> {
  const hooks = storedWebhooks(call.registry, false).filter((w) => webhookMatches(call.registry, w.hook, a));
  const calls = hooks.map((w) => ({ w, review: reviewFor(call, w, a, dryRun, deleteOptions) }));
  const arrived: unknown[] = [];
  await Promise.all(calls.map(({ w, review }) => (review ? invoke(call, w, review, dryRun).catch((error: unknown) => void arrived.push(error)) : undefined)));
  if (arrived.length) throw arrived[0];
}
