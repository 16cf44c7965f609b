/**
 * @module cluster/secret-rules
 * ValidateSecret beyond metadata (pkg/apis/core/validation, 1.32): the data keys (config-map
 * keys), the 1 MiB total, then what the Secret's `type` requires:
 * - `kubernetes.io/service-account-token`: the `kubernetes.io/service-account.name` annotation;
 * - `kubernetes.io/dockercfg` / `kubernetes.io/dockerconfigjson`: the `.dockercfg` /
 *   `.dockerconfigjson` key, holding JSON that decodes into a map (its error is encoding/json's,
 *   the value shown `<secret contents redacted>`);
 * - `kubernetes.io/basic-auth`: `username` or `password`; `kubernetes.io/ssh-auth`: a non-empty
 *   `ssh-privatekey`; `kubernetes.io/tls`: `tls.crt` and `tls.key`.
 * Syntax errors are worded as goJsonError words them (the common ones exactly).
 */
import { goJsonError } from "./call.js";
import type { FieldError } from "./status.js";
import { configKeyErrors, MAX_DATA_BYTES, tooLong, valueBytes } from "./validation.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const SERVICE_ACCOUNT_NAME = "kubernetes.io/service-account.name";
const REDACTED = "<secret contents redacted>";

/** `data[key]: Required value`. */
const required = (key: string): FieldError => ({ type: "Required", field: `data[${key}]` });

/** json.Unmarshal of `text` into a map[string]interface{}: its error, if any. */
function mapUnmarshalError(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return goJsonError(text, error);
  }
  if (value === null || (typeof value === "object" && !Array.isArray(value))) return undefined;
  const kind = Array.isArray(value) ? "array" : typeof value === "boolean" ? "bool" : typeof value;
  return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
}

/** A Docker config Secret's key: present, and JSON decoding into a map. */
function dockerConfigErrors(data: Obj, key: string): FieldError[] {
  if (!Object.hasOwn(data, key)) return [required(key)];
  const problem = mapUnmarshalError(Buffer.from(String(data[key] ?? ""), "base64").toString("utf8"));
  return problem ? [{ type: "Invalid", field: `data[${key}]`, value: REDACTED, detail: problem }] : [];
}

/** The keys (and annotation) each Secret type must carry, after the keys themselves are checked. */
function secretTypeErrors(secret: Obj): FieldError[] {
  const data: Obj = secret.data ?? {};
  const has = (key: string) => Object.hasOwn(data, key);
  switch (secret.type) {
    case "kubernetes.io/service-account-token":
      return secret.metadata?.annotations?.[SERVICE_ACCOUNT_NAME] ? [] : [{ type: "Required", field: `metadata.annotations[${SERVICE_ACCOUNT_NAME}]` }];
    case "kubernetes.io/dockercfg":
      return dockerConfigErrors(data, ".dockercfg");
    case "kubernetes.io/dockerconfigjson":
      return dockerConfigErrors(data, ".dockerconfigjson");
    case "kubernetes.io/tls":
      return [...(has("tls.crt") ? [] : [required("tls.crt")]), ...(has("tls.key") ? [] : [required("tls.key")])];
    case "kubernetes.io/basic-auth":
      // Either may be empty, but one of them must be there.
      return has("username") || has("password") ? [] : [required("username"), required("password")];
    case "kubernetes.io/ssh-auth":
      return data["ssh-privatekey"] ? [] : [required("ssh-privatekey")];
    default:
      return [];
  }
}

/** `ValidateSecret` beyond metadata: its data keys, then what its type requires. */
export function secretErrors(secret: Obj): FieldError[] {
  const size = valueBytes(secret.data, "base64") > MAX_DATA_BYTES ? [tooLong("data", MAX_DATA_BYTES)] : [];
  return [...configKeyErrors(secret, ["data"]), ...size, ...secretTypeErrors(secret)];
}
