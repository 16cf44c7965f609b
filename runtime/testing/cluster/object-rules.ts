/**
 * @module cluster/object-rules
 * Checks of one kind each that the real server runs on create and update, with its messages:
 * a Service's port (`validateServicePort`: name, number, protocol, target, appProtocol; the rest of
 * `ValidateService` is service-validation's) and a Lease's counts (`ValidateLeaseSpec`). Types
 * whose other rules are not modelled keep them unchecked.
 */
import type { FieldError } from "./status.js";
import { nameProblems, nonNegativeErrors } from "./validation.js";
import { labelKeyErrors } from "./label-rules.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** IsValidPortNum's message. */
export const PORT_RANGE = "must be between 1 and 65535, inclusive";
/** The protocols a port may name, sorted as NotSupported lists them (sets.List). */
export const PROTOCOLS = ["SCTP", "TCP", "UDP"];

/** IsValidPortName's messages, in its order. */
export function portNameProblems(name: string): string[] {
  const out: string[] = [];
  if (name.length > 15) out.push("must be no more than 15 characters");
  if (!/^[-a-z0-9]+$/.test(name)) out.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(name)) out.push("must contain at least one letter (a-z)");
  if (name.includes("--")) out.push("must not contain consecutive hyphens");
  if (name.length > 0 && (name.startsWith("-") || name.endsWith("-"))) out.push("must not begin or end with a hyphen");
  return out;
}

/** IsValidPortNum: an integer in 1..65535. */
export const validPort = (n: unknown) => typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 65535;

/** validateServicePort: its name (required when the Service has several ports; a DNS label, unique), number, protocol, target and appProtocol (a qualified name). */
export function servicePortErrors(port: Obj, at: string, requireName: boolean, names: Set<string>): FieldError[] {
  const errors: FieldError[] = [];
  const name = typeof port.name === "string" ? port.name : "";
  if (requireName && name === "") errors.push({ type: "Required", field: `${at}.name` });
  else if (name !== "") {
    for (const detail of nameProblems(name, "label")) errors.push({ type: "Invalid", field: `${at}.name`, value: name, detail });
    if (names.has(name)) errors.push({ type: "Duplicate", field: `${at}.name`, value: name });
    else names.add(name);
  }
  if (!validPort(port.port)) errors.push({ type: "Invalid", field: `${at}.port`, value: port.port ?? 0, detail: PORT_RANGE });
  if (!port.protocol) errors.push({ type: "Required", field: `${at}.protocol` });
  else if (!PROTOCOLS.includes(port.protocol)) errors.push({ type: "NotSupported", field: `${at}.protocol`, value: port.protocol, supported: PROTOCOLS });
  const target = port.targetPort;
  if (typeof target === "number" && !validPort(target)) errors.push({ type: "Invalid", field: `${at}.targetPort`, value: target, detail: PORT_RANGE });
  else if (typeof target === "string") for (const detail of portNameProblems(target)) errors.push({ type: "Invalid", field: `${at}.targetPort`, value: target, detail });
  if (typeof port.appProtocol === "string") for (const detail of labelKeyErrors(port.appProtocol)) errors.push({ type: "Invalid", field: `${at}.appProtocol`, value: port.appProtocol, detail });
  return errors;
}

/** Go's `%#v` of the core.ServicePort key the duplicate check builds (protocol and port only). */
export function goPortKey(port: Obj): string {
  return `core.ServicePort{Name:"", Protocol:${JSON.stringify(String(port.protocol ?? ""))}, AppProtocol:(*string)(nil), Port:${Number(port.port ?? 0)}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}

/** `ValidateLeaseSpec`: a duration over 0, transitions 0 or more. */
export function leaseErrors(lease: Obj): FieldError[] {
  const spec: Obj = lease.spec ?? {};
  const errors: FieldError[] = [];
  if (typeof spec.leaseDurationSeconds === "number" && spec.leaseDurationSeconds <= 0) {
    errors.push({ type: "Invalid", field: "spec.leaseDurationSeconds", value: spec.leaseDurationSeconds, detail: "must be greater than 0" });
  }
  errors.push(...nonNegativeErrors(spec.leaseTransitions, "spec.leaseTransitions"));
  return errors;
}
