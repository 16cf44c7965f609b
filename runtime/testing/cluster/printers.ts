/**
 * @module cluster/printers
 * The server-side printers of pkg/printers/internalversion (1.32) for the types podfn uses:
 * each type's column definitions (name, type, format, priority, description) and the cells of
 * one object, wide columns included (the server always prints wide; kubectl hides priority 1);
 * more in `printers-more`, `printers-networking`, `printers-history` and `printers-cluster`. Types without a printer use the default table convertor (Name,
 * Created At); custom types the CRD default (Name, Age as a date).
 */
import { humanDuration } from "./duration.js";
import { AGE, age, col, containerCells, CONTAINERS_DOC, CREATED_DOC, formatLabels, formatSelector, IMAGES_DOC, NAME, NAME_DOC, since, type Column, type Obj, type Printer } from "./printer-columns.js";
import { CLUSTER_PRINTERS } from "./printers-cluster.js";
import { HISTORY_PRINTERS } from "./printers-history.js";
import { MORE_PRINTERS } from "./printers-more.js";
import { NETWORKING_PRINTERS } from "./printers-networking.js";
import { podCells } from "./printers-pod.js";
import { crdPrinter } from "./crd-printer.js";
import type { PrinterColumn } from "./resources.js";

export type { Column, Printer };

const count = (m: unknown) => (m && typeof m === "object" ? Object.keys(m).length : 0);

const hasCondition = (o: Obj, type: string) => ((o.status?.conditions ?? []) as Obj[]).some((c) => c.type === type && c.status === "True");

function serviceExternalIP(svc: Obj): string {
  const external: string[] = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type) {
    case "ClusterIP":
    case "NodePort":
      return external.length ? external.join(",") : "<none>";
    case "LoadBalancer": {
      // loadBalancerStatusStringer: the ingress points' IPs (else hostnames) as a sorted set (the
      // server prints wide: not clipped), then the externalIPs as they are.
      const points = [...new Set(((svc.status?.loadBalancer?.ingress ?? []) as Obj[]).map((i) => i.ip || i.hostname).filter(Boolean).map(String))].sort();
      const ips = [...points, ...external];
      return ips.length ? ips.join(",") : "<pending>";
    }
    case "ExternalName":
      return svc.spec.externalName ?? "";
    default:
      return "<unknown>";
  }
}

function servicePorts(svc: Obj): string {
  const ports = ((svc.spec?.ports ?? []) as Obj[]).map((p) => (p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`));
  return ports.length ? ports.join(",") : "<none>";
}

function eventCells(e: Obj, now: number): unknown[] {
  const first = e.firstTimestamp ? since(e.firstTimestamp, now) : since(e.eventTime, now);
  let last = e.lastTimestamp ? since(e.lastTimestamp, now) : first;
  let n: number = e.count ?? 0;
  if (e.series) {
    last = since(e.series.lastObservedTime, now);
    n = e.series.count ?? 0;
  } else if (n === 0) n = 1;
  const ref = e.involvedObject ?? {};
  const target = ref.name ? `${String(ref.kind ?? "").toLowerCase()}/${ref.name}` : String(ref.kind ?? "").toLowerCase();
  const component = e.source?.component || e.reportingComponent || "";
  const instance = e.source?.host || e.reportingInstance || "";
  return [last, e.type ?? "", e.reason ?? "", target, ref.fieldPath ?? "", instance ? `${component}, ${instance}` : component, String(e.message ?? "").trim(), first, n, e.metadata?.name];
}

function subjects(binding: Obj): [string, string, string] {
  const of = (kind: string, f: (s: Obj) => string) => ((binding.subjects ?? []) as Obj[]).filter((s) => s.kind === kind).map(f).join(", ");
  return [of("User", (s) => s.name), of("Group", (s) => s.name), of("ServiceAccount", (s) => `${s.namespace ?? ""}/${s.name}`)];
}

const workloadWide = [col("Containers", CONTAINERS_DOC, "string", 1), col("Images", IMAGES_DOC, "string", 1)];

function bindingPrinter(kind: "roleBinding" | "clusterRoleBinding", roleRefDoc: string): Printer {
  return {
    columns: [NAME, col("Role", roleRefDoc), AGE, col("Users", `Users in the ${kind}`, "string", 1), col("Groups", `Groups in the ${kind}`, "string", 1), col("ServiceAccounts", `ServiceAccounts in the ${kind}`, "string", 1)],
    cells: (o, now) => [o.metadata.name, `${o.roleRef?.kind}/${o.roleRef?.name}`, age(o, now), ...subjects(o)],
  };
}

/** Printers by `group/resource`. */
const PRINTERS: Record<string, Printer> = {
  "/pods": {
    columns: [
      NAME,
      col("Ready", "The aggregate readiness state of this pod for accepting traffic."),
      col("Status", "The aggregate status of the containers in this pod."),
      col("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
      AGE,
      col("IP", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", "string", 1),
      col("Node", "NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements.", "string", 1),
      col("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.", "string", 1),
      col("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to \"True\" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates", "string", 1),
    ],
    cells(o, now) {
      const gates: Obj[] = o.spec?.readinessGates ?? [];
      const trueGates = gates.filter((g) => hasCondition(o, g.conditionType)).length;
      const pod = podCells(o, now);
      return [
        o.metadata.name, pod.ready, pod.status, pod.restarts, age(o, now),
        o.status?.podIPs?.[0]?.ip || o.status?.podIP || "<none>", o.spec?.nodeName || "<none>", o.status?.nominatedNodeName || "<none>", gates.length ? `${trueGates}/${gates.length}` : "<none>",
      ];
    },
    conditions: (o) => (o.status?.phase === "Succeeded" || o.status?.phase === "Failed" ? [{ type: "Completed", status: "True" }] : undefined),
  },
  "/services": {
    columns: [
      NAME,
      col("Type", "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. \"ClusterIP\" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is \"None\", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. \"NodePort\" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. \"LoadBalancer\" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. \"ExternalName\" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types"),
      col("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are \"None\", empty string (\"\"), or a valid IP address. Setting this to \"None\" makes a \"headless service\" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
      col("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system."),
      col("Port(s)", "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
      AGE,
      col("Selector", "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/", "string", 1),
    ],
    cells: (o, now) => [o.metadata.name, o.spec?.type ?? "", o.spec?.clusterIPs?.[0] ?? "<none>", serviceExternalIP(o), servicePorts(o), age(o, now), formatLabels(o.spec?.selector)],
  },
  "/events": {
    columns: [
      col("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
      col("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
      col("Reason", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
      col("Object", "The object that this event is about."),
      col("Subobject", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: \"spec.containers{name}\" (where \"name\" refers to the name of the container that triggered the event) or if no container name is specified \"spec.containers[2]\" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.", "string", 1),
      col("Source", "The component reporting this event. Should be a short machine understandable string.", "string", 1),
      col("Message", "A human-readable description of the status of this operation."),
      col("First Seen", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", "string", 1),
      col("Count", "The number of times this event has occurred.", "string", 1),
      col("Name", NAME_DOC, "string", 1, "name"),
    ],
    cells: eventCells,
  },
  "/namespaces": { columns: [NAME, col("Status", "The status of the namespace"), AGE], cells: (o, now) => [o.metadata.name, o.status?.phase ?? "", age(o, now)] },
  "/secrets": {
    columns: [NAME, col("Type", "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"), col("Data", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4"), AGE],
    cells: (o, now) => [o.metadata.name, o.type ?? "", count(o.data), age(o, now)],
  },
  "/configmaps": {
    columns: [NAME, col("Data", "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process."), AGE],
    cells: (o, now) => [o.metadata.name, count(o.data) + count(o.binaryData), age(o, now)],
  },
  "/serviceaccounts": {
    columns: [NAME, col("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a \"kubernetes.io/enforce-mountable-secrets\" annotation set to \"true\". This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret"), AGE],
    cells: (o, now) => [o.metadata.name, (o.secrets ?? []).length, age(o, now)],
  },
  "apps/deployments": {
    columns: [
      NAME, col("Ready", "Number of the pod with ready state"),
      col("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
      col("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
      AGE, ...workloadWide,
      col("Selector", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.", "string", 1),
    ],
    cells: (o, now) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, o.status?.updatedReplicas ?? 0, o.status?.availableReplicas ?? 0, age(o, now), ...containerCells(o.spec?.template?.spec), formatSelector(o.spec?.selector)],
  },
  "batch/jobs": {
    columns: [
      NAME, col("Status", "Status of the job."),
      col("Completions", "The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs."),
      col("Duration", "Time required to complete the job."), AGE, ...workloadWide,
      col("Selector", "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", "string", 1),
    ],
    cells(o, now) {
      const succeeded = o.status?.succeeded ?? 0;
      const parallelism = o.spec?.parallelism ?? 0;
      const completions = o.spec?.completions != null ? `${succeeded}/${o.spec.completions}` : parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
      const start = o.status?.startTime ? Date.parse(o.status.startTime) : Number.NaN;
      const end = o.status?.completionTime ? Date.parse(o.status.completionTime) : now;
      const duration = Number.isNaN(start) ? "" : humanDuration(end - start);
      const status = hasCondition(o, "Complete") ? "Complete" : hasCondition(o, "Failed") ? "Failed" : o.metadata.deletionTimestamp ? "Terminating"
        : hasCondition(o, "Suspended") ? "Suspended" : hasCondition(o, "FailureTarget") ? "FailureTarget" : hasCondition(o, "SuccessCriteriaMet") ? "SuccessCriteriaMet" : "Running";
      return [o.metadata.name, status, completions, duration, age(o, now), ...containerCells(o.spec?.template?.spec), formatSelector(o.spec?.selector)];
    },
  },
  "batch/cronjobs": {
    columns: [
      NAME, col("Schedule", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
      col("Timezone", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones. If not specified, this will default to the time zone of the kube-controller-manager process. The set of valid time zone names and the time zone offset is loaded from the system-wide time zone database by the API server during CronJob validation and the controller manager during execution. If no system-wide time zone database can be found a bundled version of the database is used instead. If the time zone name becomes invalid during the lifetime of a CronJob or due to a change in host configuration, the controller will stop creating new new Jobs and will create a system event with the reason UnknownTimeZone. More information can be found in https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones"),
      col("Suspend", "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.", "boolean"),
      col("Active", "A list of pointers to currently running jobs.", "integer"),
      col("Last Schedule", "Information when was the last time the job was successfully scheduled."), AGE, ...workloadWide,
      col("Selector", "A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors", "string", 1),
    ],
    cells: (o, now) => [
      o.metadata.name, o.spec?.schedule ?? "", o.spec?.timeZone ?? "<none>", o.spec?.suspend === undefined ? "<unset>" : String(o.spec.suspend), (o.status?.active ?? []).length,
      o.status?.lastScheduleTime ? since(o.status.lastScheduleTime, now) : "<none>", age(o, now),
      ...containerCells(o.spec?.jobTemplate?.spec?.template?.spec), formatSelector(o.spec?.jobTemplate?.spec?.selector),
    ],
  },
  "coordination.k8s.io/leases": {
    columns: [NAME, col("Holder", "holderIdentity contains the identity of the holder of a current lease."), AGE],
    cells: (o, now) => [o.metadata.name, o.spec?.holderIdentity ?? "", age(o, now)],
  },
  "rbac.authorization.k8s.io/rolebindings": bindingPrinter("roleBinding", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable."),
  "rbac.authorization.k8s.io/clusterrolebindings": bindingPrinter("clusterRoleBinding", "RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable."),
};

/** The default table convertor of types without a printer (`rest.NewDefaultTableConvertor`). */
const DEFAULT: Printer = {
  columns: [NAME, col("Created At", CREATED_DOC, "date")],
  // Go formats the zero time of an object without one (a watch BOOKMARK's).
  cells: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? "0001-01-01T00:00:00Z"],
};

/** The printer of a stored type (events.k8s.io Events print as core Events, converted first); a custom type's prints its CRD's columns. */
export function printerFor(def: { group: string; resource: string; custom: boolean; crd?: { columns: PrinterColumn[] } }): Printer {
  const key = `${def.group === "events.k8s.io" ? "" : def.group}/${def.resource}`;
  if (def.custom) return crdPrinter(def.crd?.columns ?? []);
  return PRINTERS[key] ?? MORE_PRINTERS[key] ?? NETWORKING_PRINTERS[key] ?? HISTORY_PRINTERS[key] ?? CLUSTER_PRINTERS[key] ?? DEFAULT;
}
