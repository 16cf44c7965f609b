/**
 * @module cluster/immutable-fields
 * What an update may not change, as the real server's `Validate*Update` functions refuse it:
 * an immutable ConfigMap's or Secret's data (and `immutable` itself), a Secret's `type`, and a
 * Deployment's, ReplicaSet's or DaemonSet's `spec.selector` (its value printed as Go's `%#v`, as
 * the real message prints it), and a StatefulSet's spec beyond the fields 1.32 lets change.
 */
import { goStrings, type FieldError } from "./status.js";
import { sameJson } from "./go-equality.js";

type Obj = Record<string, any>;

const IMMUTABLE_WHEN_SET = "field is immutable when `immutable` is set";

/** ValidateConfigMapUpdate / ValidateSecretUpdate: an `immutable: true` object keeps its data. */
export function immutableDataErrors(next: Obj, old: Obj, fields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errors: FieldError[] = [];
  if (next.immutable !== true) errors.push({ type: "Forbidden", field: "immutable", detail: IMMUTABLE_WHEN_SET });
  for (const field of fields) if (!sameJson(next[field], old[field])) errors.push({ type: "Forbidden", field, detail: IMMUTABLE_WHEN_SET });
  return errors;
}

/** A Secret: its type never changes, and an immutable one keeps its data. */
export function secretUpdateErrors(next: Obj, old: Obj): FieldError[] {
  const errors: FieldError[] = [];
  if ((next.type ?? "") !== (old.type ?? "")) errors.push({ type: "Invalid", field: "type", value: String(next.type ?? ""), detail: "field is immutable" });
  return [...errors, ...immutableDataErrors(next, old, ["data"])];
}

/** Go's `%#v` of a metav1.LabelSelector (map keys sorted, nil slices and maps as `(nil)`). */
export function goLabelSelector(selector: Obj | undefined): string {
  const labels = selector?.matchLabels as Record<string, string> | undefined;
  const matchLabels = labels ? `map[string]string{${Object.keys(labels).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(String(labels[k]))}`).join(", ")}}` : "map[string]string(nil)";
  const expressions = selector?.matchExpressions as Obj[] | undefined;
  const matchExpressions = expressions
    ? `[]v1.LabelSelectorRequirement{${expressions.map((e) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(String(e.key ?? ""))}, Operator:${JSON.stringify(String(e.operator ?? ""))}, Values:${goStrings(e.values as unknown[] | undefined)}}`).join(", ")}}`
    : "[]v1.LabelSelectorRequirement(nil)";
  return `v1.LabelSelector{MatchLabels:${matchLabels}, MatchExpressions:${matchExpressions}}`;
}

/** A workload's selector never changes (apps/v1 Deployments, ReplicaSets, DaemonSets). */
export function selectorUpdateErrors(next: Obj, old: Obj): FieldError[] {
  if (sameJson(next.spec?.selector, old.spec?.selector)) return [];
  const selector = next.spec?.selector as Obj | undefined;
  return [{ type: "Invalid", field: "spec.selector", ...(selector ? { rendered: goLabelSelector(selector) } : { value: null }), detail: "field is immutable" }];
}

/**
 * The apps/v1 StatefulSetSpec fields ValidateStatefulSetUpdate (1.32) holds fixed: every field
 * but replicas, ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy and
 * minReadySeconds (revisionHistoryLimit became mutable only in 1.33). Unknown fields are left
 * out: the real decoder drops them before validation.
 */
const STATEFULSET_FIXED_FIELDS = ["selector", "serviceName", "volumeClaimTemplates", "podManagementPolicy", "revisionHistoryLimit"];

/** A StatefulSet update: one Forbidden error on `spec` if a fixed field changed (as 1.32 words it). */
export function statefulSetUpdateErrors(next: Obj, old: Obj): FieldError[] {
  const changed = STATEFULSET_FIXED_FIELDS.some((f) => !sameJson(next.spec?.[f], old.spec?.[f]));
  if (!changed) return [];
  return [{ type: "Forbidden", field: "spec", detail: "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden" }];
}
