/**
 * @module cluster/webhook-answer-types
 * An AdmissionReview answer decoded into Go's admission.k8s.io types as the webhook client's
 * JSON decoder does: a field of the wrong JSON type is `json: cannot unmarshal <type> into Go
 * struct field AdmissionResponse.response.allowed of type bool` (the first one, in the answer's
 * order; the apiVersion and kind are read first, into an unnamed struct: `Go struct field
 * .apiVersion`), a `patch` that is not base64 `illegal base64 data at input byte N`. A null is
 * a field left unset. Checked: the review's apiVersion and kind, and the response's uid,
 * allowed, patch, patchType, warnings, auditAnnotations and status (its code, status, message
 * and reason). Unknown fields are ignored, as the decoder ignores them.
 */
import { goBase64Error } from "./go-scalars.js";

type Obj = Record<string, any>;

/** encoding/json's name for the JSON type of `value` (a number with its literal, as it prints for numbers). */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return "number";
  return typeof value;
}

const field = (struct: string, path: string, type: string, value: unknown) => `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${struct}.${path} of type ${type}`;

/** The first type error of `value` as Go type `type` at `struct`.`path`, for the scalar types used here. */
function scalarError(struct: string, path: string, type: string, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  switch (type) {
    case "bool":
      return typeof value === "boolean" ? undefined : field(struct, path, type, value);
    case "int32":
      if (typeof value !== "number") return field(struct, path, type, value);
      return Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31 ? undefined : `json: cannot unmarshal number ${value} into Go struct field ${struct}.${path} of type int32`;
    case "[]uint8":
      if (typeof value !== "string") return field(struct, path, type, value);
      return goBase64Error(value);
    default:
      return typeof value === "string" ? undefined : field(struct, path, type, value);
  }
}

/** The response's fields and their Go types, in the order their type errors are looked for. */
const RESPONSE_FIELDS = (version: string): Record<string, string> => ({ uid: "types.UID", allowed: "bool", patch: "[]uint8", patchType: `${version}.PatchType` });
const STATUS_FIELDS: Record<string, string> = { status: "string", message: "string", reason: "string", code: "int32" };

function statusError(status: unknown): string | undefined {
  if (status === null || status === undefined) return undefined;
  if (typeof status !== "object" || Array.isArray(status)) return field("AdmissionResponse", "response.status", "v1.Status", status);
  for (const [key, value] of Object.entries(status as Obj)) {
    const type = STATUS_FIELDS[key];
    const error = type && scalarError("Status", `response.status.${key}`, type, value);
    if (error) return error;
  }
  return undefined;
}

function listOrMapError(key: string, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  const list = key === "warnings";
  if (list ? !Array.isArray(value) : typeof value !== "object" || Array.isArray(value)) return field("AdmissionResponse", `response.${key}`, list ? "[]string" : "map[string]string", value);
  for (const item of Object.values(value as Obj)) if (item !== null && typeof item !== "string") return field("AdmissionResponse", `response.${key}`, "string", item);
  return undefined;
}

/** The decoder's first error for `review` as an AdmissionReview of `version` (v1, v1beta1), or `undefined` when it decodes. */
export function answerTypeError(review: Obj, version: string): string | undefined {
  for (const key of ["apiVersion", "kind"]) {
    const value = review[key];
    if (value !== undefined && value !== null && typeof value !== "string") return `couldn't get version/kind; json parse error: ${field("", key, "string", value)}`;
  }
  const response = review.response;
  if (response === null || response === undefined) return undefined;
  if (typeof response !== "object" || Array.isArray(response)) return field("AdmissionReview", "response", `${version}.AdmissionResponse`, response);
  const types = RESPONSE_FIELDS(version);
  for (const [key, value] of Object.entries(response as Obj)) {
    const type = types[key];
    const error = type ? scalarError("AdmissionResponse", `response.${key}`, type, value) : key === "status" ? statusError(value) : key === "warnings" || key === "auditAnnotations" ? listOrMapError(key, value) : undefined;
    if (error) return error;
  }
  return undefined;
}
