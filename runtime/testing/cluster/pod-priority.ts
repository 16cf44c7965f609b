/**
 * @module cluster/pod-priority
 * The Priority admission plugin on pods (plugin/pkg/admission/priority, 1.32): on create a pod's
 * `priority` and `preemptionPolicy` come from the PriorityClass it names (403 when there is
 * none), or from the global default class (its name written into the pod), else 0 and
 * PreemptLowerPriority; a pod naming a priority or policy other than the computed one is 403.
 * On update a priority or policy left out is the stored one.
 */
import type { Registry } from "./registry.js";
import { forbidden, type ApiError } from "./status.js";

type Obj = Record<string, any>;

function refused(pod: Obj, reason: string): ApiError {
  const name = pod.metadata?.name || pod.metadata?.generateName || "Unknown";
  return forbidden({ group: "", resource: "pods" }, name, reason);
}

/** getDefaultPriority: the global default class (the lowest value among several), else none. */
function defaultClass(classes: Obj[]): Obj | undefined {
  let found: Obj | undefined;
  for (const pc of classes) if (pc.globalDefault === true && (!found || found.value > pc.value)) found = pc;
  return found;
}

/** The plugin's admitPod on create. */
export function admitPodPriority(registry: Registry, pod: Obj): void {
  const def = registry.find("scheduling.k8s.io", "v1", "priorityclasses");
  if (!def) return;
  pod.spec ??= {};
  const spec = pod.spec;
  let priority = 0;
  let policy: string | undefined = "PreemptLowerPriority";
  if (!spec.priorityClassName) {
    const pc = defaultClass(registry.store.list(def).map(({ entry }) => entry.obj));
    if (pc) {
      spec.priorityClassName = pc.metadata.name;
      [priority, policy] = [pc.value ?? 0, pc.preemptionPolicy];
    }
  } else {
    const pc = registry.store.get(def, undefined, spec.priorityClassName)?.obj;
    if (!pc) throw refused(pod, `no PriorityClass with name ${spec.priorityClassName} was found`);
    [priority, policy] = [pc.value ?? 0, pc.preemptionPolicy];
  }
  if (typeof spec.priority === "number" && spec.priority !== priority) {
    throw refused(pod, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
  }
  spec.priority = priority;
  if (policy !== undefined) {
    if (spec.preemptionPolicy != null && spec.preemptionPolicy !== policy) {
      throw refused(pod, `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
    }
    spec.preemptionPolicy = policy;
  }
}

/** The plugin's admitPod on update: a priority or policy left out is the stored one. */
export function keepPodPriority(pod: Obj, old: Obj): void {
  if (!pod.spec || !old.spec) return;
  if (pod.spec.priority == null && old.spec.priority != null) pod.spec.priority = old.spec.priority;
  if (pod.spec.preemptionPolicy == null && old.spec.preemptionPolicy != null) pod.spec.preemptionPolicy = old.spec.preemptionPolicy;
}
