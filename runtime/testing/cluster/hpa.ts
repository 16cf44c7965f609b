/**
 * @module cluster/hpa
 * An autoscaling/v2 HorizontalPodAutoscaler as the real server stores it: its defaults
 * (`SetDefaults_HorizontalPodAutoscaler`: `minReplicas` 1, CPU at 80% utilization when no
 * metric is given, the behavior's unset rules filled in when a behavior is given), its status
 * reset on create, and the spec rules of `validateHorizontalPodAutoscalerSpec` clients meet in
 * practice: the replica bounds and `scaleTargetRef`'s kind and name. The metrics and the
 * behavior's own rules are not checked (nothing scales here: no controller runs).
 */
import type { FieldError } from "./status.js";
import { nameProblems } from "./validation.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** `autoscaling.DefaultCPUUtilization`. */
const DEFAULT_CPU_UTILIZATION = 80;

/** GenerateHPAScaleUpRules: the unset parts of a scale-up rule. */
function scaleUpRules(rules: Obj | undefined): Obj {
  const out: Obj = { ...(rules ?? {}) };
  out.stabilizationWindowSeconds ??= 0;
  out.selectPolicy ??= "Max";
  out.policies ??= [
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ];
  return out;
}

/** GenerateHPAScaleDownRules: the unset parts of a scale-down rule (the stabilization window: 300 s). */
function scaleDownRules(rules: Obj | undefined): Obj {
  const out: Obj = { ...(rules ?? {}) };
  out.stabilizationWindowSeconds ??= 300;
  out.selectPolicy ??= "Max";
  out.policies ??= [{ type: "Percent", value: 100, periodSeconds: 15 }];
  return out;
}

/** The defaults of a HorizontalPodAutoscaler. */
export function defaultHpa(h: Obj): void {
  h.spec ??= {};
  h.spec.minReplicas ??= 1;
  if (!Array.isArray(h.spec.metrics) || h.spec.metrics.length === 0) {
    h.spec.metrics = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  if (h.spec.behavior) {
    h.spec.behavior.scaleUp = scaleUpRules(h.spec.behavior.scaleUp);
    h.spec.behavior.scaleDown = scaleDownRules(h.spec.behavior.scaleDown);
  }
}

/** PrepareForCreate: the status is the controller's; v2's `desiredReplicas` has no omitempty, so it shows as 0. */
export function resetHpaStatus(h: Obj): void {
  h.status = { desiredReplicas: 0 };
}

/** `ValidateCrossVersionObjectReference`: kind and name required, each a path segment name. */
function targetRefErrors(ref: Obj | undefined, field: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of ["kind", "name"] as const) {
    const value = typeof ref?.[key] === "string" ? (ref[key] as string) : "";
    if (value === "") errors.push({ type: "Required", field: `${field}.${key}`, detail: "" });
    else for (const problem of nameProblems(value, "segment")) errors.push({ type: "Invalid", field: `${field}.${key}`, value, detail: problem });
  }
  return errors;
}

/** The spec rules of `validateHorizontalPodAutoscalerSpec` named in the module comment, in its order. */
export function hpaErrors(h: Obj): FieldError[] {
  const spec: Obj = h.spec ?? {};
  const errors: FieldError[] = [];
  const min = typeof spec.minReplicas === "number" ? spec.minReplicas : undefined;
  const max = typeof spec.maxReplicas === "number" ? spec.maxReplicas : 0;
  // The HPAScaleToZero feature gate (alpha, off) would lower the bound to 0.
  if (min !== undefined && min < 1) errors.push({ type: "Invalid", field: "spec.minReplicas", value: min, detail: "must be greater than or equal to 1" });
  if (max < 1) errors.push({ type: "Invalid", field: "spec.maxReplicas", value: max, detail: "must be greater than 0" });
  if (min !== undefined && max < min) errors.push({ type: "Invalid", field: "spec.maxReplicas", value: max, detail: "must be greater than or equal to `minReplicas`" });
  return [...errors, ...targetRefErrors(spec.scaleTargetRef, "spec.scaleTargetRef")];
}
