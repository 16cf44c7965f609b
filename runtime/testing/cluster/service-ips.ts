/**
 * @module cluster/service-ips
 * A Service's cluster IPs on update, as the real service REST and validation handle them:
 * the storage's patchAllocatedValues keeps the allocated `clusterIP` and `clusterIPs` a PUT
 * leaves out (so replacing with the manifest that created it works), the strategy's
 * NormalizeClusterIPs links the singular and plural fields, and ValidateServiceUpdate's
 * validateUpgradeDowngradeClusterIPs refuses a changed IP ("may not change once set").
 * ExternalName services have no cluster IPs; headless ones `["None"]` (see `defaults`). A
 * Service turned ExternalName drops the IP fields it kept, and one that is no LoadBalancer its
 * status's load balancer (the strategy's dropTypeDependentFields).
 */
import { goStrings, type FieldError } from "./status.js";
import { externallyAccessible, needsHealthCheck, trafficPolicyUpdateErrors } from "./service-traffic-policy.js";
import { loadBalancerClassErrors } from "./service-validation.js";

type Obj = Record<string, any>;

const isExternalName = (svc: Obj) => svc.spec?.type === "ExternalName";
const ips = (svc: Obj): string[] => (Array.isArray(svc.spec?.clusterIPs) ? svc.spec.clusterIPs : []);
const sameIps = (a: Obj, b: Obj) => JSON.stringify(ips(a)) === JSON.stringify(ips(b));
const isHeadless = (svc: Obj) => ips(svc).length === 1 && ips(svc)[0] === "None";

/**
 * A Service update's PrepareForUpdate, `next` changed in place: patchAllocatedValues and
 * NormalizeClusterIPs (the cluster IPs, node ports and health-check port a PUT leaves out are
 * kept), then dropTypeDependentFields (what a type change leaves behind is dropped) and the
 * load balancer status of a Service that is no longer one.
 */
export function prepareServiceUpdate(next: Obj, old: Obj): void {
  next.spec ??= {};
  const spec = next.spec;
  const before: Obj = old.spec ?? {};
  if (!isExternalName(old) && !isExternalName(next)) {
    if (!spec.clusterIP && before.clusterIP) spec.clusterIP = before.clusterIP;
    if (ips(next).length === 0 && ips(old).length > 0) spec.clusterIPs = [...ips(old)];
  }
  if (ips(old).length > 0 && ips(next).length === 0 && (before.clusterIP ?? "") === (spec.clusterIP ?? "")) spec.clusterIPs = [...ips(old)];
  if ((before.clusterIP ?? "") !== (spec.clusterIP ?? "")) {
    if (before.clusterIP && !spec.clusterIP) {
      if (sameIps(old, next)) delete spec.clusterIPs;
    } else if (sameIps(old, next)) spec.clusterIPs = [spec.clusterIP];
  }
  // dropTypeDependentFields: a Service turned ExternalName drops the cluster IPs, IP families
  // and policy it kept unchanged (its IPs are free again); defaultOnRead hides its internal
  // traffic policy.
  if (!isExternalName(old) && isExternalName(next)) {
    if ((before.clusterIP ?? "") === (spec.clusterIP ?? "") && sameIps(old, next)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (JSON.stringify(before.ipFamilies ?? null) === JSON.stringify(spec.ipFamilies ?? null)) delete spec.ipFamilies;
    if ((before.ipFamilyPolicy ?? "") === (spec.ipFamilyPolicy ?? "")) delete spec.ipFamilyPolicy;
  }
  if (isExternalName(next)) delete spec.internalTrafficPolicy;
  // A type that needs no node ports drops them when the update added none (sameNodePorts: the
  // old ones are a superset of the new, whichever ports hold them), and the policies only
  // NodePort and LoadBalancer Services have.
  if (needsNodePort(old) && !needsNodePort(next)) {
    const held = new Set(nodePortsOf(old));
    if (nodePortsOf(next).every((port) => held.has(port))) for (const p of portsOf(next)) delete p.nodePort;
  }
  // A Service no longer LoadBalancer drops `allocateLoadBalancerNodePorts` and `loadBalancerClass` the update left as they were.
  if (before.type === "LoadBalancer" && spec.type !== "LoadBalancer" && before.allocateLoadBalancerNodePorts != null && before.allocateLoadBalancerNodePorts === spec.allocateLoadBalancerNodePorts) {
    delete spec.allocateLoadBalancerNodePorts;
  }
  if (before.type === "LoadBalancer" && spec.type !== "LoadBalancer" && (before.loadBalancerClass ?? null) === (spec.loadBalancerClass ?? null)) delete spec.loadBalancerClass;
  if (externallyAccessible(before) && !externallyAccessible(spec) && before.externalTrafficPolicy === spec.externalTrafficPolicy) delete spec.externalTrafficPolicy;
  // A Service that is not a LoadBalancer has no load balancer to report: its status says none.
  if (spec.type !== "LoadBalancer") {
    next.status ??= {};
    next.status.loadBalancer = {};
  }
  // The health-check node port: kept when a PUT leaves it out, dropped (and freed) with the need for it.
  if (needsHealthCheck(before) && needsHealthCheck(spec) && !spec.healthCheckNodePort) spec.healthCheckNodePort = before.healthCheckNodePort;
  if (needsHealthCheck(before) && !needsHealthCheck(spec) && (spec.healthCheckNodePort ?? 0) === (before.healthCheckNodePort ?? 0)) delete spec.healthCheckNodePort;
  // patchAllocatedValues: a port left without a nodePort keeps the one its name had, unless
  // another port of the update uses it.
  if (needsNodePort(old) && needsNodePort(next)) {
    const used = new Set(nodePortsOf(next));
    const byName = new Map(portsOf(old).map((p) => [p.name ?? "", p.nodePort]));
    for (const p of portsOf(next)) {
      const kept = byName.get(p.name ?? "");
      if (!p.nodePort && kept && !used.has(kept)) p.nodePort = kept;
    }
  }
}

/** needsNodePort: a NodePort or LoadBalancer Service (one allocating none may still hold some). */
function needsNodePort(svc: Obj): boolean {
  return svc.spec?.type === "NodePort" || svc.spec?.type === "LoadBalancer";
}

const portsOf = (svc: Obj): Obj[] => (Array.isArray(svc.spec?.ports) ? svc.spec.ports.filter((p: unknown) => p && typeof p === "object") : []);
/** The node ports a Service's ports hold. */
const nodePortsOf = (svc: Obj): unknown[] => portsOf(svc).map((p) => p.nodePort).filter(Boolean);

/**
 * ValidateServiceUpdate's own checks, before ValidateService's: validateUpgradeDowngradeClusterIPs,
 * validateLoadBalancerClassField (a LoadBalancer's class is fixed; its create checks too, again
 * after), validateServiceExternalTrafficFieldsUpdate.
 */
export function serviceUpdateErrors(next: Obj, old: Obj): FieldError[] {
  const spec: Obj = next.spec ?? {};
  const before: Obj = old.spec ?? {};
  const classErrors: FieldError[] = [];
  if (before.type === "LoadBalancer" && spec.type === "LoadBalancer" && (before.loadBalancerClass ?? null) !== (spec.loadBalancerClass ?? null)) {
    classErrors.push({ type: "Invalid", field: "spec.loadBalancerClass", value: spec.loadBalancerClass ?? null, detail: "may not change once set" });
  }
  return [...clusterIPUpdateErrors(next, old), ...classErrors, ...loadBalancerClassErrors(spec), ...trafficPolicyUpdateErrors(spec, before)];
}

function clusterIPUpdateErrors(next: Obj, old: Obj): FieldError[] {
  if (isExternalName(next) || isExternalName(old)) return [];
  if (isHeadless(old) && isHeadless(next)) return [];
  const before = ips(old);
  const after = ips(next);
  const rendered = goStrings(Array.isArray(next.spec?.clusterIPs) ? next.spec.clusterIPs : undefined);
  const changed = (i: number): FieldError => ({ type: "Invalid", field: `spec.clusterIPs[${i}]`, rendered, detail: "may not change once set" });
  const errors: FieldError[] = [];
  if (before.length === after.length) {
    before.forEach((ip, i) => {
      if (ip !== after[i]) errors.push(changed(i));
    });
  } else if (before.length > after.length) {
    if (after.length === 0) errors.push({ type: "Invalid", field: "spec.clusterIPs[0]", rendered, detail: "primary clusterIP can not be unset" });
    if (after.length > 0 && after[0] !== before[0]) errors.push(changed(0));
    if (after.length === 1 && next.spec?.ipFamilyPolicy !== "SingleStack") {
      errors.push({ type: "Invalid", field: "spec.ipFamilyPolicy", value: next.spec?.ipFamilyPolicy ?? null, detail: "must be set to 'SingleStack' when releasing the secondary clusterIP" });
    }
  } else if (before.length > 0 && after[0] !== before[0]) errors.push(changed(0));
  return errors;
}
