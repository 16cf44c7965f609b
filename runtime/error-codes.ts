/**
 * @module error-codes
 * The `code`s podfn's errors carry, as one union (`PodfnErrorCode`) to match on: each error
 * class narrows its `code` to its own literal (`KubeNotFoundError.code` is `"kube_not_found"`);
 * a few codes come on a plain `PodfnError`. An `HttpError` carries the code its thrower chose.
 */
import type { KubeErrorCode } from "./kube/errors.js";

export type { KubeApiErrorCode, KubeErrorCode } from "./kube/errors.js";

/**
 * Every code of an error podfn raises (an `HttpError` aside):
 * - `config_invalid` (`ConfigError`): a flag, variable or file is invalid;
 * - `definition_invalid` (`DefinitionError`): a function's definition cannot be used;
 * - `load_failed` (`LoadError`): function modules could not be loaded;
 * - `invalid_input` (`InputError`): the input failed the function's schema;
 * - `invalid_output` (`OutputError`, or a `PodfnError`): the result failed the `output` schema
 *   or cannot be sent as JSON;
 * - `invalid_reply`: a `reply()` with a status or header HTTP cannot carry;
 * - `timeout` (`TimeoutError`): the call ran past its `timeoutMs`;
 * - `aborted`: `invoke()` was given a signal already aborted;
 * - `shutting_down` (`ShutdownError`): the reason of a call's signal when shutdown cut it short;
 * - `secret_missing`: a caller-auth secret cannot be read;
 * - `kube_unavailable`: a function that declares no permissions (so its pod has no token) used `kube`;
 * - `manifest_name_conflict`: two functions need one generated object name;
 * - `log_stream_broken`: the log's stream stopped taking writes;
 * - `unsupported_kind`: `applyObjects` (`podfn/testing`) met a kind the cluster does not serve;
 * - `invalid_review`: a body POSTed to an admission webhook is not an AdmissionReview (answered 400);
 * - `invalid_requeue_after` (`RequeueAfterError`): a watch call's `requeueAfter` is not a delay above 0 and at most a week;
 * - `invalid_decision`: an admission handler returned no decision (`{allowed: boolean, ...}`);
 * - `admission_certificate_invalid`: the admission webhooks' certificate or key cannot be read or served;
 * - `kube_*` (`KubeErrorCode`): the Kubernetes client's errors.
 *
 * @example
 * function outcome(error: unknown): string {
 *   if (!(error instanceof PodfnError)) return "bug";
 *   const code = error.code as PodfnErrorCode;
 *   return code === "timeout" || code === "kube_timeout" ? "slow" : code;
 * }
 */
export type PodfnErrorCode =
  | KubeErrorCode
  | "config_invalid"
  | "definition_invalid"
  | "load_failed"
  | "invalid_input"
  | "invalid_output"
  | "invalid_reply"
  | "timeout"
  | "aborted"
  | "shutting_down"
  | "secret_missing"
  | "kube_unavailable"
  | "manifest_name_conflict"
  | "log_stream_broken"
  | "unsupported_kind"
  | "invalid_review"
  | "invalid_requeue_after"
  | "invalid_decision"
  | "admission_certificate_invalid";
