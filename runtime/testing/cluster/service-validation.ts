/**
 * @module cluster/service-validation
 * A Service's own checks, as 1.32's ValidateService (pkg/apis/core/validation) makes them and in
 * its order: the topology annotations agree; ports are required unless the Service is headless or
 * ExternalName; a LoadBalancer Service exposes no kubelet port, neither it nor a NodePort one is
 * headless, an ExternalName one has no cluster IPs, IP families or policy and names a DNS
 * subdomain; each port as validateServicePort checks it; the selector's labels; the session
 * affinity; external IPs that are IPs and not special; the type; no node port on a ClusterIP
 * Service, no protocol and node port twice, no protocol and port twice; load balancer source
 * ranges (the field, else its annotation), `allocateLoadBalancerNodePorts` and
 * `loadBalancerClass` only on a LoadBalancer Service; then the traffic policies and distribution.
 * The cluster IP fields' own rules are the allocator's, which runs first (service-ip-families).
 * On an update, ValidateServiceUpdate's checks (service-ips) come first.
 */
import { nameProblems } from "./validation.js";
import { labelKeyErrors, labelsErrors } from "./label-rules.js";
import { INVALID_IP, parseCIDRSloppy, parseIPSloppy, specialIPProblems } from "./ip-rules.js";
import { goPortKey, servicePortErrors } from "./object-rules.js";
import { trafficPolicyErrors } from "./service-traffic-policy.js";
import type { FieldError } from "./status.js";

type Obj = Record<string, any>;

/** The message of a field only a LoadBalancer Service may have. */
const LOAD_BALANCER_ONLY = "may only be used when `type` is 'LoadBalancer'";

/**
 * ports.KubeletPort, which a LoadBalancer Service may not expose: 1.32's rule, removed upstream
 * the day after 1.32's release (kubernetes#129174), so later servers accept it.
 */
const KUBELET_PORT = 10250;
/** The topology annotation and the deprecated one it replaced. */
const TOPOLOGY_MODE = "service.kubernetes.io/topology-mode";
const TOPOLOGY_HINTS = "service.kubernetes.io/topology-aware-hints";
/** The annotation that stood for `loadBalancerSourceRanges` before the field. */
const SOURCE_RANGES = "service.beta.kubernetes.io/load-balancer-source-ranges";
/** validation.IsValidCIDR's message. */
const INVALID_CIDR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

/** The types, session affinities and internal traffic policies, sorted as NotSupported lists them. */
const TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const AFFINITIES = ["ClientIP", "None"];
const INTERNAL_POLICIES = ["Cluster", "Local"];
/** core.MaxClientIPServiceAffinitySeconds: a day. */
const MAX_AFFINITY_SECONDS = 86400;

/** isHeadlessService: its one cluster IP is `None`. */
const isHeadless = (spec: Obj) => Array.isArray(spec.clusterIPs) && spec.clusterIPs.length === 1 && spec.clusterIPs[0] === "None";

/** ValidateService without the metadata (validation checks it for every type). */
export function serviceErrors(service: Obj): FieldError[] {
  const spec: Obj = service.spec ?? {};
  const ports: Obj[] = Array.isArray(spec.ports) ? spec.ports : [];
  const errors: FieldError[] = [...topologyAnnotationErrors(service)];
  if (ports.length === 0 && !isHeadless(spec) && spec.type !== "ExternalName") errors.push({ type: "Required", field: "spec.ports" });
  if (spec.type === "LoadBalancer") {
    ports.forEach((port, i) => {
      if (port?.port === KUBELET_PORT) errors.push({ type: "Invalid", field: `spec.ports[${i}]`, value: KUBELET_PORT, detail: `may not expose port ${KUBELET_PORT} externally since it is used by kubelet` });
    });
  }
  if ((spec.type === "LoadBalancer" || spec.type === "NodePort") && isHeadless(spec)) {
    errors.push({ type: "Invalid", field: "spec.clusterIPs[0]", value: "None", detail: `may not be set to 'None' for ${spec.type} services` });
  }
  if (spec.type === "ExternalName") errors.push(...externalNameErrors(spec));
  const names = new Set<string>();
  ports.forEach((port, i) => errors.push(...servicePortErrors(port ?? {}, `spec.ports[${i}]`, ports.length > 1, names)));
  if (spec.selector != null) errors.push(...labelsErrors(spec.selector, "spec.selector"));
  errors.push(...affinityErrors(spec), ...externalIPErrors(spec));
  if (!spec.type) errors.push({ type: "Required", field: "spec.type" });
  else if (!TYPES.includes(spec.type)) errors.push({ type: "NotSupported", field: "spec.type", value: spec.type, supported: TYPES });
  errors.push(...nodePortErrors(spec, ports));
  const seen = new Set<string>();
  ports.forEach((port, i) => {
    const key = `${port?.protocol}/${port?.port}`;
    if (seen.has(key)) errors.push({ type: "Duplicate", field: `spec.ports[${i}]`, rendered: goPortKey(port ?? {}) });
    seen.add(key);
  });
  errors.push(...sourceRangeErrors(service));
  if (spec.allocateLoadBalancerNodePorts != null && spec.type !== "LoadBalancer") {
    errors.push({ type: "Forbidden", field: "spec.allocateLoadBalancerNodePorts", detail: LOAD_BALANCER_ONLY });
  }
  errors.push(...loadBalancerClassErrors(spec), ...trafficPolicyErrors(spec));
  if (spec.internalTrafficPolicy == null) {
    if (["ClusterIP", "NodePort", "LoadBalancer"].includes(spec.type)) errors.push({ type: "Required", field: "spec.internalTrafficPolicy" });
  } else if (!INTERNAL_POLICIES.includes(spec.internalTrafficPolicy)) {
    errors.push({ type: "NotSupported", field: "spec.internalTrafficPolicy", value: spec.internalTrafficPolicy, supported: INTERNAL_POLICIES });
  }
  if (spec.trafficDistribution != null && spec.trafficDistribution !== "PreferClose") {
    errors.push({ type: "NotSupported", field: "spec.trafficDistribution", value: spec.trafficDistribution, supported: ["PreferClose"] });
  }
  return errors;
}

/** The topology annotation and its deprecated form agree where both are given. */
function topologyAnnotationErrors(service: Obj): FieldError[] {
  const annotations: Obj = service.metadata?.annotations ?? {};
  const mode = annotations[TOPOLOGY_MODE];
  const hints = annotations[TOPOLOGY_HINTS];
  if (typeof mode !== "string" || typeof hints !== "string" || mode === hints) return [];
  return [{ type: "Invalid", field: `metadata.annotations[${TOPOLOGY_MODE}]`, value: mode, detail: `must match annotations[${TOPOLOGY_HINTS}] when both are specified` }];
}

/** The session affinity (`None` or `ClientIP`) and, for `ClientIP`, its timeout (validateClientIPAffinityConfig); `None` takes no config. */
function affinityErrors(spec: Obj): FieldError[] {
  const affinity = spec.sessionAffinity;
  const at = "spec.sessionAffinityConfig";
  if (!affinity) return [{ type: "Required", field: "spec.sessionAffinity" }];
  if (!AFFINITIES.includes(affinity)) return [{ type: "NotSupported", field: "spec.sessionAffinity", value: affinity, supported: AFFINITIES }];
  if (affinity === "None") return spec.sessionAffinityConfig != null ? [{ type: "Forbidden", field: at, detail: "must not be set when session affinity is None" }] : [];
  const required = (field: string): FieldError[] => [{ type: "Required", field, detail: "when session affinity type is ClientIP" }];
  const config = spec.sessionAffinityConfig;
  if (config == null) return required(at);
  if (config.clientIP == null) return required(`${at}.clientIP`);
  const timeout = config.clientIP.timeoutSeconds;
  if (timeout == null) return required(`${at}.clientIP.timeoutSeconds`);
  if (timeout <= 0 || timeout > MAX_AFFINITY_SECONDS) {
    return [{ type: "Invalid", field: `${at}.clientIP.timeoutSeconds`, value: timeout, detail: `must be greater than 0 and less than ${MAX_AFFINITY_SECONDS}` }];
  }
  return [];
}

/** External IPs: IP addresses, none special (ValidateNonSpecialIP). */
function externalIPErrors(spec: Obj): FieldError[] {
  const errors: FieldError[] = [];
  const externalIPs: unknown[] = Array.isArray(spec.externalIPs) ? spec.externalIPs : [];
  externalIPs.forEach((ip, i) => {
    const text = String(ip ?? "");
    const field = `spec.externalIPs[${i}]`;
    if (!parseIPSloppy(text)) errors.push({ type: "Invalid", field, value: text, detail: INVALID_IP });
    else for (const detail of specialIPProblems(text)) errors.push({ type: "Invalid", field, value: text, detail });
  });
  return errors;
}

/** Node ports: none on a ClusterIP Service, no protocol and node port twice. */
function nodePortErrors(spec: Obj, ports: Obj[]): FieldError[] {
  const errors: FieldError[] = [];
  if (spec.type === "ClusterIP") {
    ports.forEach((port, i) => {
      if (port?.nodePort) errors.push({ type: "Forbidden", field: `spec.ports[${i}].nodePort`, detail: "may not be used when `type` is 'ClusterIP'" });
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((port, i) => {
    if (!port?.nodePort) return;
    const key = `${port.protocol}/${port.nodePort}`;
    if (nodePorts.has(key)) errors.push({ type: "Duplicate", field: `spec.ports[${i}].nodePort`, value: port.nodePort });
    nodePorts.add(key);
  });
  return errors;
}

/** validateLoadBalancerClassField's own checks: a qualified name, on a LoadBalancer Service only. */
export function loadBalancerClassErrors(spec: Obj): FieldError[] {
  if (spec.loadBalancerClass == null) return [];
  const field = "spec.loadBalancerClass";
  if (spec.type !== "LoadBalancer") return [{ type: "Forbidden", field, detail: LOAD_BALANCER_ONLY }];
  const value = String(spec.loadBalancerClass);
  return labelKeyErrors(value).map((detail) => ({ type: "Invalid", field, value, detail }));
}

/**
 * The source ranges a LoadBalancer Service's load balancer admits: the field (its path spelled
 * `LoadBalancerSourceRanges`, as there), else the annotation; each a CIDR, spaces around it allowed.
 */
function sourceRangeErrors(service: Obj): FieldError[] {
  const spec: Obj = service.spec ?? {};
  const ranges: unknown[] = Array.isArray(spec.loadBalancerSourceRanges) ? spec.loadBalancerSourceRanges : [];
  const annotations: Obj = service.metadata?.annotations ?? {};
  const errors: FieldError[] = [];
  const cidrErrors = (field: string, text: string) => {
    if (!parseCIDRSloppy(text)) errors.push({ type: "Invalid", field, value: text, detail: INVALID_CIDR });
  };
  if (ranges.length > 0) {
    const field = "spec.LoadBalancerSourceRanges";
    if (spec.type !== "LoadBalancer") errors.push({ type: "Forbidden", field, detail: LOAD_BALANCER_ONLY });
    ranges.forEach((range, i) => cidrErrors(`${field}[${i}]`, String(range ?? "").trim()));
  } else if (typeof annotations[SOURCE_RANGES] === "string") {
    const field = `metadata.annotations[${SOURCE_RANGES}]`;
    if (spec.type !== "LoadBalancer") errors.push({ type: "Forbidden", field, detail: LOAD_BALANCER_ONLY });
    const value = annotations[SOURCE_RANGES].trim();
    if (value !== "") for (const range of value.split(",")) cidrErrors(field, range.trim());
  }
  return errors;
}

/** ValidateService's ExternalName case: no cluster IPs, IP families or policy; a DNS subdomain (a trailing dot allowed) to alias. */
function externalNameErrors(spec: Obj): FieldError[] {
  const errors: FieldError[] = [];
  const forbidden = (field: string): FieldError => ({ type: "Forbidden", field: `spec.${field}`, detail: "may not be set for ExternalName services" });
  if (Array.isArray(spec.clusterIPs) && spec.clusterIPs.length > 0) errors.push(forbidden("clusterIPs"));
  if (Array.isArray(spec.ipFamilies) && spec.ipFamilies.length > 0) errors.push(forbidden("ipFamilies"));
  if (spec.ipFamilyPolicy != null) errors.push(forbidden("ipFamilyPolicy"));
  const cname = String(spec.externalName ?? "").replace(/\.$/, "");
  if (cname === "") errors.push({ type: "Required", field: "spec.externalName" });
  else for (const detail of nameProblems(cname, "subdomain")) errors.push({ type: "Invalid", field: "spec.externalName", value: cname, detail });
  return errors;
}
