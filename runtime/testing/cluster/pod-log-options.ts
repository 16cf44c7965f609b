/**
 * @module cluster/pod-log-options
 * PodLogOptions as 1.32's LogREST.Get checks them before it looks the pod up
 * (pkg/registry/core/pod/rest/log.go, ValidatePodLogOptions): a negative `tailLines`, a
 * `limitBytes` or `sinceSeconds` below 1, or both `sinceTime` and `sinceSeconds`, are one 422
 * `PodLogOptions "name" is invalid: ...` (group "", kind PodLogOptions). A value the parameter
 * codec cannot parse is not checked here (the real server: its 400).
 */
import type { Call } from "./call.js";
import { invalid, type FieldError } from "./status.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64) of the first value, or undefined when absent or unparseable. */
function int64Param(call: Call, name: string): bigint | undefined {
  const raw = call.query.get(name);
  if (raw === null || !/^[+-]?\d+$/.test(raw)) return undefined;
  const value = BigInt(raw);
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

function tooSmall(field: string, value: bigint, detail: string): FieldError {
  return { type: "Invalid", field, value: Number(value), rendered: value.toString(), detail };
}

/** ValidatePodLogOptions: throws the 422 for the pod named in the request. */
export function validatePodLogOptions(call: Call): void {
  const errors: FieldError[] = [];
  const tailLines = int64Param(call, "tailLines");
  const limitBytes = int64Param(call, "limitBytes");
  const sinceSeconds = int64Param(call, "sinceSeconds");
  if (tailLines !== undefined && tailLines < 0n) errors.push(tooSmall("tailLines", tailLines, "must be greater than or equal to 0"));
  if (limitBytes !== undefined && limitBytes < 1n) errors.push(tooSmall("limitBytes", limitBytes, "must be greater than 0"));
  if (sinceSeconds !== undefined && call.query.has("sinceTime")) {
    errors.push({ type: "Forbidden", field: "", detail: "at most one of `sinceTime` or `sinceSeconds` may be specified" });
  } else if (sinceSeconds !== undefined && sinceSeconds < 1n) {
    errors.push(tooSmall("sinceSeconds", sinceSeconds, "must be greater than 0"));
  }
  if (!errors.length) return;
  const error = invalid("", "PodLogOptions", call.info.name, errors);
  // StatusCause.Field is omitempty: the root path's cause names no field.
  for (const cause of error.status.details?.causes ?? []) if (cause.field === "") delete cause.field;
  throw error;
}
