/**
 * @module testing/admission-authorizer
 * The `authorizer` of a webhook's matchConditions in `review()`: each check is a
 * SubjectAccessReview the harness's cluster admin posts to the emulated cluster, for the
 * review's user and groups, so it is decided by the cluster's own RBAC authorizer, as the API
 * server decides it before calling the webhook (the reason as RBAC gives it, the review's
 * `evaluationError` as the check's `error()`). A review the cluster does not answer is an
 * `AuthorizerFailure`, not a condition's error.
 */
import type { SubjectAccessReviewStatus } from "kubernetes-types/authorization/v1.js";
import type { KubeClient } from "../kube/api.js";
import type { RequestAttributes } from "./cluster/auth/types.js";
import type { Authorize, AuthzAnswer } from "./cluster/webhook-authz.js";
import { AuthorizerFailure } from "./cluster/index.js";

/** A SubjectAccessReview's spec for one check (selectors left out: no RBAC rule reads them). */
function reviewSpec(attributes: RequestAttributes): Record<string, unknown> {
  const { user } = attributes;
  const subject = { user: user.username, groups: user.groups, ...(user.uid ? { uid: user.uid } : {}), ...(user.extra ? { extra: user.extra } : {}) };
  if (!attributes.resourceRequest) return { ...subject, nonResourceAttributes: { path: attributes.path, verb: attributes.verb } };
  const { namespace, verb, apiGroup: group, apiVersion: version, resource, subresource, name } = attributes;
  return { ...subject, resourceAttributes: { namespace, verb, group, version, resource, subresource, name } };
}

/**
 * Decides `authorizer` checks with SubjectAccessReviews posted by `admin` (who may create them).
 *
 * @example
 * const verdict = await evaluateMatchConditions(fn.admission!, review.request!, subjectAccessReviewer(admin));
 */
export function subjectAccessReviewer(admin: KubeClient): Authorize {
  return async function subjectAccessReview(attributes: RequestAttributes): Promise<AuthzAnswer> {
    // A user with no name and no group is one no binding names (and a review of it is refused): denied.
    if (!attributes.user.username && attributes.user.groups.length === 0) return { allowed: false, reason: "" };
    let status: SubjectAccessReviewStatus | undefined;
    try {
      const body = { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec: reviewSpec(attributes) };
      ({ status } = await admin.request<{ status?: SubjectAccessReviewStatus }>({ method: "POST", path: "/apis/authorization.k8s.io/v1/subjectaccessreviews", body }));
    } catch (error) {
      throw new AuthorizerFailure(`review(): the emulated cluster did not answer the SubjectAccessReview of an authorizer check: ${(error as Error).message}`, { cause: error });
    }
    return { allowed: status?.allowed === true, reason: status?.reason ?? "", ...(status?.evaluationError ? { error: status.evaluationError } : {}) };
  };
}
