/**
 * @module cluster/reviews
 * The review endpoints: SelfSubjectReview, TokenReview (authentication.k8s.io/v1),
 * SelfSubjectAccessReview, SelfSubjectRulesReview, SubjectAccessReview and
 * LocalSubjectAccessReview (authorization.k8s.io/v1). Bodies come from the auth module; this
 * adds the `managedFields` entry the real server records for reviews with a spec.
 */
import { selfSubjectAccessReview, selfSubjectReview, selfSubjectRulesReview, subjectAccessReview, tokenReview } from "./auth/index.js";
import { ReviewRequestError } from "./auth/reviews.js";
import { fieldManager, goJsonError, type Call, type Reply } from "./call.js";
import { goEncoded } from "./go-json-encoding.js";
import { managedFieldsAfter } from "./managed-fields.js";
import { apiVersionOf } from "./resources.js";
import { ApiError, badRequest } from "./status.js";

type Obj = Record<string, any>;

/**
 * The entries the field manager records for a review's create, before it is validated: the
 * Update of the spec as decoded (Go's encoding: empty omitempty fields gone) over an empty
 * review, by the schema.
 */
function reviewManagedFields(call: Call, body: Obj): Obj[] {
  const { def } = call;
  const decoded = goEncoded({ apiVersion: apiVersionOf(def), kind: def.kind, spec: body.spec });
  const writer = { def, manager: fieldManager(call), time: call.registry.timestamp() };
  return managedFieldsAfter(writer, undefined, { spec: decoded.spec }, "Update");
}

/** The review with the field manager's entries (none for an empty spec). */
function withManagedFields(review: Obj, managedFields: Obj[]): Obj {
  if (!managedFields.length) return review;
  return { ...review, metadata: { ...review.metadata, managedFields } };
}

/**
 * The body as the access review's validation sees it: its metadata's namespace the request's
 * (EnsureObjectNamespaceMatchesRequestNamespace clears a cluster-scoped review's), its
 * managedFields the field manager's.
 */
function asValidated(body: Obj, namespace: string, managedFields: Obj[]): Obj {
  const metadata: Obj = { ...(body.metadata && typeof body.metadata === "object" ? body.metadata : {}), namespace };
  if (managedFields.length) metadata.managedFields = managedFields;
  else delete metadata.managedFields;
  return { ...body, metadata };
}

/**
 * A namespaced review's namespace (the create handler's EnsureObjectNamespaceMatchesRequestNamespace):
 * the URL's, which a namespace in the body must be.
 */
function reviewNamespace(call: Call, body: Obj): string {
  const given = body.metadata?.namespace;
  if (typeof given === "string" && given !== "" && given !== call.info.namespace) throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  return call.info.namespace ?? "";
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
    const managed = () => reviewManagedFields(call, body);
    switch (call.def.resource) {
      case "selfsubjectreviews":
        review = selfSubjectReview(call.user, new Date(call.registry.now()));
        break;
      case "tokenreviews":
        review = withManagedFields(await tokenReview(body, authenticator), managed());
        break;
      case "selfsubjectaccessreviews": {
        const entries = managed();
        review = withManagedFields(selfSubjectAccessReview(call.user, asValidated(body, "", entries), authorizer), entries);
        break;
      }
      case "selfsubjectrulesreviews":
        review = selfSubjectRulesReview(call.user, body, authorizer);
        break;
      case "localsubjectaccessreviews": {
        const entries = managed();
        const namespace = reviewNamespace(call, body);
        review = withManagedFields(subjectAccessReview("LocalSubjectAccessReview", asValidated(body, namespace, entries), authorizer, namespace), entries);
        break;
      }
      default: {
        const entries = managed();
        review = withManagedFields(subjectAccessReview("SubjectAccessReview", asValidated(body, "", entries), authorizer), entries);
      }
    }
    return { status: 201, body: JSON.stringify(review) };
  } catch (error) {
    if (error instanceof ReviewRequestError) throw new ApiError(error.status);
    throw error;
  }
}
