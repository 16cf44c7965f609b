/**
 * @module cluster/job-status
 * What a write of a Job's status subresource may hold, as 1.32's ValidateJobUpdateStatus checks
 * it with the JobStatusValidationOptions its status strategy turns on (JobManagedBy is on by
 * default in 1.32): counts not negative, uncounted pods named once; a terminal condition only
 * after its interim one (Failed after FailureTarget, Complete after SuccessCriteriaMet), never
 * both kinds, never taken back; a finished Job started, with no active, terminating or uncounted
 * pods; completionTime only on a Complete Job, not before startTime, fixed once set; counters
 * that do not go down; an Indexed Job's index lists well formed. As the strategy does, most
 * rules run only when a field they read changed, so a status the rules came after can still be
 * updated in its other fields. The spec is the stored one (the status strategy keeps it).
 */
import { indexesFormatError, indexesOverlapError } from "./job-indexes.js";
import type { FieldError } from "./status.js";
import { nonNegativeErrors as nonNegative } from "./validation.js";

type Obj = Record<string, any>;

const isSet = (v: unknown): boolean => v !== undefined && v !== null;
const conditionTrue = (status: Obj, type: string): boolean =>
  Array.isArray(status.conditions) && status.conditions.some((c: Obj | null) => c?.type === type && c?.status === "True");
const count = (v: unknown): number => (typeof v === "number" ? v : 0);
/** `field.Invalid(path, field.OmitValueType{}, detail)`. */
const omitted = (field: string, detail: string): FieldError => ({ type: "Invalid", field, omitValue: true, detail });

/** A metav1.Time as Go holds it: whole seconds since the epoch and the fraction's digits (nine). */
function instant(value: unknown): [number, string] | undefined {
  const m = typeof value === "string" ? /^(.*?\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/i.exec(value) : null;
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3]!.toUpperCase()}`);
  return Number.isNaN(seconds) ? undefined : [seconds / 1000, (m[2] ?? "").padEnd(9, "0").slice(0, 9)];
}

/** ptr.Equal of two *metav1.Time (nil equals only nil). */
function sameTime(a: unknown, b: unknown): boolean {
  if (!isSet(a) || !isSet(b)) return !isSet(a) && !isSet(b);
  const [x, y] = [instant(a), instant(b)];
  return x && y ? x[0] === y[0] && x[1] === y[1] : a === b;
}

/** `a.Before(b)`. */
function before(a: unknown, b: unknown): boolean {
  const [x, y] = [instant(a), instant(b)];
  return Boolean(x && y && (x[0] < y[0] || (x[0] === y[0] && x[1] < y[1])));
}

/** Go's `time.Time.String()` of a decoded metav1.Time (the server's zone is UTC): `2026-01-01 00:00:00 +0000 UTC`. */
function goTime(value: unknown): string {
  const t = instant(value);
  if (!t) return String(value);
  const fraction = t[1].replace(/0+$/, "");
  return `${new Date(t[0] * 1000).toISOString().slice(0, 19).replace("T", " ")}${fraction ? `.${fraction}` : ""} +0000 UTC`;
}

/** `%#v` of a *batch.UncountedTerminatedPods. */
function goUncounted(u: Obj): string {
  const uids = (list: unknown) => (Array.isArray(list) ? `[]types.UID{${list.map((v) => JSON.stringify(String(v ?? ""))).join(", ")}}` : "[]types.UID(nil)");
  return `batch.UncountedTerminatedPods{Succeeded:${uids(u.succeeded)}, Failed:${uids(u.failed)}}`;
}

/** apiequality.Semantic.DeepEqual of two *UncountedTerminatedPods (a nil list equals an empty one). */
function sameUncounted(a: unknown, b: unknown): boolean {
  if (!isSet(a) || !isSet(b)) return !isSet(a) && !isSet(b);
  const list = (v: unknown): string => JSON.stringify(Array.isArray(v) ? v : []);
  return list((a as Obj).succeeded) === list((b as Obj).succeeded) && list((a as Obj).failed) === list((b as Obj).failed);
}

/** The strategy's options: which of validateJobStatus's optional rules this update runs. */
interface Options {
  decreasingSucceeded: boolean;
  completeWithFailed: boolean;
  completeWithFailureTarget: boolean;
  completionTimeRules: boolean;
  completionBeforeStart: boolean;
  failedWithoutFailureTarget: boolean;
  completeWithoutSuccessCriteriaMet: boolean;
  finishedWithActive: boolean;
  finishedWithoutStart: boolean;
  finishedWithUncounted: boolean;
  completedIndexesRules: boolean;
  failedIndexesRules: boolean;
  indexesOverlap: boolean;
  finishedWithTerminating: boolean;
  moreReadyThanActive: boolean;
  startTimeUpdate: boolean;
}

/** getStatusValidationOptions with JobManagedBy on: a rule runs when a field it reads changed. */
function options(spec: Obj, status: Obj, old: Obj): Options {
  const changed = (type: string) => conditionTrue(old, type) !== conditionTrue(status, type);
  const finished = (s: Obj) => conditionTrue(s, "Complete") || conditionTrue(s, "Failed");
  const finishedChanged = finished(old) !== finished(status);
  const [complete, failed, failureTarget, successCriteriaMet] = ["Complete", "Failed", "FailureTarget", "SuccessCriteriaMet"].map(changed) as [boolean, boolean, boolean, boolean];
  const completedIndexes = (status.completedIndexes ?? "") !== (old.completedIndexes ?? "");
  const failedIndexes = (status.failedIndexes ?? null) !== (old.failedIndexes ?? null);
  const active = count(status.active) !== count(old.active);
  const start = !sameTime(status.startTime, old.startTime);
  const completion = !sameTime(status.completionTime, old.completionTime);
  const indexed = spec.completionMode === "Indexed";
  return {
    // An Indexed Job whose parallelism equals its completions may be scaled down, its succeeded count with it.
    decreasingSucceeded: !indexed || spec.completions !== spec.parallelism,
    completeWithFailed: complete || failed,
    completeWithFailureTarget: complete || failureTarget,
    completionTimeRules: complete || completion,
    completionBeforeStart: start || completion,
    failedWithoutFailureTarget: failed || failureTarget,
    completeWithoutSuccessCriteriaMet: complete || successCriteriaMet,
    finishedWithActive: finishedChanged || active,
    finishedWithoutStart: finishedChanged || start,
    finishedWithUncounted: finishedChanged || !sameUncounted(status.uncountedTerminatedPods, old.uncountedTerminatedPods),
    completedIndexesRules: completedIndexes,
    failedIndexesRules: failedIndexes,
    indexesOverlap: completedIndexes || failedIndexes,
    finishedWithTerminating: finishedChanged || (status.terminating ?? null) !== (old.terminating ?? null),
    moreReadyThanActive: active || (status.ready ?? null) !== (old.ready ?? null),
    startTimeUpdate: start,
  };
}

/** uncountedTerminatedPods: no empty uid, none twice (across both lists). */
function uncountedErrors(uncounted: unknown): FieldError[] {
  if (!isSet(uncounted) || typeof uncounted !== "object") return [];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const list of ["succeeded", "failed"] as const) {
    const uids = (uncounted as Obj)[list];
    if (!Array.isArray(uids)) continue;
    uids.forEach((uid, i) => {
      const field = `status.uncountedTerminatedPods.${list}[${i}]`;
      const value = String(uid ?? "");
      if (value === "") errors.push({ type: "Invalid", field, value, detail: "must not be empty" });
      else if (seen.has(value)) errors.push({ type: "Duplicate", field, value });
      else seen.add(value);
    });
  }
  return errors;
}

/** validateJobStatus's rules on the conditions and times, in its order. */
function terminalErrors(spec: Obj, s: Obj, o: Options): FieldError[] {
  const errors: FieldError[] = [];
  const complete = conditionTrue(s, "Complete");
  const failed = conditionTrue(s, "Failed");
  const failureTarget = conditionTrue(s, "FailureTarget");
  const successCriteriaMet = conditionTrue(s, "SuccessCriteriaMet");
  const finished = complete || failed;
  if (o.completeWithFailed && complete && failed) errors.push(omitted("status.conditions", "cannot set Complete=True and Failed=true conditions"));
  if (o.completeWithFailureTarget && complete && failureTarget) errors.push(omitted("status.conditions", "cannot set Complete=True and FailureTarget=true conditions"));
  if (o.completionTimeRules && isSet(s.completionTime) && !complete) {
    errors.push({ type: "Invalid", field: "status.completionTime", rendered: goTime(s.completionTime), detail: "cannot set completionTime when there is no Complete=True condition" });
  }
  if (o.completionTimeRules && !isSet(s.completionTime) && complete) errors.push({ type: "Required", field: "status.completionTime", detail: "completionTime is required for Complete jobs" });
  if (o.completionBeforeStart && isSet(s.startTime) && isSet(s.completionTime) && before(s.completionTime, s.startTime)) {
    errors.push({ type: "Invalid", field: "status.completionTime", rendered: goTime(s.completionTime), detail: "completionTime cannot be set before startTime" });
  }
  if (o.failedWithoutFailureTarget && failed && !failureTarget) errors.push(omitted("status.conditions", "cannot set Failed=True condition without the FailureTarget=true condition"));
  if (o.completeWithoutSuccessCriteriaMet && complete && !successCriteriaMet) errors.push(omitted("status.conditions", "cannot set Complete=True condition without the SuccessCriteriaMet=true condition"));
  if (o.finishedWithActive && count(s.active) > 0 && finished) errors.push({ type: "Invalid", field: "status.active", value: s.active, detail: "active>0 is invalid for finished job" });
  if (o.finishedWithoutStart && !isSet(s.startTime) && finished) errors.push({ type: "Required", field: "status.startTime", detail: "startTime is required for finished job" });
  const uncounted: Obj | undefined = isSet(s.uncountedTerminatedPods) ? s.uncountedTerminatedPods : undefined;
  const uncountedCount = (Array.isArray(uncounted?.failed) ? uncounted.failed.length : 0) + (Array.isArray(uncounted?.succeeded) ? uncounted.succeeded.length : 0);
  if (o.finishedWithUncounted && finished && uncounted && uncountedCount > 0) {
    errors.push({ type: "Invalid", field: "status.uncountedTerminatedPods", rendered: goUncounted(uncounted), detail: "uncountedTerminatedPods needs to be empty for finished job" });
  }
  errors.push(...indexesErrors(spec, s, o));
  if (o.finishedWithTerminating && count(s.terminating) > 0 && finished) errors.push({ type: "Invalid", field: "status.terminating", value: s.terminating, detail: "terminating>0 is invalid for finished job" });
  if (o.moreReadyThanActive && isSet(s.ready) && count(s.ready) > count(s.active)) errors.push({ type: "Invalid", field: "status.ready", value: s.ready, detail: "cannot set more ready pods than active" });
  // Unconditional: SuccessCriteriaMet (any Job may carry it with JobManagedBy on) excludes failure.
  if (successCriteriaMet && failed) errors.push(omitted("status.conditions", "cannot set SuccessCriteriaMet=True and Failed=true conditions"));
  if (successCriteriaMet && failureTarget) errors.push(omitted("status.conditions", "cannot set SuccessCriteriaMet=True and FailureTarget=true conditions"));
  if (isSet(spec.successPolicy) && !successCriteriaMet && complete) errors.push(omitted("status.conditions", "cannot set Complete=True for Job with SuccessPolicy unless SuccessCriteriaMet=True"));
  return errors;
}

/** completedIndexes and failedIndexes: format, what the Job's mode allows, no index in both. */
function indexesErrors(spec: Obj, s: Obj, o: Options): FieldError[] {
  const errors: FieldError[] = [];
  const completions: number | undefined = typeof spec.completions === "number" ? spec.completions : undefined;
  const completed: string = typeof s.completedIndexes === "string" ? s.completedIndexes : "";
  const failed: string | undefined = isSet(s.failedIndexes) ? String(s.failedIndexes) : undefined;
  const perIndex = isSet(spec.backoffLimitPerIndex);
  const format = (field: string, value: string) => {
    const error = completions === undefined ? undefined : indexesFormatError(value, completions);
    if (error) errors.push({ type: "Invalid", field: `status.${field}`, value, detail: `error parsing ${field}: ${error}` });
  };
  if (o.completedIndexesRules) format("completedIndexes", completed);
  if (o.failedIndexesRules && perIndex && failed !== undefined) format("failedIndexes", failed);
  if (o.completedIndexesRules && completed !== "" && spec.completionMode !== "Indexed") {
    errors.push({ type: "Invalid", field: "status.completedIndexes", value: completed, detail: "cannot set non-empty completedIndexes when non-indexed completion mode" });
  }
  if (o.failedIndexesRules && !perIndex && failed !== undefined) {
    errors.push({ type: "Invalid", field: "status.failedIndexes", value: failed, detail: "cannot set non-null failedIndexes when backoffLimitPerIndex is null" });
  }
  if (o.indexesOverlap && completions !== undefined && failed !== undefined) {
    const overlap = indexesOverlapError(completed, failed, completions);
    if (overlap) errors.push({ type: "Invalid", field: "status.failedIndexes", value: failed, detail: overlap });
  }
  return errors;
}

/** ValidateJobStatusUpdate's rules on the change itself, after the status's own. */
function transitionErrors(spec: Obj, s: Obj, old: Obj, o: Options): FieldError[] {
  const errors: FieldError[] = [];
  for (const type of ["Failed", "Complete", "FailureTarget"]) {
    if (conditionTrue(old, type) && !conditionTrue(s, type)) errors.push(omitted("status.conditions", `cannot disable the terminal ${type}=True condition`));
  }
  if (count(s.failed) < count(old.failed)) errors.push({ type: "Invalid", field: "status.failed", value: count(s.failed), detail: "cannot decrease the failed counter" });
  if (o.decreasingSucceeded && count(s.succeeded) < count(old.succeeded)) errors.push({ type: "Invalid", field: "status.succeeded", value: count(s.succeeded), detail: "cannot decrease the succeeded counter" });
  if (isSet(s.completionTime) && isSet(old.completionTime) && !sameTime(s.completionTime, old.completionTime)) {
    errors.push({ type: "Invalid", field: "status.completionTime", rendered: goTime(s.completionTime), detail: "completionTime cannot be mutated" });
  }
  if (o.startTimeUpdate && isSet(old.startTime) && !sameTime(old.startTime, s.startTime) && spec.suspend !== true) {
    errors.push({ type: "Required", field: "status.startTime", detail: "startTime cannot be removed for unsuspended job" });
  }
  const successCriteriaMet = conditionTrue(s, "SuccessCriteriaMet");
  if (conditionTrue(old, "SuccessCriteriaMet") && !successCriteriaMet) errors.push(omitted("status.conditions", "cannot disable the SuccessCriteriaMet=True condition"));
  if (conditionTrue(old, "Complete") && !conditionTrue(old, "SuccessCriteriaMet") && successCriteriaMet) {
    errors.push(omitted("status.conditions", "cannot set SuccessCriteriaMet=True for Job already has Complete=true conditions"));
  }
  return errors;
}

/**
 * A status update's checks of `job` (the stored spec, the new status) against `stored`, in
 * ValidateJobStatusUpdate's order (metadata is checked apart).
 *
 * @example
 * jobStatusErrors({ ...stored, status: { conditions: [{ type: "Failed", status: "True" }] } }, stored);
 * // [{ field: "status.conditions", detail: "cannot set Failed=True condition without the FailureTarget=true condition", ... },
 * //  { type: "Required", field: "status.startTime", detail: "startTime is required for finished job" }]
 */
export function jobStatusErrors(job: Obj, stored?: Obj): FieldError[] {
  const spec: Obj = job.spec ?? {};
  const status: Obj = job.status && typeof job.status === "object" ? job.status : {};
  const old: Obj = stored?.status && typeof stored.status === "object" ? stored.status : {};
  const o = options(spec, status, old);
  return [
    ...nonNegative(status.active, "status.active"),
    ...nonNegative(status.succeeded, "status.succeeded"),
    ...nonNegative(status.failed, "status.failed"),
    ...nonNegative(status.ready, "status.ready"),
    ...nonNegative(status.terminating, "status.terminating"),
    ...uncountedErrors(status.uncountedTerminatedPods),
    ...terminalErrors(spec, status, o),
    ...transitionErrors(spec, status, old, o),
  ];
}
