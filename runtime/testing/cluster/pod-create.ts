/**
 * @module cluster/pod-create
 * What 1.32's pod strategy adds on create (PrepareForCreate's applySchedulingGatedCondition,
 * pkg/registry/core/pod/strategy.go): a pod created with schedulingGates and no PodScheduled
 * condition gets `PodScheduled=False` with reason SchedulingGated, as podutil.UpdatePodCondition
 * writes it (lastTransitionTime now, lastProbeTime zero).
 */
type Obj = Record<string, any>;

export const SCHEDULING_GATED_MESSAGE = "Scheduling is blocked due to non-empty scheduling gates";

/** The pods strategy's PrepareForCreate, after the status reset and the defaults. */
export function preparePodCreate(pod: Obj, timestamp: string): void {
  if (!((pod.spec?.schedulingGates ?? []) as unknown[]).length) return;
  const { phase, conditions = [], ...rest } = (pod.status ?? {}) as Obj;
  if ((conditions as Obj[]).some((c) => c.type === "PodScheduled")) return;
  const gated = { type: "PodScheduled", status: "False", lastProbeTime: null, lastTransitionTime: timestamp, reason: "SchedulingGated", message: SCHEDULING_GATED_MESSAGE };
  // PodStatus's Go order: phase, conditions, then the rest (qosClass).
  pod.status = { ...(phase === undefined ? {} : { phase }), conditions: [...conditions, gated], ...rest };
}
