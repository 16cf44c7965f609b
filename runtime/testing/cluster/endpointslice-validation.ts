/**
 * @module cluster/endpointslice-validation
 * discovery.k8s.io/v1 EndpointSlice defaults and validation as 1.32 has them: a port's name
 * defaults to "" and its protocol to TCP; the address type is required (IPv4, IPv6 or FQDN;
 * it never changes); at most 1000 endpoints, each with 1 to 100 addresses of that type (an IP
 * neither unspecified, loopback nor link-local; an IPv4-mapped IPv6 address is IPv4, as Go's
 * `To4` reads it), a node name, at most 16 `deprecatedTopology` labels, a DNS-label hostname and
 * at most 8 distinct zone hints; at most 20,000 ports with unique DNS-label names, a protocol and
 * a qualified-name appProtocol.
 */
import { invalidFields, type FieldError } from "./status.js";
import { labelKeyErrors, labelsErrors, labelValueErrors } from "./label-rules.js";
import { nameProblems } from "./validation.js";
import { ipv4Of, parseIPSloppy, specialIPProblems } from "./ip-rules.js";
import { PROTOCOLS } from "./object-rules.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const ADDRESS_TYPES = ["FQDN", "IPv4", "IPv6"];

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
    const family = !ip ? undefined : ipv4Of(ip) ? "IPv4" : "IPv6";
    const own = family === type ? [] : [{ type: "Invalid", field: at, value: address, detail: `must be a valid ${type} address` } as FieldError];
    return [...own, ...specialIPProblems(address).map((detail): FieldError => ({ type: "Invalid", field: at, value: address, detail }))];
  }
  return type === "FQDN" ? fqdnErrors(address, at) : [];
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
    if (typeof endpoint?.nodeName === "string") {
      errors.push(...invalidFields(`${at}.nodeName`, endpoint.nodeName, nameProblems(endpoint.nodeName, "subdomain")));
    }
    const topology = endpoint?.deprecatedTopology ?? {};
    const count = Object.keys(topology).length;
    if (count > 16) errors.push({ type: "TooMany", field: `${at}.deprecatedTopology`, value: count, detail: "must have at most 16 items" });
    errors.push(...labelsErrors(topology, `${at}.deprecatedTopology`));
    if (typeof endpoint?.hostname === "string") {
      errors.push(...invalidFields(`${at}.hostname`, endpoint.hostname, nameProblems(endpoint.hostname, "label")));
    }
    if (endpoint?.hints) errors.push(...hintsErrors(endpoint.hints, `${at}.hints`));
    return errors;
  });
}

/** validateHints: at most 8 zones, each named once, with a label value. */
function hintsErrors(hints: Obj, at: string): FieldError[] {
  const zones: Obj[] = Array.isArray(hints.forZones) ? hints.forZones : [];
  if (zones.length > 8) return [{ type: "TooMany", field: `${at}.forZones`, value: zones.length, detail: "must have at most 8 items" }];
  const seen = new Set<string>();
  return zones.flatMap((zone, i) => {
    const name = String(zone?.name ?? "");
    const field = `${at}.forZones[${i}].name`;
    const errors: FieldError[] = seen.has(name) ? [{ type: "Duplicate", field, value: name }] : [];
    seen.add(name);
    return [...errors, ...labelValueErrors(name).map((detail): FieldError => ({ type: "Invalid", field, value: name, detail }))];
  });
}

function portsErrors(ports: Obj[]): FieldError[] {
  if (ports.length > 20_000) return [{ type: "TooMany", field: "ports", value: ports.length, detail: "must have at most 20000 items" }];
  const names = new Set<string>();
  return ports.flatMap((port, i) => {
    const at = `ports[${i}]`;
    const errors: FieldError[] = [];
    const name = String(port?.name ?? "");
    if (name !== "") errors.push(...invalidFields(`${at}.name`, name, nameProblems(name, "label")));
    if (names.has(name)) errors.push({ type: "Duplicate", field: `${at}.name`, value: name });
    names.add(name);
    if (!port?.protocol) errors.push({ type: "Required", field: `${at}.protocol` });
    else if (!PROTOCOLS.includes(port.protocol)) errors.push({ type: "NotSupported", field: `${at}.protocol`, value: port.protocol, supported: PROTOCOLS });
    if (typeof port?.appProtocol === "string") errors.push(...invalidFields(`${at}.appProtocol`, port.appProtocol, labelKeyErrors(port.appProtocol)));
    return errors;
  });
}

/** ValidateEndpointSlice beyond metadata; on an update (`old`) the address type may not change. */
export function endpointSliceErrors(slice: Obj, old?: Obj): FieldError[] {
  const type = String(slice.addressType ?? "");
  const errors: FieldError[] = [];
  if (type === "") errors.push({ type: "Required", field: "addressType" });
  else if (!ADDRESS_TYPES.includes(type)) errors.push({ type: "NotSupported", field: "addressType", value: type, supported: ADDRESS_TYPES });
  errors.push(...endpointsErrors(Array.isArray(slice.endpoints) ? slice.endpoints : [], type));
  errors.push(...portsErrors(Array.isArray(slice.ports) ? slice.ports : []));
  if (old && type !== String(old.addressType ?? "")) errors.push({ type: "Invalid", field: "addressType", value: type, detail: "field is immutable" });
  return errors;
}
