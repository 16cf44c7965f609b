/**
 * @module deploy/network-policy
 * With `--network-policy`, the NetworkPolicies of the generated pods (Ingress only: what they
 * reach out to is left open, since the API server's address is the cluster's to know):
 * - the HTTP pods take the functions' port from anywhere (the Service, an Ingress controller,
 *   callers in other namespaces), and the admission webhooks' port when there are some (the API
 *   server's address is not the manifests' to know) and the operations port (`/healthz`, `/readyz`, `/metrics`)
 *   only from the namespaces named by `--metrics-namespaces` (Prometheus'; the kubelet's probes
 *   come from the node, whose traffic NetworkPolicies always allow);
 * - a CronJob function's pods take nothing: they serve nothing.
 */
import type { NetworkPolicy } from "kubernetes-types/networking/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import { ADMIN_PORT, ADMISSION_PORT, HTTP_PORT } from "./options.js";

/** The namespaces whose pods may scrape `/metrics` when none are named: the usual Prometheus home. */
export const DEFAULT_METRICS_NAMESPACES = ["monitoring"];

/**
 * The HTTP pods' policy: the functions' port from anywhere, the operations port from
 * `metricsNamespaces` (by their `kubernetes.io/metadata.name` label, which every namespace has).
 */
export function httpNetworkPolicy(metadata: ObjectMeta, selector: Record<string, string>, metricsNamespaces: readonly string[], webhooks = false): NetworkPolicy {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata,
    spec: {
      podSelector: { matchLabels: selector },
      policyTypes: ["Ingress"],
      ingress: [
        { ports: [{ protocol: "TCP", port: HTTP_PORT }] },
        // The API server's calls come from the control plane, whose addresses are the cluster's to know.
        ...(webhooks ? [{ ports: [{ protocol: "TCP", port: ADMISSION_PORT }] }] : []),
        {
          ports: [{ protocol: "TCP", port: ADMIN_PORT }],
          from: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...metricsNamespaces].sort() }] } }],
        },
      ],
    },
  };
}

/** A CronJob function's pods' policy: no ingress at all. */
export function cronNetworkPolicy(metadata: ObjectMeta, selector: Record<string, string>): NetworkPolicy {
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata, spec: { podSelector: { matchLabels: selector }, policyTypes: ["Ingress"] } };
}
