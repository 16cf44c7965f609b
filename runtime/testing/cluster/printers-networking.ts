/**
 * @module cluster/printers-networking
 * The 1.32 printers (pkg/printers/internalversion/printers.go) of the networking types:
 * Ingresses (Class, Hosts — three, then `+ N more...` —, the load balancer's sorted addresses
 * (unclipped: the server prints wide), Ports `80` or `80, 443`), IngressClasses (Controller, Parameters as
 * `Kind.group/name`), NetworkPolicies (Pod-Selector), EndpointSlices (AddressType, the first
 * three ports and addresses, `<unset>` when none) and core/v1 Endpoints (formatEndpoints: the
 * first three ready `ip:port`s, a bare IP for a subset without ports, `+ N more...`, `<none>`
 * without subsets).
 */
import { AGE, age, col, formatSelector, NAME, type Obj, type Printer } from "./printer-columns.js";

/** formatHosts: the first three rules' non-empty hosts, `*` when none. */
function hosts(rules: Obj[]): string {
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === 3) more = true;
    if (!more && rule?.host) list.push(String(rule.host));
  }
  if (list.length === 0) return "*";
  return more ? `${list.join(",")} + ${rules.length - 3} more...` : list.join(",");
}

/** ingressLoadBalancerStatusStringer: each point's IP, else hostname, deduplicated and sorted (never clipped: the server prints wide). */
function loadBalancer(status: Obj | undefined): string {
  const set = new Set<string>();
  for (const p of (status?.loadBalancer?.ingress ?? []) as Obj[]) {
    if (p?.ip) set.add(String(p.ip));
    else if (p?.hostname) set.add(String(p.hostname));
  }
  return [...set].sort().join(",");
}

/** formatEndpoints with every port: ready addresses only, `net.JoinHostPort` (IPv6 in brackets). */
function formatEndpoints(subsets: Obj[] | undefined): string {
  if (!Array.isArray(subsets) || subsets.length === 0) return "<none>";
  const list: string[] = [];
  let count = 0;
  let more = false;
  for (const subset of subsets) {
    const addresses: Obj[] = Array.isArray(subset?.addresses) ? subset.addresses : [];
    const ports: Obj[] = Array.isArray(subset?.ports) ? subset.ports : [];
    for (const port of ports.length ? ports : [undefined]) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === 3) {
          more = true;
          break;
        }
        const ip = String(a?.ip ?? "");
        list.push(port === undefined ? ip : `${ip.includes(":") ? `[${ip}]` : ip}:${port?.port ?? 0}`);
      }
    }
  }
  return more ? `${list.join(",")} + ${count - 3} more...` : list.join(",");
}

const SUBSETS_DOC =
  "The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.";

/** listWithMoreString: the first three, then `+ N more...`; `<unset>` when empty. */
function firstThree(items: string[]): string {
  const text = items.slice(0, 3).join(",");
  if (items.length > 3) return `${text} + ${items.length - 3} more...`;
  return text === "" ? "<unset>" : text;
}

const POD_SELECTOR_DOC =
  "Selects the pods to which this NetworkPolicy object applies. The array of ingress rules is applied to any pods selected by this field. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is NOT optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace.";
const ADDRESS_TYPE_DOC =
  "addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.";
const PORTS_DOC =
  'ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates "all ports". Each slice may include a maximum of 100 ports.';
const ENDPOINTS_DOC = "endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.";

export const NETWORKING_PRINTERS: Record<string, Printer> = {
  "networking.k8s.io/ingresses": {
    columns: [
      NAME,
      col("Class", "The name of the IngressClass resource that should be used for additional configuration"),
      col("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
      col("Address", "Address is a list containing ingress points for the load-balancer"),
      col("Ports", "Ports of TLS configurations that open"),
      AGE,
    ],
    cells: (o: Obj, now) => [
      o.metadata.name, o.spec?.ingressClassName ?? "<none>", hosts(o.spec?.rules ?? []), loadBalancer(o.status), (o.spec?.tls ?? []).length ? "80, 443" : "80", age(o, now),
    ],
  },
  "networking.k8s.io/ingressclasses": {
    columns: [NAME, col("Controller", "Controller that is responsible for handling this class"), col("Parameters", "A reference to a resource with additional parameters"), AGE],
    cells: (o: Obj, now) => {
      const p = o.spec?.parameters;
      const parameters = p ? `${p.kind ?? ""}${typeof p.apiGroup === "string" ? `.${p.apiGroup}` : ""}/${p.name ?? ""}` : "<none>";
      return [o.metadata.name, o.spec?.controller ?? "", parameters, age(o, now)];
    },
  },
  "networking.k8s.io/networkpolicies": {
    columns: [NAME, col("Pod-Selector", POD_SELECTOR_DOC), AGE],
    cells: (o: Obj, now) => [o.metadata.name, formatSelector(o.spec?.podSelector ?? {}), age(o, now)],
  },
  "/endpoints": {
    columns: [NAME, col("Endpoints", SUBSETS_DOC), AGE],
    cells: (o: Obj, now) => [o.metadata.name, formatEndpoints(o.subsets), age(o, now)],
  },
  "discovery.k8s.io/endpointslices": {
    columns: [NAME, col("AddressType", ADDRESS_TYPE_DOC), col("Ports", PORTS_DOC), col("Endpoints", ENDPOINTS_DOC), AGE],
    cells: (o: Obj, now) => {
      const ports = ((o.ports ?? []) as Obj[]).map((p) => (typeof p?.port === "number" ? String(p.port) : typeof p?.name === "string" ? p.name : "*"));
      const addresses = ((o.endpoints ?? []) as Obj[]).flatMap((e) => ((e?.addresses ?? []) as unknown[]).map(String));
      return [o.metadata.name, o.addressType ?? "", firstThree(ports), firstThree(addresses), age(o, now)];
    },
  },
};
