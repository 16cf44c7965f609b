/**
 * @module cluster/auth/access-review-validation
 * 1.32's pkg/apis/authorization/validation for the three access reviews, over the spec as
 * decoded from the body: exactly one of resourceAttributes and nonResourceAttributes (both:
 * the nonResourceAttributes are Invalid; neither: resourceAttributes is), for SubjectAccessReview
 * and LocalSubjectAccessReview a user or a group, then the resourceAttributes' selectors
 * (access-review-selectors). A LocalSubjectAccessReview's resourceAttributes.namespace must be
 * its own namespace, and it takes no nonResourceAttributes. The metadata (as the create handler
 * left it: its namespace the URL's, the field manager's managedFields) must be empty apart from
 * managedFields, a LocalSubjectAccessReview's apart from its namespace too. Each review's 422
 * names its own kind and no object (NewInvalid(Kind(review.Kind), "", errs)).
 */
import { goObjectMeta, isEmptyObjectMeta } from "../go-object-meta.js";
import { invalid, type FieldError } from "../status.js";
import { resourceAttributesErrors } from "./access-review-selectors.js";
import { ReviewRequestError } from "./review-error.js";

type Obj = Record<string, unknown>;

/** The kinds of the access reviews. */
export type AccessReviewKind = "SelfSubjectAccessReview" | "SubjectAccessReview" | "LocalSubjectAccessReview";

const record = (value: unknown): Obj => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : {});
const str = (value: unknown): string => (typeof value === "string" ? value : "");

/** Go's `%#v` of the internal NonResourceAttributes, as field.Invalid renders a struct. */
function goNonResourceAttributes(value: unknown): string {
  const v = record(value);
  return `authorization.NonResourceAttributes{Path:${JSON.stringify(str(v.path))}, Verb:${JSON.stringify(str(v.verb))}}`;
}

/** ValidateSelfSubjectAccessReviewSpec, or ValidateSubjectAccessReviewSpec (`subject`: the user or group is required). */
function specErrors(spec: Obj, subject: boolean): FieldError[] {
  const hasResource = spec.resourceAttributes != null;
  const hasNonResource = spec.nonResourceAttributes != null;
  const errors: FieldError[] = [];
  if (hasResource && hasNonResource) {
    errors.push({ type: "Invalid", field: "spec.nonResourceAttributes", rendered: goNonResourceAttributes(spec.nonResourceAttributes), detail: "cannot be specified in combination with resourceAttributes" });
  }
  if (!hasResource && !hasNonResource) {
    errors.push({ type: "Invalid", field: "spec.resourceAttributes", value: null, detail: "exactly one of nonResourceAttributes or resourceAttributes must be specified" });
  }
  const groups = Array.isArray(spec.groups) ? spec.groups : [];
  if (subject && str(spec.user) === "" && groups.length === 0) {
    errors.push({ type: "Invalid", field: "spec.user", value: str(spec.user), detail: "at least one of user or group must be specified" });
  }
  errors.push(...resourceAttributesErrors(spec.resourceAttributes, "spec.resourceAttributes"));
  return errors;
}

/** ValidateLocalSubjectAccessReview's own checks, `namespace` being the review's (the URL's). */
function localErrors(spec: Obj, namespace: string): FieldError[] {
  const errors: FieldError[] = [];
  if (spec.resourceAttributes != null) {
    const given = str(record(spec.resourceAttributes).namespace);
    if (given !== namespace) errors.push({ type: "Invalid", field: "spec.resourceAttributes.namespace", value: given, detail: "must match metadata.namespace" });
  }
  if (spec.nonResourceAttributes != null) {
    errors.push({ type: "Invalid", field: "spec.nonResourceAttributes", rendered: goNonResourceAttributes(spec.nonResourceAttributes), detail: "disallowed on this kind of request" });
  }
  return errors;
}

/** The metadata check of ValidateSubjectAccessReview and its two kin, after the spec's. */
function metadataErrors(kind: AccessReviewKind, metadata: Obj): FieldError[] {
  const local = kind === "LocalSubjectAccessReview";
  if (isEmptyObjectMeta(metadata, local)) return [];
  return [{ type: "Invalid", field: "metadata", rendered: goObjectMeta(metadata), detail: local ? "must be empty except for namespace" : "must be empty" }];
}

/**
 * Throws the 422 `ReviewRequestError` of an access review of `kind` whose spec is `spec`;
 * `namespace` is a LocalSubjectAccessReview's, `metadata` the review's as the handler left it
 * (namespace and managedFields set).
 *
 * @example
 * validateAccessReview("SubjectAccessReview", { resourceAttributes: { verb: "get" } });
 * // throws: spec.user: Invalid value: "": at least one of user or group must be specified
 */
export function validateAccessReview(kind: AccessReviewKind, spec: unknown, namespace = "", metadata: unknown = {}): void {
  const s = record(spec);
  const errors = specErrors(s, kind !== "SelfSubjectAccessReview");
  errors.push(...metadataErrors(kind, record(metadata)));
  if (kind === "LocalSubjectAccessReview") errors.push(...localErrors(s, namespace));
  if (errors.length) throw new ReviewRequestError(invalid("authorization.k8s.io", kind, "", errors).status);
}
