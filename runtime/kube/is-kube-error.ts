/**
 * @module kube/is-kube-error
 * `isKubeError(error, code)`: whether an error is the Kubernetes client's, of that `code`,
 * narrowed to its class (`"kube_forbidden"` to a `KubeForbiddenError` and its
 * `missingPermission`), so a handler branches on an outcome without casts.
 */
import { PodfnError } from "../errors.js";
import {
  KubeAlreadyExistsError,
  KubeApiError,
  KubeArgumentError,
  CertificateDecidedError,
  KubeClientClosedError,
  KubeConflictError,
  KubeConnectionError,
  KubeCredentialsError,
  KubeForbiddenError,
  KubeGoneError,
  KubeInvalidError,
  KubeNotFoundError,
  KubeTlsError,
  KubeTooManyRequestsError,
  KubeUnauthorizedError,
  NoCredentialsError,
  type KubeApiErrorCode,
  type KubeErrorCode,
} from "./errors.js";

/** The class of the error each code comes with. */
const CLASS_BY_CODE = {
  kube_not_found: KubeNotFoundError,
  kube_already_exists: KubeAlreadyExistsError,
  kube_conflict: KubeConflictError,
  kube_forbidden: KubeForbiddenError,
  kube_unauthorized: KubeUnauthorizedError,
  kube_invalid: KubeInvalidError,
  kube_gone: KubeGoneError,
  kube_too_many_requests: KubeTooManyRequestsError,
  kube_bad_request: KubeApiError,
  kube_method_not_allowed: KubeApiError,
  kube_not_acceptable: KubeApiError,
  kube_unsupported_media_type: KubeApiError,
  kube_request_entity_too_large: KubeApiError,
  kube_internal_error: KubeApiError,
  kube_service_unavailable: KubeApiError,
  kube_timeout: KubeApiError,
  kube_api_error: KubeApiError,
  kube_connection: KubeConnectionError,
  kube_tls: KubeTlsError,
  kube_client_closed: KubeClientClosedError,
  kube_no_credentials: NoCredentialsError,
  kube_credentials: KubeCredentialsError,
  kube_invalid_argument: KubeArgumentError,
  kube_csr_decided: CertificateDecidedError,
} as const satisfies Record<KubeErrorCode, abstract new (...args: never[]) => PodfnError>;

/**
 * The error each code comes with: its own class (`KubeNotFoundError` for `kube_not_found`), or
 * a `KubeApiError` of that code for the answers without one (`kube_bad_request`, ...).
 */
export type KubeErrorOf<C extends KubeErrorCode> = C extends KubeApiErrorCode
  ? InstanceType<(typeof CLASS_BY_CODE)[C]> & { readonly code: C }
  : InstanceType<(typeof CLASS_BY_CODE)[C]>;

/**
 * Whether `error` is an error of the Kubernetes client (any of them without `code`; of that code
 * with one), narrowed to its class. Looks at `error` itself, not at its `cause`s.
 *
 * @example
 * try {
 *   await kube.pods.delete(name, { preconditions: { uid } });
 * } catch (error) {
 *   if (isKubeError(error, "kube_not_found")) return; // already gone
 *   if (isKubeError(error, "kube_forbidden")) log.error({ rule: error.missingPermission }, "denied");
 *   throw error;
 * }
 */
export function isKubeError<C extends KubeErrorCode = KubeErrorCode>(error: unknown, code?: C): error is KubeErrorOf<C> {
  if (!(error instanceof PodfnError)) return false;
  if (code !== undefined && error.code !== code) return false;
  const type: (abstract new (...args: never[]) => PodfnError) | undefined = Object.hasOwn(CLASS_BY_CODE, error.code) ? CLASS_BY_CODE[error.code as KubeErrorCode] : undefined;
  return type !== undefined && error instanceof type;
}
