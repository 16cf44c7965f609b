/**
 * @module kube
 * The Kubernetes client of podfn: credentials discovery, the client, its errors and the types
 * of its contract (api.ts).
 *
 * @example
 * import { createKubeClient, resolveCredentials } from "./kube/index.js";
 * const kube = createKubeClient({ credentials: await resolveCredentials({ serviceAccountDir, env: process.env }) });
 */
export { createKubeClient } from "./client.js";
export type { KubeClientOptions } from "./client.js";
export { resolveCredentials } from "./credentials.js";
export type { ExplicitCredentials, ResolveCredentialsOptions } from "./credentials.js";
export { loadKubeconfig } from "./kubeconfig.js";
export type { KubeconfigOptions } from "./kubeconfig.js";
export { proxyFromEnvironment, withoutCredentials } from "./proxy.js";
export type { EnvironmentProxy } from "./proxy.js";
export { staticAuth, tokenFileAuth } from "./auth.js";
export type { AuthMaterial, AuthProvider, Credentials, TokenFileOptions } from "./auth.js";
export {
  KubeApiError,
  KubeNotFoundError,
  KubeAlreadyExistsError,
  KubeConflictError,
  KubeForbiddenError,
  KubeUnauthorizedError,
  KubeInvalidError,
  KubeGoneError,
  KubeTooManyRequestsError,
  KubeClientClosedError,
  KubeConnectionError,
  KubeTlsError,
  KubeCredentialsError,
  KubeArgumentError,
  CertificateDecidedError,
  NoCredentialsError,
  kubeApiError,
} from "./errors.js";
export type { KubeApiErrorCode, KubeErrorCode, MissingPermission, RequestSummary } from "./errors.js";
export { isKubeError } from "./is-kube-error.js";
export type { KubeErrorOf } from "./is-kube-error.js";
export { parseForbiddenMessage, formatPermission } from "./forbidden.js";
export { retryOnConflict } from "./retry.js";
export type { RetryOptions, RetryOnConflictOptions } from "./retry.js";
export type { TimeoutOptions } from "./transport.js";
export type { HttpClientChoice } from "./http-client-choice.js";
export type { KubeLogger } from "./logger.js";
export { RESOURCE_TYPES } from "./types.js";
export type * from "./api.js";
