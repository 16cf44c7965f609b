/**
 * @module cluster/service-status
 * A Service's status as 1.32 takes it through `services/status`: decoding defaults a
 * LoadBalancer Service's ingress IPs to `ipMode: VIP` (SetDefaults_Service, LoadBalancerIPMode on
 * by default), and ValidateLoadBalancerStatus checks it (the spec is the stored one).
 */
import { INVALID_IP, parseIPSloppy } from "./ip-rules.js";
import type { FieldError } from "./status.js";
import { nameProblems } from "./validation.js";

type Obj = Record<string, any>;

/** The load balancer IP modes, sorted as NotSupported lists them. */
const IP_MODES = ["Proxy", "VIP"];

/** SetDefaults_Service's status part: a LoadBalancer Service's ingress with an IP and no mode is a VIP. */
export function defaultServiceStatus(svc: Obj): void {
  if (svc.spec?.type !== "LoadBalancer") return;
  const ingress: unknown[] = Array.isArray(svc.status?.loadBalancer?.ingress) ? svc.status.loadBalancer.ingress : [];
  for (const entry of ingress) {
    if (entry && typeof entry === "object" && (entry as Obj).ip && (entry as Obj).ipMode == null) (entry as Obj).ipMode = "VIP";
  }
}

/**
 * ValidateServiceStatusUpdate's ValidateLoadBalancerStatus: ingress only on a LoadBalancer
 * Service (AllowServiceLBStatusOnNonLB is off), each an IP with a mode (`Proxy` or `VIP`) or a
 * DNS name that is no IP.
 */
export function serviceStatusErrors(svc: Obj): FieldError[] {
  const ingress: unknown[] = Array.isArray(svc.status?.loadBalancer?.ingress) ? svc.status.loadBalancer.ingress : [];
  const at = "status.loadBalancer.ingress";
  if (svc.spec?.type !== "LoadBalancer" && ingress.length > 0) return [{ type: "Forbidden", field: at, detail: "may only be used when `spec.type` is 'LoadBalancer'" }];
  const errors: FieldError[] = [];
  ingress.forEach((raw, i) => {
    const entry: Obj = raw && typeof raw === "object" ? (raw as Obj) : {};
    const ip = String(entry.ip ?? "");
    const field = (name: string) => `${at}[${i}].${name}`;
    if (ip && !parseIPSloppy(ip)) errors.push({ type: "Invalid", field: field("ip"), value: ip, detail: INVALID_IP });
    if (entry.ipMode == null) {
      if (ip) errors.push({ type: "Required", field: field("ipMode"), detail: "must be specified when `ip` is set" });
    } else if (!ip) errors.push({ type: "Forbidden", field: field("ipMode"), detail: "may not be specified when `ip` is not set" });
    else if (!IP_MODES.includes(entry.ipMode)) errors.push({ type: "NotSupported", field: field("ipMode"), value: entry.ipMode, supported: IP_MODES });
    const hostname = String(entry.hostname ?? "");
    if (hostname) {
      for (const detail of nameProblems(hostname, "subdomain")) errors.push({ type: "Invalid", field: field("hostname"), value: hostname, detail });
      if (parseIPSloppy(hostname)) errors.push({ type: "Invalid", field: field("hostname"), value: hostname, detail: "must be a DNS name, not an IP address" });
    }
  });
  return errors;
}
