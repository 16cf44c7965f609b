/**
 * @module cluster/pod-security/namespace-pods
 * The warnings of a namespace update that makes its enforce level stricter
 * (pod-security-admission admission.go's EvaluatePodsInNamespace, 1.32): the namespace's
 * existing pods checked against the new level (one pod per controller first, the others
 * after: prioritizePods; at most 3000), the pods with the same violations counted under the
 * lexically first one's name, `existing pods in namespace "x" violate the new PodSecurity
 * enforce level "restricted:latest"` first, then one sorted line per set of violations.
 */
import type { Registry } from "../registry.js";
import { forbiddenReason, type Obj } from "./check-result.js";
import { evaluatePod } from "./evaluator.js";
import { levelVersionText, type LevelVersion } from "./policy.js";

const MAX_PODS_TO_CHECK = 3000;

/** The controller reference of a pod (metav1.GetControllerOfNoCopy). */
function controllerUid(pod: Obj): string | undefined {
  const refs: unknown = pod.metadata?.ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  const ref = refs.find((r: Obj | null) => r?.controller === true) as Obj | undefined;
  return ref ? String(ref.uid ?? "") : undefined;
}

/** prioritizePods: pods without a controller and the first of each controller, then the others. */
function prioritized(pods: Obj[]): Obj[] {
  const first: Obj[] = [];
  const rest: Obj[] = [];
  const seen = new Set<string>();
  for (const pod of pods) {
    const uid = controllerUid(pod);
    if (uid === undefined) first.push(pod);
    else if (seen.has(uid)) rest.push(pod);
    else {
      seen.add(uid);
      first.push(pod);
    }
  }
  return [...first, ...rest];
}

/** The warnings for the pods of `namespace` violating `enforce`. */
export function evaluatePodsInNamespace(registry: Registry, namespace: string, enforce: LevelVersion): string[] {
  const all = prioritized(registry.store.list(registry.core("pods"), namespace).map((e) => e.entry.obj));
  const pods = all.slice(0, MAX_PODS_TO_CHECK);
  const warnings: string[] = [];
  const order: string[] = [];
  const counts = new Map<string, { podName: string; count: number }>();
  for (const pod of pods) {
    const result = evaluatePod(enforce, pod.metadata ?? {}, pod.spec ?? {});
    if (result.allowed) continue;
    const warning = forbiddenReason(result);
    const name = String(pod.metadata?.name ?? "");
    const c = counts.get(warning);
    if (!c) {
      order.push(warning);
      counts.set(warning, { podName: name, count: 1 });
    } else {
      if (name < c.podName) c.podName = name;
      c.count++;
    }
  }
  if (pods.length < all.length) warnings.push(`new PodSecurity enforce level only checked against the first ${pods.length} of ${all.length} existing pods`);
  if (order.length) warnings.push(`existing pods in namespace ${JSON.stringify(namespace)} violate the new PodSecurity enforce level ${JSON.stringify(levelVersionText(enforce))}`);
  const decorated = order.map((warning) => {
    const { podName, count } = counts.get(warning)!;
    if (count === 1) return `${podName}: ${warning}`;
    if (count === 2) return `${podName} (and 1 other pod): ${warning}`;
    return `${podName} (and ${count - 1} other pods): ${warning}`;
  });
  decorated.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [...warnings, ...decorated];
}
