/**
 * @module cluster/service-traffic-policy
 * A Service's external traffic policy and health-check node port, as 1.32 ties them to its type
 * (pkg/api/service ExternallyAccessible and NeedsHealthCheck; validation
 * validateServiceExternalTrafficPolicy and validateServiceExternalTrafficFieldsUpdate): the
 * policy only on a NodePort or LoadBalancer Service or one with external IPs, the port only on
 * a LoadBalancer Service whose policy is `Local`, and fixed while it needs one.
 */
import { validPort, PORT_RANGE } from "./object-rules.js";
import type { FieldError } from "./status.js";

type Obj = Record<string, any>;

const POLICIES = ["Cluster", "Local"];

/** ExternallyAccessible: reached from outside the cluster (node ports, a load balancer, external IPs). */
export function externallyAccessible(spec: Obj): boolean {
  return spec.type === "LoadBalancer" || spec.type === "NodePort" || (spec.type === "ClusterIP" && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
}

/** NeedsHealthCheck: a LoadBalancer Service routing external traffic to local endpoints only. */
export function needsHealthCheck(spec: Obj): boolean {
  return spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";
}

/** validateServiceExternalTrafficPolicy. */
export function trafficPolicyErrors(spec: Obj): FieldError[] {
  const errors: FieldError[] = [];
  const policy = spec.externalTrafficPolicy ?? "";
  if (!externallyAccessible(spec)) {
    if (policy !== "") errors.push({ type: "Invalid", field: "spec.externalTrafficPolicy", value: policy, detail: "may only be set for externally-accessible services" });
  } else if (policy === "") errors.push({ type: "Required", field: "spec.externalTrafficPolicy" });
  else if (!POLICIES.includes(policy)) errors.push({ type: "NotSupported", field: "spec.externalTrafficPolicy", value: policy, supported: POLICIES });
  const port = spec.healthCheckNodePort ?? 0;
  if (!needsHealthCheck(spec)) {
    if (port !== 0) errors.push({ type: "Invalid", field: "spec.healthCheckNodePort", value: port, detail: "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'" });
  } else if (port === 0) errors.push({ type: "Required", field: "spec.healthCheckNodePort" });
  else if (!validPort(port)) errors.push({ type: "Invalid", field: "spec.healthCheckNodePort", value: port, detail: PORT_RANGE });
  return errors;
}

/** validateServiceExternalTrafficFieldsUpdate: the health-check node port may not change while both need one. */
export function trafficPolicyUpdateErrors(spec: Obj, before: Obj): FieldError[] {
  if (needsHealthCheck(before) && needsHealthCheck(spec) && (spec.healthCheckNodePort ?? 0) !== (before.healthCheckNodePort ?? 0)) {
    return [{ type: "Forbidden", field: "spec.healthCheckNodePort", detail: "field is immutable" }];
  }
  return [];
}
