/**
 * @module deploy/egress
 * What a pod may reach under `--network-policy --egress-cidrs`: DNS to kube-system's pods,
 * `--egress-cidrs` (the API server's endpoints, whatever every pod calls) on every port, and the
 * union of the `egress` its functions declare — least privilege, as its RBAC. Each CIDR gets the
 * union of the ports declared for it (every port when `--egress-cidrs` or any declaration leaves
 * ports out); CIDRs with the same ports share a rule. Sorted, so files regenerate byte-identical.
 * Without both flags nothing is enforced: `egressNotes` says so for functions that declare egress.
 */
import type { NetworkPolicyEgressRule } from "kubernetes-types/networking/v1.js";
import type { EgressRule, LoadedFunction } from "../function.js";
import { byCodeUnits } from "./order.js";

/** DNS, UDP and TCP 53, to the pods of kube-system (CoreDNS, kube-dns). */
const DNS_RULE: NetworkPolicyEgressRule = {
  to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
  ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
};

/** Port lists compared number by number, a shorter prefix first. */
function byPorts(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * The egress rules of pods that may reach `cidrs` on every port and what `declared` (their
 * functions' `egress`) names: DNS first, then the CIDRs open on every port, then one rule per
 * distinct port set, by its ports.
 *
 * @example
 * egressRules(["10.0.0.1/32"], [{ cidr: "140.82.112.0/20", ports: [443] }]);
 * // [DNS, { to: [{ ipBlock: { cidr: "10.0.0.1/32" } }] }, { to: [{ ipBlock: { cidr: "140.82.112.0/20" } }], ports: [{ protocol: "TCP", port: 443 }] }]
 */
export function egressRules(cidrs: readonly string[], declared: readonly EgressRule[]): NetworkPolicyEgressRule[] {
  // Each CIDR's ports: "all" once any declaration (or --egress-cidrs) opens every port.
  const portsOf = new Map<string, Set<number> | "all">();
  for (const cidr of cidrs) portsOf.set(cidr, "all");
  for (const { cidr, ports } of declared) {
    const seen = portsOf.get(cidr);
    if (seen === "all") continue;
    if (ports === undefined) portsOf.set(cidr, "all");
    else portsOf.set(cidr, new Set([...(seen ?? []), ...ports]));
  }
  const everyPort: string[] = [];
  const byPortSet = new Map<string, { ports: number[]; cidrs: string[] }>();
  for (const [cidr, ports] of portsOf) {
    if (ports === "all") {
      everyPort.push(cidr);
      continue;
    }
    const sorted = [...ports].sort((a, b) => a - b);
    const key = sorted.join(",");
    const group = byPortSet.get(key) ?? { ports: sorted, cidrs: [] };
    group.cidrs.push(cidr);
    byPortSet.set(key, group);
  }
  const to = (list: string[]) => list.sort(byCodeUnits).map((cidr) => ({ ipBlock: { cidr } }));
  return [
    DNS_RULE,
    ...(everyPort.length ? [{ to: to(everyPort) }] : []),
    ...[...byPortSet.values()].sort((a, b) => byPorts(a.ports, b.ports)).map((group) => ({ to: to(group.cidrs), ports: group.ports.map((port) => ({ protocol: "TCP", port })) })),
  ];
}

/**
 * The note, when some of `functions` declare `egress` and the options do not enforce it (no
 * `networkPolicy`, or no `egressCidrs`): their pods may connect anywhere. None otherwise.
 *
 * @example
 * for (const note of egressNotes(functions, { networkPolicy: false })) io.stderr(`note: ${note}\n`);
 */
export function egressNotes(functions: readonly LoadedFunction[], options: { networkPolicy?: boolean; egressCidrs?: readonly string[] }): string[] {
  if (options.networkPolicy && options.egressCidrs?.length) return [];
  const names = functions.filter((fn) => fn.egress.length > 0).map((fn) => fn.name).sort(byCodeUnits);
  if (names.length === 0) return [];
  const who = names.length === 1 ? `function ${names[0]} declares` : `functions ${names.join(", ")} declare`;
  return [
    `${who} egress, which nothing enforces without --network-policy and --egress-cidrs: ${names.length === 1 ? "its" : "their"} pods may connect anywhere; give both (--egress-cidrs holding the API server's endpoint addresses) for each pod to reach only DNS, those CIDRs and what its functions declare`,
  ];
}
