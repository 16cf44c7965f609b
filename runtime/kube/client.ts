/**
 * @module kube/client
 * `createKubeClient`: the `KubeClient` of api.ts over one `Transport` (one keep-alive pool per
 * API server). `client.with({signal, dryRun, namespace, logFields})` makes views that share the pool (a view logs its requests with its `logFields`: a call's fn and requestId); only
 * the root client's `close()` closes it.
 */
import { hostname } from "node:os";
import type * as corev1 from "kubernetes-types/core/v1.js";
import type * as appsv1 from "kubernetes-types/apps/v1.js";
import type * as batchv1 from "kubernetes-types/batch/v1.js";
import type * as coordinationv1 from "kubernetes-types/coordination/v1.js";
import type * as rbacv1 from "kubernetes-types/rbac/v1.js";
import type * as eventsv1 from "kubernetes-types/events/v1.js";
import type * as policyv1 from "kubernetes-types/policy/v1.js";
import type * as networkingv1 from "kubernetes-types/networking/v1.js";
import type * as discoveryv1 from "kubernetes-types/discovery/v1.js";
import type * as autoscalingv2 from "kubernetes-types/autoscaling/v2.js";
import type * as storagev1 from "kubernetes-types/storage/v1.js";
import type * as schedulingv1 from "kubernetes-types/scheduling/v1.js";
import type { TokenReviewStatus } from "kubernetes-types/authentication/v1.js";
import type { AccessDecision, AccessQuery, CallOptions, CreateJobFromCronJobOptions, EmitEventOptions, KubeClient, KubeObject, ResourceClient, ResourceType, UserInfo, WriteOptions } from "./api.js";
import type { Credentials } from "./auth.js";
import type { ClientContext } from "./context.js";
import { callSignal, rawWrite } from "./context.js";
import type { KubeLogger } from "./logger.js";
import { silentLogger, withFields } from "./logger.js";
import type { RetryOptions } from "./retry.js";
import { Transport } from "./transport.js";
import type { TimeoutOptions, TransportRequest } from "./transport.js";
import type { HttpClientChoice } from "./http-client-choice.js";
import type { KubeRequestMetrics } from "./request-metrics.js";
import { Resource } from "./resource-client.js";
import { ScalableResource } from "./scalable.js";
import { Pods } from "./pods.js";
import { CertificateSigningRequests } from "./certificate-signing-requests.js";
import { RESOURCE_TYPES as T } from "./types.js";
import * as access from "./access.js";
import * as actions from "./actions.js";

/** Options of `createKubeClient`: the credentials, and how requests are made. */
export interface KubeClientOptions {
  /** From `resolveCredentials`. */
  credentials: Credentials;
  /** Default namespace of calls. Default: the credentials' (the pod's, or the kubeconfig context's). */
  namespace?: string;
  /** Send every write as a server-side dry run (`dryRun=All`). Default: false. */
  dryRun?: boolean;
  /** Where retries, watch restarts and TLS warnings are logged (pino fits). Default: silent. */
  logger?: KubeLogger;
  /** Retry policy; see `RetryOptions` for defaults (3 retries, 200 ms base, 5 s cap, Retry-After up to 30 s). */
  retry?: RetryOptions;
  /** Request timeouts; see `TimeoutOptions` (connect 10 s, headers 60 s, body 60 s). */
  timeouts?: TimeoutOptions;
  /**
   * Largest number of connections requests hold at once; more requests queue. Watches and
   * followed logs are not counted: each has a connection of its own besides, so no number of
   * them keeps a request waiting. Default: 32 (`DEFAULT_CONNECTIONS`).
   */
  connections?: number;
  /**
   * Which HTTP client carries requests: `"auto"` sends them with Node's own HTTPS client while
   * the client is quiet (about 1 MB of memory) and moves to undici's pool (about 10 MB, faster)
   * once more than 16 requests (streams not counted) start within a second; `"node"` or `"undici"` for every request.
   * A proxy always uses undici. Default: "auto".
   */
  httpClient?: HttpClientChoice;
  /** Where the client's requests, retries and Retry-After waits are counted, for `/metrics`. Default: nowhere. */
  metrics?: KubeRequestMetrics;
  /** Clock, ms since the epoch (restartedAt, event times). Default: `Date.now`. */
  now?: () => number;
  /** `reportingInstance` of emitted events. Default: the host name (the pod's name in a pod). */
  hostname?: string;
}

class Client implements KubeClient {
  readonly #context: ClientContext;
  readonly #owner: boolean;
  readonly namespace: string;
  readonly dryRun: boolean;
  readonly server: string;
  readonly pods: Pods;
  readonly services: ResourceClient<corev1.Service>;
  readonly configMaps: ResourceClient<corev1.ConfigMap>;
  readonly secrets: ResourceClient<corev1.Secret>;
  readonly serviceAccounts: ResourceClient<corev1.ServiceAccount>;
  readonly namespaces: ResourceClient<corev1.Namespace>;
  readonly events: ResourceClient<corev1.Event>;
  readonly nodes: ResourceClient<corev1.Node>;
  readonly persistentVolumeClaims: ResourceClient<corev1.PersistentVolumeClaim>;
  readonly resourceQuotas: ResourceClient<corev1.ResourceQuota>;
  readonly limitRanges: ResourceClient<corev1.LimitRange>;
  readonly endpoints: ResourceClient<corev1.Endpoints>;
  readonly deployments: ScalableResource<appsv1.Deployment>;
  readonly statefulSets: ScalableResource<appsv1.StatefulSet>;
  readonly daemonSets: ResourceClient<appsv1.DaemonSet>;
  readonly replicaSets: ScalableResource<appsv1.ReplicaSet>;
  readonly jobs: ResourceClient<batchv1.Job>;
  readonly cronJobs: ResourceClient<batchv1.CronJob>;
  readonly leases: ResourceClient<coordinationv1.Lease>;
  readonly roles: ResourceClient<rbacv1.Role>;
  readonly roleBindings: ResourceClient<rbacv1.RoleBinding>;
  readonly clusterRoles: ResourceClient<rbacv1.ClusterRole>;
  readonly clusterRoleBindings: ResourceClient<rbacv1.ClusterRoleBinding>;
  readonly eventsV1: ResourceClient<eventsv1.Event>;
  readonly podDisruptionBudgets: ResourceClient<policyv1.PodDisruptionBudget>;
  readonly ingresses: ResourceClient<networkingv1.Ingress>;
  readonly ingressClasses: ResourceClient<networkingv1.IngressClass>;
  readonly networkPolicies: ResourceClient<networkingv1.NetworkPolicy>;
  readonly endpointSlices: ResourceClient<discoveryv1.EndpointSlice>;
  readonly persistentVolumes: ResourceClient<corev1.PersistentVolume>;
  readonly horizontalPodAutoscalers: ResourceClient<autoscalingv2.HorizontalPodAutoscaler>;
  readonly certificateSigningRequests: CertificateSigningRequests;
  readonly storageClasses: ResourceClient<storagev1.StorageClass>;
  readonly priorityClasses: ResourceClient<schedulingv1.PriorityClass>;

  constructor(context: ClientContext, owner: boolean) {
    this.#context = context;
    this.#owner = owner;
    this.namespace = context.namespace;
    this.dryRun = context.dryRun;
    this.server = context.transport.server;
    this.pods = new Pods(context, T.pods);
    this.services = new Resource(context, T.services);
    this.configMaps = new Resource(context, T.configMaps);
    this.secrets = new Resource(context, T.secrets);
    this.serviceAccounts = new Resource(context, T.serviceAccounts);
    this.namespaces = new Resource(context, T.namespaces);
    this.events = new Resource(context, T.events);
    this.nodes = new Resource(context, T.nodes);
    this.persistentVolumeClaims = new Resource(context, T.persistentVolumeClaims);
    this.resourceQuotas = new Resource(context, T.resourceQuotas);
    this.limitRanges = new Resource(context, T.limitRanges);
    this.endpoints = new Resource(context, T.endpoints);
    this.deployments = new ScalableResource(context, T.deployments);
    this.statefulSets = new ScalableResource(context, T.statefulSets);
    this.daemonSets = new Resource(context, T.daemonSets);
    this.replicaSets = new ScalableResource(context, T.replicaSets);
    this.jobs = new Resource(context, T.jobs);
    this.cronJobs = new Resource(context, T.cronJobs);
    this.leases = new Resource(context, T.leases);
    this.roles = new Resource(context, T.roles);
    this.roleBindings = new Resource(context, T.roleBindings);
    this.clusterRoles = new Resource(context, T.clusterRoles);
    this.clusterRoleBindings = new Resource(context, T.clusterRoleBindings);
    this.eventsV1 = new Resource(context, T.eventsV1);
    this.podDisruptionBudgets = new Resource(context, T.podDisruptionBudgets);
    this.ingresses = new Resource(context, T.ingresses);
    this.ingressClasses = new Resource(context, T.ingressClasses);
    this.networkPolicies = new Resource(context, T.networkPolicies);
    this.endpointSlices = new Resource(context, T.endpointSlices);
    this.persistentVolumes = new Resource(context, T.persistentVolumes);
    this.horizontalPodAutoscalers = new Resource(context, T.horizontalPodAutoscalers);
    this.certificateSigningRequests = new CertificateSigningRequests(context, T.certificateSigningRequests);
    this.storageClasses = new Resource(context, T.storageClasses);
    this.priorityClasses = new Resource(context, T.priorityClasses);
  }

  resource<R extends KubeObject = KubeObject>(type: ResourceType<R>): ResourceClient<R> {
    return new ScalableResource<R>(this.#context, type);
  }

  whoami(options?: CallOptions): Promise<UserInfo> {
    return access.whoami(this.#context, options);
  }

  canI(query: AccessQuery, options?: CallOptions): Promise<AccessDecision> {
    return access.canI(this.#context, query, options);
  }

  tokenReview(token: string, audiences?: string[], options?: CallOptions): Promise<TokenReviewStatus> {
    return access.tokenReview(this.#context, token, audiences, options);
  }

  restartDeployment(name: string, options?: WriteOptions): Promise<appsv1.Deployment> {
    return actions.restartDeployment(this.#context, this.deployments, name, options);
  }

  createJobFromCronJob(cronJob: string, options?: CreateJobFromCronJobOptions): Promise<batchv1.Job> {
    return actions.createJobFromCronJob(this.cronJobs, this.jobs, cronJob, options);
  }

  emitEvent(options: EmitEventOptions): Promise<eventsv1.Event> {
    return actions.emitEvent(this.#context, this.eventsV1, options);
  }

  with(options: { signal?: AbortSignal; dryRun?: boolean; namespace?: string; logFields?: Readonly<Record<string, unknown>> }): KubeClient {
    const context: ClientContext = {
      ...this.#context,
      logger: options.logFields ? withFields(this.#context.logger, options.logFields) : this.#context.logger,
      signals: callSignal(this.#context, options.signal),
      dryRun: this.#context.dryRun || (options.dryRun ?? false),
      namespace: options.namespace ?? this.#context.namespace,
    };
    return new Client(context, false);
  }

  async request<R = unknown>(options: Omit<TransportRequest, "idempotent" | "signal"> & CallOptions): Promise<R> {
    return this.#context.transport.request<R>({ ...rawWrite(this.#context, options), signal: callSignal(this.#context, options.signal), logger: this.#context.logger, text: true });
  }

  async close(): Promise<void> {
    if (this.#owner) await this.#context.transport.close();
  }
}

/**
 * Create the Kubernetes client.
 *
 * @example
 * const credentials = await resolveCredentials({ serviceAccountDir, env: process.env });
 * const kube = createKubeClient({ credentials, logger });
 * for await (const job of kube.jobs.list({ labelSelector: "cleanup=true" })) console.log(job.metadata?.name);
 * await kube.close();
 */
export function createKubeClient(options: KubeClientOptions): KubeClient {
  const logger = options.logger ?? silentLogger;
  const transport = new Transport({ credentials: options.credentials, logger, retry: options.retry, timeouts: options.timeouts, connections: options.connections, httpClient: options.httpClient, metrics: options.metrics });
  const context: ClientContext = {
    transport,
    namespace: options.namespace ?? options.credentials.namespace,
    dryRun: options.dryRun ?? false,
    signals: [],
    logger,
    now: options.now ?? Date.now,
    hostname: options.hostname ?? hostname(),
  };
  return new Client(context, true);
}
