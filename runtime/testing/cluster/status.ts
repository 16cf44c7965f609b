/**
 * @module cluster/status
 * `Status` bodies with the real API server's messages, reasons and `details`, and the
 * `ApiError` that carries one from deep in a handler to the response. Messages follow
 * k8s.io/apimachinery/pkg/api/errors (`NewNotFound`, `NewAlreadyExists`, `NewConflict`,
 * `NewInvalid`, ...), so a client sees the same text as from a real cluster.
 */
import type { Status, StatusCause } from "kubernetes-types/meta/v1.js";

/** A resource as errors name it: `{group: "apps", resource: "deployments"}`. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** `deployments.apps`, or `configmaps` in the core group. */
export function qualified(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

/** A request failed with a Status the server answers as is. */
export class ApiError extends Error {
  readonly code = "kube_status";
  readonly status: Status;
  /** Extra response headers, e.g. `Retry-After`. */
  readonly headers: Record<string, string>;

  constructor(status: Status, headers: Record<string, string> = {}) {
    super(status.message ?? status.reason ?? "error");
    this.name = "ApiError";
    this.status = status;
    this.headers = headers;
  }
}

/** A Failure Status body. */
export function failure(code: number, reason: string, message: string, details?: Status["details"]): Status {
  const status: Status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason };
  if (details) status.details = details;
  status.code = code;
  return status;
}

function details(gr: GroupResource, name: string | undefined): NonNullable<Status["details"]> {
  const d: NonNullable<Status["details"]> = {};
  if (name) d.name = name;
  if (gr.group) d.group = gr.group;
  d.kind = gr.resource;
  return d;
}

/** 404 `configmaps "x" not found`. */
export function notFound(gr: GroupResource, name: string): ApiError {
  return new ApiError(failure(404, "NotFound", `${qualified(gr)} "${name}" not found`, details(gr, name)));
}

/**
 * 409 `deployments.apps "web" already exists`; `beingDeleted` (the object holding the name has a
 * deletionTimestamp): the generic store's Create prefixes `object is being deleted: `.
 */
export function alreadyExists(gr: GroupResource, name: string, beingDeleted = false): ApiError {
  const message = `${beingDeleted ? "object is being deleted: " : ""}${qualified(gr)} "${name}" already exists`;
  return new ApiError(failure(409, "AlreadyExists", message, details(gr, name)));
}

/** 409 Conflict: `Operation cannot be fulfilled on deployments.apps "web": <why>`. */
export function conflict(gr: GroupResource, name: string, why: string): ApiError {
  return new ApiError(failure(409, "Conflict", `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, details(gr, name)));
}

/**
 * 403 Forbidden from an admission plugin or a strategy (apierrors.NewForbidden): `pods "web" is
 * forbidden: <why>`, `pods is forbidden: <why>` with no name (a create's not yet generated).
 */
export function forbidden(gr: GroupResource, name: string, why: string): ApiError {
  const subject = name ? `${qualified(gr)} "${name}"` : qualified(gr);
  return new ApiError(failure(403, "Forbidden", `${subject} is forbidden: ${why}`, details(gr, name)));
}

/** The Conflict of a stale `resourceVersion` on update. */
export const STALE_OBJECT = "the object has been modified; please apply your changes to the latest version and try again";

/** 400 BadRequest with the given message and no details. */
export function badRequest(message: string): ApiError {
  return new ApiError(failure(400, "BadRequest", message));
}

/** 405 MethodNotAllowed, as for a verb the resource does not serve. */
export function methodNotAllowed(gr: GroupResource): ApiError {
  return new ApiError(failure(405, "MethodNotAllowed", `the server does not allow this method on the requested resource`, details(gr, undefined)));
}

/**
 * 405 for a method the route does not serve (POST to a named object, PUT or PATCH of a
 * collection): go-restful's error, as the real server's ServiceErrorHandler wraps it.
 */
export function routeMethodNotAllowed(): ApiError {
  // NewGenericServerResponse(405, ..., isUnexpectedResponse false): empty details, no cause.
  return new ApiError(failure(405, "MethodNotAllowed", "the server does not allow this method on the requested resource", {}));
}

/** 415 as for a PATCH with an unsupported Content-Type: go-restful's, before a built-in type's handler. */
export function unsupportedMediaType(): ApiError {
  return new ApiError(failure(415, "UnsupportedMediaType", "415: Unsupported Media Type\n\nAvailable representations: ", {}));
}

/** 415 of the patch handler itself (`negotiation.NewUnsupportedMediaTypeError`): a custom type's, served outside go-restful. */
export function unsupportedPatchType(accepted: readonly string[]): ApiError {
  return new ApiError(failure(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`));
}

/** A plain Go error as ErrorToAPIStatus answers it (no code made it a Status): 500 with no reason. */
export function plainError(message: string): ApiError {
  return new ApiError({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code: 500 });
}

/** 500 InternalError. */
export function internalError(message: string): ApiError {
  return new ApiError(failure(500, "InternalError", `Internal error occurred: ${message}`, { causes: [{ message }] }));
}

/** One invalid field: `{type: "Invalid", field: "metadata.name", value, detail}`. */
export interface FieldError {
  /** `Required`, `Invalid`, `TypeInvalid` (printed as Invalid), `Forbidden`, `NotSupported`, `NotFound`, `Duplicate`, `TooLong`, `TooMany`. */
  type: "Required" | "Invalid" | "TypeInvalid" | "Forbidden" | "NotSupported" | "NotFound" | "Duplicate" | "TooLong" | "TooMany";
  field: string;
  /** Shown after `Invalid value: `; a string is quoted as Go's `%q` does. */
  value?: unknown;
  detail?: string;
  /** For NotSupported: the supported values. */
  supported?: string[];
  /** The value as the real message prints it, where `value` would not read the same (a Go struct's `%#v`). */
  rendered?: string;
  /** `field.OmitValueType{}`: the message names no value (`Invalid value: <detail>`). */
  omitValue?: boolean;
}

const REASONS: Record<FieldError["type"], string> = {
  Required: "FieldValueRequired",
  Invalid: "FieldValueInvalid",
  TypeInvalid: "FieldValueTypeInvalid",
  Forbidden: "FieldValueForbidden",
  NotSupported: "FieldValueNotSupported",
  NotFound: "FieldValueNotFound",
  Duplicate: "FieldValueDuplicate",
  TooLong: "FieldValueTooLong",
  TooMany: "FieldValueTooMany",
};

/** Go's `%#v` of a string slice: `[]string{"a", "b"}`, or `[]string(nil)` when there is none. */
export function goStrings(values: readonly unknown[] | undefined): string {
  return Array.isArray(values) ? `[]string{${values.map((v) => JSON.stringify(String(v))).join(", ")}}` : "[]string(nil)";
}

/** Go's `%#v`/`%q`-like rendering of a value in "Invalid value: ..." messages. */
function goValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.every(([, v]) => typeof v === "string")) {
      return `map[string]string{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(", ")}}`;
    }
  }
  // A nil value is printed as the string "null", quoted (field.Error's ErrorBody).
  if (value === undefined || value === null) return '"null"';
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** The message of one field error, without the field path (as `field.Error.ErrorBody`). */
function body(e: FieldError): string {
  switch (e.type) {
    case "Required":
      return e.detail ? `Required value: ${e.detail}` : "Required value";
    case "Forbidden":
      return e.detail ? `Forbidden: ${e.detail}` : "Forbidden";
    case "NotSupported":
      return `Unsupported value: ${e.rendered ?? goValue(e.value)}${e.supported ? `: supported values: ${e.supported.map((s) => JSON.stringify(s)).join(", ")}` : ""}`;
    case "Duplicate":
      return `Duplicate value: ${e.rendered ?? goValue(e.value)}`;
    case "NotFound":
      return `Not found: ${e.rendered ?? goValue(e.value)}`;
    case "TooLong":
      return `Too long: ${e.detail ?? "value is too long"}`;
    case "TooMany":
      return `Too many: ${e.rendered ?? goValue(e.value)}: ${e.detail}`;
    default:
      if (e.omitValue) return e.detail ? `Invalid value: ${e.detail}` : "Invalid value";
      return `Invalid value: ${e.rendered ?? goValue(e.value)}${e.detail ? `: ${e.detail}` : ""}`;
  }
}

/** `field.Invalid(field, value, detail)`. */
export function invalidField(field: string, value: unknown, detail: string): FieldError {
  return { type: "Invalid", field, value, detail };
}

/** One `field.Invalid` per message of a check (`for _, msg := range IsX(v) { ... }`). */
export function invalidFields(field: string, value: unknown, details: readonly string[]): FieldError[] {
  return details.map((detail) => invalidField(field, value, detail));
}

/** One field error's text as field.Error.Error() prints it: `spec.x: Required value`. */
export function errorText(e: FieldError): string {
  return `${e.field}: ${body(e)}`;
}

/**
 * 422 Invalid: `Deployment.apps "x" is invalid: [a: ..., b: ...]` with one cause per error.
 * `kind` is the Kind (`ConfigMap`), `group` its API group.
 */
export function invalid(group: string, kind: string, name: string, errors: FieldError[]): ApiError {
  // field.ErrorList.ToAggregate: the message names each distinct error once; the causes keep every one.
  const parts = [...new Set(errors.map(errorText))];
  const text = parts.length === 1 ? parts[0]! : `[${parts.join(", ")}]`;
  const causes: StatusCause[] = errors.map((e) => ({ reason: REASONS[e.type], message: body(e), field: e.field }));
  const d: NonNullable<Status["details"]> = {};
  if (name) d.name = name;
  if (group) d.group = group;
  if (kind) d.kind = kind;
  d.causes = causes;
  return new ApiError(failure(422, "Invalid", `${kind}${group ? `.${group}` : ""} "${name}" is invalid: ${text}`, d));
}

/** A Success Status, as a delete answers for most resources. */
export function success(gr: GroupResource, name: string, uid: string | undefined): Status {
  const d: NonNullable<Status["details"]> = { name };
  if (gr.group) d.group = gr.group;
  d.kind = gr.resource;
  if (uid) d.uid = uid;
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: d };
}

/** A Status for an arbitrary HTTP code, with the reason and message the real server uses. */
export function statusFor(code: number, message?: string): Status {
  const known: Record<number, [string, string]> = {
    400: ["BadRequest", "the server rejected our request for an unknown reason"],
    401: ["Unauthorized", "Unauthorized"],
    403: ["Forbidden", "forbidden"],
    404: ["NotFound", "the server could not find the requested resource"],
    409: ["Conflict", "the server reported a conflict"],
    410: ["Expired", "the resource has expired"],
    422: ["Invalid", "the server rejected our request due to an error in our request"],
    429: ["TooManyRequests", "Too many requests, please try again later."],
    500: ["InternalError", "an error on the server has prevented the request from succeeding"],
    503: ["ServiceUnavailable", "the server is currently unable to handle the request"],
    504: ["Timeout", "the server was unable to return a response in the time allotted"],
  };
  const [reason, text] = known[code] ?? ["Unknown", `the server responded with the status code ${code}`];
  const status = failure(code, reason, message ?? text);
  if (code === 429 || code === 503 || code === 504 || code === 500) status.details = {};
  return status;
}
