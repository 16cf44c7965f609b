/**
 * @module cluster/endpointslice-validation
 * discovery.k8s.io/v1 EndpointSlice defaults and validation as 1.32 has them: a port's name
 * defaults to "" and its protocol to TCP; the address type is required (IPv4, IPv6 or FQDN;
 * the deprecated `IP` only on an update, and it never changes); at most 1000 endpoints, each
 * with 1 to 100 addresses of that type (an IP neither unspecified, loopback nor link-local), a
 * DNS-label hostname and at most 16 topology labels; at most 100 ports with unique DNS-label
 * names, a protocol and a qualified-name appProtocol.
 */
import type { FieldError } from "./status.js";
import { labelKeyErrors, labelsErrors } from "./label-rules.js";
import { nameProblems } from "./validation.js";
import { parseIPSloppy, specialIPProblems } from "./ip-rules.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const ADDRESS_TYPES = ["FQDN", "IPv4", "IPv6"];
const PROTOCOLS = ["SCTP", "TCP", "UDP"];

/** SetDefaults_EndpointPort: an unnamed port's name is "", its protocol TCP. */
export function defaultEndpointSlice(slice: Obj): void {
  for (const port of Array.isArray(slice.ports) ? (slice.ports as Obj[]) : []) {
    if (!port || typeof port !== "object") continue;
    port.name ??= "";
    port.protocol ??= "TCP";
  }
}

/** IsFullyQualifiedDomainName: a subdomain (a trailing dot dropped) of two labels or more. */
function fqdnErrors(address: string, at: string): FieldError[] {
  if (address === "") return [{ type: "Required", field: at }];
  const name = address.endsWith(".") ? address.slice(0, -1) : address;
  const problems = nameProblems(name, "subdomain");
  if (problems.length) return [{ type: "Invalid", field: at, value: name, detail: problems.join(",") }];
  const labels = name.split(".");
  if (labels.length < 2) return [{ type: "Invalid", field: at, value: name, detail: "should be a domain with at least two segments separated by dots" }];
  for (const label of labels) {
    const bad = nameProblems(label, "label");
    if (bad.length) return [{ type: "Invalid", field: at, value: label, detail: bad.join(",") }];
  }
  return [];
}

/** An address as its slice's type wants it (an unknown type's addresses are not checked). */
function addressErrors(address: string, type: string, at: string): FieldError[] {
  if (type === "IPv4" || type === "IPv6") {
    const ip = parseIPSloppy(address);
    const family = ip?.length === 4 ? "IPv4" : ip ? "IPv6" : undefined;
    const own = family === type ? [] : [{ type: "Invalid", field: at, value: address, detail: `must be a valid ${type} address` } as FieldError];
    return [...own, ...specialIPProblems(address).map((detail): FieldError => ({ type: "Invalid", field: at, value: address, detail }))];
  }
  if (type === "FQDN") return fqdnErrors(address, at);
  if (type === "IP" && !parseIPSloppy(address)) return [{ type: "Invalid", field: at, value: address, detail: "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)" }];
  return [];
}

function endpointsErrors(endpoints: Obj[], type: string): FieldError[] {
  if (endpoints.length > 1000) return [{ type: "TooMany", field: "endpoints", value: endpoints.length, detail: "must have at most 1000 items" }];
  return endpoints.flatMap((endpoint, i) => {
    const at = `endpoints[${i}]`;
    const addresses: unknown[] = Array.isArray(endpoint?.addresses) ? endpoint.addresses : [];
    const errors: FieldError[] = [];
    if (addresses.length === 0) errors.push({ type: "Required", field: `${at}.addresses`, detail: "must contain at least 1 address" });
    else if (addresses.length > 100) errors.push({ type: "TooMany", field: `${at}.addresses`, value: addresses.length, detail: "must have at most 100 items" });
    addresses.forEach((a, j) => errors.push(...addressErrors(String(a), type, `${at}.addresses[${j}]`)));
    const topology = endpoint?.deprecatedTopology ?? {};
    const count = Object.keys(topology).length;
    if (count > 16) errors.push({ type: "TooMany", field: `${at}.topology`, value: count, detail: "must have at most 16 items" });
    errors.push(...labelsErrors(topology, `${at}.topology`));
    if (typeof endpoint?.hostname === "string") {
      for (const detail of nameProblems(endpoint.hostname, "label")) errors.push({ type: "Invalid", field: `${at}.hostname`, value: endpoint.hostname, detail });
    }
    return errors;
  });
}

function portsErrors(ports: Obj[]): FieldError[] {
  if (ports.length > 100) return [{ type: "TooMany", field: "ports", value: ports.length, detail: "must have at most 100 items" }];
  const names = new Set<string>();
  return ports.flatMap((port, i) => {
    const at = `ports[${i}]`;
    const errors: FieldError[] = [];
    const name = String(port?.name ?? "");
    if (name !== "") for (const detail of nameProblems(name, "label")) errors.push({ type: "Invalid", field: `${at}.name`, value: name, detail });
    if (names.has(name)) errors.push({ type: "Duplicate", field: `${at}.name`, value: name });
    names.add(name);
    if (!port?.protocol) errors.push({ type: "Required", field: `${at}.protocol` });
    else if (!PROTOCOLS.includes(port.protocol)) errors.push({ type: "NotSupported", field: `${at}.protocol`, value: port.protocol, supported: PROTOCOLS });
    if (typeof port?.appProtocol === "string") for (const detail of labelKeyErrors(port.appProtocol)) errors.push({ type: "Invalid", field: `${at}.appProtocol`, value: port.appProtocol, detail });
    return errors;
  });
}

/** ValidateEndpointSlice beyond metadata; `old` (an update) also allows the deprecated `IP` type, which may not change. */
export function endpointSliceErrors(slice: Obj, old?: Obj): FieldError[] {
  const type = String(slice.addressType ?? "");
  const allowed = old ? [...ADDRESS_TYPES, "IP"].sort() : ADDRESS_TYPES;
  const errors: FieldError[] = [];
  if (type === "") errors.push({ type: "Required", field: "addressType" });
  else if (!allowed.includes(type)) errors.push({ type: "NotSupported", field: "addressType", value: type, supported: allowed });
  errors.push(...endpointsErrors(Array.isArray(slice.endpoints) ? slice.endpoints : [], type));
  errors.push(...portsErrors(Array.isArray(slice.ports) ? slice.ports : []));
  if (old && type !== String(old.addressType ?? "")) errors.push({ type: "Invalid", field: "addressType", value: type, detail: "field is immutable" });
  return errors;
}
