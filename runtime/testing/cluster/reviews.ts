/**
 * @module cluster/reviews
 * The review endpoints: SelfSubjectReview, TokenReview (authentication.k8s.io/v1),
 * SelfSubjectAccessReview, SelfSubjectRulesReview, SubjectAccessReview and
 * LocalSubjectAccessReview (authorization.k8s.io/v1). Bodies come from the auth module; this
 * adds the `managedFields` entry the real server records for reviews with a spec.
 */
import { selfSubjectAccessReview, selfSubjectReview, selfSubjectRulesReview, tokenReview, type UserInfo } from "./auth/index.js";
import { ReviewRequestError } from "./auth/reviews.js";
import { fieldManager, goJsonError, type Call, type Reply } from "./call.js";
import { goEncoded } from "./go-json-encoding.js";
import { managedFieldsAfter } from "./managed-fields.js";
import { apiVersionOf } from "./resources.js";
import { ApiError, badRequest } from "./status.js";

type Obj = Record<string, any>;

/**
 * The review with the entry the field manager records for its create: the Update of the spec
 * as decoded (Go's encoding: empty omitempty fields gone) over an empty review, by the schema.
 */
function withManagedFields(call: Call, review: Obj, body: Obj): Obj {
  const { def } = call;
  const decoded = goEncoded({ apiVersion: apiVersionOf(def), kind: def.kind, spec: body.spec });
  const writer = { def, manager: fieldManager(call), time: call.registry.timestamp() };
  const managedFields = managedFieldsAfter(writer, undefined, { spec: decoded.spec }, "Update");
  if (!managedFields.length) return review;
  return { ...review, metadata: { ...review.metadata, managedFields } };
}

function subjectOf(spec: Obj): UserInfo {
  const user: UserInfo = { username: String(spec.user ?? ""), groups: Array.isArray(spec.groups) ? spec.groups : [] };
  if (spec.uid) user.uid = spec.uid;
  if (spec.extra) user.extra = spec.extra;
  return user;
}

/** POST of a review: 201 with the answered review. */
export async function serveReview(call: Call): Promise<Reply> {
  const text = call.body.toString("utf8");
  let body: Obj;
  try {
    body = (text.trim() ? JSON.parse(text) : {}) as Obj;
  } catch (error) {
    throw badRequest(`the object provided is unrecognized (must be of type ${call.def.kind}): couldn't get version/kind; json parse error: ${goJsonError(text, error)} (${text})`);
  }
  const { authorizer, authenticator } = call.auth;
  try {
    let review: Obj;
    switch (call.def.resource) {
      case "selfsubjectreviews":
        review = selfSubjectReview(call.user, new Date(call.registry.now()));
        break;
      case "tokenreviews":
        review = withManagedFields(call, await tokenReview(body, authenticator), body);
        break;
      case "selfsubjectaccessreviews":
        review = withManagedFields(call, selfSubjectAccessReview(call.user, body, authorizer), body);
        break;
      case "selfsubjectrulesreviews":
        review = selfSubjectRulesReview(call.user, body, authorizer);
        break;
      default: {
        const spec: Obj = body.spec ?? {};
        const answered = selfSubjectAccessReview(subjectOf(spec), body, authorizer) as Obj;
        review = withManagedFields(call, { ...answered, kind: call.def.kind, spec }, body);
      }
    }
    return { status: 201, body: JSON.stringify(review) };
  } catch (error) {
    if (error instanceof ReviewRequestError) throw new ApiError(error.status);
    throw error;
  }
}
