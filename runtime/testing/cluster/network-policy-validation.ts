/**
 * @module cluster/network-policy-validation
 * networking.k8s.io/v1 NetworkPolicy defaults and validation as 1.32 has them: a port's
 * protocol defaults to TCP, the policy types to Ingress (and Egress when there are egress rules);
 * `ValidateNetworkPolicySpec` checks the pod selector; each ingress and egress rule's ports
 * (protocol, a port number or name, an end port only after a number) and peers (one of a pod or
 * namespace selector, or an ipBlock alone, whose `except` CIDRs lie strictly inside its `cidr`);
 * at most two policy types, each Ingress or Egress. (Upstream's update ratchet for invalid
 * selector values is left out: nothing stored here was let in by a looser validation.)
 */
import { invalidFields, type FieldError } from "./status.js";
import { labelSelectorErrors } from "./label-rules.js";
import { parseCIDRSloppy, strictlyContains } from "./ip-rules.js";
import { PORT_RANGE, portNameProblems, validPort } from "./object-rules.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const PROTOCOLS = ["TCP", "UDP", "SCTP"];
const POLICY_TYPES = ["Ingress", "Egress"];

/** SetDefaults_NetworkPolicyPort and SetDefaults_NetworkPolicy. */
export function defaultNetworkPolicy(policy: Obj): void {
  const spec: Obj | undefined = policy.spec;
  if (!spec || typeof spec !== "object") return;
  for (const direction of ["ingress", "egress"]) {
    for (const rule of Array.isArray(spec[direction]) ? (spec[direction] as Obj[]) : []) {
      for (const port of Array.isArray(rule?.ports) ? (rule.ports as Obj[]) : []) if (port && typeof port === "object") port.protocol ??= "TCP";
    }
  }
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length ? ["Ingress", "Egress"] : ["Ingress"];
  }
}

/** ValidateNetworkPolicyPort. */
function portErrors(port: Obj, at: string): FieldError[] {
  const errors: FieldError[] = [];
  if (port.protocol !== undefined && port.protocol !== null && !PROTOCOLS.includes(port.protocol)) {
    errors.push({ type: "NotSupported", field: `${at}.protocol`, value: port.protocol, supported: PROTOCOLS });
  }
  const endPort = port.endPort;
  const hasEnd = endPort !== undefined && endPort !== null;
  if (port.port === undefined || port.port === null) {
    if (hasEnd) errors.push({ type: "Invalid", field: `${at}.endPort`, value: endPort, detail: "may not be specified when `port` is not specified" });
  } else if (typeof port.port === "number") {
    if (!validPort(port.port)) errors.push({ type: "Invalid", field: `${at}.port`, value: port.port, detail: PORT_RANGE });
    if (hasEnd) {
      // Upstream prints the port here, not the end port.
      if (endPort < port.port) errors.push({ type: "Invalid", field: `${at}.endPort`, value: port.port, detail: "must be greater than or equal to `port`" });
      if (!validPort(endPort)) errors.push({ type: "Invalid", field: `${at}.endPort`, value: endPort, detail: PORT_RANGE });
    }
  } else {
    if (hasEnd) errors.push({ type: "Invalid", field: `${at}.endPort`, value: endPort, detail: "may not be specified when `port` is non-numeric" });
    errors.push(...invalidFields(`${at}.port`, String(port.port), portNameProblems(String(port.port))));
  }
  return errors;
}

/** ValidateIPBlock: a CIDR, and each exception a CIDR strictly inside it (the first unparsable one ends the check). */
function ipBlockErrors(block: Obj, at: string): FieldError[] {
  const cidrText = String(block.cidr ?? "");
  if (cidrText === "") return [{ type: "Required", field: `${at}.cidr` }];
  const cidr = parseCIDRSloppy(cidrText);
  if (!cidr) return [{ type: "Invalid", field: `${at}.cidr`, value: cidrText, detail: "not a valid CIDR" }];
  const errors: FieldError[] = [];
  const except: unknown[] = Array.isArray(block.except) ? block.except : [];
  for (const [i, raw] of except.entries()) {
    const text = String(raw);
    const inner = parseCIDRSloppy(text);
    if (!inner) return [...errors, { type: "Invalid", field: `${at}.except[${i}]`, value: text, detail: "not a valid CIDR" }];
    if (!strictlyContains(cidr, inner)) errors.push({ type: "Invalid", field: `${at}.except[${i}]`, value: text, detail: "must be a strict subset of `cidr`" });
  }
  return errors;
}

/** ValidateNetworkPolicyPeer: at least one peer; an ipBlock alone. */
function peerErrors(peer: Obj, at: string): FieldError[] {
  const errors: FieldError[] = [];
  let peers = 0;
  for (const key of ["podSelector", "namespaceSelector"]) {
    if (peer[key] === undefined || peer[key] === null) continue;
    peers++;
    errors.push(...labelSelectorErrors(peer[key], `${at}.${key}`));
  }
  if (peer.ipBlock) {
    peers++;
    errors.push(...ipBlockErrors(peer.ipBlock, `${at}.ipBlock`));
  }
  if (peers === 0) errors.push({ type: "Required", field: at, detail: "must specify a peer" });
  else if (peers > 1 && peer.ipBlock) errors.push({ type: "Forbidden", field: at, detail: "may not specify both ipBlock and another peer" });
  return errors;
}

/** Go's `%#v` of the policy types `ValidateNetworkPolicySpec` prints when there are more than two. */
const goPolicyTypes = (types: unknown[]) => `[]networking.PolicyType{${types.map((t) => JSON.stringify(String(t))).join(", ")}}`;

/** ValidateNetworkPolicySpec. */
export function networkPolicyErrors(policy: Obj): FieldError[] {
  const spec: Obj = policy.spec ?? {};
  const errors = labelSelectorErrors(spec.podSelector, "spec.podSelector");
  for (const [direction, peersKey] of [["ingress", "from"], ["egress", "to"]] as const) {
    const rules: Obj[] = Array.isArray(spec[direction]) ? spec[direction] : [];
    rules.forEach((rule, i) => {
      const at = `spec.${direction}[${i}]`;
      ((rule?.ports ?? []) as Obj[]).forEach((p, j) => errors.push(...portErrors(p ?? {}, `${at}.ports[${j}]`)));
      ((rule?.[peersKey] ?? []) as Obj[]).forEach((p, j) => errors.push(...peerErrors(p ?? {}, `${at}.${peersKey}[${j}]`)));
    });
  }
  const types: unknown[] = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  if (types.length > 2) return [...errors, { type: "Invalid", field: "spec.policyTypes", rendered: goPolicyTypes(types), detail: "may not specify more than two policyTypes" }];
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(String(t))) errors.push({ type: "NotSupported", field: `spec.policyTypes[${i}]`, value: t, supported: POLICY_TYPES });
  });
  return errors;
}
