/**
 * @module cluster/pod-update
 * What an update may change in a Pod's spec, as 1.32's `ValidatePodUpdate` decides it (the
 * InPlacePodVerticalScaling gate off, as 1.32 ships): containers may not be added or removed;
 * images, `activeDeadlineSeconds` (set, or lowered), added tolerations (or an existing one's
 * `tolerationSeconds`), removed scheduling gates, a negative `terminationGracePeriodSeconds` set
 * to 1 and, while the pod is gated, additions to `nodeSelector` may change; anything else is one
 * `spec: Forbidden: pod updates may not change fields other than ...` error. The real message
 * then prints go-cmp's diff of the internal Go types (unstable by design); here the changed
 * fields follow as `- path: old` / `+ path: new` lines. A gated pod's node affinity is held
 * fixed (1.32 lets it be narrowed).
 */
import { semanticDiff, semanticEqual } from "./go-equality.js";
import type { FieldError } from "./status.js";

type Obj = Record<string, any>;

const UPDATABLE_POD_SPEC_FIELDS = [
  "`spec.containers[*].image`",
  "`spec.initContainers[*].image`",
  "`spec.activeDeadlineSeconds`",
  "`spec.tolerations` (only additions to existing tolerations)",
  "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
].join(",");

const MAX_INT32 = 2147483647;

const list = (v: unknown): Obj[] => (Array.isArray(v) ? v : []);

/** ValidateContainerUpdates: the same number of containers, each image set and unpadded. `stop` ends the checks. */
function containerUpdateErrors(next: Obj[], old: Obj[], field: string): { errors: FieldError[]; stop: boolean } {
  if (next.length !== old.length) return { errors: [{ type: "Forbidden", field, detail: "pod updates may not add or remove containers" }], stop: true };
  const errors: FieldError[] = [];
  next.forEach((c, i) => {
    const image = typeof c.image === "string" ? c.image : "";
    if (image === "") errors.push({ type: "Required", field: `${field}[${i}].image` });
    if (image.trim().length !== image.length) errors.push({ type: "Invalid", field: `${field}[${i}].image`, value: image, detail: "must not have leading or trailing whitespace" });
  });
  return { errors, stop: false };
}

/** validateOnlyAddedTolerations: every old toleration is still there (its tolerationSeconds aside). */
function tolerationErrors(next: Obj[], old: Obj[]): FieldError[] {
  // A null element decodes as Go's zero toleration.
  const kept = (o: Obj | null) => next.some((n) => semanticEqual({ ...o, tolerationSeconds: n?.tolerationSeconds }, n ?? {}, "V1Toleration"));
  return old.every(kept) ? [] : [{ type: "Forbidden", field: "spec.tolerations", detail: "existing toleration can not be modified except its tolerationSeconds" }];
}

/** validateOnlyDeletedSchedulingGates: no gate the old pod did not have. */
function schedulingGateErrors(next: Obj[], old: Obj[]): FieldError[] {
  // A null or nameless gate decodes with Name "".
  const nameOf = (g: Obj | null) => (typeof g?.name === "string" ? g.name : "");
  const before = new Set(old.map(nameOf));
  // Go keeps the last index of a repeated name and visits its map in no order: by index here.
  const added = new Map<string, number>();
  next.forEach((g, i) => added.set(nameOf(g), i));
  return [...added]
    .filter(([name]) => !before.has(name))
    .sort((a, b) => a[1] - b[1])
    .map(([name, i]) => ({ type: "Forbidden", field: `spec.schedulingGates[${i}].name`, detail: `only deletion is allowed, but found new scheduling gate '${name}'` }));
}

/** spec.activeDeadlineSeconds: set from nil, or lowered; `stop` ends the checks. */
function deadlineErrors(next: unknown, old: unknown): { errors: FieldError[]; stop: boolean } {
  const field = "spec.activeDeadlineSeconds";
  if (typeof next === "number") {
    if (next < 0 || next > MAX_INT32) return { errors: [{ type: "Invalid", field, value: next, detail: `must be between 0 and ${MAX_INT32}, inclusive` }], stop: true };
    if (typeof old === "number" && old < next) return { errors: [{ type: "Invalid", field, value: next, detail: "must be less than or equal to previous value" }], stop: true };
    return { errors: [], stop: false };
  }
  if (typeof old === "number") return { errors: [{ type: "Invalid", field, value: null, detail: "must not update from a positive integer to nil value" }], stop: false };
  return { errors: [], stop: false };
}

/**
 * ValidatePodUpdate's spec rules for `next` (defaulted) replacing `old`, in its order.
 *
 * @example
 * podUpdateErrors({ spec: { containers: [{ name: "a", image: "x" }, { name: "b", image: "y" }] } }, stored);
 * // [{ type: "Forbidden", field: "spec.containers", detail: "pod updates may not add or remove containers" }]
 */
export function podUpdateErrors(next: Obj, old: Obj): FieldError[] {
  const spec: Obj = next.spec ?? {};
  const before: Obj = old.spec ?? {};
  const errors: FieldError[] = [];
  for (const kind of ["containers", "initContainers"]) {
    const checked = containerUpdateErrors(list(spec[kind]), list(before[kind]), `spec.${kind}`);
    errors.push(...checked.errors);
    if (checked.stop) return errors;
  }
  const deadline = deadlineErrors(spec.activeDeadlineSeconds, before.activeDeadlineSeconds);
  errors.push(...deadline.errors);
  if (deadline.stop) return errors;
  errors.push(...tolerationErrors(list(spec.tolerations), list(before.tolerations)));
  errors.push(...schedulingGateErrors(list(spec.schedulingGates), list(before.schedulingGates)));
  if (semanticEqual(spec, before, "V1PodSpec")) return errors;

  // The fields an update may change are set back to the old values; what still differs is refused.
  const munged: Obj = structuredClone(spec);
  const withOldImages = (kind: string) => list(munged[kind]).map((c, i) => ({ ...c, image: list(before[kind])[i]?.image }));
  munged.containers = withOldImages("containers");
  munged.initContainers = withOldImages("initContainers");
  munged.activeDeadlineSeconds = before.activeDeadlineSeconds;
  munged.schedulingGates = before.schedulingGates;
  munged.tolerations = before.tolerations;
  if (typeof before.terminationGracePeriodSeconds === "number" && before.terminationGracePeriodSeconds < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = before.terminationGracePeriodSeconds;
  }
  if (list(before.schedulingGates).length > 0 && !semanticEqual(munged.nodeSelector, before.nodeSelector, "{}string")) {
    errors.push(...nodeSelectorMutationErrors(munged.nodeSelector ?? {}, before.nodeSelector ?? {}));
    munged.nodeSelector = before.nodeSelector;
  }
  if (!semanticEqual(munged, before, "V1PodSpec")) {
    const diff = semanticDiff(before, munged, "V1PodSpec", "spec");
    errors.push({ type: "Forbidden", field: "spec", detail: `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS}\n${diff.join("\n")}` });
  }
  return errors;
}

/** validateNodeSelectorMutation: a gated pod's node selector may only grow. */
function nodeSelectorMutationErrors(next: Record<string, string>, old: Record<string, string>): FieldError[] {
  const changed = Object.entries(old).some(([k, v]) => next[k] !== v);
  return changed ? [{ type: "Invalid", field: "spec.nodeSelector", value: next, detail: "only additions to spec.nodeSelector are allowed (no mutations or deletions)" }] : [];
}
