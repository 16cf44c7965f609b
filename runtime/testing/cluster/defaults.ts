/**
 * @module cluster/defaults
 * The defaults the real server fills in (API defaulting plus the default admission plugins
 * that touch pods: DefaultTolerationSeconds, Priority; the ServiceAccount one is
 * serviceaccount-admission), so a created object reads back as from a real cluster: containers
 * get `terminationMessagePath`, `imagePullPolicy` and `resources: {}`, pods get tolerations, `status.phase: Pending` and a `qosClass`; workloads, Jobs, CronJobs,
 * Secrets, Services and Namespaces get theirs. Functions mutate the object they are given.
 */
type Obj = Record<string, any>;

/** A random lowercase suffix as `utilrand.String(n)` makes (no vowels, no ambiguous characters). */
export function randomSuffix(n = 5): string {
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  let out = "";
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}

function setDefault(obj: Obj, key: string, value: unknown): void {
  if (obj[key] === undefined) obj[key] = value;
}

function imagePullPolicy(image: string | undefined): string {
  if (!image) return "IfNotPresent";
  const last = image.split("/").pop() ?? "";
  if (image.includes("@")) return "IfNotPresent";
  const tag = last.includes(":") ? last.slice(last.lastIndexOf(":") + 1) : "";
  return tag === "" || tag === "latest" ? "Always" : "IfNotPresent";
}

/** SetDefaults_HTTPGetAction: path "/", scheme HTTP. */
function defaultHttpGet(action: Obj | undefined): void {
  if (!action || typeof action !== "object") return;
  if (!action.path) action.path = "/";
  if (!action.scheme) action.scheme = "HTTP";
}

/** SetDefaults_Probe, and its HTTP action's. */
function defaultProbe(probe: Obj | undefined): void {
  if (!probe || typeof probe !== "object") return;
  setDefault(probe, "timeoutSeconds", 1);
  setDefault(probe, "periodSeconds", 10);
  setDefault(probe, "successThreshold", 1);
  setDefault(probe, "failureThreshold", 3);
  defaultHttpGet(probe.httpGet);
}

function defaultContainer(c: Obj): void {
  setDefault(c, "resources", {});
  for (const key of ["livenessProbe", "readinessProbe", "startupProbe"]) defaultProbe(c[key]);
  for (const hook of ["postStart", "preStop"]) defaultHttpGet(c.lifecycle?.[hook]?.httpGet);
  setDefault(c, "terminationMessagePath", "/dev/termination-log");
  setDefault(c, "terminationMessagePolicy", "File");
  setDefault(c, "imagePullPolicy", imagePullPolicy(c.image));
  for (const p of c.ports ?? []) setDefault(p, "protocol", "TCP");
  for (const e of c.env ?? []) {
    const ref = e.valueFrom?.fieldRef;
    if (ref) setDefault(ref, "apiVersion", "v1");
  }
}

/** Defaults of a PodSpec (in a pod or a template). */
export function defaultPodSpec(spec: Obj, restartPolicy = "Always"): void {
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.containers ?? []) defaultContainer(c);
  setDefault(spec, "restartPolicy", restartPolicy);
  setDefault(spec, "terminationGracePeriodSeconds", 30);
  setDefault(spec, "dnsPolicy", "ClusterFirst");
  setDefault(spec, "securityContext", {});
  setDefault(spec, "schedulerName", "default-scheduler");
  for (const v of spec.volumes ?? []) {
    if (v.configMap) setDefault(v.configMap, "defaultMode", 420);
    if (v.secret) setDefault(v.secret, "defaultMode", 420);
    if (v.projected) setDefault(v.projected, "defaultMode", 420);
    if (v.downwardAPI) {
      setDefault(v.downwardAPI, "defaultMode", 420);
      for (const item of v.downwardAPI.items ?? []) if (item.fieldRef) setDefault(item.fieldRef, "apiVersion", "v1");
    }
    if (v.hostPath) setDefault(v.hostPath, "type", "");
    // SetDefaults_Volume: a volume with no source (`emptyDir: null` decodes to none) is an emptyDir.
    if (v.emptyDir === null || Object.keys(v).every((k) => k === "name")) v.emptyDir = {};
  }
}

/** Defaults of a pod template (`spec.template` of workloads). */
export function defaultTemplate(template: Obj | undefined, restartPolicy = "Always"): void {
  if (!template) return;
  template.metadata ??= {};
  setDefault(template.metadata, "creationTimestamp", null);
  template.spec ??= {};
  defaultPodSpec(template.spec, restartPolicy);
}

function qosClass(spec: Obj): string {
  const all = [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Obj[];
  const has = (c: Obj) => Object.keys(c.resources?.requests ?? {}).length > 0 || Object.keys(c.resources?.limits ?? {}).length > 0;
  if (!all.some(has)) return "BestEffort";
  const guaranteed = all.every((c) => {
    const limits = c.resources?.limits ?? {};
    const requests = c.resources?.requests ?? {};
    return ["cpu", "memory"].every((r) => limits[r] !== undefined && (requests[r] === undefined || requests[r] === limits[r]));
  });
  return guaranteed ? "Guaranteed" : "Burstable";
}

/** A pod's API defaults alone (SetDefaults_Pod, SetDefaults_PodSpec): what the field manager sees of a created pod. */
export function defaultPodFields(pod: Obj): Obj {
  pod.spec ??= {};
  const spec = pod.spec;
  defaultPodSpec(spec);
  // SetDefaults_Pod: a container's (and an init container's) requests default to its limits.
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const l of c.resources?.limits ? Object.entries(c.resources.limits) : []) {
      c.resources.requests ??= {};
      setDefault(c.resources.requests, l[0], l[1]);
    }
  }
  setDefault(spec, "enableServiceLinks", true);
  return pod;
}

/** A pod: spec defaults plus the DefaultTolerationSeconds admission plugin and the Priority plugin's zero priority where pod-priority set none (the ServiceAccount one: serviceaccount-admission). */
export function defaultPod(pod: Obj): void {
  defaultPodFields(pod);
  const spec = pod.spec;
  const sa = spec.serviceAccountName ?? spec.serviceAccount ?? "default";
  spec.serviceAccountName = sa;
  spec.serviceAccount = sa;
  const tolerations: Obj[] = spec.tolerations ?? [];
  for (const key of ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]) {
    if (!tolerations.some((t) => t.key === key || (t.operator === "Exists" && !t.key))) {
      tolerations.push({ key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 });
    }
  }
  spec.tolerations = tolerations;
  setDefault(spec, "priority", 0);
  setDefault(spec, "preemptionPolicy", "PreemptLowerPriority");
  pod.status ??= {};
  setDefault(pod.status, "phase", "Pending");
  setDefault(pod.status, "qosClass", qosClass(spec));
}

/** A Deployment. */
export function defaultDeployment(d: Obj): void {
  d.spec ??= {};
  setDefault(d.spec, "replicas", 1);
  defaultTemplate(d.spec.template);
  d.spec.strategy ??= {};
  // SetDefaults_Deployment: an empty type is RollingUpdate.
  if (d.spec.strategy.type === undefined || d.spec.strategy.type === "") d.spec.strategy.type = "RollingUpdate";
  if (d.spec.strategy.type === "RollingUpdate") {
    d.spec.strategy.rollingUpdate ??= {};
    setDefault(d.spec.strategy.rollingUpdate, "maxUnavailable", "25%");
    setDefault(d.spec.strategy.rollingUpdate, "maxSurge", "25%");
  }
  setDefault(d.spec, "revisionHistoryLimit", 10);
  setDefault(d.spec, "progressDeadlineSeconds", 600);
  d.status ??= {};
}

/** A StatefulSet. */
export function defaultStatefulSet(s: Obj): void {
  s.spec ??= {};
  setDefault(s.spec, "replicas", 1);
  defaultTemplate(s.spec.template);
  setDefault(s.spec, "podManagementPolicy", "OrderedReady");
  s.spec.updateStrategy ??= { type: "RollingUpdate" };
  if (s.spec.updateStrategy.type === "RollingUpdate") s.spec.updateStrategy.rollingUpdate ??= { partition: 0 };
  setDefault(s.spec, "revisionHistoryLimit", 10);
  setDefault(s.spec, "persistentVolumeClaimRetentionPolicy", { whenDeleted: "Retain", whenScaled: "Retain" });
  s.status ??= { replicas: 0, availableReplicas: 0 };
}

/** A DaemonSet. */
export function defaultDaemonSet(d: Obj): void {
  d.spec ??= {};
  defaultTemplate(d.spec.template);
  d.spec.updateStrategy ??= { type: "RollingUpdate" };
  if (d.spec.updateStrategy.type === "RollingUpdate") d.spec.updateStrategy.rollingUpdate ??= { maxUnavailable: 1, maxSurge: 0 };
  setDefault(d.spec, "revisionHistoryLimit", 10);
  d.status ??= { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
}

/** A ReplicaSet. */
export function defaultReplicaSet(r: Obj): void {
  r.spec ??= {};
  setDefault(r.spec, "replicas", 1);
  defaultTemplate(r.spec.template);
  r.status ??= { replicas: 0 };
}

/**
 * A Job: the controller-uid selector and labels (unless `manualSelector`), and the spec defaults.
 * The selector is the strategy's (generateSelector, once the Job has its uid): a Job without one
 * yet (`uid` "": as a mutating admission webhook sees it) gets only the spec defaults.
 */
export function defaultJob(job: Obj, uid: string): void {
  job.spec ??= {};
  const spec = job.spec;
  const name = job.metadata.name;
  // SetDefaults_Job: completions only when neither is set (a parallelism alone is a work queue).
  if (spec.completions == null && spec.parallelism == null) spec.completions = 1;
  setDefault(spec, "parallelism", 1);
  setDefault(spec, "backoffLimit", spec.backoffLimitPerIndex == null ? 6 : 2147483647);
  if (!spec.manualSelector && !spec.selector && uid) {
    const labels = { "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": name, "controller-uid": uid, "job-name": name };
    spec.selector = { matchLabels: { "batch.kubernetes.io/controller-uid": uid } };
    setDefault(spec, "manualSelector", false);
    spec.template ??= {};
    spec.template.metadata ??= {};
    spec.template.metadata.labels = { ...labels, ...(spec.template.metadata.labels ?? {}) };
    job.metadata.labels = { ...labels, ...(job.metadata.labels ?? {}) };
  }
  // A pod template's restartPolicy defaults to Always, which a Job refuses (see validateJobRestartPolicy).
  defaultTemplate(spec.template);
  setDefault(spec, "completionMode", "NonIndexed");
  setDefault(spec, "suspend", false);
  setDefault(spec, "podReplacementPolicy", spec.podFailurePolicy ? "Failed" : "TerminatingOrFailed");
  job.status ??= {};
}

/** A CronJob. */
export function defaultCronJob(cj: Obj): void {
  cj.spec ??= {};
  const spec = cj.spec;
  // SetDefaults_CronJob: an empty policy (or null, which decodes to one) is Allow.
  if (spec.concurrencyPolicy == null || spec.concurrencyPolicy === "") spec.concurrencyPolicy = "Allow";
  setDefault(spec, "suspend", false);
  spec.jobTemplate ??= {};
  spec.jobTemplate.metadata ??= {};
  setDefault(spec.jobTemplate.metadata, "creationTimestamp", null);
  spec.jobTemplate.spec ??= {};
  defaultTemplate(spec.jobTemplate.spec.template);
  setDefault(spec, "successfulJobsHistoryLimit", 3);
  setDefault(spec, "failedJobsHistoryLimit", 1);
  cj.status ??= {};
}

/** A Secret: `stringData` merged into base64 `data`, `type: Opaque`. */
export function defaultSecret(s: Obj): void {
  if (s.stringData) {
    s.data ??= {};
    for (const [k, v] of Object.entries(s.stringData as Record<string, string>)) s.data[k] = Buffer.from(String(v)).toString("base64");
    delete s.stringData;
  }
  setDefault(s, "type", "Opaque");
}

/**
 * A Service: port protocol and targetPort, policies, and the plural clusterIPs from a given
 * clusterIP (NormalizeClusterIPs); the IP families, cluster IP and node ports are the
 * registry's, later (service-ip-families, service-alloc).
 */
export function defaultService(svc: Obj): void {
  svc.spec ??= {};
  const spec = svc.spec;
  setDefault(spec, "type", "ClusterIP");
  for (const p of spec.ports ?? []) {
    setDefault(p, "protocol", "TCP");
    setDefault(p, "targetPort", p.port);
  }
  svc.status ??= { loadBalancer: {} };
  // NormalizeClusterIPs: the singular initialises the plural (headless: ["None"]), whatever the type.
  if (spec.clusterIP && (!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0)) spec.clusterIPs = [spec.clusterIP];
  // Affinity, whatever the type: None drops any affinity config, ClientIP gets its timeout.
  setDefault(spec, "sessionAffinity", "None");
  if (spec.sessionAffinity === "None") delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === "ClientIP") {
    spec.sessionAffinityConfig ??= {};
    spec.sessionAffinityConfig.clientIP ??= {};
    setDefault(spec.sessionAffinityConfig.clientIP, "timeoutSeconds", 10800);
  }
  // ExternalName: no cluster IP is allocated, no IP families, no internal traffic policy.
  if (spec.type === "ExternalName") return;
  setDefault(spec, "internalTrafficPolicy", "Cluster");
  // ExternallyAccessible: node ports, a load balancer, or external IPs.
  const external = Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0;
  if (spec.type === "NodePort" || spec.type === "LoadBalancer" || (spec.type === "ClusterIP" && external)) setDefault(spec, "externalTrafficPolicy", "Cluster");
  if (spec.type === "LoadBalancer") setDefault(spec, "allocateLoadBalancerNodePorts", true);
}

/** A Namespace: the name label, phase Active (the `kubernetes` finalizer is the strategy's, on create only: namespace-strategy). */
export function defaultNamespace(ns: Obj): void {
  ns.metadata.labels = { ...(ns.metadata.labels ?? {}), "kubernetes.io/metadata.name": ns.metadata.name };
  ns.spec ??= {};
  ns.status ??= {};
  setDefault(ns.status, "phase", "Active");
}

/** A PersistentVolumeClaim. */
export function defaultPvc(p: Obj): void {
  p.spec ??= {};
  setDefault(p.spec, "volumeMode", "Filesystem");
  p.status ??= { phase: "Pending" };
}

/** A Node. */
export function defaultNode(n: Obj): void {
  n.spec ??= {};
  n.status ??= {};
  n.status.daemonEndpoints ??= { kubeletEndpoint: { Port: 0 } };
  n.status.nodeInfo ??= { machineID: "", systemUUID: "", bootID: "", kernelVersion: "", osImage: "", containerRuntimeVersion: "", kubeletVersion: "", kubeProxyVersion: "", operatingSystem: "", architecture: "" };
}

/** A PodDisruptionBudget. */
export function defaultPdb(p: Obj): void {
  p.status ??= { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
}
