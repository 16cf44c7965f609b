/**
 * @module cluster/service-alloc
 * A Service's cluster IP and node ports, allocated as 1.32's service REST does it before the
 * strategy's validation (storage/alloc.go allocateCreate and allocateUpdate): first the loose
 * pre-validation of the IP fields (ValidateServiceClusterIPsRelatedFields), then the cluster IP
 * from the service CIDR 10.96.0.0/12 (the bitmap ipallocator: a requested IP must be in range
 * and free), then the node ports from 30000-32767 (portallocator: the same), then a LoadBalancer
 * Service's health-check node port when its external traffic policy is `Local`. Each failure is
 * its own 422 (the health-check port's a 500), with ipallocator's and portallocator's words.
 *
 * What is in use is read from the cluster's stored Services (the one being updated aside), so
 * the state is per emulated cluster, and an IP or port is free again once its Service is
 * deleted or no longer holds it. Only where the next free value is looked for from is kept, per
 * registry, so a freed value is not handed out again at once.
 */
import type { Registry } from "./registry.js";
import { ipv4Of, parseIPSloppy } from "./ip-rules.js";
import { goStrings, internalError, invalid, plainError } from "./status.js";
import { needsHealthCheck } from "./service-traffic-policy.js";
import { initIPFamilyFields } from "./service-ip-families.js";

type Obj = Record<string, any>;

/** The service CIDR's first and last usable addresses (10.96.0.0/12 without network and broadcast). */
const IP_FIRST = ipNumber([10, 96, 0, 1]);
const IP_LAST = ipNumber([10, 111, 255, 254]);
const IP_RANGE = "10.96.0.0/12";
const PORT_FIRST = 30000;
const PORT_LAST = 32767;
const PORT_RANGE = `${PORT_FIRST}-${PORT_LAST}`;

function ipNumber(octets: readonly number[]): number {
  return ((octets[0]! << 24) >>> 0) + (octets[1]! << 16) + (octets[2]! << 8) + octets[3]!;
}

/** Where each cluster's allocators look next. */
const cursors = new WeakMap<Registry, { ip: number; port: number }>();

function cursorOf(registry: Registry): { ip: number; port: number } {
  let cursor = cursors.get(registry);
  if (!cursor) cursors.set(registry, (cursor = { ip: 1, port: PORT_FIRST }));
  return cursor;
}

const isExternalName = (svc: Obj) => svc.spec?.type === "ExternalName";
const clusterIPsOf = (svc: Obj): string[] => (Array.isArray(svc.spec?.clusterIPs) ? svc.spec.clusterIPs.map(String) : []);
const isHeadless = (svc: Obj) => clusterIPsOf(svc)[0] === "None";
const portsOf = (svc: Obj): Obj[] => (Array.isArray(svc.spec?.ports) ? svc.spec.ports.filter((p: unknown) => p && typeof p === "object") : []);
const wantsNodePorts = (svc: Obj) => svc.spec?.type === "NodePort" || svc.spec?.type === "LoadBalancer";
const allocatesNodePorts = (svc: Obj) => svc.spec?.type === "NodePort" || (svc.spec?.type === "LoadBalancer" && svc.spec?.allocateLoadBalancerNodePorts !== false);

/** The cluster IPs and node ports held by the stored Services other than `self` (`namespace/name`). */
function inUse(registry: Registry, self: string): { ips: Set<string>; ports: Set<number> } {
  const ips = new Set<string>();
  const ports = new Set<number>();
  for (const { entry } of registry.store.list(registry.core("services"))) {
    const svc = entry.obj;
    if (`${svc.metadata?.namespace}/${svc.metadata?.name}` === self) continue;
    if (!isExternalName(svc)) for (const ip of [svc.spec?.clusterIP, ...clusterIPsOf(svc)]) if (ip && ip !== "None") ips.add(canonicalIp(String(ip)));
    for (const p of portsOf(svc)) if (typeof p.nodePort === "number" && p.nodePort) ports.add(p.nodePort);
    if (typeof svc.spec?.healthCheckNodePort === "number" && svc.spec.healthCheckNodePort) ports.add(svc.spec.healthCheckNodePort);
  }
  return { ips, ports };
}

/** An IPv4 address as its dotted quad (ParseIPSloppy's leading zeros dropped); others as given. */
function canonicalIp(text: string): string {
  const ip = parseIPSloppy(text);
  const v4 = ip && ipv4Of(ip);
  return v4 ? v4.join(".") : text;
}

/** ipallocator's Allocate: the reason a requested IP cannot be had, if any. */
function ipRefusal(ip: string, taken: Set<string>): string | undefined {
  const v4 = ipv4Of(parseIPSloppy(ip)!);
  if (!v4 || ipNumber(v4) < IP_FIRST || ipNumber(v4) > IP_LAST) return `the provided IP (${v4 ? v4.join(".") : ip}) is not in the valid range. The range of valid IPs is ${IP_RANGE}`;
  if (taken.has(v4.join("."))) return "provided IP is already allocated";
  return undefined;
}

/** The emulator's sequence of cluster IPs (10.96.0.3, 10.96.0.4...), the first free one from the cursor on. */
function nextIp(registry: Registry, taken: Set<string>): string {
  const cursor = cursorOf(registry);
  for (let i = 0; i < 62500; i++) {
    const n = cursor.ip++;
    const ip = `10.96.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
    if (!taken.has(ip)) return ip;
  }
  throw invalid("", "Service", "", [{ type: "Invalid", field: "spec.clusterIPs", detail: "failed to allocate a serviceIP: range is full" }]);
}

function nextPort(registry: Registry, taken: Set<number>): number {
  const cursor = cursorOf(registry);
  const size = PORT_LAST - PORT_FIRST + 1;
  for (let i = 0; i < size; i++) {
    const port = PORT_FIRST + ((cursor.port++ - PORT_FIRST) % size);
    if (!taken.has(port)) return port;
  }
  throw invalid("", "Service", "", [{ type: "Invalid", field: "spec.ports", detail: "failed to allocate a nodePort: range is full" }]);
}

/**
 * Allocates `svc`'s cluster IP and node ports in place, or throws the 422 the real allocators
 * give. `old` is the stored Service on an update: a cluster IP is allocated only when it was
 * ExternalName, and the node ports it holds stay its own.
 */
export function allocateService(registry: Registry, svc: Obj, old?: Obj): void {
  svc.spec ??= {};
  const spec = svc.spec;
  const name = String(svc.metadata?.name ?? "");
  if (isExternalName(svc)) return;
  initIPFamilyFields(svc, old);
  const taken = inUse(registry, `${svc.metadata?.namespace}/${name}`);
  if (!isHeadless(svc) && (!old || isExternalName(old))) {
    if (!spec.clusterIP) {
      spec.clusterIP = nextIp(registry, taken.ips);
      spec.clusterIPs = [spec.clusterIP];
    } else {
      for (const ip of clusterIPsOf(svc)) {
        const refusal = ipRefusal(ip, taken.ips);
        if (refusal) throw invalid("", "Service", name, [{ type: "Invalid", field: "spec.clusterIPs", rendered: goStrings(spec.clusterIPs), detail: `failed to allocate IP ${ip}: ${refusal}` }]);
      }
    }
  }
  if (wantsNodePorts(svc)) allocateNodePorts(registry, svc, name, taken.ports, old);
  if (needsHealthCheck(spec) && !(old && needsHealthCheck(old.spec ?? {}))) allocateHealthCheckNodePort(registry, svc, taken.ports, old);
}

/**
 * allocHealthCheckNodePort, on create and when an update starts to need one: the port asked
 * for, if in range and free (this Service's node ports are not), else the next; a failure is
 * the allocator's 500, as there.
 */
function allocateHealthCheckNodePort(registry: Registry, svc: Obj, taken: Set<number>, old?: Obj): void {
  const spec = svc.spec;
  const held = new Set([...taken, ...portsOf(svc).map((p) => p.nodePort), ...(old ? portsOf(old).map((p) => p.nodePort) : [])].filter(Boolean));
  const requested = typeof spec.healthCheckNodePort === "number" ? spec.healthCheckNodePort : 0;
  if (!requested) {
    spec.healthCheckNodePort = nextPort(registry, held);
    return;
  }
  let refusal: string | undefined;
  if (requested < PORT_FIRST || requested > PORT_LAST) refusal = `provided port is not in the valid range. The range of valid ports is ${PORT_RANGE}`;
  else if (held.has(requested)) refusal = "provided port is already allocated";
  if (refusal) throw internalError(`failed to allocate requested HealthCheck NodePort ${requested}: ${refusal}`);
}

/**
 * initNodePorts (create: ports sharing a service port number share a node port) and
 * updateNodePorts (update: a port the Service held, or one this update already took, is kept
 * as is; one protocol and node port twice is its plain 500). A requested port must be in range
 * and free; a port without one gets the next.
 */
function allocateNodePorts(registry: Registry, svc: Obj, name: string, taken: Set<number>, old?: Obj): void {
  const own = new Set(old && wantsNodePorts(old) ? portsOf(old).map((p) => p.nodePort).filter(Boolean) : []);
  const claimed = new Set<number>();
  const byServicePort = new Map<unknown, number>();
  const allocate = (i: number, port: number) => {
    let detail: string | undefined;
    if (port < PORT_FIRST || port > PORT_LAST) detail = `provided port is not in the valid range. The range of valid ports is ${PORT_RANGE}`;
    else if (taken.has(port) || claimed.has(port)) detail = "provided port is already allocated";
    if (detail) throw invalid("", "Service", name, [{ type: "Invalid", field: `spec.ports[${i}].nodePort`, value: port, detail }]);
    claimed.add(port);
  };
  const updated = new Set<string>();
  portsOf(svc).forEach((p, i) => {
    const requested = typeof p.nodePort === "number" ? p.nodePort : 0;
    if (!requested && !allocatesNodePorts(svc)) return;
    if (old) {
      if (requested && !own.has(requested) && !claimed.has(requested)) allocate(i, requested);
      if (!requested) claimed.add((p.nodePort = nextPort(registry, new Set([...taken, ...claimed, ...own]))));
      // updateNodePorts' plain error (no Status: the server's bare 500) for a protocol and node port twice.
      const key = `{${p.protocol ?? ""} ${p.nodePort}}`;
      if (updated.has(key)) throw plainError(`duplicate nodePort: ${key}`);
      updated.add(key);
      return;
    }
    const shared = byServicePort.get(p.port);
    if (shared !== undefined && (!requested || requested === shared)) p.nodePort = shared;
    else if (requested) allocate(i, requested);
    if (requested || shared !== undefined) {
      byServicePort.set(p.port, p.nodePort);
      return;
    }
    const port = nextPort(registry, new Set([...taken, ...claimed, ...own]));
    p.nodePort = port;
    claimed.add(port);
    byServicePort.set(p.port, port);
  });
}
