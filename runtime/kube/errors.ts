/**
 * @module kube/errors
 * Every error the Kubernetes client raises. A non-2xx answer becomes a `KubeApiError` built from
 * the server's `Status` body in one place (`kubeApiError`), with a subclass for each outcome
 * callers branch on (`KubeNotFoundError`, `KubeConflictError`, `KubeForbiddenError`, ...).
 * Transport failures have their own classes (`KubeConnectionError`, `KubeTlsError`), as do
 * credential problems (`NoCredentialsError`, `KubeCredentialsError`). Match on `code`.
 * No message ever carries a token: messages are built from Status text, paths and file names.
 */
import type { Status, StatusDetails } from "kubernetes-types/meta/v1.js";
import { PodfnError } from "../errors.js";
import { formatPermission, parseForbiddenMessage } from "./forbidden.js";
import { parseCreateOnWriteForbidden } from "./forbidden-create.js";
import type { MissingPermission } from "./forbidden.js";

export type { MissingPermission } from "./forbidden.js";

/** What the request was, for messages: never the query string, headers or body. */
export interface RequestSummary {
  method: string;
  path: string;
}

/**
 * The `code` of a `KubeApiError`, by the Status `reason` of the server's answer: `kube_not_found`
 * (NotFound), `kube_already_exists`, `kube_conflict`, `kube_forbidden`, `kube_unauthorized`,
 * `kube_invalid` (422), `kube_gone` (Gone, Expired), `kube_too_many_requests`, `kube_bad_request`,
 * `kube_method_not_allowed`, `kube_not_acceptable`, `kube_unsupported_media_type`,
 * `kube_request_entity_too_large`, `kube_internal_error`, `kube_service_unavailable`,
 * `kube_timeout` (Timeout, ServerTimeout); `kube_api_error` for any other reason.
 */
export type KubeApiErrorCode =
  | "kube_bad_request"
  | "kube_unauthorized"
  | "kube_forbidden"
  | "kube_not_found"
  | "kube_already_exists"
  | "kube_conflict"
  | "kube_gone"
  | "kube_invalid"
  | "kube_method_not_allowed"
  | "kube_not_acceptable"
  | "kube_unsupported_media_type"
  | "kube_request_entity_too_large"
  | "kube_too_many_requests"
  | "kube_internal_error"
  | "kube_service_unavailable"
  | "kube_timeout"
  | "kube_api_error";

/**
 * Every `code` the Kubernetes client's errors carry: a `KubeApiError`'s (the server answered),
 * `kube_connection` (unreachable, or the connection broke), `kube_tls`, `kube_client_closed`,
 * `kube_no_credentials`, `kube_credentials` (unusable ones) and `kube_invalid_argument` (a call
 * that cannot work, refused before sending).
 */
export type KubeErrorCode = KubeApiErrorCode | "kube_connection" | "kube_tls" | "kube_client_closed" | "kube_no_credentials" | "kube_credentials" | "kube_invalid_argument" | "kube_csr_decided";

/** Stable codes of `KubeApiError` by Status `reason`; others get `kube_api_error`. */
const CODE_BY_REASON: Record<string, KubeApiErrorCode> = {
  BadRequest: "kube_bad_request",
  Unauthorized: "kube_unauthorized",
  Forbidden: "kube_forbidden",
  NotFound: "kube_not_found",
  AlreadyExists: "kube_already_exists",
  Conflict: "kube_conflict",
  Gone: "kube_gone",
  Expired: "kube_gone",
  Invalid: "kube_invalid",
  MethodNotAllowed: "kube_method_not_allowed",
  NotAcceptable: "kube_not_acceptable",
  UnsupportedMediaType: "kube_unsupported_media_type",
  RequestEntityTooLarge: "kube_request_entity_too_large",
  TooManyRequests: "kube_too_many_requests",
  InternalError: "kube_internal_error",
  ServiceUnavailable: "kube_service_unavailable",
  Timeout: "kube_timeout",
  ServerTimeout: "kube_timeout",
};

/** The Status reason the API server uses for an HTTP status, when the body is not a Status. */
const REASON_BY_STATUS: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  406: "NotAcceptable",
  409: "Conflict",
  410: "Gone",
  413: "RequestEntityTooLarge",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

/**
 * A non-2xx answer of the API server. `status` is the Status body (synthesized when the body was
 * not one). The outcomes callers branch on have their own class (`KubeNotFoundError`, ...); the
 * others are this class, their `code` from the Status reason (`kube_bad_request`, ...).
 */
export class KubeApiError extends PodfnError {
  /** Stable code from the Status `reason`, e.g. `"kube_not_found"`; see `KubeApiErrorCode`. */
  declare readonly code: KubeApiErrorCode;
  /** HTTP status code. */
  readonly statusCode: number;
  /** Status `reason`, e.g. `"NotFound"`; `"Unknown"` when the server gave none. */
  readonly reason: string;
  /** The Status `details`: the object's `name`, `group`, `kind`, and `causes` (the fields of a 422). */
  readonly details: StatusDetails | undefined;
  /** The whole Status object. */
  readonly status: Status;
  /** The request's method (`WATCH` for a watch stream's `ERROR` event). */
  readonly method: string;
  /** The request's path, without its query. */
  readonly path: string;
  /**
   * Whether the server answered with a Status (not, say, a proxy's HTML page, whose text is kept
   * in `status.message`): what a Status says names the resource and object, what another body
   * says may name anything.
   */
  readonly statusFromServer: boolean;

  constructor(status: Status, statusCode: number, request: RequestSummary, code?: KubeApiErrorCode, message?: string) {
    const reason = status.reason || REASON_BY_STATUS[statusCode] || "Unknown";
    super(
      code ?? CODE_BY_REASON[reason] ?? "kube_api_error",
      message ?? `${request.method} ${request.path}: ${status.message || reason} (HTTP ${statusCode})`,
    );
    this.statusCode = statusCode;
    this.reason = reason;
    this.details = status.details;
    this.status = status;
    this.method = request.method;
    this.path = request.path;
    this.statusFromServer = !SYNTHESIZED.has(status);
  }
}

/** The Status objects `kubeApiError` made up for answers that were not one. */
const SYNTHESIZED = new WeakSet<Status>();

/**
 * 404 NotFound: the object (or its namespace, or the resource type) does not exist.
 *
 * @example
 * try {
 *   await kube.jobs.delete(name);
 * } catch (error) {
 *   if (!isKubeError(error, "kube_not_found")) throw error; // already gone
 * }
 */
export class KubeNotFoundError extends KubeApiError {
  declare readonly code: "kube_not_found";

  constructor(status: Status, statusCode: number, request: RequestSummary) {
    super(status, statusCode, request, "kube_not_found");
  }
}

/** 409 AlreadyExists: a create of a name that is taken. */
export class KubeAlreadyExistsError extends KubeApiError {
  declare readonly code: "kube_already_exists";

  constructor(status: Status, statusCode: number, request: RequestSummary) {
    super(status, statusCode, request, "kube_already_exists");
  }
}

/** 409 Conflict: usually a stale `resourceVersion` (or a failed `uid` precondition); see `retryOnConflict`. */
export class KubeConflictError extends KubeApiError {
  declare readonly code: "kube_conflict";

  constructor(status: Status, statusCode: number, request: RequestSummary) {
    super(status, statusCode, request, "kube_conflict");
  }
}

/**
 * 401 Unauthorized: the server did not accept the credentials (an expired or revoked token).
 * Credentials that can change (a token file, an exec plugin) are read again and the request
 * retried once before this is thrown.
 */
export class KubeUnauthorizedError extends KubeApiError {
  declare readonly code: "kube_unauthorized";

  constructor(status: Status, statusCode: number, request: RequestSummary) {
    super(status, statusCode, request, "kube_unauthorized");
  }
}

/** 422 Invalid: `details.causes` name each field. */
export class KubeInvalidError extends KubeApiError {
  declare readonly code: "kube_invalid";

  constructor(status: Status, statusCode: number, request: RequestSummary) {
    super(status, statusCode, request, "kube_invalid");
  }
}

/** 410 Gone / Expired: a resourceVersion or continue token too old; list again. */
export class KubeGoneError extends KubeApiError {
  declare readonly code: "kube_gone";

  constructor(status: Status, statusCode: number, request: RequestSummary) {
    super(status, statusCode, request, "kube_gone");
  }
}

/** 429: the server shed load (or an eviction a PodDisruptionBudget blocks). */
export class KubeTooManyRequestsError extends KubeApiError {
  declare readonly code: "kube_too_many_requests";
  /** The `Retry-After` the server sent, in seconds, if any. */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: Status, statusCode: number, request: RequestSummary, retryAfterSeconds?: number) {
    super(status, statusCode, request, "kube_too_many_requests");
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * 403 Forbidden. `missingPermission` is the RBAC rule that would have allowed the request,
 * parsed from the server's message; the message ends with it in a copy-pasteable form.
 */
export class KubeForbiddenError extends KubeApiError {
  declare readonly code: "kube_forbidden";
  /** The rule to add to the function's `permissions`, when the server's message names it. */
  readonly missingPermission: MissingPermission | undefined;

  /** `ownNamespace`: the client's, left out of a rule read from a refused create (see kube/forbidden-create). */
  constructor(status: Status, statusCode: number, request: RequestSummary, ownNamespace?: string) {
    const denied = parseForbiddenMessage(status.message ?? "");
    const creating = denied ? undefined : parseCreateOnWriteForbidden(status.message ?? "", request, ownNamespace);
    const missing = denied ?? creating;
    const text = status.message || "Forbidden";
    const why = creating ? ` (the ${request.method} would create the object, which needs create besides ${request.method === "PUT" ? "update" : "patch"})` : "";
    const hint = missing ? `; missing permission: ${formatPermission(missing)}${why}` : "";
    super(status, statusCode, request, "kube_forbidden", `${request.method} ${request.path}: ${text} (HTTP ${statusCode})${hint}`);
    this.missingPermission = missing;
  }
}

/** The API server could not be reached, or the connection broke. `cause` is the socket error. */
export class KubeConnectionError extends PodfnError {
  declare readonly code: "kube_connection";

  constructor(message: string, options?: { cause?: unknown }) {
    super("kube_connection", message, options);
  }
}

/** The client was closed (`kube.close()`): its streams end with this, and later requests fail with it. Never retried. */
export class KubeClientClosedError extends PodfnError {
  declare readonly code: "kube_client_closed";

  constructor(message: string) {
    super("kube_client_closed", message);
  }
}

/** TLS failed: the server's certificate is not trusted by the configured CA (or does not name the host). Never retried. */
export class KubeTlsError extends PodfnError {
  declare readonly code: "kube_tls";

  constructor(message: string, options?: { cause?: unknown }) {
    super("kube_tls", message, options);
  }
}

/** No credentials were found. The message names every source tried and why each failed. */
export class NoCredentialsError extends PodfnError {
  declare readonly code: "kube_no_credentials";
  /** One line per source tried. */
  readonly tried: string[];

  constructor(tried: string[]) {
    super("kube_no_credentials", `no Kubernetes credentials found; tried: ${tried.join("; ")}`);
    this.tried = tried;
  }
}

/** Credentials were found but are unusable: an invalid kubeconfig, a failing exec plugin, an unreadable token file. */
export class KubeCredentialsError extends PodfnError {
  declare readonly code: "kube_credentials";

  constructor(message: string, options?: { cause?: unknown }) {
    super("kube_credentials", message, options);
  }
}

/** A `Status` body saying `Failure` (client-go's `Result.Into()` refuses any status but Success). */
export function isFailureStatus(body: unknown): body is Status {
  return isStatus(body) && (body as Status).status === "Failure";
}

function isStatus(body: unknown): body is Status {
  return typeof body === "object" && body !== null && (body as { kind?: unknown }).kind === "Status";
}

/** The message of an error answer that is not a Status: its text (JSON as sent), at most 300 characters. */
function bodyMessage(body: unknown): string {
  const text = typeof body === "string" ? body.trim() : body === undefined || body === null ? "" : JSON.stringify(body);
  return text ? text.slice(0, 300) : "the answer had no body";
}

/**
 * The one place a non-2xx answer becomes an error. `ownNamespace`: the client's, which the
 * missing permission of a refused create through PATCH or PUT leaves out.
 *
 * @example
 * throw kubeApiError(404, body, { method: "GET", path: "/api/v1/namespaces/a/pods/x" });
 */
export function kubeApiError(statusCode: number, body: unknown, request: RequestSummary, retryAfterSeconds?: number, ownNamespace?: string): KubeApiError {
  let status: Status;
  if (isStatus(body)) status = body;
  else {
    status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code: statusCode, reason: REASON_BY_STATUS[statusCode] ?? "Unknown", message: bodyMessage(body) };
    SYNTHESIZED.add(status);
  }
  const reason = status.reason || REASON_BY_STATUS[statusCode] || "";
  switch (reason) {
    case "NotFound":
      return new KubeNotFoundError(status, statusCode, request);
    case "AlreadyExists":
      return new KubeAlreadyExistsError(status, statusCode, request);
    case "Conflict":
      return new KubeConflictError(status, statusCode, request);
    case "Forbidden":
      return new KubeForbiddenError(status, statusCode, request, ownNamespace);
    case "Unauthorized":
      return new KubeUnauthorizedError(status, statusCode, request);
    case "Invalid":
      return new KubeInvalidError(status, statusCode, request);
    case "Gone":
    case "Expired":
      return new KubeGoneError(status, statusCode, request);
    case "TooManyRequests":
      return new KubeTooManyRequestsError(status, statusCode, request, retryAfterSeconds);
    default:
      // A 410 whose Status names another reason is still a too-old version (its code is `kube_gone`).
      return statusCode === 410 ? new KubeGoneError(status, statusCode, request) : new KubeApiError(status, statusCode, request);
  }
}

/** A call was made with arguments that cannot work (e.g. `replace` of an object without a name). */
export class KubeArgumentError extends PodfnError {
  declare readonly code: "kube_invalid_argument";

  constructor(message: string) {
    super("kube_invalid_argument", message);
  }
}

/**
 * `approve` or `deny` of a CertificateSigningRequest already decided the other way: the API
 * server refuses a request both Approved and Denied, and kubectl stops here too.
 */
export class CertificateDecidedError extends PodfnError {
  declare readonly code: "kube_csr_decided";
  /** The request's name. */
  readonly csrName: string;
  /** The condition it already has. */
  readonly decision: "Approved" | "Denied";

  constructor(name: string, decision: "Approved" | "Denied") {
    super("kube_csr_decided", `certificate signing request ${JSON.stringify(name)} is already ${decision}`);
    this.csrName = name;
    this.decision = decision;
  }
}
