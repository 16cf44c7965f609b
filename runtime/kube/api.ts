/**
 * @module kube/api
 * The shape of the Kubernetes client handed to every function as `ctx.kube`: typed resource
 * accessors over `kubernetes-types`, access reviews and the helpers people reach for.
 * This file is the contract; `client.ts` implements it over `transport.ts`.
 */
import type * as corev1 from "kubernetes-types/core/v1.js";
import type * as appsv1 from "kubernetes-types/apps/v1.js";
import type * as batchv1 from "kubernetes-types/batch/v1.js";
import type * as coordinationv1 from "kubernetes-types/coordination/v1.js";
import type * as rbacv1 from "kubernetes-types/rbac/v1.js";
import type * as eventsv1 from "kubernetes-types/events/v1.js";
import type * as policyv1 from "kubernetes-types/policy/v1.js";
import type * as networkingv1 from "kubernetes-types/networking/v1.js";
import type * as discoveryv1 from "kubernetes-types/discovery/v1.js";
import type * as autoscalingv1 from "kubernetes-types/autoscaling/v1.js";
import type * as autoscalingv2 from "kubernetes-types/autoscaling/v2.js";
import type * as certificatesv1 from "kubernetes-types/certificates/v1.js";
import type * as storagev1 from "kubernetes-types/storage/v1.js";
import type * as schedulingv1 from "kubernetes-types/scheduling/v1.js";
import type * as authenticationv1 from "kubernetes-types/authentication/v1.js";
import type { ListMeta, ObjectMeta, Status } from "kubernetes-types/meta/v1.js";
import type { ApplyConfiguration, PatchBody } from "./patch-types.js";

export type { ApplyConfiguration, ApplyPatch, DeepPartial, JsonPatchOperation, JsonPointer, MergePatch, PatchBody, StrategicMergeDirectives, StrategicMergePatch } from "./patch-types.js";

/** Any Kubernetes object: what every typed accessor returns. */
export interface KubeObject {
  /** `group/version`, `v1` for the core group; filled in on what the client returns. */
  apiVersion?: string;
  /** The object's kind, e.g. `"Pod"`; filled in on what the client returns. */
  kind?: string;
  /** Name, namespace, labels, annotations, and the server's uid, resourceVersion... */
  metadata?: ObjectMeta;
}

/** One page of a list, as the server sent it. */
export interface KubeList<T> {
  /** The list's `group/version`. */
  apiVersion?: string;
  /** `<Kind>List`, e.g. `"PodList"`. */
  kind?: string;
  /** `resourceVersion` of the list, and `continue` when more pages follow. */
  metadata: ListMeta;
  /** The page's objects, each with its apiVersion and kind. */
  items: T[];
}

/** Never set: the key of `ResourceType`'s type-only object type (see `ResourceType<T>`). */
declare const objectType: unique symbol;

/**
 * Identifies a resource for the generic accessor: `{group: "", version: "v1", resource: "pods"}`.
 * `T` is the type of its objects, for the compiler only: a descriptor declared as
 * `ResourceType<Backup>` types `kube.resource(BACKUPS)` as a client of `Backup`s and a watch's
 * `trigger.object` as a `Backup`, with no type argument at each use. The value stays the plain
 * object written (nothing is added to it; a watch validates it as any `{group, version, ...}`).
 *
 * @typeParam T - the type of its objects (default `KubeObject`: `apiVersion`, `kind`, `metadata`).
 *
 * @example
 * interface Backup extends KubeObject { spec: { target: string } }
 * const BACKUPS: ResourceType<Backup> = { group: "ops.example.com", version: "v1", resource: "backups", kind: "Backup", namespaced: true };
 * const backups = kube.resource(BACKUPS); // ResourceClient<Backup>
 */
export interface ResourceType<T extends KubeObject = KubeObject> {
  /** Type only, never present: what ties `T` to the descriptor. */
  readonly [objectType]?: T;
  /** API group; `""` for the core group. */
  group: string;
  /** API version, e.g. `"v1"`, `"v1beta1"`. */
  version: string;
  /** Plural lower-case resource name, as in URLs and RBAC rules. */
  resource: string;
  /** Kind, filled into created objects when missing. */
  kind: string;
  /** Whether objects live in a namespace. */
  namespaced: boolean;
}

/** Options every call takes. */
export interface CallOptions {
  /** Aborts the request. The function's own signal is always honoured as well. */
  signal?: AbortSignal;
}

/** The namespace of a call on a namespaced resource (cluster-scoped ones ignore it). */
export interface NamespaceOption {
  /** Namespace of the call. Default: the client's namespace (the function's). */
  namespace?: string;
}

/** Options of every write (create, replace, patch, apply, delete). */
export interface WriteOptions extends CallOptions, NamespaceOption {
  /**
   * Server-side dry run (`dryRun=All`): every check, nothing persisted. A dry-run client's
   * writes are dry runs whatever this says (`false` cannot turn `podfn run --dry-run` off).
   */
  dryRun?: boolean;
  /** `fieldManager` query parameter. Default: `"podfn"`. */
  fieldManager?: string;
  /**
   * What the server does with a field it does not know or one set twice (creates, replaces and
   * patches): `"Strict"` refuses the write (400 naming it), `"Warn"` (the server's default)
   * writes it and warns, `"Ignore"` drops it silently.
   */
  fieldValidation?: "Strict" | "Warn" | "Ignore";
}

/** Options of `createJobFromCronJob`. */
export interface CreateJobFromCronJobOptions extends WriteOptions {
  /** The Job's name. Default (also when empty): one the server generates, `<cronjob>-manual-xxxxx`. */
  name?: string;
}

/** Options of `list`, `listPage`, `watch` and `deleteCollection`'s selection. */
export interface ListOptions extends CallOptions {
  /** Namespace to list, or `"*"` for all namespaces. Default: the client's namespace. */
  namespace?: string;
  /** e.g. `app=web,tier!=db`, `env in (a,b)`, `!key`. */
  labelSelector?: string;
  /** e.g. `status.phase=Failed`, `metadata.name=x`. */
  fieldSelector?: string;
  /** Page size for `list()` (default 500); the single-page limit for `listPage()`. */
  limit?: number;
  /**
   * `list()` only: when the continue token expires between two pages (a slow reader on a busy
   * cluster), throw the server's 410 (`KubeGoneError`) instead of reading the rest at the latest
   * version, which may miss or repeat objects changed meanwhile. For a caller that acts on what
   * it did not see (delete what is not listed): it lists again from the start. Default: false.
   */
  consistent?: boolean;
}

/**
 * An object's metadata alone, as the server answers a metadata-only list
 * (`as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`). Not in kubernetes-types, which follows
 * the OpenAPI document: this is apimachinery's `metav1.PartialObjectMetadata`.
 */
export interface PartialObjectMetadata {
  apiVersion: "meta.k8s.io/v1";
  kind: "PartialObjectMetadata";
  metadata: ObjectMeta;
}

/** Options of `listPage`: a list's options, and where the page starts. */
export interface ListPageOptions extends ListOptions {
  /** The `metadata.continue` token of the previous page. */
  continue?: string;
}

/**
 * Options of `watch()`: what to watch (a list's namespace and selectors), where to start, and
 * how the watch resumes.
 *
 * @example
 * for await (const { type, object } of kube.pods.watch({ labelSelector: "app=web", signal })) {
 *   log.info({ type, pod: object.metadata?.name }, "pod changed");
 * }
 */
export interface WatchOptions<T = KubeObject> extends ListOptions {
  /**
   * Start from this resourceVersion. Default: list first, yield every listed object as `ADDED`
   * (as informers do), then watch from the list's version. `"0"`: the same, the list read at any
   * version (from the API server's cache, maybe a little behind), as a reflector's first list.
   */
  resourceVersion?: string;
  /** Seconds after which the server ends one watch request (the iterator then resumes). Default 300 to 600 at random (client-go's spread); 0: the server's default. */
  timeoutSeconds?: number;
  /** Restart a stream that sent nothing (not even a bookmark) for this long. Default 2 × timeoutSeconds, at most 600 s (600 s when timeoutSeconds is 0). */
  stallTimeoutMs?: number;
  /** Yield `BOOKMARK` events too (they always advance the resourceVersion). Default: false. */
  bookmarks?: boolean;
  /** Called after each complete list (the first, and any after a 410), once its events are consumed, with the number of objects it holds and its resourceVersion. */
  onList?: (objects: number, resourceVersion: string) => void;
  /**
   * Told each resourceVersion a restarted watch may resume from without missing a change: a
   * complete list's, then each stream event's and bookmark's (never a listed item's).
   */
  onProgress?: (resourceVersion: string) => void;
  /**
   * The objects already known, by `namespace/name` (`/name` when cluster-scoped), as an
   * informer's store: the watch keeps it current (each event is applied before it is yielded)
   * and diffs a list after a 410 against it, so a watch restarted with `resourceVersion` still
   * yields `DELETED` for an object that vanished while it was down. Default: a store of its own.
   */
  store?: Map<string, T>;
}

/** The kind of a watch event: `BOOKMARK` only with `bookmarks: true` (its object carries only a resourceVersion). */
export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";

/** One event of `watch()`. */
export interface WatchEvent<T> {
  /** What happened to the object. */
  type: WatchEventType;
  /** The object after the change (for `DELETED`, as it was last). */
  object: T;
}

/**
 * How a patch body is read: `"merge"` (JSON merge patch, RFC 7386), `"json"` (JSON patch,
 * RFC 6902), `"strategic"` (Kubernetes' strategic merge patch, built-in kinds only), `"apply"`
 * (server-side apply).
 */
export type PatchType = "merge" | "json" | "strategic" | "apply";

/**
 * The options of any patch, whatever its type: what the client reads. `patch()` and
 * `patchStatus()` take `PatchOptionsOf<P>`, the options of their body's type `P`.
 */
export interface PatchOptions extends WriteOptions {
  /** Default `"merge"` (`application/merge-patch+json`). `"apply"` is server-side apply. */
  type?: PatchType;
  /** With `type: "apply"`: take ownership of fields another manager owns (no 409). Ignored otherwise. */
  force?: boolean;
}

/**
 * The options of a patch of type `P` (`type` names it, default `"merge"`); `force` goes with
 * `"apply"` only.
 */
export type PatchOptionsOf<P extends PatchType> = WriteOptions & { type?: P } & ("apply" extends P ? { force?: boolean } : unknown);

/** Options of a server-side apply. */
export interface ApplyOptions extends WriteOptions {
  /** Take ownership of fields another field manager owns instead of failing with a 409 conflict. Default: false. */
  force?: boolean;
}

/** Options of `delete` (sent as the request's `DeleteOptions` body). */
export interface DeleteOptions extends WriteOptions {
  /**
   * What happens to the objects it owns (a Job's pods, a Deployment's ReplicaSets):
   * `Background` (deleted after it), `Foreground` (deleted before it), `Orphan` (kept).
   * Default: the resource's (Background for most; Orphan for a Job through the API).
   */
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
  /** Seconds a pod has to stop (0: at once). Default: the pod's `terminationGracePeriodSeconds`. */
  gracePeriodSeconds?: number;
  /** Delete only if the object still has this uid (not one created anew under the name) and/or resourceVersion: else 409. */
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** Options of `deleteCollection`: which objects (every one of the namespace when no selector), and how. */
export interface DeleteCollectionOptions extends DeleteOptions {
  /** e.g. `app=old`. */
  labelSelector?: string;
  /** e.g. `status.phase=Succeeded`. */
  fieldSelector?: string;
}

/** Options of a pod's `logs` and `streamLogs`. */
export interface LogOptions extends CallOptions, NamespaceOption {
  /** The container. Default: the pod's only one (a pod of several refuses without it). */
  container?: string;
  /** Only the last lines. Default: all. */
  tailLines?: number;
  /** Only the lines of the last seconds. Default: all. */
  sinceSeconds?: number;
  /** Start each line with its RFC 3339 time. Default false. */
  timestamps?: boolean;
  /** The previous instance of the container (after a restart). Default false. */
  previous?: boolean;
}

/** Typed verbs on one resource. Cluster-scoped resources ignore `namespace`. */
export interface ResourceClient<T extends KubeObject> {
  /** The group, version, resource and kind it calls. */
  readonly type: ResourceType;
  /**
   * The object `name` (in the client's namespace unless `namespace` says), with its apiVersion
   * and kind; a `KubeNotFoundError` (`kube_not_found`) when there is none.
   *
   * @example
   * const web = await kube.deployments.get("web");
   */
  get(name: string, options?: CallOptions & NamespaceOption): Promise<T>;
  /**
   * Every object, page by page (`limit`/`continue`), as one async iterator. When the list's
   * version is compacted between two pages (a 410 for the continue token), the rest is read at
   * the latest version with the token the server offers (a warning logged; an object changed
   * meanwhile may be missed or seen twice), as the server's message suggests.
   */
  list(options?: ListOptions): AsyncIterable<T>;
  /** One page, with its `metadata.continue` and `metadata.resourceVersion`. */
  listPage(options?: ListPageOptions): Promise<KubeList<T>>;
  /**
   * Every object's metadata only (kind `PartialObjectMetadata`: name, namespace, labels,
   * annotations, owners, timestamps, finalizers), page by page as `list()`: the server sends no
   * spec or status, so a listing that only needs names, labels or ages reads a fraction of the
   * bytes (client-go's metadata client; a Pod's metadata is ~15% of it).
   *
   * @example
   * for await (const pod of kube.pods.listMetadata({ labelSelector: "app=web" })) console.log(pod.metadata?.name);
   */
  listMetadata(options?: ListOptions): AsyncIterable<PartialObjectMetadata>;
  /**
   * POST a new object, in `options.namespace`, else its `metadata.namespace`, else the client's;
   * apiVersion and kind are filled in when missing. Resolves to the object as stored (uid,
   * resourceVersion, defaults); a `KubeAlreadyExistsError` when the name is taken.
   *
   * @example
   * await kube.configMaps.create({ metadata: { name: "settings" }, data: { mode: "fast" } });
   */
  create(object: T, options?: WriteOptions): Promise<T>;
  /** PUT: the object's `metadata.resourceVersion` is checked by the server (409 when stale). */
  replace(object: T, options?: WriteOptions): Promise<T>;
  /**
   * PATCH the object `name`; resolves to the object as the server wrote it. The body's type is
   * the one `options.type` names (see `PatchBody`):
   * - `"merge"` (default): a JSON merge patch, `MergePatch<T>` (any field, `null` deletes it, a
   *   list replaced whole);
   * - `"strategic"`: a strategic merge patch, `StrategicMergePatch<T>` (built-in kinds: lists of
   *   objects merged by key, `$patch`/`$retainKeys`/`$setElementOrder/…`/`$deleteFromPrimitiveList/…`);
   * - `"json"`: a JSON patch, `JsonPatchOperation[]` (RFC 6902 operations, all or none);
   * - `"apply"`: server-side apply, `ApplyPatch<T>` (with `apiVersion` and `kind`; `force`
   *   takes fields another manager owns). `apply()` is the shorter way.
   *
   * @example
   * await kube.deployments.patch("web", { spec: { replicas: 0 }, metadata: { annotations: { "example.com/note": null } } });
   * await kube.deployments.patch("web", { spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.27" }] } } } }, { type: "strategic" });
   * await kube.deployments.patch("web", [{ op: "test", path: "/spec/replicas", value: 3 }, { op: "replace", path: "/spec/replicas", value: 0 }], { type: "json" });
   */
  patch<P extends PatchType = "merge">(name: string, patch: PatchBody<T, P>, options?: PatchOptionsOf<P>): Promise<T>;
  /**
   * Server-side apply: `patch(object.metadata.name, object, {type: "apply"})` with `apiVersion`
   * and `kind` filled in when missing. Send only the fields you own: the server merges them into
   * the object (creating it when missing) and records you (`fieldManager`, default `"podfn"`) as
   * their manager; a field another manager owns is a 409 unless `force`.
   *
   * @example
   * await kube.deployments.apply({ metadata: { name: "web" }, spec: { replicas: 3 } }, { fieldManager: "scaler" });
   */
  apply(object: ApplyConfiguration<T>, options?: ApplyOptions): Promise<T>;
  /** Returns what the server returned (the object while finalizers hold it, or a Status). */
  delete(name: string, options?: DeleteOptions): Promise<T | Status>;
  /** Deletes every object its selectors match in the namespace; returns what the server returned (the deleted list, or a Status). */
  deleteCollection(options?: DeleteCollectionOptions): Promise<KubeList<T> | Status>;
  /** Typed events; resumes after the server ends a stream, relists on 410, stops on abort. */
  watch(options?: WatchOptions<T>): AsyncIterable<WatchEvent<T>>;
  /** GET the status subresource (the whole object, as the server serves it there). */
  getStatus(name: string, options?: CallOptions & NamespaceOption): Promise<T>;
  /** PUT the status subresource: only `status` is written; `metadata.resourceVersion` is checked (409 when stale). */
  replaceStatus(object: T, options?: WriteOptions): Promise<T>;
  /**
   * PATCH the status subresource (`.../status`: only `status` is written), with the bodies and
   * options of `patch()`; a merge patch by default.
   *
   * @example
   * // An API server 1.32 takes Failed=True only beside FailureTarget=True, from a Job that started:
   * const failed = ["FailureTarget", "Failed"].map((type) => ({ type, status: "True", reason: "BackoffLimitExceeded" }));
   * await kube.jobs.patchStatus("nightly", { status: { startTime: new Date().toISOString(), conditions: failed } });
   */
  patchStatus<P extends PatchType = "merge">(name: string, patch: PatchBody<T, P>, options?: PatchOptionsOf<P>): Promise<T>;
}

/** Resources with a `scale` subresource. */
export interface ScalableResourceClient<T extends KubeObject> extends ResourceClient<T> {
  /** The scale subresource: `spec.replicas`, and the current count and selector in `status`. */
  getScale(name: string, options?: CallOptions & NamespaceOption): Promise<autoscalingv1.Scale>;
  /** Patches `spec.replicas` of the scale subresource. */
  scale(name: string, replicas: number, options?: WriteOptions): Promise<autoscalingv1.Scale>;
}

/** `kube.pods`: a resource client with the pod's log and eviction. */
export interface PodClient extends ResourceClient<corev1.Pod> {
  /** The whole log as text. */
  logs(name: string, options?: LogOptions): Promise<string>;
  /** The log as a stream of lines (`follow=true`); ends when the container ends or on abort. */
  streamLogs(name: string, options?: LogOptions): AsyncIterable<string>;
  /** Eviction (policy/v1), which honours PodDisruptionBudgets. */
  evict(name: string, options?: WriteOptions & { deleteOptions?: Omit<DeleteOptions, "namespace" | "signal"> }): Promise<Status>;
}

/** What `approve` and `deny` of a CertificateSigningRequest take. */
export interface CertificateDecisionOptions extends Omit<WriteOptions, "namespace" | "fieldValidation"> {
  /** The condition's `reason` (CamelCase). Default: `PodfnApprove` / `PodfnDeny`. */
  reason?: string;
  /** The condition's `message`. Default: `This CSR was approved by podfn.` / `...denied...`. */
  message?: string;
}

/**
 * `kube.certificateSigningRequests`: a resource client with `approve` and `deny`, which add the
 * condition `kubectl certificate approve|deny` adds, through the `approval` subresource (RBAC:
 * `get` on certificatesigningrequests, `update` on certificatesigningrequests/approval, and
 * `approve` on `signers` in certificates.k8s.io named by the request's signerName or `domain/*`).
 * A request already decided the same way is returned unwritten; one decided the other way throws
 * `CertificateDecidedError` (`kube_csr_decided`). A conflict reads it afresh, up to ten times.
 *
 * @example
 * await kube.certificateSigningRequests.approve("node-csr-x7", { reason: "NodeServingCert", message: "IPs match the node" });
 */
export interface CertificateSigningRequestClient extends ResourceClient<certificatesv1.CertificateSigningRequest> {
  /** Adds the `Approved` condition. */
  approve(name: string, options?: CertificateDecisionOptions): Promise<certificatesv1.CertificateSigningRequest>;
  /** Adds the `Denied` condition. */
  deny(name: string, options?: CertificateDecisionOptions): Promise<certificatesv1.CertificateSigningRequest>;
}

/** What SelfSubjectReview answers. */
export interface UserInfo {
  /** e.g. `system:serviceaccount:ops:podfn-cleanup`. */
  username: string;
  /** The identity's uid, when the authenticator gives one. */
  uid?: string;
  /** e.g. `system:serviceaccounts`, `system:serviceaccounts:ops`, `system:authenticated`. */
  groups: string[];
  /** What else the authenticator says (a ServiceAccount token's pod name and uid...). */
  extra?: Record<string, string[]>;
}

/**
 * What `canI` asks, as `kubectl auth can-i` does.
 *
 * @example
 * await kube.canI({ verb: "patch", group: "apps", resource: "deployments", subresource: "scale" });
 */
export interface AccessQuery {
  /** The verb: `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`, or any other the authorizer knows. */
  verb: string;
  /** API group; `""` (default) for core. */
  group?: string;
  /** Plural resource name, as in RBAC rules. */
  resource: string;
  /** e.g. `scale`, `status`, `log`. */
  subresource?: string;
  /** One object's name. Default: any. */
  name?: string;
  /** Default: the client's namespace. `""` for cluster-wide. */
  namespace?: string;
}

/** What `canI` answers (a SelfSubjectAccessReview's status). */
export interface AccessDecision {
  /** Whether the request would be allowed. */
  allowed: boolean;
  /** Whether an authorizer denied it outright (not allowed is not always denied: none may have had an opinion). */
  denied?: boolean;
  /** The authorizer's reason, when it gave one (the Role or binding that allowed it). */
  reason?: string;
}

/** What `emitEvent` writes. */
export interface EmitEventOptions extends WriteOptions {
  /** The object the event is about (needs apiVersion, kind, metadata.name, metadata.namespace/uid when known). */
  regarding: KubeObject;
  /** CamelCase reason, e.g. `"Deleted"`. */
  reason: string;
  /** Human-readable note. */
  message: string;
  /** Default `"Normal"`. */
  type?: "Normal" | "Warning";
  /** What was done, e.g. `"Delete"`. Default: `reason`. */
  action?: string;
}

/** The client a function receives as `ctx.kube`. */
export interface KubeClient {
  /** The namespace calls default to (the pod's, or the kubeconfig context's). */
  readonly namespace: string;
  /** Whether writes are sent as server-side dry runs. */
  readonly dryRun: boolean;
  /** The API server's base URL. */
  readonly server: string;

  /** core/v1 Pods, with their logs and eviction. */
  readonly pods: PodClient;
  /** core/v1 Services. */
  readonly services: ResourceClient<corev1.Service>;
  /** core/v1 ConfigMaps. */
  readonly configMaps: ResourceClient<corev1.ConfigMap>;
  /** core/v1 Secrets (their `data` values are base64). */
  readonly secrets: ResourceClient<corev1.Secret>;
  /** core/v1 ServiceAccounts. */
  readonly serviceAccounts: ResourceClient<corev1.ServiceAccount>;
  /** core/v1 Namespaces (cluster-scoped). */
  readonly namespaces: ResourceClient<corev1.Namespace>;
  /** core/v1 Events. */
  readonly events: ResourceClient<corev1.Event>;
  /** core/v1 Nodes (cluster-scoped). */
  readonly nodes: ResourceClient<corev1.Node>;
  /** core/v1 PersistentVolumeClaims. */
  readonly persistentVolumeClaims: ResourceClient<corev1.PersistentVolumeClaim>;
  /** core/v1 ResourceQuotas. */
  readonly resourceQuotas: ResourceClient<corev1.ResourceQuota>;
  /** core/v1 LimitRanges. */
  readonly limitRanges: ResourceClient<corev1.LimitRange>;
  /** core/v1 Endpoints (what kubectl's default prune allowlist names; EndpointSlices replace them). */
  readonly endpoints: ResourceClient<corev1.Endpoints>;
  /**
   * apps/v1 Deployments, with their scale subresource (`getScale`, `scale`); `restartDeployment` restarts one.
   *
   * @example
   * await kube.deployments.scale("web", 0);
   */
  readonly deployments: ScalableResourceClient<appsv1.Deployment>;
  /** apps/v1 StatefulSets, with their scale subresource. */
  readonly statefulSets: ScalableResourceClient<appsv1.StatefulSet>;
  /** apps/v1 DaemonSets. */
  readonly daemonSets: ResourceClient<appsv1.DaemonSet>;
  /** apps/v1 ReplicaSets, with their scale subresource. */
  readonly replicaSets: ScalableResourceClient<appsv1.ReplicaSet>;
  /** batch/v1 Jobs (delete them with `propagationPolicy: "Background"`: through the API a Job's pods are orphaned by default). */
  readonly jobs: ResourceClient<batchv1.Job>;
  /** batch/v1 CronJobs; `createJobFromCronJob` runs one now. */
  readonly cronJobs: ResourceClient<batchv1.CronJob>;
  /** coordination.k8s.io/v1 Leases. */
  readonly leases: ResourceClient<coordinationv1.Lease>;
  /** rbac.authorization.k8s.io/v1 Roles. */
  readonly roles: ResourceClient<rbacv1.Role>;
  /** rbac.authorization.k8s.io/v1 RoleBindings. */
  readonly roleBindings: ResourceClient<rbacv1.RoleBinding>;
  /** rbac.authorization.k8s.io/v1 ClusterRoles (cluster-scoped). */
  readonly clusterRoles: ResourceClient<rbacv1.ClusterRole>;
  /** rbac.authorization.k8s.io/v1 ClusterRoleBindings (cluster-scoped). */
  readonly clusterRoleBindings: ResourceClient<rbacv1.ClusterRoleBinding>;
  /** events.k8s.io/v1 Events (what `emitEvent` writes). */
  readonly eventsV1: ResourceClient<eventsv1.Event>;
  /** policy/v1 PodDisruptionBudgets. */
  readonly podDisruptionBudgets: ResourceClient<policyv1.PodDisruptionBudget>;
  /** networking.k8s.io/v1 Ingresses. */
  readonly ingresses: ResourceClient<networkingv1.Ingress>;
  /** networking.k8s.io/v1 IngressClasses (cluster-scoped). */
  readonly ingressClasses: ResourceClient<networkingv1.IngressClass>;
  /** networking.k8s.io/v1 NetworkPolicies. */
  readonly networkPolicies: ResourceClient<networkingv1.NetworkPolicy>;
  /** discovery.k8s.io/v1 EndpointSlices. */
  readonly endpointSlices: ResourceClient<discoveryv1.EndpointSlice>;
  /** core/v1 PersistentVolumes (cluster-scoped). */
  readonly persistentVolumes: ResourceClient<corev1.PersistentVolume>;
  /** autoscaling/v2 HorizontalPodAutoscalers. */
  readonly horizontalPodAutoscalers: ResourceClient<autoscalingv2.HorizontalPodAutoscaler>;
  /** certificates.k8s.io/v1 CertificateSigningRequests (cluster-scoped), with `approve` and `deny`. */
  readonly certificateSigningRequests: CertificateSigningRequestClient;
  /** storage.k8s.io/v1 StorageClasses (cluster-scoped). */
  readonly storageClasses: ResourceClient<storagev1.StorageClass>;
  /** scheduling.k8s.io/v1 PriorityClasses (cluster-scoped). */
  readonly priorityClasses: ResourceClient<schedulingv1.PriorityClass>;

  /**
   * Any group/version/resource, e.g. a custom resource; its objects are the descriptor's type
   * (`ResourceType<Backup>`), else the type argument (`kube.resource<Backup>({...})`), else
   * `KubeObject`. A type argument that a typed descriptor's type does not fit is refused.
   *
   * @example
   * const backups = kube.resource(BACKUPS); // BACKUPS: ResourceType<Backup>
   * await backups.patch("nightly", { spec: { target: "files" } });
   */
  resource<T extends KubeObject = KubeObject>(type: ResourceType<T>): ResourceClient<T>;

  /** Who the client is authenticated as (SelfSubjectReview). */
  whoami(options?: CallOptions): Promise<UserInfo>;
  /** May the client do this? (SelfSubjectAccessReview) */
  canI(query: AccessQuery, options?: CallOptions): Promise<AccessDecision>;
  /** Validate someone else's token (TokenReview; needs `create tokenreviews`). */
  tokenReview(token: string, audiences?: string[], options?: CallOptions): Promise<authenticationv1.TokenReviewStatus>;

  /**
   * The patch `kubectl rollout restart` sends: the pod template annotation
   * `kubectl.kubernetes.io/restartedAt`. Needs only `patch` (kubectl reads the Deployment first
   * and refuses a paused one; this does not: a paused Deployment restarts when resumed).
   */
  restartDeployment(name: string, options?: WriteOptions): Promise<appsv1.Deployment>;
  /**
   * Run a CronJob now: the Job `kubectl create job NAME --from=cronjob/CRONJOB` creates (the
   * job template's labels, annotations and spec, `cronjob.kubernetes.io/instantiate: manual`,
   * the CronJob as its controller owner). Named `options.name`, or by the server from
   * `<cronjob>-manual-`. Needs `get cronjobs` and `create jobs`; runs even when the CronJob is
   * suspended, as kubectl's does.
   */
  createJobFromCronJob(cronJob: string, options?: CreateJobFromCronJobOptions): Promise<batchv1.Job>;
  /** Writes an events.k8s.io/v1 Event about an object, so automated actions leave a trail. */
  emitEvent(options: EmitEventOptions): Promise<eventsv1.Event>;

  /**
   * A view of this client whose every request also honours `signal`, whose writes are dry runs
   * when `dryRun` is true (a dry-run client's views stay dry runs: `dryRun: false` does not undo
   * it), whose default namespace is `namespace`, and whose log lines (retries, the server's
   * warnings, an expired continue token) carry `logFields` (a call's function and request id).
   * Shares the connection pool.
   */
  with(options: { signal?: AbortSignal; dryRun?: boolean; namespace?: string; logFields?: Readonly<Record<string, unknown>> }): KubeClient;

  /**
   * Low-level request relative to the server URL, with auth, retries and error mapping; resolves
   * to the parsed JSON answer, or the text of an answer that is not JSON. On a
   * dry-run client (`dryRun`, `with({ dryRun: true })`) a POST, PUT, PATCH or DELETE is sent
   * with `dryRun=All` (a DELETE's body, which the server then reads instead of the query, must
   * be an object: it gets `dryRun: ["All"]`).
   */
  request<T = unknown>(options: {
    method: string;
    path: string;
    query?: Record<string, string | number | boolean | undefined>;
    body?: unknown;
    contentType?: string;
    signal?: AbortSignal;
  }): Promise<T>;

  /** Closes the connection pool (only the root client owns it). */
  close(): Promise<void>;
}
