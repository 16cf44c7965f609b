/**
 * @module cluster/resources
 * The resource types the emulated server serves: group, version, plural, Kind, scope, the
 * discovery facts (short names, categories, verbs, subresources), and per type the hooks that
 * make it behave like the real registry: defaults, validation, supported field selectors,
 * whether spec changes bump `metadata.generation`, what a delete answers, and the default
 * garbage-collection policy. Custom types are added at run time with `customResource`.
 */
import * as d from "./defaults.js";
import { CORE_EVENT_FIELDS, defaultCoreEvent, eventFromCore, eventToCore, EVENTS_V1_FIELDS } from "./events.js";
import { legacyEventErrors, strictEventCreateErrors } from "./events-validation.js";
import { path, type FieldGetter, type FieldSet } from "./field-selector.js";
import type { FieldError } from "./status.js";
import { bindingErrors, bindingUpdateErrors, defaultBinding, roleErrors } from "./rbac-validation.js";
import { preparePodCreate } from "./pod-create.js";
import { keepPodPriority } from "./pod-priority.js";
import { podUpdateErrors } from "./pod-update.js";
import { jobStatusErrors } from "./job-status.js";
import { jobUpdateErrors } from "./job-update.js";
import { prepareServiceUpdate, serviceUpdateErrors } from "./service-ips.js";
import { allocateService } from "./service-alloc.js";
import { serviceErrors } from "./service-validation.js";
import { defaultServiceStatus, serviceStatusErrors } from "./service-status.js";
import type { Registry } from "./registry.js";
import type { UserInfo } from "./auth/index.js";
import type { Call } from "./call.js";
import type { UpdateScope } from "./write.js";
import { admitApproval } from "./csr-approval.js";
import { admitSigning } from "./csr-signing.js";
import { admitSubjectRestriction } from "./csr-subject-restriction.js";
import { admitPriorityClass, defaultPriorityClass, preparePriorityClassCreate, priorityClassErrors, priorityClassUpdateErrors, refusePriorityClassDelete } from "./priority-class.js";
import { immutableDataErrors, secretUpdateErrors, selectorUpdateErrors, statefulSetUpdateErrors } from "./immutable-fields.js";
import { namespaceStrategy } from "./namespace-strategy.js";
import { defaultCrd, prepareCrdCreate, prepareCrdUpdate } from "./crd-strategy.js";
import { crdErrors, crdUpdateErrors } from "./crd-validation.js";
import { schemaErrors } from "./crd-schema.js";
import { scaleErrors } from "./crd-scale.js";
import { celErrors, hasCelRules } from "./crd-cel.js";
import { defaultHpa, hpaErrors, resetHpaStatus } from "./hpa.js";
import { defaultHpaV1, hpaFromV1, hpaToV1, resetHpaV1Status } from "./hpa-v1.js";
import { leaseErrors } from "./object-rules.js";
import { secretErrors } from "./secret-rules.js";
import { deploymentStrategyErrors } from "./deployment-strategy.js";
import { concurrencyPolicyErrors, historyLimitErrors, jobSpecErrors, podFailurePolicyRestartErrors, startingDeadlineErrors } from "./job-validation.js";
import { defaultIngress, defaultIngressClass, ingressClassErrors, ingressClassUpdateErrors, ingressCreateErrors, ingressErrors, ingressStatusErrors } from "./ingress-validation.js";
import { defaultNetworkPolicy, networkPolicyErrors } from "./network-policy-validation.js";
import { defaultEndpointSlice, endpointSliceErrors } from "./endpointslice-validation.js";
import { defaultEndpoints, endpointsErrors, repackEndpoints } from "./endpoints-validation.js";
import { defaultWebhookConfiguration, webhookConfigurationErrors } from "./webhook-config-validation.js";
import { defaultPersistentVolume, defaultReplicationController, preparePersistentVolumeCreate } from "./core-legacy-types.js";
import { defaultLimitRange, limitRangeErrors, resourceQuotaErrors, resourceQuotaStatusErrors, resourceQuotaUpdateErrors } from "./quota-validation.js";
import { validateJobRestartPolicy, validatePodSpec, validateWorkloadRestartPolicy } from "./pod-spec.js";
import { controllerRevisionErrors, controllerRevisionUpdateErrors, podTemplateErrors } from "./revision-template-validation.js";
import { defaultStorageClass, storageClassErrors, storageClassUpdateErrors } from "./storage-class.js";
import { csrErrors, csrStatusErrors, defaultCsr, prepareCsrCreate, prepareCsrStatusUpdate, prepareCsrUpdate } from "./csr-strategy.js";
import { configMapErrors, replicasErrors, validateSchedule, validateSelector, validateTimeZone, type FinalizerRule, type NameRule } from "./validation.js";

type Obj = Record<string, any>;

/** Subresources the server implements. */
export type Subresource = "status" | "scale" | "log" | "eviction" | "token" | "finalize" | "exec" | "attach" | "portforward" | "approval";

/** The subresources that write the status with a strategy of their own (a CSR's `approval` besides `status`). */
export type StatusScope = "status" | "approval";

/** A served resource type. */
export interface ResourceDef {
  group: string;
  version: string;
  /** Plural, e.g. `deployments`. */
  resource: string;
  kind: string;
  namespaced: boolean;
  singular: string;
  shortNames: string[];
  categories: string[];
  subresources: Subresource[];
  /** The verbs of the main resource in discovery. */
  verbs: string[];
  nameRule: NameRule;
  /** How `metadata.finalizers` is checked (core's strict names for most built-in types). */
  finalizerRule: FinalizerRule;
  fields: FieldSet;
  /** Fills in defaults on create (and update); `uid` is the object's. */
  defaults?: (obj: Obj, uid: string) => void;
  /** Type-specific validation (metadata is checked for every type); `old`: the stored object, on an update (a custom resource's schema ratchets). */
  validate?: (obj: Obj, old?: Obj) => FieldError[];
  /** A status update's checks instead of `validate`'s, where they differ (a custom resource's: no spec scale check); `subresource`: which one writes. */
  validateStatus?: (obj: Obj, old?: Obj, subresource?: StatusScope) => FieldError[];
  /** What an update may not change (checked besides `validate`): the stored object is `old`. */
  validateUpdate?: (obj: Obj, old: Obj) => FieldError[];
  /**
   * Checks that run after every other, given their errors (a custom resource's CEL rules, which
   * do not run after some of them); `old` is the stored object on an update (a status update's
   * too); `warn` adds a warning to the answer (a rule an unchanged value fails: ratcheting).
   */
  validateLast?: (obj: Obj, old: Obj | undefined, earlier: readonly FieldError[], warn: (text: string) => void) => FieldError[];
  /** Before defaults on an update of the main resource: keeps what the server allocated (a Service's cluster IPs). */
  prepareUpdate?: (obj: Obj, old: Obj) => void;
  /** The REST storage's allocation before the strategy (a Service's cluster IP and node ports), after defaults; `old` on an update. Throws its 422. */
  allocate?: (registry: Registry, obj: Obj, old?: Obj) => void;
  /** The strategy's PrepareForCreate, after defaults (a Namespace's status reset and `kubernetes` finalizer; a gated Pod's PodScheduled condition, dated `timestamp`). */
  prepareCreate?: (obj: Obj, timestamp: string, user: UserInfo) => void;
  /** On a status update, once the status is put on the stored object: what decoding defaults in it (a Namespace's phase), or the subresource's strategy (a CSR's). */
  prepareStatusUpdate?: (obj: Obj, old: Obj, subresource: StatusScope, timestamp: string) => void;
  /**
   * The metadata fields a status update of a built-in type keeps from the stored object besides
   * the immutable ones (its status strategy's PrepareForUpdate: a Pod's `ownerReferences`, a
   * Deployment's `labels`); it takes every other metadata change, as the strategies do.
   */
  statusKeepsMetadata?: readonly string[];
  /** The store's ShouldDeleteDuringUpdate, besides no finalizers left on a deleting object (a Namespace also waits for its `spec.finalizers`). */
  shouldDeleteDuringUpdate?: (obj: Obj) => boolean;
  /** The strategy's Canonicalize, after validation on create and update (an Endpoints' subsets repacked). */
  canonicalize?: (obj: Obj) => void;
  /**
   * The type's built-in validating admission plugins, once validation passed: on create (`old`
   * undefined) and update (`subresource`: which one writes). Throws their 403 (a PriorityClass's
   * second global default; a CSR's approval by a user who may not approve its signer).
   */
  admit?: (call: Call, obj: Obj, old: Obj | undefined, subresource: UpdateScope | undefined) => void;
  /** The REST storage's own refusal of a DELETE of `name`, before it is read (a system PriorityClass's 403). */
  refuseDelete?: (name: string) => void;
  /** Checked on create only, besides `validate`. */
  validateCreate?: (obj: Obj) => FieldError[];
  /**
   * The type's own validation does not check metadata (Events): the generic metadata check of
   * the registry's BeforeCreate/BeforeUpdate runs after it, and only when it found nothing.
   */
  metaCheckedAfter?: boolean;
  /** Workloads: a change of anything but metadata and status bumps `metadata.generation`. */
  generation: boolean;
  /** A change of these metadata bumps it too (Deployments' annotations: they copy theirs to their ReplicaSets; EndpointSlices' labels). */
  metadataBumpsGeneration?: "annotations" | "labels";
  /** A PUT must name the resourceVersion it replaces (the strategy's AllowUnconditionalUpdate is false: Leases, custom resources). */
  conditionalUpdate?: boolean;
  /** Pods answer a delete with the object; most types with a Success Status. */
  returnDeletedObject: boolean;
  /** What a delete without propagationPolicy does to dependents (batch/v1 Jobs orphan them). */
  defaultPropagation: "Background" | "Orphan";
  /** `true` for types added by `createResourceType` (their list items keep kind and apiVersion). */
  custom: boolean;
  /** A PUT of a missing object creates it (the real registry's `AllowCreateOnUpdate`: Leases, Events, Services, Endpoints, LimitRanges, RBAC). */
  createOnUpdate: boolean;
  /** Set on another version of a stored resource: objects are kept as `storage.def`'s and converted. */
  storage?: StorageVersion;
  /** Set on the types a CustomResourceDefinition serves. */
  crd?: CrdFacts;
}

/** How a version that shares another's storage converts (events.k8s.io/v1 Events are core/v1 Events). */
export interface StorageVersion {
  /** The stored version's type. */
  def: ResourceDef;
  toStorage(obj: Obj): Obj;
  fromStorage(obj: Obj): Obj;
}

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(def: { group: string; version: string }): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

const CRUD = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

function def(partial: Partial<ResourceDef> & Pick<ResourceDef, "group" | "version" | "resource" | "kind" | "namespaced">): ResourceDef {
  return {
    singular: partial.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    subresources: [],
    verbs: CRUD,
    nameRule: "subdomain",
    finalizerRule: "core",
    fields: { extra: {}, custom: false },
    generation: false,
    returnDeletedObject: false,
    defaultPropagation: "Background",
    custom: false,
    createOnUpdate: false,
    ...partial,
  };
}

/** A type's own field label conversion: `extra` besides metadata.name (and metadata.namespace unless `namespace` is false). */
function fields(extra: Record<string, FieldGetter>, more: Pick<FieldSet, "namespace" | "aliases"> = {}): FieldSet {
  return { extra, custom: true, ...more };
}

/** validateJobSpec of the JobSpec at `at`: its own fields, the pod template, the restart policy. */
const jobSpecAt = (spec: Obj | undefined, at: string): FieldError[] => {
  const pod = spec?.template?.spec;
  return [...jobSpecErrors(spec, at), ...validatePodSpec(pod, `${at}.template.spec`), ...validateJobRestartPolicy(pod, `${at}.template.spec.restartPolicy`), ...podFailurePolicyRestartErrors(spec, at)];
};
const jobErrors = (o: Obj): FieldError[] => jobSpecAt(o.spec, "spec");
const cronJobErrors = (o: Obj): FieldError[] => [
  // validateCronJobSpec's order: schedule, starting deadline, time zone, concurrency policy, the job template, history limits.
  ...validateSchedule(o.spec?.schedule),
  ...startingDeadlineErrors(o.spec),
  ...validateTimeZone(o.spec?.timeZone),
  ...concurrencyPolicyErrors(o.spec),
  ...jobSpecAt(o.spec?.jobTemplate?.spec, "spec.jobTemplate.spec"),
  ...historyLimitErrors(o.spec),
];
/** ValidateCronJobCreate, after the spec: the controller's Job names add 11 characters to a 63 limit (not checked on update). */
const cronJobNameLength = (o: Obj): FieldError[] =>
  String(o.metadata?.name ?? "").length > 52 ? [{ type: "Invalid", field: "metadata.name", value: o.metadata.name, detail: "must be no more than 52 characters" }] : [];
const workload = (o: Obj): FieldError[] => [
  ...validateSelector(o.spec),
  ...validatePodSpec(o.spec?.template?.spec, "spec.template.spec"),
  ...validateWorkloadRestartPolicy(o.spec?.template?.spec, "spec.template.spec.restartPolicy"),
];
/** A workload with replicas (Deployment, ReplicaSet, StatefulSet): the count checked first, as their spec validations do. */
const scaledWorkload = (o: Obj): FieldError[] => [...replicasErrors(o.spec), ...workload(o)];
/** ValidateDeploymentSpec: a scaled workload's checks, then its strategy. */
const deploymentErrors = (o: Obj): FieldError[] => [...scaledWorkload(o), ...deploymentStrategyErrors(o.spec)];

const HPA_V2 = def({
  group: "autoscaling", version: "v2", resource: "horizontalpodautoscalers", kind: "HorizontalPodAutoscaler", namespaced: true, shortNames: ["hpa"], categories: ["all"], subresources: ["status"],
  defaults: defaultHpa, prepareCreate: resetHpaStatus, validate: hpaErrors,
});

const CORE_EVENTS = def({
  group: "", version: "v1", resource: "events", kind: "Event", namespaced: true, shortNames: ["ev"], defaults: defaultCoreEvent, finalizerRule: "generic", fields: fields(CORE_EVENT_FIELDS), createOnUpdate: true,
  nameRule: "segment", metaCheckedAfter: true, validate: legacyEventErrors,
});

/** Every built-in type, in discovery order within each group version. */
export const BUILTIN: ResourceDef[] = [
  def({ group: "", version: "v1", resource: "configmaps", kind: "ConfigMap", namespaced: true, finalizerRule: "update+create", shortNames: ["cm"], validate: configMapErrors, validateUpdate: (o, old) => immutableDataErrors(o, old, ["data", "binaryData"]) }),
  def({ group: "", version: "v1", resource: "endpoints", kind: "Endpoints", namespaced: true, finalizerRule: "update+create", createOnUpdate: true, shortNames: ["ep"], defaults: defaultEndpoints, validate: endpointsErrors, canonicalize: repackEndpoints }),
  CORE_EVENTS,
  def({ group: "", version: "v1", resource: "limitranges", kind: "LimitRange", namespaced: true, finalizerRule: "create", createOnUpdate: true, shortNames: ["limits"], defaults: defaultLimitRange, validate: limitRangeErrors }),
  def({ group: "", version: "v1", resource: "namespaces", kind: "Namespace", namespaced: false, ...namespaceStrategy(), shortNames: ["ns"], nameRule: "label", subresources: ["status", "finalize"], verbs: ["create", "delete", "get", "list", "patch", "update", "watch"], defaults: d.defaultNamespace, fields: fields({ "status.phase": path("status.phase") }, { namespace: false }) }),
  def({ group: "", version: "v1", resource: "nodes", kind: "Node", namespaced: false, shortNames: ["no"], subresources: ["status"], defaults: d.defaultNode, fields: fields({ "spec.unschedulable": (o) => String(Boolean((o.spec as Obj | undefined)?.unschedulable)) }, { namespace: false }) }),
  // No conversion of its own: the default's metadata.name and metadata.namespace (never set, so "").
  def({ group: "", version: "v1", resource: "persistentvolumes", kind: "PersistentVolume", namespaced: false, shortNames: ["pv"], subresources: ["status"], defaults: defaultPersistentVolume, prepareCreate: preparePersistentVolumeCreate }),
  def({ group: "", version: "v1", resource: "persistentvolumeclaims", kind: "PersistentVolumeClaim", namespaced: true, finalizerRule: "create+update", shortNames: ["pvc"], subresources: ["status"], defaults: d.defaultPvc }),
  def({
    group: "", version: "v1", resource: "pods", kind: "Pod", namespaced: true, finalizerRule: "update+create", statusKeepsMetadata: ["ownerReferences"], shortNames: ["po"], categories: ["all"], subresources: ["status", "log", "eviction", "exec", "attach", "portforward"],
    defaults: d.defaultPod, prepareCreate: preparePodCreate, prepareUpdate: keepPodPriority, returnDeletedObject: true, validate: (o) => validatePodSpec(o.spec, "spec"), validateUpdate: podUpdateErrors,
    fields: fields(
      {
        ...Object.fromEntries(["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.phase", "status.podIP", "status.nominatedNodeName"].map((f) => [f, path(f)])),
        // ToSelectableFields: strconv.FormatBool, so an unset hostNetwork is "false".
        "spec.hostNetwork": (o) => String(Boolean((o.spec as Obj | undefined)?.hostNetwork)),
        // The conversion accepts it, ToSelectableFields has no such field: it always reads "".
        "status.podIPs": () => "",
      },
      { aliases: { "spec.host": "spec.nodeName" } },
    ),
  }),
  def({ group: "", version: "v1", resource: "podtemplates", kind: "PodTemplate", namespaced: true, defaults: (o) => d.defaultTemplate((o.template ??= {})), validate: podTemplateErrors }),
  def({
    group: "", version: "v1", resource: "replicationcontrollers", kind: "ReplicationController", namespaced: true, shortNames: ["rc"], categories: ["all"], subresources: ["status"], defaults: defaultReplicationController, generation: true,
    // ControllerToSelectableFields: strconv.Itoa of status.replicas.
    fields: fields({ "status.replicas": (o) => String((o.status as Obj | undefined)?.replicas ?? 0) }),
  }),
  def({
    group: "", version: "v1", resource: "resourcequotas", kind: "ResourceQuota", namespaced: true, shortNames: ["quota"], subresources: ["status"],
    validate: resourceQuotaErrors, validateUpdate: resourceQuotaUpdateErrors, validateStatus: resourceQuotaStatusErrors,
  }),
  def({ group: "", version: "v1", resource: "secrets", kind: "Secret", namespaced: true, finalizerRule: "update+create", defaults: d.defaultSecret, fields: fields({ type: path("type") }), validate: secretErrors, validateUpdate: secretUpdateErrors }),
  def({ group: "", version: "v1", resource: "serviceaccounts", kind: "ServiceAccount", namespaced: true, finalizerRule: "update+create", shortNames: ["sa"], subresources: ["token"] }),
  def({ group: "", version: "v1", resource: "services", kind: "Service", namespaced: true, shortNames: ["svc"], categories: ["all"], nameRule: "dns1035", subresources: ["status"], defaults: d.defaultService, prepareStatusUpdate: defaultServiceStatus, validateStatus: serviceStatusErrors, validateCreate: serviceErrors,
    // AddFieldLabelConversionsForService; the strategy's GetAttrs (SelectableFields).
    fields: fields({ "spec.clusterIP": path("spec.clusterIP"), "spec.type": path("spec.type") }), createOnUpdate: true, prepareUpdate: prepareServiceUpdate, allocate: allocateService, validateUpdate: (o, old) => [...serviceUpdateErrors(o, old), ...serviceErrors(o)], verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"] }),
  def({ group: "admissionregistration.k8s.io", version: "v1", resource: "mutatingwebhookconfigurations", kind: "MutatingWebhookConfiguration", namespaced: false, categories: ["api-extensions"], defaults: defaultWebhookConfiguration(true), validate: webhookConfigurationErrors(true), generation: true }),
  def({ group: "admissionregistration.k8s.io", version: "v1", resource: "validatingwebhookconfigurations", kind: "ValidatingWebhookConfiguration", namespaced: false, categories: ["api-extensions"], defaults: defaultWebhookConfiguration(false), validate: webhookConfigurationErrors(false), generation: true }),
  def({
    group: "apiextensions.k8s.io", version: "v1", resource: "customresourcedefinitions", kind: "CustomResourceDefinition", namespaced: false, finalizerRule: "generic", shortNames: ["crd", "crds"], categories: ["api-extensions"], subresources: ["status"],
    defaults: defaultCrd, prepareCreate: prepareCrdCreate, prepareUpdate: prepareCrdUpdate, validate: crdErrors, validateUpdate: crdUpdateErrors, generation: true,
  }),
  def({ group: "apps", version: "v1", resource: "controllerrevisions", kind: "ControllerRevision", namespaced: true, validate: controllerRevisionErrors, validateUpdate: controllerRevisionUpdateErrors }),
  def({ group: "apps", version: "v1", resource: "daemonsets", kind: "DaemonSet", namespaced: true, shortNames: ["ds"], categories: ["all"], subresources: ["status"], defaults: d.defaultDaemonSet, validate: workload, validateUpdate: selectorUpdateErrors, generation: true }),
  def({ group: "apps", version: "v1", resource: "deployments", kind: "Deployment", namespaced: true, shortNames: ["deploy"], categories: ["all"], subresources: ["scale", "status"], defaults: d.defaultDeployment, validate: deploymentErrors, validateUpdate: selectorUpdateErrors, generation: true, metadataBumpsGeneration: "annotations", statusKeepsMetadata: ["labels"] }),
  def({ group: "apps", version: "v1", resource: "replicasets", kind: "ReplicaSet", namespaced: true, shortNames: ["rs"], categories: ["all"], subresources: ["scale", "status"], defaults: d.defaultReplicaSet, validate: scaledWorkload, validateUpdate: selectorUpdateErrors, generation: true, fields: fields({ "status.replicas": path("status.replicas") }) }),
  def({ group: "apps", version: "v1", resource: "statefulsets", kind: "StatefulSet", namespaced: true, shortNames: ["sts"], categories: ["all"], subresources: ["scale", "status"], defaults: d.defaultStatefulSet, validate: scaledWorkload, validateUpdate: statefulSetUpdateErrors, generation: true }),
  def({ group: "authentication.k8s.io", version: "v1", resource: "selfsubjectreviews", kind: "SelfSubjectReview", namespaced: false, verbs: ["create"] }),
  def({ group: "authentication.k8s.io", version: "v1", resource: "tokenreviews", kind: "TokenReview", namespaced: false, verbs: ["create"] }),
  def({ group: "authorization.k8s.io", version: "v1", resource: "localsubjectaccessreviews", kind: "LocalSubjectAccessReview", namespaced: true, verbs: ["create"] }),
  def({ group: "authorization.k8s.io", version: "v1", resource: "selfsubjectaccessreviews", kind: "SelfSubjectAccessReview", namespaced: false, verbs: ["create"] }),
  def({ group: "authorization.k8s.io", version: "v1", resource: "selfsubjectrulesreviews", kind: "SelfSubjectRulesReview", namespaced: false, verbs: ["create"] }),
  def({ group: "authorization.k8s.io", version: "v1", resource: "subjectaccessreviews", kind: "SubjectAccessReview", namespaced: false, verbs: ["create"] }),
  HPA_V2,
  // autoscaling/v1 is served from the v2 storage (hpa-v1), after v2 (the preferred version).
  def({
    group: "autoscaling", version: "v1", resource: "horizontalpodautoscalers", kind: "HorizontalPodAutoscaler", namespaced: true, shortNames: ["hpa"], categories: ["all"], subresources: ["status"],
    defaults: defaultHpaV1, prepareCreate: resetHpaV1Status, validate: hpaErrors, storage: { def: HPA_V2, toStorage: hpaFromV1, fromStorage: hpaToV1 },
  }),
  def({
    group: "batch", version: "v1", resource: "cronjobs", kind: "CronJob", namespaced: true, shortNames: ["cj"], categories: ["all"], subresources: ["status"], defaults: d.defaultCronJob, generation: true,
    validate: cronJobErrors, validateCreate: cronJobNameLength,
  }),
  def({
    group: "batch", version: "v1", resource: "jobs", kind: "Job", namespaced: true, finalizerRule: "create+update", categories: ["all"], subresources: ["status"], defaults: d.defaultJob, generation: true,
    validate: jobErrors, validateUpdate: jobUpdateErrors, validateStatus: jobStatusErrors, defaultPropagation: "Orphan", fields: fields({ "status.successful": (o) => String((o.status as Obj | undefined)?.successful ?? 0) }),
  }),
  def({
    group: "certificates.k8s.io", version: "v1", resource: "certificatesigningrequests", kind: "CertificateSigningRequest", namespaced: false, shortNames: ["csr"], subresources: ["approval", "status"],
    nameRule: "segment", defaults: defaultCsr, prepareCreate: prepareCsrCreate, prepareUpdate: prepareCsrUpdate, prepareStatusUpdate: prepareCsrStatusUpdate, validate: csrErrors, validateStatus: csrStatusErrors,
    // CertificateSubjectRestriction on a create; CertificateApproval and CertificateSigning check
    // the approver or signer of the stored object's signer.
    admit: (call, obj, old, subresource) => {
      if (!old) admitSubjectRestriction(call, obj);
      else if (subresource === "approval") admitApproval(call, old);
      else if (subresource === "status") admitSigning(call, obj, old);
    },
    // The v1 conversion's field labels: metadata.name and spec.signerName.
    fields: fields({ "spec.signerName": path("spec.signerName") }, { namespace: false }),
  }),
  def({ group: "coordination.k8s.io", version: "v1", resource: "leases", kind: "Lease", namespaced: true, finalizerRule: "generic", createOnUpdate: true, conditionalUpdate: true, validate: leaseErrors }),
  def({ group: "discovery.k8s.io", version: "v1", resource: "endpointslices", kind: "EndpointSlice", namespaced: true, finalizerRule: "create", defaults: defaultEndpointSlice, validate: endpointSliceErrors, generation: true, metadataBumpsGeneration: "labels" }),
  def({
    group: "events.k8s.io", version: "v1", resource: "events", kind: "Event", namespaced: true, finalizerRule: "generic", shortNames: ["ev"], fields: fields(EVENTS_V1_FIELDS), storage: { def: CORE_EVENTS, toStorage: eventToCore, fromStorage: eventFromCore }, createOnUpdate: true,
    nameRule: "segment", metaCheckedAfter: true, validate: (o) => legacyEventErrors(eventToCore(o)), validateCreate: (o) => strictEventCreateErrors(eventToCore(o)),
  }),
  def({ group: "networking.k8s.io", version: "v1", resource: "ingressclasses", kind: "IngressClass", namespaced: false, finalizerRule: "update+create", defaults: defaultIngressClass, generation: true,
    // ValidateIngressClassUpdate: the controller's immutability first, then the class as on create.
    validate: (o, old) => [...(old ? ingressClassUpdateErrors(o, old) : []), ...ingressClassErrors(o)] }),
  def({ group: "networking.k8s.io", version: "v1", resource: "ingresses", kind: "Ingress", namespaced: true, finalizerRule: "update+create", shortNames: ["ing"], subresources: ["status"], defaults: defaultIngress, generation: true,
    validate: ingressErrors, validateCreate: ingressCreateErrors, validateStatus: ingressStatusErrors }),
  def({ group: "networking.k8s.io", version: "v1", resource: "networkpolicies", kind: "NetworkPolicy", namespaced: true, shortNames: ["netpol"], defaults: defaultNetworkPolicy, validate: networkPolicyErrors, generation: true }),
  def({ group: "policy", version: "v1", resource: "poddisruptionbudgets", kind: "PodDisruptionBudget", namespaced: true, finalizerRule: "generic", shortNames: ["pdb"], subresources: ["status"], defaults: d.defaultPdb, generation: true }),
  def({ group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterrolebindings", kind: "ClusterRoleBinding", namespaced: false, finalizerRule: "create+update", nameRule: "segment", createOnUpdate: true, defaults: defaultBinding, validate: (o) => bindingErrors(o, false), validateUpdate: bindingUpdateErrors }),
  def({ group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterroles", kind: "ClusterRole", namespaced: false, finalizerRule: "create+update", nameRule: "segment", createOnUpdate: true, validate: (o) => roleErrors(o, false) }),
  def({ group: "rbac.authorization.k8s.io", version: "v1", resource: "rolebindings", kind: "RoleBinding", namespaced: true, finalizerRule: "create+update", nameRule: "segment", createOnUpdate: true, defaults: defaultBinding, validate: (o) => bindingErrors(o, true), validateUpdate: bindingUpdateErrors }),
  def({ group: "rbac.authorization.k8s.io", version: "v1", resource: "roles", kind: "Role", namespaced: true, finalizerRule: "create+update", nameRule: "segment", createOnUpdate: true, validate: (o) => roleErrors(o, true) }),
  def({
    group: "scheduling.k8s.io", version: "v1", resource: "priorityclasses", kind: "PriorityClass", namespaced: false, shortNames: ["pc"], defaults: defaultPriorityClass,
    prepareCreate: preparePriorityClassCreate, validate: priorityClassErrors, validateUpdate: priorityClassUpdateErrors, admit: admitPriorityClass, refuseDelete: refusePriorityClassDelete,
  }),
  def({
    group: "storage.k8s.io", version: "v1", resource: "storageclasses", kind: "StorageClass", namespaced: false, shortNames: ["sc"], defaults: defaultStorageClass,
    // The strategy's ValidateUpdate: ValidateStorageClass, then ValidateStorageClassUpdate.
    validate: storageClassErrors, validateUpdate: storageClassUpdateErrors,
  }),
];

/** The CR validator (validator.go): the version's OpenAPI schema (ratcheted on an update: `old`), then its scale paths (the spec's not on a status update). */
function crValidator(crd: CrdFacts, spec: boolean): (o: Obj, old?: Obj) => FieldError[] {
  return (o, old) => [...(crd.schema ? schemaErrors(crd.schema, o, old) : []), ...(crd.scale ? scaleErrors(crd.scale, o, spec) : [])];
}

/** A custom resource type: from `createResourceType`, or one served version of a CRD (crd-types.ts). */
export interface CustomTypeSpec {
  group: string;
  version: string;
  /** Plural lower-case name, e.g. `widgets`. */
  resource: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Default: the lower-cased kind. */
  singular?: string;
  categories?: string[];
  /** Default: `status` (a `createResourceType` type); a CRD version's are those it enables. */
  subresources?: Subresource[];
  /** A CRD version's `selectableFields`, as field labels (`spec.color`). */
  selectableFields?: string[];
  storage?: StorageVersion;
  crd?: CrdFacts;
}

/** What a CRD-backed type keeps of its CustomResourceDefinition. */
export interface CrdFacts {
  /** The CRD's name (`widgets.example.com`). */
  name: string;
  /** Its accepted `listKind` (`WidgetList`), naming the List kind in the OpenAPI v3 document. */
  listKind?: string;
  /** The version's `additionalPrinterColumns` (empty: Name and Age). */
  columns: PrinterColumn[];
  /** The version's `openAPIV3Schema`, for pruning, defaulting and validation. */
  schema?: Record<string, any>;
  /** The version's scale subresource paths. */
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
}

/** One of a CRD version's `additionalPrinterColumns`. */
export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export function customResource(t: CustomTypeSpec): ResourceDef {
  // The CR converter: metadata.name, metadata.namespace only when namespaced, the selectable fields, "field label not supported" otherwise.
  const selectable = Object.fromEntries((t.selectableFields ?? []).map((f) => [f, path(f)]));
  return def({
    ...t,
    finalizerRule: "generic",
    singular: t.singular ?? t.kind.toLowerCase(),
    shortNames: t.shortNames ?? [],
    categories: t.categories ?? [],
    subresources: t.subresources ?? ["status"],
    custom: true,
    generation: true,
    conditionalUpdate: true,
    fields: fields(selectable, { namespace: t.namespaced }),
    // The CR validator: the version's OpenAPI schema, then its scale paths, after the metadata checks.
    ...(t.crd?.schema || t.crd?.scale ? { validate: crValidator(t.crd, true), validateStatus: crValidator(t.crd, false) } : {}),
    // Then its CEL rules (x-kubernetes-validations), on the spec and the status alike.
    ...(hasCelRules(t.crd?.schema) ? { validateLast: (o: Obj, old: Obj | undefined, earlier: readonly FieldError[], warn: (text: string) => void) => celErrors(t.crd!.schema, o, old, earlier, warn) } : {}),
  });
}

/** Types that are only created (reviews): never stored, never listed. */
export function isReview(rd: ResourceDef): boolean {
  return rd.verbs.length === 1 && rd.verbs[0] === "create";
}

/** The type `def`'s objects are stored as: itself, or the stored version it converts to. */
export function storedAs(def: ResourceDef): ResourceDef {
  return def.storage?.def ?? def;
}
