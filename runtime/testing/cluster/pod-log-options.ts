/**
 * @module cluster/pod-log-options
 * PodLogOptions as 1.32's LogREST.Get checks them before it looks the pod up
 * (pkg/registry/core/pod/rest/log.go, ValidatePodLogOptions): a negative `tailLines`, a
 * `limitBytes` or `sinceSeconds` below 1, or both `sinceTime` and `sinceSeconds`, are one 422
 * `PodLogOptions "name" is invalid: ...` (group "", kind PodLogOptions). Before that, the
 * parameter codec decodes them (`autoConvert_url_Values_To_v1_PodLogOptions`, field order): an
 * int64 option or `sinceTime` that does not parse is GetResourceWithOptions' 400 BadRequest with
 * the Go error as its message; a boolean never fails (only `0` and `false` are false).
 */
import type { Call } from "./call.js";
import { goTimeParseError, RFC3339 } from "./go-scalars.js";
import { queryInt64 } from "./query-int64.js";
import { badRequest, invalid, type FieldError } from "./status.js";

/**
 * metav1.Convert_Slice_string_To_Pointer_v1_Time: `Time.UnmarshalQueryParameter` of the first
 * value, where empty and `null` are the zero time and anything else is `time.Parse(RFC3339)`;
 * its error is the 400.
 */
function checkSinceTime(call: Call): void {
  const raw = call.query.get("sinceTime");
  if (raw === null || raw === "" || raw === "null") return;
  const error = goTimeParseError(RFC3339, raw);
  if (error) throw badRequest(error);
}

function tooSmall(field: string, value: bigint, detail: string): FieldError {
  return { type: "Invalid", field, value: Number(value), rendered: value.toString(), detail };
}

/** Decodes the options (throws the first 400), then ValidatePodLogOptions: throws the 422 for the pod named in the request. */
export function validatePodLogOptions(call: Call): void {
  const errors: FieldError[] = [];
  // PodLogOptions' field order: sinceSeconds, sinceTime, tailLines, limitBytes.
  const sinceSeconds = queryInt64(call.query, "sinceSeconds");
  checkSinceTime(call);
  const tailLines = queryInt64(call.query, "tailLines");
  const limitBytes = queryInt64(call.query, "limitBytes");
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
