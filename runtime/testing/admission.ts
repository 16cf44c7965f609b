/**
 * @module testing/admission
 * Admission webhooks in tests, called directly: a test posts the AdmissionReview the API
 * server would (for the write itself, register the webhook with `deployed.registerWebhook()` and
 * the emulated cluster calls it). `admissionReview()` builds one (a fresh `uid`, the
 * operation, kind and resource filled in from the object and the function's first rule), and a
 * deployed function's `review()` (harness.ts) answers it through the same code as `podfn
 * serve`'s webhook port, as the function's ServiceAccount, applying a mutating webhook's patch
 * to give the object as the API server would then write it. A webhook with `matchConditions` is
 * called only when the API server would call it (admission-conditions.ts; `authorizer` checks
 * asked of the harness's cluster, admission-authorizer.ts).
 */
import { randomUUID } from "node:crypto";
import { applyPatch } from "rfc6902";
import type { Logger } from "pino";
import type { KubeClient, KubeObject } from "../kube/api.js";
import type { LoadedFunction } from "../function.js";
import { PodfnError } from "../errors.js";
import { decideReview } from "../admission/decide.js";
import { CONNECT_SUBRESOURCES } from "../admission/definition.js";
import { ADMISSION_REVIEW_VERSION, type AdmissionRequest, type AdmissionResponse, type AdmissionReview } from "../admission/review.js";
import { evaluateMatchConditions } from "./admission-conditions.js";
import type { Authorize } from "./cluster/webhook-authz.js";
import { namespacedKind, resourceOfKind } from "./kind-resource.js";

/**
 * What a test says of a request; the rest is filled in (see `admissionReview`).
 *
 * @typeParam O - the type of `object` and `oldObject` (a deployed definition's `review()` gives
 * its rules' objects, as `ReviewObjectOf`).
 */
export type ReviewFields<O extends KubeObject = KubeObject> = Partial<AdmissionRequest<O>>;

/**
 * What the webhook answered, and the object as it would be written.
 *
 * @typeParam O - the type of `object`: a deployed definition's `review()` gives its rules'
 * objects (`ReviewObjectOf`), as its handler's `trigger.request.object` is typed.
 */
export interface ReviewResult<O extends KubeObject = KubeObject> {
  /**
   * Whether the API server calls the webhook for this request: false when one of its
   * `matchConditions` is false (the request goes on: `response.allowed` is true), or one cannot
   * be evaluated (as `failurePolicy` says: refused under Fail, `response.allowed` false).
   */
  called: boolean;
  /** Why it is not called (the condition, by index and name), when it is not. */
  notCalledBecause?: string;
  /** The AdmissionResponse (`allowed`, `status`, `warnings`, `patch`...); without a call, only `uid` and `allowed`. */
  response: AdmissionResponse;
  /** The request's object with the webhook's patch applied (a mutating webhook's answer); the request's object when there is none. */
  object?: O | null;
  /** The JSONPatch operations the answer carries, decoded. */
  patch: unknown[];
}

/** The webhook answered something other than a decision: the review was refused (400). */
export class ReviewRefusedError extends PodfnError {
  declare readonly code: "review_refused";
  constructor(message: string) {
    super("review_refused", message);
  }
}

/**
 * An AdmissionReview as the API server sends one: `fields` as given, the rest filled in: `uid`
 * (fresh), `operation` (CREATE with an object, UPDATE with an object and an old one, DELETE with
 * only an old one (`object` null or left out), CONNECT for a first rule on `exec`, `attach`,
 * `portforward` or `proxy`), `kind` from the object's `apiVersion` and
 * `kind`, `resource` and `subResource` from `fn`'s first rule (or the kind's resource: a built-in
 * type's as 1.32 serves it, else the plural apimachinery guesses, `Policy` → `policies`), `name` and
 * `namespace` from the object (`defaultNamespace` for a namespaced one naming none, as the API
 * server takes its URL's; none for a cluster-scoped one, `fn`'s first rule or the built-in kind
 * saying which; a Namespace's own name for a Namespace, as 1.32 sends it; a namespaced
 * `object` or `oldObject` naming none is sent with it, as the API server sets it before
 * admission), and a cluster admin as `userInfo`.
 *
 * @example
 * const review = admissionReview({ object: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" } } });
 */
export function admissionReview(fields: ReviewFields = {}, fn?: LoadedFunction, defaultNamespace?: string): AdmissionReview {
  const object = (fields.object ?? fields.oldObject ?? undefined) as KubeObject | undefined;
  const [group, version] = object?.apiVersion?.includes("/") ? object.apiVersion.split("/") : ["", object?.apiVersion ?? "v1"];
  const first = fn?.admission?.rules[0];
  const rule = first?.type;
  const kind = fields.kind ?? { group: group!, version: version!, kind: object?.kind ?? rule?.kind ?? "" };
  // The API server's request names the object's namespace (a write naming another than its URL's
  // is refused), and none for a cluster-scoped object but a Namespace, whose own name it is.
  const namespaced = rule ? rule.namespaced : namespacedKind(kind.group, kind.kind);
  const isNamespace = kind.group === "" && kind.kind === "Namespace";
  const namespace = isNamespace ? object?.metadata?.name : object?.metadata?.namespace || (namespaced === false ? undefined : defaultNamespace);
  const resource = fields.resource ?? (rule ? { group: rule.group, version: rule.version, resource: rule.resource } : { group: kind.group, version: kind.version, resource: resourceOfKind(kind.group, kind.kind) });
  const subResource = fields.subResource ?? first?.subresource;
  const request: AdmissionRequest = {
    uid: randomUUID(),
    kind,
    resource,
    ...(subResource !== undefined ? { subResource } : {}),
    // 1.32 always sends what the request was made for (the same as kind/resource when nothing was converted).
    requestKind: kind,
    requestResource: resource,
    ...(subResource !== undefined ? { requestSubResource: subResource } : {}),
    operation: fields.oldObject ? (fields.object ? "UPDATE" : "DELETE") : first?.subresource !== undefined && CONNECT_SUBRESOURCES.has(first.subresource) ? "CONNECT" : "CREATE",
    userInfo: { username: "kubernetes-admin", groups: ["system:masters", "system:authenticated"] },
    ...(object?.metadata?.name ? { name: object.metadata.name } : {}),
    ...(namespace ? { namespace } : {}),
    object: null,
    oldObject: null,
    dryRun: false,
    ...fields,
  };
  // A namespaced object naming no namespace has the request's by the time the webhook sees it
  // (the API server sets it before admission since 1.24); the test's object is left as it was.
  if (namespaced !== false && !isNamespace && request.namespace) {
    for (const key of ["object", "oldObject"] as const) {
      const o = request[key];
      if (o && !o.metadata?.namespace) request[key] = { ...o, metadata: { ...o.metadata, namespace: request.namespace } };
    }
  }
  return { apiVersion: ADMISSION_REVIEW_VERSION, kind: "AdmissionReview", request };
}

/**
 * Answers `fields` (or a whole review) as `fn`'s webhook would over HTTPS, through `kube`, its
 * matchConditions' `authorizer` checks decided by `authorize` (the harness's cluster).
 * Throws `ReviewRefusedError` when the review is refused (a 400: not an AdmissionReview).
 */
export async function reviewWith(fn: LoadedFunction, fields: ReviewFields | AdmissionReview, namespace: string, kube: KubeClient, logger: Logger, authorize?: Authorize): Promise<ReviewResult> {
  if (!fn.admission) throw new PodfnError("not_admission", `${fn.name} has no admission webhook: review() answers only functions with \`admission\``);
  const review = "request" in fields && (fields as AdmissionReview).kind === "AdmissionReview" ? (fields as AdmissionReview) : admissionReview(fields as ReviewFields, fn, namespace);
  const verdict = review.request ? await evaluateMatchConditions(fn.admission, review.request, authorize) : { call: true as const };
  if (!verdict.call) {
    const original = review.request!.object;
    return { called: false, notCalledBecause: verdict.reason, response: { uid: review.request!.uid, allowed: !verdict.refused }, ...(original !== undefined ? { object: original as KubeObject | null } : {}), patch: [] };
  }
  // As on the wire: what the handler gets is what JSON carries.
  const answer = await decideReview(fn, JSON.parse(JSON.stringify(review)), randomUUID(), { kube, logger });
  if (answer.status !== 200 || !("response" in answer.body) || !answer.body.response) throw new ReviewRefusedError(`the webhook refused the review: ${JSON.stringify(answer.body)}`);
  const response = answer.body.response;
  const patch: unknown[] = response.patch ? (JSON.parse(Buffer.from(response.patch, "base64").toString("utf8")) as unknown[]) : [];
  const original = review.request?.object;
  let object = original === undefined ? undefined : (structuredClone(original) as KubeObject | null);
  if (patch.length > 0 && object) {
    const failures = applyPatch(object, patch as Parameters<typeof applyPatch>[1]).filter((r) => r !== null);
    if (failures.length > 0) throw new PodfnError("invalid_patch", `the webhook's patch does not apply to the request's object: ${failures.map(String).join("; ")}`);
  }
  return { called: true, response, ...(object !== undefined ? { object } : {}), patch };
}
