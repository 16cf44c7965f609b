/**
 * @module cluster/job-update
 * What an update may change in a Job's spec, as 1.32's `ValidateJobSpecUpdate` decides it:
 * `completions` is fixed (an Indexed Job may change it together with `parallelism`: elastic
 * indexed jobs are on in 1.32), and so are the selector, the pod template, `completionMode`,
 * `podFailurePolicy`, `backoffLimitPerIndex`, `managedBy` and `successPolicy`. A suspended Job
 * that never started (no `status.startTime`) may change its template's node selector, node
 * affinity, tolerations, scheduling gates, labels and annotations. Each is `field is
 * immutable`, the value printed as Go prints it where that is short; a struct the real message
 * prints with `%#v` (a pod template, a policy) is abbreviated to its type (`core.PodTemplateSpec{...}`).
 */
import { semanticEqual } from "./go-equality.js";
import { goLabelSelector } from "./immutable-fields.js";
import type { FieldError } from "./status.js";

type Obj = Record<string, any>;

const IMMUTABLE = "field is immutable";

/** ValidateImmutableField for one spec field: `rendered` prints the new value as the message does. */
function immutable(spec: Obj, old: Obj, key: string, type: string, rendered: (v: any) => Partial<FieldError>): FieldError[] {
  if (semanticEqual(spec[key], old[key], type)) return [];
  const value = spec[key];
  return [{ type: "Invalid", field: `spec.${key}`, ...(value === undefined || value === null ? { value: null } : rendered(value)), detail: IMMUTABLE }];
}

/** validateCompletions: fixed, except an Indexed Job's, which must then equal `parallelism`. */
function completionsErrors(spec: Obj, old: Obj): FieldError[] {
  if (spec.completionMode !== "Indexed") return immutable(spec, old, "completions", "int32", (value) => ({ value }));
  if (semanticEqual(spec.completions, old.completions, "int32") || typeof spec.completions !== "number") return [];
  return spec.completions === spec.parallelism ? [] : [{ type: "Invalid", field: "spec.completions", value: spec.completions, detail: "can only be modified in tandem with spec.parallelism" }];
}

/** validatePodTemplateUpdate: the template is fixed, but for the scheduling directives of a suspended Job not started. */
function templateErrors(spec: Obj, old: Obj, schedulingMutable: boolean): FieldError[] {
  const template: Obj = spec.template ?? {};
  let before: Obj = old.template ?? {};
  if (schedulingMutable) {
    before = structuredClone(before);
    before.spec ??= {};
    const next: Obj = template.spec ?? {};
    const nodeAffinity = next.affinity?.nodeAffinity;
    if (!next.affinity && before.spec.affinity) {
      // The affinity may be cleared when it held nothing but a node affinity.
      delete before.spec.affinity.nodeAffinity;
      if (Object.keys(before.spec.affinity).length === 0) delete before.spec.affinity;
    } else if (next.affinity && !before.spec.affinity) before.spec.affinity = { nodeAffinity };
    else if (next.affinity && before.spec.affinity) before.spec.affinity.nodeAffinity = nodeAffinity;
    before.spec.nodeSelector = next.nodeSelector;
    before.spec.tolerations = next.tolerations;
    before.spec.schedulingGates = next.schedulingGates;
    before.metadata = { ...(before.metadata ?? {}), annotations: template.metadata?.annotations, labels: template.metadata?.labels };
  }
  if (semanticEqual(template, before, "V1PodTemplateSpec")) return [];
  return [{ type: "Invalid", field: "spec.template", rendered: "core.PodTemplateSpec{...}", detail: IMMUTABLE }];
}

/**
 * ValidateJobSpecUpdate's own rules (the create checks run apart), in its order.
 *
 * @example
 * jobUpdateErrors({ spec: { ...stored.spec, completions: 3 } }, stored);
 * // [{ type: "Invalid", field: "spec.completions", value: 3, detail: "field is immutable" }]
 */
export function jobUpdateErrors(next: Obj, old: Obj): FieldError[] {
  const spec: Obj = next.spec ?? {};
  const before: Obj = old.spec ?? {};
  const schedulingMutable = before.suspend === true && !old.status?.startTime;
  return [
    ...completionsErrors(spec, before),
    ...immutable(spec, before, "selector", "V1LabelSelector", (selector) => ({ rendered: goLabelSelector(selector) })),
    ...templateErrors(spec, before, schedulingMutable),
    ...immutable(spec, before, "completionMode", "string", (value) => ({ value })),
    ...immutable(spec, before, "podFailurePolicy", "V1PodFailurePolicy", () => ({ rendered: "batch.PodFailurePolicy{...}" })),
    ...immutable(spec, before, "backoffLimitPerIndex", "int32", (value) => ({ value })),
    ...immutable(spec, before, "managedBy", "string", (value) => ({ value })),
    ...immutable(spec, before, "successPolicy", "V1SuccessPolicy", () => ({ rendered: "batch.SuccessPolicy{...}" })),
  ];
}
