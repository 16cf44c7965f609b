/**
 * @module cluster/object-rules
 * Checks of one kind each that the real server runs on create and update, with its messages:
 * a Secret's keys and the keys its `type` requires (`ValidateSecret`), a Service's ports
 * (`ValidateService`: required unless headless or ExternalName) and a Lease's counts
 * (`ValidateLeaseSpec`). Types whose other rules are not modelled keep them unchecked.
 */
import type { FieldError } from "./status.js";
import { configKeyErrors, MAX_DATA_BYTES, tooLong, valueBytes } from "./validation.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** `data[key]: Required value`. */
const required = (key: string): FieldError => ({ type: "Required", field: `data[${key}]` });

/** The keys each Secret type must carry, after the keys themselves are checked. */
function secretTypeErrors(secret: Obj): FieldError[] {
  const data: Obj = secret.data ?? {};
  const has = (key: string) => Object.prototype.hasOwnProperty.call(data, key);
  switch (secret.type) {
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

/** `ValidateService`'s ports rule: a Service needs ports unless it is headless (`clusterIP: None`) or ExternalName. */
export function serviceErrors(service: Obj): FieldError[] {
  const spec: Obj = service.spec ?? {};
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  if (ports.length > 0 || spec.clusterIP === "None" || spec.type === "ExternalName") return [];
  return [{ type: "Required", field: "spec.ports" }];
}

/** `ValidateLeaseSpec`: a duration over 0, transitions 0 or more. */
export function leaseErrors(lease: Obj): FieldError[] {
  const spec: Obj = lease.spec ?? {};
  const errors: FieldError[] = [];
  if (typeof spec.leaseDurationSeconds === "number" && spec.leaseDurationSeconds <= 0) {
    errors.push({ type: "Invalid", field: "spec.leaseDurationSeconds", value: spec.leaseDurationSeconds, detail: "must be greater than 0" });
  }
  if (typeof spec.leaseTransitions === "number" && spec.leaseTransitions < 0) {
    errors.push({ type: "Invalid", field: "spec.leaseTransitions", value: spec.leaseTransitions, detail: "must be greater than or equal to 0" });
  }
  return errors;
}
