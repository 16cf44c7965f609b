/**
 * @module deploy/http
 * A serving workload (the default HTTP one, or a named `workload`): ServiceAccount, RBAC, a Deployment (probes on /readyz and /healthz,
 * Prometheus scrape annotations, rolling updates that keep every replica serving), a ClusterIP
 * Service (with the admission webhooks' HTTPS port when there are some), and optionally a PodDisruptionBudget, a HorizontalPodAutoscaler and a NetworkPolicy.
 */
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { Service, ServiceAccount } from "kubernetes-types/core/v1.js";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1.js";
import type { NetworkPolicy } from "kubernetes-types/networking/v1.js";
import { httpNetworkPolicy } from "./network-policy.js";
import type { HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2.js";
import { rbacObjects, type RbacObject } from "./rbac.js";
import { workloadLabels, workloadSelector } from "./names.js";
import { ADMISSION_CERT_DIR, ADMISSION_PORT, ADMIN_PORT, DRAIN_TIMEOUT_MS, HTTP_PORT, MAX_DRAIN_TIMEOUT_MS, SECRET_KEY, SHUTDOWN_DELAY_MS, type ResolvedOptions } from "./options.js";
import { podSpec } from "./pod.js";
import { runsOnLeader } from "../requirements.js";
import { STOPPED_CALL_WAIT_MS } from "../lifecycle.js";
import { admissionSecretName, WEBHOOK_SERVICE_PORT } from "./admission.js";
import type { HttpWorkload } from "./plan.js";
import type { WorkloadSizing } from "./sizing.js";

export type HttpObject = ServiceAccount | RbacObject | Deployment | Service | PodDisruptionBudget | HorizontalPodAutoscaler | NetworkPolicy;

/**
 * The HTTP pods' drain: as long as the longest HTTP call may run (at least `DRAIN_TIMEOUT_MS`,
 * at most `MAX_DRAIN_TIMEOUT_MS`); and the longest watch call or in-process run, which settles
 * beside it (`STOPPED_CALL_WAIT_MS` at most, as long as a stop waits for one).
 */
function shutdownTimes(workload: HttpWorkload): { drainTimeoutMs: number; backgroundMs: number } {
  const longest = (fns: HttpWorkload["functions"], most: number) => Math.min(most, Math.max(0, ...fns.map((fn) => fn.timeoutMs)));
  const http = workload.functions.filter((fn) => fn.http);
  const background = workload.functions.filter(runsOnLeader);
  // A stop waits for a watch call or in-process run STOPPED_CALL_WAIT_MS at most, whatever its timeoutMs.
  return { drainTimeoutMs: Math.max(DRAIN_TIMEOUT_MS, longest(http, MAX_DRAIN_TIMEOUT_MS)), backgroundMs: longest(background, STOPPED_CALL_WAIT_MS) };
}

const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
  httpGet: { path, port: "admin" },
  periodSeconds,
  failureThreshold,
  timeoutSeconds: 2,
});

/** Every object of a serving workload, sized by `sizing` (its own, or every workload's). */
export function httpObjects(workload: HttpWorkload, options: ResolvedOptions, sizing: WorkloadSizing): HttpObject[] {
  const { name } = workload;
  const { namespace } = options;
  const labels = workloadLabels(options.app, namespace, workload.workload);
  // Each workload's pods only: see workloadSelector.
  const selector = workloadSelector(options.app, workload.workload);
  const metadata = { name, namespace, labels };
  // Admission webhooks: an HTTPS port of their own, and cert-manager's Secret where serve reads it (deploy/admission).
  const webhooks = workload.functions.some((fn) => fn.admission);
  const out: HttpObject[] = [
    { apiVersion: "v1", kind: "ServiceAccount", metadata, automountServiceAccountToken: workload.usesApi },
    ...rbacObjects({
      serviceAccount: name,
      namespace,
      permissions: workload.permissions,
      ...(workload.leaseName ? { leaseName: workload.leaseName } : {}),
      tokenReviews: workload.tokenReviews,
      scopes: workload.scopes,
      labels,
    }),
  ];
  const deployment: Deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata,
    spec: {
      ...(sizing.maxReplicas === undefined ? { replicas: sizing.replicas } : {}),
      selector: { matchLabels: selector },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels,
          annotations: { "prometheus.io/scrape": "true", "prometheus.io/port": String(ADMIN_PORT), "prometheus.io/path": "/metrics" },
        },
        spec: {
          ...podSpec({
            serviceAccount: name,
            automountToken: workload.usesApi,
            image: options.image,
            args: workload.args,
            resources: sizing.resources,
            shutdownDelayMs: SHUTDOWN_DELAY_MS,
            ...shutdownTimes(workload),
            env: [
              { name: "PORT", value: String(HTTP_PORT) },
              { name: "PODFN_ADMIN_PORT", value: String(ADMIN_PORT) },
              { name: "PODFN_APP", value: options.app },
              // A bearer secret the definition reads from a variable (`env`): set from its Secret.
              ...workload.environmentSecrets.map(({ variable, secret }) => ({ name: variable, valueFrom: { secretKeyRef: { name: secret, key: SECRET_KEY } } })),
              // The functions' configuration (`env`), as set where the manifests were generated.
              ...workload.configuration,
            ],
            secrets: workload.secrets,
            ...(webhooks ? { mounts: [{ volume: { name: "admission-tls", secret: { secretName: admissionSecretName(options.app, workload.workload), defaultMode: 0o440 } }, path: ADMISSION_CERT_DIR }] } : {}),
            container: {
              ports: [
                { name: "http", containerPort: HTTP_PORT, protocol: "TCP" },
                { name: "admin", containerPort: ADMIN_PORT, protocol: "TCP" },
                ...(webhooks ? [{ name: "webhook", containerPort: ADMISSION_PORT, protocol: "TCP" }] : []),
              ],
              readinessProbe: probe("/readyz", 5, 2),
              livenessProbe: probe("/healthz", 10, 3),
            },
          }),
          // Replicas on different nodes where there are several, so one node's drain or loss
          // leaves the others serving; ScheduleAnyway: a one-node cluster still runs them all.
          // Over nodes and over zones, where there are several: a node or a zone lost keeps a replica.
          topologySpreadConstraints: ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } })),
        },
      },
    },
  };
  out.push(deployment, {
    apiVersion: "v1",
    kind: "Service",
    metadata,
    spec: {
      type: "ClusterIP",
      selector,
      ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }, ...(webhooks ? [{ name: "webhook", port: WEBHOOK_SERVICE_PORT, targetPort: "webhook", protocol: "TCP" }] : [])],
    },
  });
  if (sizing.pdb) {
    // A pod that is not ready (crash-looping) may always be evicted: it serves nothing, and
    // guarding it would block a node's drain.
    out.push({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata, spec: { maxUnavailable: 1, selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: "AlwaysAllow" } });
  }
  if (options.networkPolicy) out.push(httpNetworkPolicy(metadata, selector, options.metricsNamespaces, webhooks, options.egressCidrs, workload.egress));
  if (sizing.maxReplicas !== undefined) {
    out.push({
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
        minReplicas: sizing.replicas,
        maxReplicas: sizing.maxReplicas,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
      },
    });
  }
  return out;
}
