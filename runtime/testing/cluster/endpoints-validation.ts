/**
 * @module cluster/endpoints-validation
 * core/v1 Endpoints as 1.32's registry has them: a port's protocol defaults to TCP
 * (SetDefaults_EndpointPort); the subsets are repacked as the strategy's Canonicalize does
 * (`RepackSubsets`: each address listed once per set of ports it offers, a ready address never
 * also not ready, addresses sorted by IP then target uid; the subsets and their ports keep the
 * order they came in, where 1.32 sorts them by a hash of their Go values); and ValidateEndpoints
 * beyond metadata: each subset has addresses or not-ready addresses, each address a valid IP that
 * is not special (`ValidateNonSpecialIP`), a DNS-label hostname and a node name, each port a
 * DNS-label name (required when the subset has several), a number, a protocol and a
 * qualified-name appProtocol.
 */
import { invalidFields, type FieldError } from "./status.js";
import { labelKeyErrors } from "./label-rules.js";
import { nameProblems } from "./validation.js";
import { parseIPSloppy, specialIPProblems, INVALID_IP } from "./ip-rules.js";
import { PORT_RANGE, PROTOCOLS, validPort } from "./object-rules.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

/** SetDefaults_EndpointPort: a port without a protocol is TCP. */
export function defaultEndpoints(endpoints: Obj): void {
  for (const subset of list(endpoints.subsets)) {
    for (const port of list(subset?.ports)) if (port && typeof port === "object") port.protocol ??= "TCP";
  }
}

/** An address's identity in RepackSubsets (addressKey: the IP and the target's uid). */
const addressKey = (a: Obj) => JSON.stringify([a?.ip ?? "", a?.targetRef?.uid ?? ""]);
const byIpThenUid = (a: Obj, b: Obj) => {
  const [ai, bi] = [String(a?.ip ?? ""), String(b?.ip ?? "")];
  if (ai !== bi) return ai < bi ? -1 : 1;
  const [au, bu] = [String(a?.targetRef?.uid ?? ""), String(b?.targetRef?.uid ?? "")];
  return au < bu ? -1 : au > bu ? 1 : 0;
};

/**
 * The strategy's Canonicalize (RepackSubsets): every port (or, for a subset without ports, none)
 * mapped to the addresses offering it, ready winning over not ready; ports with the same
 * addresses share a subset.
 */
export function repackEndpoints(endpoints: Obj): void {
  if (!Array.isArray(endpoints.subsets)) return;
  const byPort = new Map<string, { port?: Obj; ready: Map<string, [Obj, boolean]> }>();
  const add = (portKey: string, port: Obj | undefined, address: Obj, ready: boolean) => {
    const entry = byPort.get(portKey) ?? { port, ready: new Map() };
    byPort.set(portKey, entry);
    const key = addressKey(address);
    const seen = entry.ready.get(key);
    entry.ready.set(key, [seen?.[0] ?? address, (seen?.[1] ?? false) || ready]);
  };
  for (const subset of list(endpoints.subsets)) {
    const ports = list(subset?.ports);
    for (const port of ports.length ? ports : [undefined]) {
      const portKey = port ? JSON.stringify([port.name ?? "", port.port, port.protocol ?? "", port.appProtocol ?? null]) : "";
      for (const a of list(subset?.addresses)) add(portKey, port, a, true);
      for (const a of list(subset?.notReadyAddresses)) add(portKey, port, a, false);
    }
  }
  const subsets = new Map<string, Obj>();
  for (const { port, ready } of byPort.values()) {
    const addresses = [...ready.values()];
    const key = JSON.stringify(addresses.map(([a, r]) => [addressKey(a), r]).sort());
    const subset = subsets.get(key) ?? { ready: addresses.filter(([, r]) => r).map(([a]) => a), notReady: addresses.filter(([, r]) => !r).map(([a]) => a), ports: [] as Obj[] };
    subsets.set(key, subset);
    if (port) subset.ports.push(port);
  }
  endpoints.subsets = [...subsets.values()].map((s) => ({
    ...(s.ready.length ? { addresses: s.ready.sort(byIpThenUid) } : {}),
    ...(s.notReady.length ? { notReadyAddresses: s.notReady.sort(byIpThenUid) } : {}),
    ...(s.ports.length ? { ports: s.ports } : {}),
  }));
}

/** validateEndpointAddress: IsValidIP, the hostname, the node name, then ValidateNonSpecialIP. */
function addressErrors(address: Obj, at: string): FieldError[] {
  const ip = String(address?.ip ?? "");
  const errors: FieldError[] = [];
  if (!parseIPSloppy(ip)) errors.push({ type: "Invalid", field: `${at}.ip`, value: ip, detail: INVALID_IP });
  if (typeof address?.hostname === "string" && address.hostname !== "") errors.push(...invalidFields(`${at}.hostname`, address.hostname, nameProblems(address.hostname, "label")));
  if (typeof address?.nodeName === "string") errors.push(...invalidFields(`${at}.nodeName`, address.nodeName, nameProblems(address.nodeName, "subdomain")));
  errors.push(...invalidFields(`${at}.ip`, ip, specialIPProblems(ip)));
  return errors;
}

/** validateEndpointPort: a name (required when the subset has several ports), the number, the protocol, the appProtocol. */
function portErrors(port: Obj, requireName: boolean, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const name = String(port?.name ?? "");
  if (requireName && name === "") errors.push({ type: "Required", field: `${at}.name` });
  else if (name !== "") errors.push(...invalidFields(`${at}.name`, name, nameProblems(name, "label")));
  if (!validPort(port?.port)) errors.push({ type: "Invalid", field: `${at}.port`, value: port?.port ?? 0, detail: PORT_RANGE });
  if (!port?.protocol) errors.push({ type: "Required", field: `${at}.protocol` });
  else if (!PROTOCOLS.includes(port.protocol)) errors.push({ type: "NotSupported", field: `${at}.protocol`, value: port.protocol, supported: PROTOCOLS });
  if (typeof port?.appProtocol === "string") errors.push(...invalidFields(`${at}.appProtocol`, port.appProtocol, labelKeyErrors(port.appProtocol)));
  return errors;
}

/** validateEndpointSubsets (ValidateEndpoints beyond metadata; an update checks the same). */
export function endpointsErrors(endpoints: Obj): FieldError[] {
  return list(endpoints.subsets).flatMap((subset, i) => {
    const at = `subsets[${i}]`;
    const ready = list(subset?.addresses);
    const notReady = list(subset?.notReadyAddresses);
    const ports = list(subset?.ports);
    const errors: FieldError[] = [];
    if (ready.length === 0 && notReady.length === 0) errors.push({ type: "Required", field: at, detail: "must specify `addresses` or `notReadyAddresses`" });
    ready.forEach((a, j) => errors.push(...addressErrors(a, `${at}.addresses[${j}]`)));
    notReady.forEach((a, j) => errors.push(...addressErrors(a, `${at}.notReadyAddresses[${j}]`)));
    ports.forEach((p, j) => errors.push(...portErrors(p, ports.length > 1, `${at}.ports[${j}]`)));
    return errors;
  });
}
