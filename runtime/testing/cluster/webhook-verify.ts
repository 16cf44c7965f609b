/**
 * @module cluster/webhook-verify
 * The checks 1.32's VerifyAdmissionResponse (apiserver pkg/admission/plugin/webhook/request/
 * admissionreview.go) makes of the AdmissionReview a webhook answered. Of a v1beta1 one (sent to
 * a webhook whose first known admissionReviewVersion is v1beta1) only that `response` is there;
 * its patch is a JSONPatch (a validating webhook's ignored). Of a v1 one, in its order and words: `response` present (`webhook response was absent`), `response.uid` the
 * request's (`expected response.uid="<sent>", got "<answered>"`), the answer's own
 * apiVersion/kind `admission.k8s.io/v1 AdmissionReview` (`expected webhook response of
 * admission.k8s.io/v1, Kind=AdmissionReview, got <group>/<version>, Kind=<kind>`, as
 * GroupVersionKind.String() prints what the answer said: `/, Kind=` for neither), then
 * `patch` and `patchType`: a mutating webhook sends both or neither (and a patchType that is
 * not empty), a validating one neither. The dispatcher makes any of them a calling error
 * (`received invalid webhook response: <check>`), which failurePolicy judges.
 *
 * An answer of another apiVersion or kind that the API server's decoder cannot make the
 * AdmissionReview sent of (v1 and v1beta1 do not convert, webhook-answer) fails before these checks; any
 * other is judged here as the GVK check words it (a real server's decoder refuses a kind its
 * scheme does not know, naming the scheme).
 */
import { goQuote } from "./crd-schema-go.js";

type Obj = Record<string, any>;

/** An AdmissionReview answer VerifyAdmissionResponse refuses; the message is its error. */
export class InvalidWebhookResponse extends Error {
  readonly code = "webhook_response_invalid";
}

const EXPECTED = "admission.k8s.io/v1, Kind=AdmissionReview";

/** schema.FromAPIVersionAndKind(...).String(): `group/version, Kind=kind`, an unparsable apiVersion as none. */
function gvkString(apiVersion: unknown, kind: unknown): string {
  const version = typeof apiVersion === "string" ? apiVersion : "";
  const k = typeof kind === "string" ? kind : "";
  const slashes = version.split("/").length - 1;
  if (version === "" || version === "/" || slashes > 1) return `/, Kind=${k}`;
  if (slashes === 0) return `/${version}, Kind=${k}`;
  return `${version}, Kind=${k}`;
}

/** VerifyAdmissionResponse's word on `patch` and `patchType`. */
function patchProblem(mutating: boolean, response: Obj): string | undefined {
  const patch = response.patch !== undefined && response.patch !== null && response.patch !== "";
  const patchType = response.patchType !== undefined && response.patchType !== null;
  if (!mutating) {
    if (patch) return "validating webhook may not return response.patch";
    if (patchType) return "validating webhook may not return response.patchType";
    return undefined;
  }
  if (patch && !patchType) return "webhook returned response.patch but not response.patchType";
  if (!patch && patchType) return "webhook returned response.patchType but not response.patch";
  if (patchType && response.patchType === "") return 'webhook returned invalid response.patchType of ""';
  return undefined;
}

/** An AdmissionReview version the API server sends. */
export type ReviewVersion = "v1" | "v1beta1";

/**
 * v1beta1's answer as VerifyAdmissionResponse takes it: no uid, apiVersion or patchType check; a
 * mutating webhook's patch is a JSONPatch, a validating one's is ignored.
 */
function v1beta1Response(response: Obj, mutating: boolean): Obj {
  const { patch, patchType: _t, ...rest } = response;
  const hasPatch = patch !== undefined && patch !== null && patch !== "";
  return mutating && hasPatch ? { ...rest, patch, patchType: "JSONPatch" } : rest;
}

/**
 * The `response` of `answer`, the answer to `request` (the AdmissionReview sent), once
 * VerifyAdmissionResponse's checks for its version pass; else throws `InvalidWebhookResponse`.
 */
export function verifiedResponse(answer: Obj, request: Obj, mutating: boolean): Obj {
  const review = answer;
  const uid = String(request.request.uid);
  const response = review.response;
  if (response === undefined || response === null) throw new InvalidWebhookResponse("webhook response was absent");
  if (request.apiVersion === "admission.k8s.io/v1beta1") return v1beta1Response(response as Obj, mutating);
  const answered = typeof response.uid === "string" ? response.uid : "";
  if (answered !== uid) throw new InvalidWebhookResponse(`expected response.uid=${goQuote(uid)}, got ${goQuote(answered)}`);
  const got = gvkString(review.apiVersion, review.kind);
  if (got !== EXPECTED) throw new InvalidWebhookResponse(`expected webhook response of ${EXPECTED}, got ${got}`);
  const problem = patchProblem(mutating, response);
  if (problem) throw new InvalidWebhookResponse(problem);
  return response as Obj;
}
