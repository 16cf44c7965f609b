/**
 * @module cluster/service-ip-families
 * A Service's `ipFamilies` and `ipFamilyPolicy` on the emulated cluster, which is single-stack
 * IPv4 (service CIDR 10.96.0.0/12 alone), as 1.32's service REST sets and checks them before it
 * allocates (storage/alloc.go initIPFamilyFields): they are no API defaults but the allocator's
 * work. A policy left out is the stored Service's on an update, else `RequireDualStack` for a
 * headless Service without a selector (families `["IPv4", "IPv6"]`, allowed on any cluster),
 * else `SingleStack`; families come from the cluster IPs given, else `["IPv4"]`. Asking for
 * dual-stack, IPv6 or an IPv6 cluster IP is a 422 in the allocator's words. ExternalName
 * Services get none of these fields. Also ValidateServiceClusterIPsRelatedFields, the loose
 * pre-validation the allocator runs first.
 */
import { ipv4Of, parseIPSloppy, INVALID_IP } from "./ip-rules.js";
import { goStrings, invalid, type FieldError } from "./status.js";

type Obj = Record<string, any>;

/** The families this cluster serves: its one service CIDR's. */
const CLUSTER_FAMILY = "IPv4";
const FAMILIES = ["IPv4", "IPv6"];
const POLICIES = ["PreferDualStack", "RequireDualStack", "SingleStack"];

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const sameList = (a: unknown, b: unknown) => JSON.stringify(list(a)) === JSON.stringify(list(b));
const isHeadless = (spec: Obj) => list(spec.clusterIPs)[0] === "None";
const isIPv6 = (ip: string) => !ipv4Of(parseIPSloppy(ip)!);
/** netutils.IsIPv4String / IsIPv6String, for an address already validated. */
const familyOf = (ip: string) => (isIPv6(ip) ? "IPv6" : "IPv4");

/** ValidateServiceClusterIPsRelatedFields: the cluster IPs, the families and the policy, each alone and together. */
export function clusterIPFieldErrors(svc: Obj): FieldError[] {
  const spec: Obj = svc.spec ?? {};
  if (spec.type === "ExternalName") return [];
  const ips = list(spec.clusterIPs);
  const rendered = goStrings(Array.isArray(spec.clusterIPs) ? spec.clusterIPs : undefined);
  const errors: FieldError[] = [];
  if (spec.clusterIP) {
    if (ips.length === 0) errors.push({ type: "Required", field: "spec.clusterIPs" });
    else if (ips[0] !== spec.clusterIP) errors.push({ type: "Invalid", field: "spec.clusterIPs", rendered, detail: "first value must match `clusterIP`" });
  } else if (ips.length) errors.push({ type: "Invalid", field: "spec.clusterIPs", rendered, detail: "must be empty when `clusterIP` is not specified" });
  const families: unknown[] = Array.isArray(spec.ipFamilies) ? spec.ipFamilies : [];
  const seen = new Set<unknown>();
  families.forEach((family, i) => {
    if (!FAMILIES.includes(family as string)) errors.push({ type: "NotSupported", field: `spec.ipFamilies[${i}]`, value: family, supported: FAMILIES });
    if (seen.has(family)) errors.push({ type: "Duplicate", field: `spec.ipFamilies[${i}]`, value: family });
    seen.add(family);
  });
  if (spec.ipFamilyPolicy != null && !POLICIES.includes(spec.ipFamilyPolicy)) {
    errors.push({ type: "NotSupported", field: "spec.ipFamilyPolicy", value: spec.ipFamilyPolicy, supported: POLICIES });
  }
  let badIps = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === "None") {
      if (ips.length > 1) {
        badIps = true;
        errors.push({ type: "Invalid", field: "spec.clusterIPs", rendered, detail: "'None' must be the first and only value" });
      }
      return;
    }
    if (!parseIPSloppy(ip)) {
      badIps = true;
      errors.push({ type: "Invalid", field: `spec.clusterIPs[${i}]`, value: ip, detail: INVALID_IP });
    }
  });
  if (ips.length > 2) errors.push({ type: "Invalid", field: "spec.clusterIPs", rendered, detail: "may only hold up to 2 values" });
  if (badIps) return errors;
  if (ips.length > 1 && !(ips.length === 2 && isIPv6(ips[0]!) !== isIPv6(ips[1]!))) {
    errors.push({ type: "Invalid", field: "spec.clusterIPs", rendered, detail: "may specify no more than one IP for each IP family" });
  }
  if (!isHeadless(spec)) {
    ips.forEach((ip, i) => {
      if (families[i] === "IPv4" && isIPv6(ip)) errors.push({ type: "Invalid", field: `spec.clusterIPs[${i}]`, value: ip, detail: `expected an IPv4 value as indicated by \`ipFamilies[${i}]\`` });
      if (families[i] === "IPv6" && !isIPv6(ip)) errors.push({ type: "Invalid", field: `spec.clusterIPs[${i}]`, value: ip, detail: `expected an IPv6 value as indicated by \`ipFamilies[${i}]\`` });
    });
  }
  return errors;
}

/** isMatchingPreferDualStackClusterIPFields: a PreferDualStack Service whose IP fields an update leaves alone is not re-examined. */
function unchangedPreferDualStack(spec: Obj, before: Obj | undefined): boolean {
  if (!before || spec.ipFamilyPolicy == null || before.type !== spec.type) return false;
  if (!["ClusterIP", "NodePort", "LoadBalancer"].includes(spec.type)) return false;
  if (spec.ipFamilyPolicy !== "PreferDualStack" || (before.ipFamilyPolicy != null && before.ipFamilyPolicy !== "PreferDualStack")) return false;
  return sameList(before.clusterIPs, spec.clusterIPs) && sameList(before.ipFamilies, spec.ipFamilies);
}

/**
 * initIPFamilyFields for this single-stack IPv4 cluster: sets `svc`'s policy and families in
 * place, or throws the allocator's 422. `old` is the stored Service on an update.
 */
export function initIPFamilyFields(svc: Obj, old?: Obj): void {
  svc.spec ??= {};
  const spec: Obj = svc.spec;
  const before: Obj | undefined = old ? (old.spec ?? {}) : undefined;
  const name = String(svc.metadata?.name ?? "");
  if (spec.type === "ExternalName" || unchangedPreferDualStack(spec, before)) return;
  const selectorless = Object.keys(spec.selector ?? {}).length === 0;
  if (spec.ipFamilyPolicy == null) {
    if (before?.ipFamilyPolicy != null) spec.ipFamilyPolicy = before.ipFamilyPolicy;
    else spec.ipFamilyPolicy = spec.clusterIP === "None" && selectorless ? "RequireDualStack" : "SingleStack";
  }
  const loose = clusterIPFieldErrors(svc);
  if (loose.length) throw invalid("", "Service", name, loose);
  const errors: FieldError[] = [];
  const policy = { type: "Invalid", field: "spec.ipFamilyPolicy", value: spec.ipFamilyPolicy } as const;
  if (before) {
    if (spec.ipFamilyPolicy === "SingleStack") {
      if (sameList(before.clusterIPs, spec.clusterIPs) && list(spec.clusterIPs).length > 1) spec.clusterIPs = spec.clusterIPs.slice(0, 1);
      if (sameList(before.ipFamilies, spec.ipFamilies) && list(spec.ipFamilies).length > 1) spec.ipFamilies = spec.ipFamilies.slice(0, 1);
    } else {
      const reduced = (field: string) => list(spec[field]).length > 0 && list(spec[field]).length < list(before[field]).length;
      if (reduced("clusterIPs")) errors.push({ ...policy, detail: "must be 'SingleStack' to release the secondary cluster IP" });
      if (reduced("ipFamilies")) errors.push({ ...policy, detail: "must be 'SingleStack' to release the secondary IP family" });
    }
  }
  if (spec.ipFamilyPolicy === "SingleStack") {
    if (list(spec.clusterIPs).length === 2) errors.push({ ...policy, detail: "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified" });
    if (list(spec.ipFamilies).length === 2) errors.push({ ...policy, detail: "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified" });
  }
  // Families inferred from the cluster IPs given; an IP of a family this cluster lacks is refused as such.
  const families = list(spec.ipFamilies);
  const ips = list(spec.clusterIPs);
  for (let i = 0; i < ips.length && ips[i] !== "None"; i++) {
    if (i < families.length) continue;
    const family = familyOf(ips[i]!);
    if (family !== CLUSTER_FAMILY) errors.push({ type: "Invalid", field: `spec.clusterIPs[${i}]`, rendered: goStrings(spec.clusterIPs), detail: `${family} is not configured on this cluster` });
    else families.push(family);
  }
  if (errors.length) throw invalid("", "Service", name, errors);
  if (families.length) spec.ipFamilies = families;
  // Headless without a selector: any families, and dual-stack unless asked for single.
  if (spec.clusterIP === "None" && selectorless) {
    if (families.length === 0) families.push(CLUSTER_FAMILY);
    if (families.length < 2 && spec.ipFamilyPolicy !== "SingleStack") families.push(families[0] === "IPv4" ? "IPv6" : "IPv4");
    spec.ipFamilies = families;
    return;
  }
  if (spec.ipFamilyPolicy === "RequireDualStack") errors.push({ ...policy, detail: "this cluster is not configured for dual-stack services" });
  families.forEach((family, i) => {
    if (family !== CLUSTER_FAMILY) errors.push({ type: "Invalid", field: `spec.ipFamilies[${i}]`, value: family, detail: "not configured on this cluster" });
  });
  if (errors.length) throw invalid("", "Service", name, errors);
  spec.ipFamilies = families.length ? families : [CLUSTER_FAMILY];
}
