/**
 * @module cluster/hpa-v1
 * autoscaling/v1 HorizontalPodAutoscalers, kept in the autoscaling/v2 storage and converted as
 * 1.32's pkg/apis/autoscaling/v1/conversion.go does: v1's `targetCPUUtilizationPercentage` is
 * v2's Resource cpu metric with a Utilization target (none given: 80%, the implicit v1 default),
 * v1's `status.currentCPUUtilizationPercentage` its current cpu utilization, and what v1 cannot
 * say rides in annotations: the other metrics (`autoscaling.alpha.kubernetes.io/metrics`, in v1's
 * older MetricSpec layout), the current metrics (`.../current-metrics`), the conditions
 * (`.../conditions`) and the behavior (`.../behavior`, the internal type's JSON: Go field names).
 * Reading from v2 drops those annotations; writing through v1 reads and then drops them.
 */
import { defaultHpa } from "./hpa.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const METRICS = "autoscaling.alpha.kubernetes.io/metrics";
const CURRENT_METRICS = "autoscaling.alpha.kubernetes.io/current-metrics";
const CONDITIONS = "autoscaling.alpha.kubernetes.io/conditions";
const BEHAVIOR = "autoscaling.alpha.kubernetes.io/behavior";
const ROUND_TRIP = [METRICS, CURRENT_METRICS, CONDITIONS, BEHAVIOR];

/** A copy without the keys whose value is undefined (Go's omitempty of a nil pointer). */
function compact(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

const isCpu = (m: Obj | undefined) => m?.type === "Resource" && m.resource && m.resource.name === "cpu";
const ref = (r: Obj | undefined) => compact({ kind: r?.kind ?? "", name: r?.name ?? "", apiVersion: r?.apiVersion || undefined });

/** Convert_autoscaling_MetricSpec_To_v1_MetricSpec. */
function metricToV1(m: Obj): Obj {
  const t: Obj = m.object?.target ?? m.pods?.target ?? m.resource?.target ?? m.containerResource?.target ?? m.external?.target ?? {};
  return compact({
    type: m.type ?? "",
    object: m.object && compact({ target: ref(m.object.describedObject), metricName: m.object.metric?.name ?? "", targetValue: t.value ?? "0", selector: m.object.metric?.selector, averageValue: t.averageValue }),
    pods: m.pods && compact({ metricName: m.pods.metric?.name ?? "", targetAverageValue: t.averageValue ?? "0", selector: m.pods.metric?.selector }),
    resource: m.resource && compact({ name: m.resource.name ?? "", targetAverageUtilization: t.averageUtilization, targetAverageValue: t.averageValue }),
    containerResource: m.containerResource && compact({ name: m.containerResource.name ?? "", targetAverageUtilization: t.averageUtilization, targetAverageValue: t.averageValue, container: m.containerResource.container ?? "" }),
    external: m.external && compact({ metricName: m.external.metric?.name ?? "", metricSelector: m.external.metric?.selector, targetValue: t.value, targetAverageValue: t.averageValue }),
  });
}

/** Convert_v1_MetricSpec_To_autoscaling_MetricSpec. */
function metricFromV1(m: Obj): Obj {
  const metric = (name: unknown, selector: unknown) => compact({ name: name ?? "", selector });
  const resourceTarget = (s: Obj) => compact({ type: s.targetAverageUtilization === undefined ? "AverageValue" : "Utilization", averageUtilization: s.targetAverageUtilization, averageValue: s.targetAverageValue });
  return compact({
    type: m.type ?? "",
    object: m.object && { describedObject: ref(m.object.target), target: compact({ type: m.object.averageValue === undefined ? "Value" : "AverageValue", value: m.object.targetValue ?? "0", averageValue: m.object.averageValue }), metric: metric(m.object.metricName, m.object.selector) },
    pods: m.pods && { metric: metric(m.pods.metricName, m.pods.selector), target: { type: "AverageValue", averageValue: m.pods.targetAverageValue ?? "0" } },
    resource: m.resource && { name: m.resource.name ?? "", target: resourceTarget(m.resource) },
    containerResource: m.containerResource && { name: m.containerResource.name ?? "", target: resourceTarget(m.containerResource), container: m.containerResource.container ?? "" },
    external: m.external && { metric: metric(m.external.metricName, m.external.metricSelector), target: compact({ type: m.external.targetValue === undefined ? "AverageValue" : "Value", value: m.external.targetValue, averageValue: m.external.targetAverageValue }) },
  });
}

/** Convert_autoscaling_MetricStatus_To_v1_MetricStatus. */
function statusToV1(m: Obj): Obj {
  const c: Obj = m.object?.current ?? m.pods?.current ?? m.resource?.current ?? m.containerResource?.current ?? m.external?.current ?? {};
  return compact({
    type: m.type ?? "",
    object: m.object && compact({ target: ref(m.object.describedObject), metricName: m.object.metric?.name ?? "", currentValue: c.value ?? "0", selector: m.object.metric?.selector, averageValue: c.averageValue }),
    pods: m.pods && compact({ metricName: m.pods.metric?.name ?? "", currentAverageValue: c.averageValue ?? "0", selector: m.pods.metric?.selector }),
    resource: m.resource && compact({ name: m.resource.name ?? "", currentAverageUtilization: c.averageUtilization, currentAverageValue: c.averageValue ?? "0" }),
    containerResource: m.containerResource && compact({ name: m.containerResource.name ?? "", currentAverageUtilization: c.averageUtilization, currentAverageValue: c.averageValue ?? "0", container: m.containerResource.container ?? "" }),
    external: m.external && compact({ metricName: m.external.metric?.name ?? "", metricSelector: m.external.metric?.selector, currentValue: c.value ?? "0", currentAverageValue: c.averageValue }),
  });
}

/** Convert_v1_MetricStatus_To_autoscaling_MetricStatus. */
function statusFromV1(m: Obj): Obj {
  const metric = (name: unknown, selector: unknown) => compact({ name: name ?? "", selector });
  return compact({
    type: m.type ?? "",
    object: m.object && { metric: metric(m.object.metricName, m.object.selector), current: compact({ value: m.object.currentValue ?? "0", averageValue: m.object.averageValue }), describedObject: ref(m.object.target) },
    pods: m.pods && { metric: metric(m.pods.metricName, m.pods.selector), current: { averageValue: m.pods.currentAverageValue ?? "0" } },
    resource: m.resource && { name: m.resource.name ?? "", current: compact({ averageValue: m.resource.currentAverageValue ?? "0", averageUtilization: m.resource.currentAverageUtilization }) },
    containerResource: m.containerResource && { name: m.containerResource.name ?? "", container: m.containerResource.container ?? "", current: compact({ averageValue: m.containerResource.currentAverageValue ?? "0", averageUtilization: m.containerResource.currentAverageUtilization }) },
    external: m.external && { metric: metric(m.external.metricName, m.external.metricSelector), current: compact({ value: m.external.currentValue ?? "0", averageValue: m.external.currentAverageValue }) },
  });
}

/** The internal HorizontalPodAutoscalerBehavior as encoding/json writes it (no json tags: Go's names, nil as null). */
function behaviorToInternal(b: Obj): Obj {
  const rules = (r: Obj | undefined) =>
    r ? { StabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null, SelectPolicy: r.selectPolicy ?? null, Policies: Array.isArray(r.policies) ? r.policies.map((p: Obj) => ({ Type: p.type ?? "", Value: p.value ?? 0, PeriodSeconds: p.periodSeconds ?? 0 })) : null } : null;
  return { ScaleUp: rules(b.scaleUp), ScaleDown: rules(b.scaleDown) };
}

function behaviorFromInternal(b: Obj): Obj | undefined {
  const rules = (r: Obj | null | undefined) =>
    r ? compact({ stabilizationWindowSeconds: r.StabilizationWindowSeconds ?? undefined, selectPolicy: r.SelectPolicy ?? undefined, policies: Array.isArray(r.Policies) ? r.Policies.map((p: Obj) => ({ type: p.Type, value: p.Value, periodSeconds: p.PeriodSeconds })) : undefined }) : undefined;
  const out = compact({ scaleUp: rules(b?.ScaleUp), scaleDown: rules(b?.ScaleDown) });
  return Object.keys(out).length ? out : undefined;
}

function parsed(text: unknown): unknown {
  try {
    return typeof text === "string" ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** The metadata without the round-trip annotations (and no empty annotations left). */
function withoutRoundTrip(metadata: Obj | undefined): Obj {
  const out: Obj = { ...(metadata ?? {}) };
  if (out.annotations) {
    const kept = Object.fromEntries(Object.entries(out.annotations as Obj).filter(([k]) => !ROUND_TRIP.includes(k)));
    if (Object.keys(kept).length) out.annotations = kept;
    else delete out.annotations;
  }
  return out;
}

/** A stored autoscaling/v2 HorizontalPodAutoscaler as autoscaling/v1 answers it. */
export function hpaToV1(h: Obj): Obj {
  const spec: Obj = h.spec ?? {};
  const status: Obj = h.status ?? {};
  const metrics: Obj[] = Array.isArray(spec.metrics) ? spec.metrics : [];
  const currentMetrics: Obj[] = Array.isArray(status.currentMetrics) ? status.currentMetrics : [];
  const conditions: Obj[] = Array.isArray(status.conditions) ? status.conditions : [];
  const cpu = metrics.find(isCpu);
  const others = metrics.filter((m) => !(isCpu(m) && m.resource.target?.averageUtilization !== undefined));
  let currentCpu: number | undefined;
  for (const m of currentMetrics) if (isCpu(m) && m.resource.current?.averageUtilization !== undefined) currentCpu = m.resource.current.averageUtilization;
  const metadata = withoutRoundTrip(h.metadata);
  const annotations: Obj = { ...(metadata.annotations ?? {}) };
  if (others.length) annotations[METRICS] = JSON.stringify(others.map(metricToV1));
  if (currentMetrics.length) annotations[CURRENT_METRICS] = JSON.stringify(currentMetrics.map(statusToV1));
  if (spec.behavior) annotations[BEHAVIOR] = JSON.stringify(behaviorToInternal(spec.behavior));
  if (conditions.length) annotations[CONDITIONS] = JSON.stringify(conditions.map((c) => compact({ type: c.type ?? "", status: c.status ?? "", lastTransitionTime: c.lastTransitionTime ?? null, reason: c.reason || undefined, message: c.message || undefined })));
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  return {
    kind: "HorizontalPodAutoscaler",
    apiVersion: "autoscaling/v1",
    metadata,
    spec: compact({ scaleTargetRef: ref(spec.scaleTargetRef), minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas ?? 0, targetCPUUtilizationPercentage: cpu?.resource.target?.averageUtilization }),
    ...(h.status === undefined
      ? {}
      : { status: compact({ observedGeneration: status.observedGeneration, lastScaleTime: status.lastScaleTime, currentReplicas: status.currentReplicas ?? 0, desiredReplicas: status.desiredReplicas ?? 0, currentCPUUtilizationPercentage: currentCpu }) }),
  };
}

/** An autoscaling/v1 HorizontalPodAutoscaler as the autoscaling/v2 storage keeps it. */
export function hpaFromV1(h: Obj): Obj {
  const spec: Obj = h.spec ?? {};
  const annotations: Obj = h.metadata?.annotations ?? {};
  const metrics: Obj[] = [];
  const others = parsed(annotations[METRICS]);
  if (Array.isArray(others)) metrics.push(...others.map((m: Obj) => metricFromV1(m ?? {})));
  if (typeof spec.targetCPUUtilizationPercentage === "number") {
    metrics.push({ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  // v1's implicit default, made explicit where every metric is known.
  if (metrics.length === 0) metrics.push({ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } });
  const behavior = behaviorFromInternal(parsed(annotations[BEHAVIOR]) as Obj);
  const out: Obj = {
    kind: "HorizontalPodAutoscaler",
    apiVersion: "autoscaling/v2",
    metadata: withoutRoundTrip(h.metadata),
    spec: compact({ scaleTargetRef: ref(spec.scaleTargetRef), minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas ?? 0, metrics, behavior }),
  };
  if (h.status !== undefined) {
    const status: Obj = h.status ?? {};
    let currentMetrics: Obj[] | undefined;
    if (typeof status.currentCPUUtilizationPercentage === "number") currentMetrics = [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: status.currentCPUUtilizationPercentage } } }];
    const current = parsed(annotations[CURRENT_METRICS]);
    if (Array.isArray(current)) currentMetrics = current.map((m: Obj) => statusFromV1(m ?? {}));
    const conditions = parsed(annotations[CONDITIONS]);
    out.status = compact({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas || undefined,
      desiredReplicas: status.desiredReplicas ?? 0,
      currentMetrics: currentMetrics?.length ? currentMetrics : undefined,
      conditions: Array.isArray(conditions) && conditions.length ? conditions : undefined,
    });
  }
  return out;
}

/**
 * The defaults of a v1 object: v1's own (`minReplicas` 1), then what decoding it back from the
 * v2 storage defaults (the behavior's unset rules), seen through v1 again.
 */
export function defaultHpaV1(h: Obj): void {
  h.spec ??= {};
  h.spec.minReplicas ??= 1;
  const stored = hpaFromV1(h);
  defaultHpa(stored);
  const back = hpaToV1(stored);
  for (const k of Object.keys(h)) delete h[k];
  Object.assign(h, back);
}

/** PrepareForCreate through v1: the status is the controller's (v1's replica counts have no omitempty). */
export function resetHpaV1Status(h: Obj): void {
  h.status = { currentReplicas: 0, desiredReplicas: 0 };
}
