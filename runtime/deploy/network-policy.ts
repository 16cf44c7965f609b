/**
 * @module deploy/network-policy
 * With `--network-policy`, the NetworkPolicies of the generated pods (Ingress; with
 * `--egress-cidrs`, Egress too: DNS to kube-system's pods, the given CIDRs, which must hold the
 * API server's endpoints, since its address is the cluster's to know, and the `egress` the pods'
 * functions declare, only: deploy/egress):
 * - the HTTP pods take the functions' port from anywhere (the Service, an Ingress controller,
 *   callers in other namespaces), and the admission webhooks' port when there are some (the API
 *   server's address is not the manifests' to know) and the operations port (`/healthz`, `/readyz`, `/metrics`)
 *   only from the namespaces named by `--metrics-namespaces` (Prometheus'; the kubelet's probes
 *   come from the node, whose traffic NetworkPolicies always allow);
 * - a CronJob function's pods take nothing: they serve nothing.
 */
import type { NetworkPolicy, NetworkPolicyEgressRule } from "kubernetes-types/networking/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import type { EgressRule } from "../function.js";
import { ADMIN_PORT, ADMISSION_PORT, HTTP_PORT } from "./options.js";
import { egressRules } from "./egress.js";

/** The namespaces whose pods may scrape `/metrics` when none are named: the usual Prometheus home. */
export const DEFAULT_METRICS_NAMESPACES = ["monitoring"];

/**
 * Egress when `cidrs` are given: DNS, `cidrs` and what the pods' functions declare
 * (`declared`) only (deploy/egress); else none limited.
 */
function egress(cidrs: readonly string[] | undefined, declared: readonly EgressRule[]): { policyTypes: ("Ingress" | "Egress")[]; egress?: NetworkPolicyEgressRule[] } {
  if (cidrs === undefined || cidrs.length === 0) return { policyTypes: ["Ingress"] };
  return { policyTypes: ["Ingress", "Egress"], egress: egressRules(cidrs, declared) };
}

/**
 * The HTTP pods' policy: the functions' port from anywhere, the operations port from
 * `metricsNamespaces` (by their `kubernetes.io/metadata.name` label, which every namespace has);
 * with `egressCidrs`, egress to DNS, those and `declared` (the union of its functions' `egress`) only.
 */
export function httpNetworkPolicy(metadata: ObjectMeta, selector: Record<string, string>, metricsNamespaces: readonly string[], webhooks = false, egressCidrs?: readonly string[], declared: readonly EgressRule[] = []): NetworkPolicy {
  const out = egress(egressCidrs, declared);
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata,
    spec: {
      podSelector: { matchLabels: selector },
      policyTypes: out.policyTypes,
      ingress: [
        { ports: [{ protocol: "TCP", port: HTTP_PORT }] },
        // The API server's calls come from the control plane, whose addresses are the cluster's to know.
        ...(webhooks ? [{ ports: [{ protocol: "TCP", port: ADMISSION_PORT }] }] : []),
        {
          ports: [{ protocol: "TCP", port: ADMIN_PORT }],
          from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...metricsNamespaces].sort() }] } }],
        },
      ],
      ...(out.egress ? { egress: out.egress } : {}),
    },
  };
}

/** A CronJob function's pods' policy: no ingress at all; with `egressCidrs`, egress to DNS, those and `declared` (its function's `egress`) only. */
export function cronNetworkPolicy(metadata: ObjectMeta, selector: Record<string, string>, egressCidrs?: readonly string[], declared: readonly EgressRule[] = []): NetworkPolicy {
  const out = egress(egressCidrs, declared);
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata, spec: { podSelector: { matchLabels: selector }, policyTypes: out.policyTypes, ...(out.egress ? { egress: out.egress } : {}) } };
}
