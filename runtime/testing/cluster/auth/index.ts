/**
 * @module cluster/auth
 * Authentication and authorization of the emulated Kubernetes API server: its PKI, the
 * ServiceAccount token issuer, bearer-token authentication, RBAC with the real semantics and
 * messages, the default (bootstrap) RBAC objects, and the bodies of the review APIs.
 */
export { createCertificates } from "./certs.js";
export type { ClusterCertificates } from "./certs.js";
export { createTokenIssuer, ISSUER, DEFAULT_AUDIENCES } from "./tokens.js";
export type { IssuerPublicKey, TokenIssuer, TokenIssuerOptions, MintRequest, MintedToken, VerifiedToken } from "./tokens.js";
export { createAuthenticator, ANONYMOUS_USER, ADMIN_USERNAME } from "./authn.js";
export type { Authenticator, AuthenticatorOptions, AuthenticationResult, TokenAuthentication } from "./authn.js";
export { createAuthorizer, PRIVILEGED_GROUP } from "./rbac.js";
export { forbiddenStatus, unauthorizedStatus } from "./status.js";
export { defaultRbacObjects } from "./bootstrap-policy.js";
export { selfSubjectReview, selfSubjectAccessReview, selfSubjectRulesReview, subjectAccessReview, tokenReview, ReviewRequestError } from "./reviews.js";
export type { UserInfo, RequestAttributes, RbacSource, Authorizer, Decision, UserRules, ResourceRule } from "./types.js";
