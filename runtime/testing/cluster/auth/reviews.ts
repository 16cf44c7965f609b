/**
 * @module cluster/auth/reviews
 * The bodies the review APIs answer (authentication.k8s.io/v1 SelfSubjectReview and
 * TokenReview, authorization.k8s.io/v1 SelfSubjectAccessReview, SubjectAccessReview,
 * LocalSubjectAccessReview and SelfSubjectRulesReview), given the caller and the parsed request
 * body; an access review is validated first (access-review-validation). Field order is the real server's (its Go
 * structs'); reviews are never stored, so their `creationTimestamp` is `null` as there. The
 * caller (the API server) checks the caller may create the review and adds `managedFields`.
 */
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import type { SelfSubjectReview, TokenReview, UserInfo as ApiUserInfo } from "kubernetes-types/authentication/v1.js";
import type {
  NonResourceAttributes,
  ResourceAttributes,
  SelfSubjectAccessReview,
  SelfSubjectRulesReview,
  SubjectAccessReviewStatus,
} from "kubernetes-types/authorization/v1.js";
import { validateAccessReview, type AccessReviewKind } from "./access-review-validation.js";
import { ReviewRequestError } from "./review-error.js";
import type { Authenticator } from "./authn.js";
import type { Authorizer, RequestAttributes, UserInfo } from "./types.js";

export { ReviewRequestError };

/** Reviews are not stored: the real server answers `"creationTimestamp": null`. */
function unstoredMeta(): ObjectMeta {
  return { creationTimestamp: null } as unknown as ObjectMeta;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** Copies the non-empty string fields named in `keys`, in that order (Go's struct order, omitempty). */
function pick<T>(source: Record<string, unknown>, keys: readonly (keyof T & string)[]): T {
  const out: Record<string, string> = {};
  for (const key of keys) if (str(source[key])) out[key] = str(source[key]);
  return out as T;
}

/** As userInfo in an API object: empty fields omitted, in the struct's order. */
function apiUser(user: UserInfo): ApiUserInfo {
  const out: ApiUserInfo = { username: user.username };
  if (user.uid) out.uid = user.uid;
  if (user.groups.length) out.groups = [...user.groups];
  if (user.extra && Object.keys(user.extra).length) out.extra = structuredClone(user.extra);
  return out;
}

function nowTimestamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The answer to "who am I" (POST authentication.k8s.io/v1 selfsubjectreviews).
 *
 * @example
 * selfSubjectReview(user).status?.userInfo?.username; // "system:serviceaccount:golden:robot"
 */
export function selfSubjectReview(user: UserInfo, now: Date = new Date()): SelfSubjectReview {
  return {
    kind: "SelfSubjectReview",
    apiVersion: "authentication.k8s.io/v1",
    metadata: { creationTimestamp: nowTimestamp(now) },
    status: { userInfo: apiUser(user) },
  };
}

const RESOURCE_KEYS = ["namespace", "verb", "group", "version", "resource", "subresource", "name"] as const;
const NON_RESOURCE_KEYS = ["path", "verb"] as const;

/** A field or label selector of resourceAttributes as decoded (rawSelector, requirements), to echo back. */
function selectorAttributes(value: unknown): Record<string, unknown> | undefined {
  if (value == null || typeof value !== "object") return undefined;
  const source = record(value);
  const out: Record<string, unknown> = {};
  if (str(source.rawSelector)) out.rawSelector = str(source.rawSelector);
  if (Array.isArray(source.requirements) && source.requirements.length) {
    out.requirements = source.requirements.map((r) => {
      const req = record(r);
      const values = Array.isArray(req.values) ? req.values.map(str) : [];
      return { ...pick<{ key: string; operator: string }>(req, ["key", "operator"]), ...(values.length ? { values } : {}) };
    });
  }
  return out;
}

/**
 * The answer to "can I ...?" (POST authorization.k8s.io/v1 selfsubjectaccessreviews).
 * Throws `ReviewRequestError` (422) unless exactly one of `resourceAttributes` and
 * `nonResourceAttributes` is given, and for a selector of resourceAttributes 1.32 refuses
 * (access-review-selectors) or metadata that is not empty (`body.metadata` as the API server
 * left it: managedFields set), every error in one answer.
 *
 * @example
 * const review = selfSubjectAccessReview(user, { spec: { resourceAttributes: { namespace: "golden", verb: "delete", group: "batch", resource: "jobs" } } }, authz);
 * review.status?.allowed; // true or false
 */
export function selfSubjectAccessReview(user: UserInfo, body: unknown, authorizer: Authorizer): SelfSubjectAccessReview {
  const spec = record(record(body).spec);
  validateAccessReview("SelfSubjectAccessReview", spec, "", record(body).metadata);
  const { echoed, status } = answerAccess(user, spec, authorizer);
  return { kind: "SelfSubjectAccessReview", apiVersion: "authorization.k8s.io/v1", metadata: unstoredMeta(), spec: echoed, status };
}

/** The subject a SubjectAccessReview's spec asks about. */
function subjectOf(spec: Record<string, unknown>): UserInfo {
  const user: UserInfo = { username: str(spec.user), groups: Array.isArray(spec.groups) ? spec.groups.map(str) : [] };
  if (str(spec.uid)) user.uid = str(spec.uid);
  if (spec.extra && typeof spec.extra === "object") user.extra = spec.extra as UserInfo["extra"];
  return user;
}

/**
 * The answer to "can they ...?" (POST authorization.k8s.io/v1 subjectaccessreviews, or a
 * namespace's localsubjectaccessreviews: `namespace`), for the user and groups of its spec; the
 * spec comes back as sent. Throws `ReviewRequestError` (422) for what 1.32's validation refuses
 * (access-review-validation): no user nor group, not exactly one attribute kind, a
 * LocalSubjectAccessReview's resourceAttributes of another namespace or nonResourceAttributes.
 *
 * @example
 * subjectAccessReview("SubjectAccessReview", { spec: { user: "jane", resourceAttributes: { verb: "get", resource: "pods" } } }, authz).status?.allowed;
 */
export function subjectAccessReview(kind: Exclude<AccessReviewKind, "SelfSubjectAccessReview">, body: unknown, authorizer: Authorizer, namespace = ""): Record<string, unknown> {
  const spec = record(record(body).spec);
  validateAccessReview(kind, spec, namespace, record(body).metadata);
  const { status } = answerAccess(subjectOf(spec), spec, authorizer);
  const metadata = kind === "LocalSubjectAccessReview" ? { namespace, ...unstoredMeta() } : unstoredMeta();
  return { kind, apiVersion: "authorization.k8s.io/v1", metadata, spec, status };
}

/** The authorizer's decision on a validated access review's attributes, and the attributes echoed. */
function answerAccess(user: UserInfo, spec: Record<string, unknown>, authorizer: Authorizer): { echoed: SelfSubjectAccessReview["spec"]; status: SubjectAccessReviewStatus } {
  let attrs: RequestAttributes;
  let echoed: SelfSubjectAccessReview["spec"];
  if (spec.resourceAttributes != null) {
    const ra = pick<ResourceAttributes>(record(spec.resourceAttributes), RESOURCE_KEYS);
    // The selectors (AuthorizeWithSelectors, on in 1.32) come back as sent; RBAC ignores them.
    for (const key of ["fieldSelector", "labelSelector"] as const) {
      const selector = selectorAttributes(record(spec.resourceAttributes)[key]);
      if (selector) (ra as Record<string, unknown>)[key] = selector;
    }
    echoed = { resourceAttributes: ra };
    attrs = {
      user,
      verb: ra.verb ?? "",
      resourceRequest: true,
      path: "",
      apiGroup: ra.group ?? "",
      apiVersion: ra.version ?? "",
      resource: ra.resource ?? "",
      subresource: ra.subresource ?? "",
      name: ra.name ?? "",
      namespace: ra.namespace ?? "",
    };
  } else {
    const na = pick<NonResourceAttributes>(record(spec.nonResourceAttributes), NON_RESOURCE_KEYS);
    echoed = { nonResourceAttributes: na };
    attrs = { user, verb: na.verb ?? "", resourceRequest: false, path: na.path ?? "", apiGroup: "", apiVersion: "", resource: "", subresource: "", name: "", namespace: "" };
  }
  const decision = authorizer.authorize(attrs);
  const status: SubjectAccessReviewStatus = { allowed: decision.allowed };
  if (decision.reason) status.reason = decision.reason;
  return { echoed, status };
}

/**
 * The answer to "what may I do in this namespace?" (POST authorization.k8s.io/v1
 * selfsubjectrulesreviews). Throws `ReviewRequestError` (400) without `spec.namespace`.
 *
 * @example
 * selfSubjectRulesReview(user, { spec: { namespace: "golden" } }, authz).status?.resourceRules;
 */
export function selfSubjectRulesReview(user: UserInfo, body: unknown, authorizer: Authorizer): SelfSubjectRulesReview {
  const namespace = str(record(record(body).spec).namespace);
  if (!namespace) {
    throw new ReviewRequestError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "no namespace on request", reason: "BadRequest", code: 400 });
  }
  const rules = authorizer.rulesFor(user, namespace);
  const status: NonNullable<SelfSubjectRulesReview["status"]> = {
    resourceRules: rules.resourceRules,
    nonResourceRules: rules.nonResourceRules,
    incomplete: rules.incomplete,
  };
  if (rules.evaluationError) status.evaluationError = rules.evaluationError;
  // The real server answers an empty spec: the namespace is not echoed.
  return { kind: "SelfSubjectRulesReview", apiVersion: "authorization.k8s.io/v1", metadata: unstoredMeta(), spec: {}, status };
}

/**
 * The answer to a TokenReview (POST authentication.k8s.io/v1 tokenreviews): whether
 * `spec.token` authenticates, for `spec.audiences` (default: the server's). Throws
 * `ReviewRequestError` (400) without a token.
 *
 * @example
 * const review = await tokenReview({ spec: { token } }, authenticator);
 * review.status?.authenticated; // true
 */
export async function tokenReview(body: unknown, authenticator: Pick<Authenticator, "authenticateToken">): Promise<TokenReview> {
  const spec = record(record(body).spec);
  const token = str(spec.token);
  if (!token) {
    throw new ReviewRequestError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "token is required for TokenReview in authentication", reason: "BadRequest", code: 400 });
  }
  const requested = Array.isArray(spec.audiences) ? spec.audiences.filter((a): a is string => typeof a === "string") : [];
  const echoed: TokenReview["spec"] = { token };
  if (requested.length) echoed.audiences = requested;
  const result = await authenticator.authenticateToken(token, requested.length ? requested : undefined);
  const status: TokenReview["status"] = "user" in result ? { authenticated: true, user: apiUser(result.user), audiences: result.audiences } : { user: {}, error: result.error };
  return { kind: "TokenReview", apiVersion: "authentication.k8s.io/v1", metadata: unstoredMeta(), spec: echoed, status };
}
