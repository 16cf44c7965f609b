/**
 * @module admission/review
 * Types only: the AdmissionReview the API server POSTs to a webhook and the answer it reads back,
 * written by hand from k8s.io/api/admission/v1 (types.go). `kubernetes-types` has no
 * admission/v1: an AdmissionReview is a webhook payload, never an object the API server
 * serves, so the generated types (from the served OpenAPI) leave it out. Field names, optionality
 * and comments follow the Go struct tags (`omitempty` fields are optional here).
 */
import type { KubeObject } from "../kube/api.js";

/** The `apiVersion` of every review podfn takes and answers (the manifests register v1 only). */
export const ADMISSION_REVIEW_VERSION = "admission.k8s.io/v1";

/** The operations an admission request is made for. */
export type AdmissionOperation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

/** metav1.GroupVersionKind: the kind of an object (`{group: "apps", version: "v1", kind: "Deployment"}`; core's group is `""`). */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** metav1.GroupVersionResource: a resource (`{group: "apps", version: "v1", resource: "deployments"}`). */
export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

/** authentication/v1 UserInfo: who made the request the webhook is asked about. */
export interface AdmissionUserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/**
 * admission/v1 AdmissionRequest: what the API server asks about.
 *
 * @typeParam O - the type of `object` and `oldObject` (`defineFunction` infers it from the
 * rules' `resource`: a `Deployment` for `"deployments.apps"`).
 */
export interface AdmissionRequest<O extends KubeObject = KubeObject> {
  /** Identifies this call; the answer must carry it back (podfn does). */
  uid: string;
  /** The kind of `object` as the webhook receives it (converted to the rule's version). */
  kind: GroupVersionKind;
  /** The resource being acted on, in the rule's version. */
  resource: GroupVersionResource;
  /** The subresource (`"status"`, `"scale"`), if any. */
  subResource?: string;
  /** The kind the original request was made in (`apps/v1beta1` before conversion); the same as `kind` when nothing was converted (1.32 always sends it). */
  requestKind?: GroupVersionKind;
  /** The resource the original request was made for; the same as `resource` when nothing was converted (1.32 always sends it). */
  requestResource?: GroupVersionResource;
  /** The subresource the original request was made for, if any. */
  requestSubResource?: string;
  /** The object's name; empty on a CREATE whose name the server generates (`generateName`). */
  name?: string;
  /** The object's namespace; absent for a cluster-scoped object. */
  namespace?: string;
  operation: AdmissionOperation;
  /** Who made the request. */
  userInfo: AdmissionUserInfo;
  /** The object as it would be written (CREATE, UPDATE, CONNECT's options object); null on DELETE. */
  object?: O | null;
  /** The object as it is (UPDATE, DELETE); null on CREATE. */
  oldObject?: O | null;
  /** True for a dry run (`kubectl apply --dry-run=server`): nothing is persisted; the handler's writes are dry runs too. */
  dryRun?: boolean;
  /**
   * The operation's options: a CreateOptions, UpdateOptions or DeleteOptions object (a PATCH's
   * are its UpdateOptions, or CreateOptions when it creates: never PatchOptions); null for CONNECT.
   */
  options?: Record<string, unknown> | null;
}

/** metav1.Status, as far as an admission answer uses it: why a request was denied. */
export interface AdmissionStatus {
  /** An HTTP status code (400 to 599) the API server answers the denied request with (400 when absent). */
  code?: number;
  /** Shown to whoever made the request: `admission webhook "..." denied the request: <message>`. */
  message?: string;
  /** A machine-readable reason (`"Forbidden"`, `"Invalid"`). */
  reason?: string;
}

/** admission/v1 AdmissionResponse: the webhook's decision. */
export interface AdmissionResponse {
  /** The request's `uid`, echoed. */
  uid: string;
  allowed: boolean;
  /** Why, when denied. */
  status?: AdmissionStatus;
  /** A JSONPatch (RFC 6902), base64-encoded: what a mutating webhook changes. */
  patch?: string;
  /** `"JSONPatch"` when `patch` is set. */
  patchType?: "JSONPatch";
  /** Written to the audit log. */
  auditAnnotations?: Record<string, string>;
  /** Shown to the client (`kubectl` prints them as `Warning: ...`). */
  warnings?: string[];
}

/** admission/v1 AdmissionReview: the request going in, the response coming back. */
export interface AdmissionReview<O extends KubeObject = KubeObject> {
  apiVersion: typeof ADMISSION_REVIEW_VERSION;
  kind: "AdmissionReview";
  request?: AdmissionRequest<O>;
  response?: AdmissionResponse;
}
