/**
 * @module deploy/options
 * What `podfn manifests` can be told, with the defaults and the fixed choices of the generated
 * workloads (probes, resources, grace periods), each documented where it is declared.
 */
import { ConfigError } from "../errors.js";
import type { PodFailurePolicy } from "kubernetes-types/batch/v1.js";
import type { OrPerWorkload } from "../per-workload.js";
import { sizingOf, type ResourceOptions, type SizingOptions, type WorkloadSizing } from "./sizing.js";
import { DEFAULT_METRICS_NAMESPACES } from "./network-policy.js";
import { EXIT_CODES } from "../cron/exit-codes.js";
import { SHUTDOWN_HOOKS_BUDGET_MS } from "../lifecycle.js";
import { ABORT_GRACE_MS } from "../signals.js";

export interface ManifestOptions {
  /** Application name: prefix of object names and the `app.kubernetes.io/name` label. Default `podfn`. */
  app?: string;
  /** Namespace of the workloads. Default `default`. */
  namespace?: string;
  /** Container image. Default `podfn:latest`. */
  image?: string;
  /**
   * Replicas of each serving Deployment (`DEFAULT_REPLICAS`, 2, by default): one number for
   * every workload, or values per workload (`{ default: 2, workloads: { public: 4 } }`; `http`
   * is the default workload), as every sizing option below takes them.
   */
  replicas?: OrPerWorkload<number>;
  /** When set, a HorizontalPodAutoscaler (CPU, 70 %) scales the Deployment from `replicas` up to this. Default: none. */
  maxReplicas?: OrPerWorkload<number>;
  /** Add a PodDisruptionBudget (`maxUnavailable: 1`) for the serving pods. Default false. */
  pdb?: OrPerWorkload<boolean>;
  /**
   * Add NetworkPolicies (Ingress): the HTTP pods take the functions' port from anywhere and the
   * operations port from `metricsNamespaces` only; CronJob pods take nothing. Default false.
   */
  networkPolicy?: boolean;
  /** The namespaces that may reach the operations port under `networkPolicy` (refused without it). Default `["monitoring"]`. */
  metricsNamespaces?: string[];
  /**
   * Under `networkPolicy`, limit egress too: DNS to kube-system's pods, these CIDRs (which
   * must hold the API server's endpoint addresses) and the `egress` each pod's functions declare
   * only. Default: egress left open.
   */
  egressCidrs?: string[];
  /**
   * CPU and memory of the containers, amount by amount over `DEFAULT_RESOURCES`, for every
   * workload or per serving workload (CronJobs take those for every workload, and a function's
   * own `resources` over them); a limit of `null` leaves it out.
   */
  resources?: ResourceOptions;
  /**
   * Where the values of the variables functions declare in `env` are read, to be written into
   * their pods. Default: `process.env`, which the function modules read their permissions from.
   */
  env?: Readonly<Record<string, string | undefined>>;
}

export type ResolvedOptions = Required<Omit<ManifestOptions, keyof SizingOptions | "egressCidrs">> &
  Pick<ManifestOptions, "egressCidrs"> & {
    /** The sizing of every serving workload without values of its own; its resources are the CronJobs' too. */
    sizing: WorkloadSizing;
  };

/** Container port of the HTTP server. */
export const HTTP_PORT = 8080;
/**
 * Container port of `/healthz`, `/readyz` and `/metrics` (`PODFN_ADMIN_PORT`): the kubelet and
 * Prometheus reach it on the pod; the Service does not expose it, so neither does an Ingress.
 */
export const ADMIN_PORT = 9090;
/**
 * Container port of the admission webhooks (HTTPS, `--admission-port`'s default, as
 * controller-runtime's webhook server): the Service exposes it as 443, which the webhook
 * configurations name.
 */
export const ADMISSION_PORT = 9443;
/** Where the admission webhooks' certificate Secret is mounted: `--admission-cert-file`'s default folder. */
export const ADMISSION_CERT_DIR = "/tmp/k8s-webhook-server/serving-certs";
/**
 * How long in-flight calls may finish after SIGTERM (ms), passed to the pods as
 * `PODFN_DRAIN_TIMEOUT_MS`: at least this, and for the HTTP pods as long as their longest
 * HTTP function's `timeoutMs` (up to `MAX_DRAIN_TIMEOUT_MS`), so no call that may legitimately
 * run is cut short by a rollout or a node drain.
 */
export const DRAIN_TIMEOUT_MS = 25_000;
/** The longest drain the generated pods wait (ms); longer calls are aborted at shutdown. */
export const MAX_DRAIN_TIMEOUT_MS = 600_000;
/**
 * How long the HTTP pods go on serving after SIGTERM before they drain (ms), passed as
 * `PODFN_SHUTDOWN_DELAY_MS`: the pod leaves its Service's endpoints as SIGTERM arrives, and
 * kube-proxy, ingresses and load balancers take a few seconds to stop sending to it.
 */
export const SHUTDOWN_DELAY_MS = 5_000;
/** What a pod's shutdown may take, step by step (ms). */
export interface ShutdownTimes {
  /** Serving on after SIGTERM (HTTP pods). Default 0. */
  shutdownDelayMs?: number;
  /** The drain of HTTP calls (`PODFN_DRAIN_TIMEOUT_MS`). */
  drainTimeoutMs: number;
  /** The longest `timeoutMs` of the watch calls and in-process schedules, which run beside the drain. Default 0. */
  backgroundMs?: number;
}

/**
 * Pod grace period: every step of a shutdown at its longest, so the kubelet's SIGKILL never cuts
 * one short: the shutdown delay (HTTP pods only), then the drain and the two abort graces of
 * calls that ignore their signal — or, if longer, the watch calls and in-process runs settling
 * beside it (their `timeoutMs`, then an abort grace) — the `onShutdown` hooks' budget, and 3 s
 * to close and flush the log.
 */
export function terminationGraceSeconds(times: ShutdownTimes): number {
  const calls = Math.max(times.drainTimeoutMs + 2 * ABORT_GRACE_MS, (times.backgroundMs ?? 0) + ABORT_GRACE_MS);
  return Math.ceil(((times.shutdownDelayMs ?? 0) + calls + SHUTDOWN_HOOKS_BUDGET_MS) / 1000) + 3;
}
/**
 * Added to a function's timeout for a Job's `activeDeadlineSeconds`, which counts from the Job's
 * start: scheduling, an image pull on a cold node, start-up, module load and drain. Generous,
 * since a Job cut off while its pod is still pending just fails.
 */
export const JOB_DEADLINE_MARGIN_SECONDS = 300;
/**
 * `imagePullPolicy` of every container, written out rather than left to the API server's
 * default (`Always` for a `:latest` or untagged image): a pinned tag is pulled once per node.
 */
export const IMAGE_PULL_POLICY = "IfNotPresent";
/**
 * `timeZone` of a CronJob whose schedule names none: UTC, as podfn's in-process scheduler reads
 * cron expressions (without one, the kube-controller-manager's local zone would apply).
 */
export const DEFAULT_TIME_ZONE = "Etc/UTC";
/**
 * A run that failed is not retried by Kubernetes: the Job's `podFailurePolicy` fails it at
 * once (the next tick runs again), unless it exited 5 — the API server could not answer (an
 * upgrade, a failover) — which counts against `backoffLimit`: two more pods, 10 s and 20 s later
 * (the Job controller's backoff). A pod disrupted mid-run (node drain, preemption, eviction: the
 * `DisruptionTarget` condition) is not a failure of the run: ignored, and a new pod started.
 */
export const JOB_BACKOFF_LIMIT = 2;
/** The Job controller's waits before the retries `JOB_BACKOFF_LIMIT` allows: 10 s, then 20 s. */
export const JOB_RETRY_BACKOFF_SECONDS = 30;
/**
 * A Job's `activeDeadlineSeconds`, which counts from the Job's start across every pod it makes:
 * the function's timeout for the first run and for each exit-5 retry (so a retry after a run
 * that took most of its timeout still has its own), the retries' backoff, and
 * `JOB_DEADLINE_MARGIN_SECONDS` for scheduling, an image pull, start-up and drain.
 */
export function jobActiveDeadlineSeconds(timeoutMs: number): number {
  return (JOB_BACKOFF_LIMIT + 1) * Math.ceil(timeoutMs / 1000) + JOB_RETRY_BACKOFF_SECONDS + JOB_DEADLINE_MARGIN_SECONDS;
}
/** The `podFailurePolicy` of a generated Job (see `JOB_BACKOFF_LIMIT`): a fresh object each time. */
export function jobPodFailurePolicy(): PodFailurePolicy {
  return {
    rules: [
      { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
      { action: "FailJob", onExitCodes: { operator: "NotIn", values: [EXIT_CODES.kubeUnavailable] } },
    ],
  };
}
/**
 * Jobs kept for `kubectl get jobs` / logs: the last 3 successful and 3 failed, however long ago
 * they ran (no `ttlSecondsAfterFinished`, which would delete a failed run's Job and logs a day
 * later, before a weekend is over, whatever these limits say).
 */
export const JOB_HISTORY_LIMIT = 3;
/** Non-root user and group of the containers (the image's `podfn` user). */
export const RUN_AS_USER = 10001;
/** Where caller-auth secrets are mounted (the runtime's default `PODFN_SECRETS_DIR`). */
export const SECRETS_DIR = "/var/run/secrets/podfn";
/** Key of the value inside each caller-auth Kubernetes Secret. */
export const SECRET_KEY = "value";

/**
 * Options with their defaults applied. Throws `ConfigError` for `--egress-cidrs` or
 * `--metrics-namespaces` without `--network-policy` (they shape its NetworkPolicies, and
 * would be ignored silently), and for resources for every workload that `sizingOf` refuses
 * (their replicas are checked by `generateManifests`, once it knows a Deployment takes them).
 */
export function resolveOptions(options: ManifestOptions): ResolvedOptions {
  if (options.egressCidrs !== undefined && !options.networkPolicy) {
    throw new ConfigError("--egress-cidrs limits the pods' egress in their NetworkPolicies: add --network-policy");
  }
  if (options.metricsNamespaces !== undefined && !options.networkPolicy) {
    throw new ConfigError(`--metrics-namespaces ${options.metricsNamespaces.join(",")} names who may reach the operations port in the NetworkPolicies: add --network-policy (without it, every pod may)`);
  }
  return {
    app: options.app ?? "podfn",
    namespace: options.namespace ?? "default",
    image: options.image ?? "podfn:latest",
    networkPolicy: options.networkPolicy ?? false,
    metricsNamespaces: options.metricsNamespaces ?? DEFAULT_METRICS_NAMESPACES,
    ...(options.egressCidrs !== undefined ? { egressCidrs: options.egressCidrs } : {}),
    sizing: sizingOf(options, undefined, { deployment: false }),
    env: options.env ?? process.env,
  };
}
