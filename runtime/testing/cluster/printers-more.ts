/**
 * @module cluster/printers-more
 * More 1.32 printers (pkg/printers/internalversion/printers.go), each with its real columns and
 * cells: PodDisruptionBudgets (`N/A` for an unset bound), ResourceQuotas (`name: used/hard`), StatefulSets (Ready as
 * `ready/desired`, wide Containers and Images), ReplicaSets and DaemonSets (their counts as
 * integers, wide Containers, Images and Selector), Nodes (Status from the Ready condition and
 * `spec.unschedulable`, Roles from the role labels, wide addresses and node info) and
 * PersistentVolumeClaims (Capacity and Access Modes once bound, a quantity printed as
 * `Quantity.String()` does). Column descriptions are the SwaggerDocs the printers cite
 * (extensions/v1beta1's for ReplicaSets and DaemonSets, core/v1's for the rest).
 */
import { AGE, age, col, containerCells, CONTAINERS_DOC, formatLabels, formatSelector, IMAGES_DOC, NAME, type Obj, type Printer } from "./printer-columns.js";

/** `intstr.IntOrString.String()`, or `N/A` when unset (`printPodDisruptionBudget`). */
function intOrString(value: unknown): string {
  return value === undefined || value === null ? "N/A" : String(value);
}

const workloadWide = (selectorDoc: string) => [col("Containers", CONTAINERS_DOC, "string", 1), col("Images", IMAGES_DOC, "string", 1), col("Selector", selectorDoc, "string", 1)];
const DAEMONSET_DOC = "More info: https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/";
const NODE_ADDRESSES_DOC = "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).";

/** `printNode`'s Status: Ready or NotReady from the (last) Ready condition, else Unknown; SchedulingDisabled when cordoned. */
function nodeStatus(node: Obj): string {
  let ready: Obj | undefined;
  for (const c of (node.status?.conditions ?? []) as Obj[]) if (c.type === "Ready") ready = c;
  const status = [ready ? (ready.status === "True" ? "Ready" : "NotReady") : "Unknown"];
  if (node.spec?.unschedulable) status.push("SchedulingDisabled");
  return status.join(",");
}

/** `findNodeRoles`: `node-role.kubernetes.io/<role>` label keys and a non-empty `kubernetes.io/role` value, sorted, `<none>` when none. */
function nodeRoles(node: Obj): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries((node.metadata?.labels ?? {}) as Record<string, string>)) {
    if (k.startsWith("node-role.kubernetes.io/")) {
      const role = k.slice("node-role.kubernetes.io/".length);
      if (role) roles.add(role);
    } else if (k === "kubernetes.io/role" && v !== "") roles.add(v);
  }
  return roles.size ? [...roles].sort().join(",") : "<none>";
}

/** The first address of a type (`getNodeInternalIP`, `getNodeExternalIP`), `<none>` when none. */
const nodeAddress = (node: Obj, type: string): string => ((node.status?.addresses ?? []) as Obj[]).find((a) => a.type === type)?.address ?? "<none>";

/** `helper.GetAccessModesAsString`: deduplicated, in the order RWO, ROX, RWX, RWOP. */
function accessModes(modes: unknown): string {
  const set = new Set(Array.isArray(modes) ? modes : []);
  const short: Array<[string, string]> = [["ReadWriteOnce", "RWO"], ["ReadOnlyMany", "ROX"], ["ReadWriteMany", "RWX"], ["ReadWriteOncePod", "RWOP"]];
  return short.filter(([mode]) => set.has(mode)).map(([, s]) => s).join(",");
}

/** `helper.GetPersistentVolumeClaimClass`: the beta annotation (even empty) first, then `spec.storageClassName`. */
function claimClass(pvc: Obj): string {
  const annotations = (pvc.metadata?.annotations ?? {}) as Record<string, string>;
  if (Object.hasOwn(annotations, "volume.beta.kubernetes.io/storage-class")) return annotations["volume.beta.kubernetes.io/storage-class"]!;
  return pvc.spec?.storageClassName ?? "";
}

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const MAX_INT64 = 9223372036854775807n;
const pow10 = (n: number) => 10n ** BigInt(n);
const abs = (n: bigint) => (n < 0n ? -n : n);

/** `parseQuantityString`: sign, the text of the number, its integer and fraction digits, the suffix; undefined for a malformed one. */
function scanQuantity(str: string): { positive: boolean; value: string; num: string; denom: string; suffix: string } | undefined {
  const digit = (i: number) => str[i]! >= "0" && str[i]! <= "9";
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === "-") (positive = false), pos++;
  else if (str[0] === "+") pos++;
  while (pos < end && str[pos] === "0") pos++;
  if (pos >= end) return { positive, value: "0", num: "0", denom: "", suffix: "" };
  let i = pos;
  while (i < end && digit(i)) i++;
  if (i >= end) return { positive, value: str, num: str.slice(pos), denom: "", suffix: "" };
  const num = str.slice(pos, i) || "0";
  pos = i;
  let denom = "";
  if (str[pos] === ".") {
    let j = ++pos;
    while (j < end && digit(j)) j++;
    if (j >= end) return { positive, value: str, num, denom: str.slice(pos), suffix: "" };
    denom = str.slice(pos, j);
    pos = j;
  }
  const value = str.slice(0, pos);
  let k = pos;
  while (k < end && "eEinumkKMGTP".includes(str[k]!)) k++;
  if (k < end && (str[k] === "-" || str[k] === "+")) k++;
  while (k < end && digit(k)) k++;
  return k >= end ? { positive, value, num, denom, suffix: str.slice(pos) } : undefined;
}

/**
 * `resource.Quantity.String()` of a quantity as written: `ParseQuantity` (keeping the text as it
 * came when its fast path finds it canonical: `1Gi`, `1500m`, even `+5`), else the canonical
 * form: a binary one (1024 and up, whole) in the largest exact `Ki`..`Ei` unit, a decimal one with
 * its exponent a multiple of three as an SI suffix (`1G`, `100m`) or `eN`. An unset quantity is 0.
 */
export function quantityString(quantity: unknown): string {
  if (quantity === undefined || quantity === null) return "0";
  const str = String(quantity).trim();
  if (str === "0") return "0";
  const scanned = scanQuantity(str);
  if (!scanned) return str;
  const { positive, value, num, denom, suffix } = scanned;
  let base: 2 | 10;
  let exponent: number;
  let format: "DecimalSI" | "BinarySI" | "DecimalExponent";
  if (Object.hasOwn(DECIMAL_SUFFIXES, suffix)) [base, exponent, format] = [10, DECIMAL_SUFFIXES[suffix]!, "DecimalSI"];
  else if (Object.hasOwn(BINARY_SUFFIXES, suffix)) [base, exponent, format] = [2, BINARY_SUFFIXES[suffix]!, "BinarySI"];
  else if (/^[eE][-+]?\d+$/.test(suffix)) [base, exponent, format] = [10, Number(suffix.slice(1)), "DecimalExponent"];
  else return str;

  // The fast path keeps the text when it is already canonical.
  const precision = format === "BinarySI" ? (denom === "" ? 15 - num.length - Math.trunc((exponent * 3) / 10) - 1 : -1) : 18 - (num.length + denom.length);
  const fastScale = (base === 10 ? exponent : 0) - denom.length;
  if (precision >= 0 && fastScale >= -9) {
    const shifted = num + denom;
    const result = BigInt(shifted) * (base === 2 ? 1n << BigInt(exponent) : 1n);
    if (result <= MAX_INT64) {
      if (format === "BinarySI" ? exponent % 10 === 0 && (BigInt(shifted) & 7n) !== 0n : fastScale % 3 === 0 && !shifted.endsWith("000") && shifted[0] !== "0") return str;
    }
  }

  // The exact value, unscaled * 10^-scale, rounded up to nanos; BinarySI capped at MaxInt64.
  const [whole, fraction = ""] = value.replace(/^[-+]/, "").split(".");
  let unscaled = BigInt((whole || "0") + fraction);
  let scale = fraction.length;
  if (base === 10) scale -= exponent;
  else unscaled *= 1n << BigInt(exponent);
  if (scale > 9) {
    const divisor = pow10(scale - 9);
    unscaled = (unscaled + divisor - 1n) / divisor;
    scale = 9;
  }
  if (unscaled === 0n) return "0";
  if (format === "BinarySI" && (scale >= 0 ? unscaled > MAX_INT64 * pow10(scale) : unscaled * pow10(-scale) > MAX_INT64)) [unscaled, scale] = [MAX_INT64, 0];
  const sign = positive ? "" : "-";

  if (format === "BinarySI") {
    const lessThan1024 = scale >= 0 ? unscaled < 1024n * pow10(scale) : unscaled * pow10(-scale) < 1024n;
    const integral = scale <= 0 ? unscaled * pow10(-scale) : unscaled % pow10(scale) === 0n ? unscaled / pow10(scale) : undefined;
    if (!lessThan1024 && integral !== undefined) {
      let amount = integral;
      let times = 0;
      while (amount >= 1024n && amount % 1024n === 0n) (amount /= 1024n), times++;
      return `${sign}${amount}${["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][times] ?? ""}`;
    }
    format = "DecimalSI";
  }
  let amount = abs(unscaled);
  let exp = -scale;
  while (amount >= 10n && amount % 10n === 0n) (amount /= 10n), exp++;
  while (exp % 3 !== 0) (amount *= 10n), exp--;
  const suffixOut = format === "DecimalExponent" ? (exp === 0 ? "" : `e${exp}`) : Object.keys(DECIMAL_SUFFIXES).find((s) => DECIMAL_SUFFIXES[s] === exp) ?? "";
  return `${sign}${amount}${suffixOut}`;
}

/** Printers by `group/resource`. */
export const MORE_PRINTERS: Record<string, Printer> = {
  "policy/poddisruptionbudgets": {
    columns: [
      NAME,
      col("Min Available", "The minimum number of pods that must be available."),
      col("Max Unavailable", "The maximum number of pods that may be unavailable."),
      col("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time.", "integer"),
      AGE,
    ],
    cells: (o: Obj, now) => [o.metadata.name, intOrString(o.spec?.minAvailable), intOrString(o.spec?.maxUnavailable), o.status?.disruptionsAllowed ?? 0, age(o, now)],
  },
  "apps/statefulsets": {
    columns: [NAME, col("Ready", "Number of the pod with ready state"), AGE, col("Containers", CONTAINERS_DOC, "string", 1), col("Images", IMAGES_DOC, "string", 1)],
    cells: (o: Obj, now) => [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`, age(o, now), ...containerCells(o.spec?.template?.spec)],
  },
  "apps/replicasets": {
    columns: [
      NAME,
      col("Desired", "Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller", "integer"),
      col("Current", "Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller", "integer"),
      col("Ready", "The number of ready replicas for this replica set.", "integer"),
      AGE,
      ...workloadWide("Selector is a label query over pods that should match the replica count. If the selector is empty, it is defaulted to the labels present on the pod template. Label keys and values that must match in order to be controlled by this replica set. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
    ],
    cells: (o: Obj, now) => [
      o.metadata.name, o.spec?.replicas ?? 0, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0, age(o, now),
      ...containerCells(o.spec?.template?.spec), formatSelector(o.spec?.selector),
    ],
  },
  "apps/daemonsets": {
    columns: [
      NAME,
      col("Desired", `The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod). ${DAEMONSET_DOC}`, "integer"),
      col("Current", `The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod. ${DAEMONSET_DOC}`, "integer"),
      col("Ready", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.", "integer"),
      col("Up-to-date", "The total number of nodes that are running updated daemon pod", "integer"),
      col("Available", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)", "integer"),
      col("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
      AGE,
      ...workloadWide("A label query over pods that are managed by the daemon set. Must match in order to be controlled. If empty, defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
    ],
    cells: (o: Obj, now) => {
      const s = o.status ?? {};
      return [
        o.metadata.name, s.desiredNumberScheduled ?? 0, s.currentNumberScheduled ?? 0, s.numberReady ?? 0, s.updatedNumberScheduled ?? 0, s.numberAvailable ?? 0,
        formatLabels(o.spec?.template?.spec?.nodeSelector), age(o, now), ...containerCells(o.spec?.template?.spec), formatSelector(o.spec?.selector),
      ];
    },
  },
  "/nodes": {
    columns: [
      NAME,
      col("Status", "The status of the node"),
      col("Roles", "The roles of the node"),
      AGE,
      col("Version", "Kubelet Version reported by the node."),
      col("Internal-IP", NODE_ADDRESSES_DOC, "string", 1),
      col("External-IP", NODE_ADDRESSES_DOC, "string", 1),
      col("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", "string", 1),
      col("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", "string", 1),
      col("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", "string", 1),
    ],
    cells: (o: Obj, now) => {
      const info = o.status?.nodeInfo ?? {};
      return [
        o.metadata.name, nodeStatus(o), nodeRoles(o), age(o, now), info.kubeletVersion ?? "",
        nodeAddress(o, "InternalIP"), nodeAddress(o, "ExternalIP"), info.osImage || "<unknown>", info.kernelVersion || "<unknown>", info.containerRuntimeVersion || "<unknown>",
      ];
    },
  },
  "/resourcequotas": {
    columns: [
      NAME,
      AGE,
      col("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
      col("Limit", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
    ],
    // printResourceQuota: each resource of status.hard (none until a quota controller fills it:
    // spec.hard is not read) as `name: used/hard`, a used one missing `0`; `limits.*` in Limit.
    cells: (o: Obj, now) => {
      const request: string[] = [];
      const limit: string[] = [];
      for (const resource of Object.keys(o.status?.hard ?? {}).sort()) {
        const cell = `${resource}: ${quantityString(o.status?.used?.[resource] ?? "0")}/${quantityString(o.status.hard[resource])}`;
        (resource.split(".").length > 1 && resource.startsWith("limits.") ? limit : request).push(cell);
      }
      return [o.metadata.name, age(o, now), request.join(", "), limit.join(", ")];
    },
  },
  "/persistentvolumeclaims": {
    columns: [
      NAME,
      col("Status", "phase represents the current phase of PersistentVolumeClaim."),
      col("Volume", "volumeName is the binding reference to the PersistentVolume backing this claim."),
      col("Capacity", "capacity represents the actual resources of the underlying volume."),
      col("Access Modes", "accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1"),
      col("StorageClass", "StorageClass of the pvc"),
      col("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
      AGE,
      col("VolumeMode", "volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.", "string", 1),
    ],
    cells: (o: Obj, now) => {
      const bound = Boolean(o.spec?.volumeName);
      return [
        o.metadata.name, o.metadata.deletionTimestamp ? "Terminating" : o.status?.phase ?? "", o.spec?.volumeName ?? "",
        bound ? quantityString(o.status?.capacity?.storage) : "", bound ? accessModes(o.status?.accessModes) : "",
        claimClass(o), o.spec?.volumeAttributesClassName ?? "<unset>", age(o, now), o.spec?.volumeMode ?? "<unset>",
      ];
    },
  },
};
