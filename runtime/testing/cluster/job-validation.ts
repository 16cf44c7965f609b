/**
 * @module cluster/job-validation
 * What 1.32's pkg/apis/batch/validation checks of a Job's spec (and a CronJob's job template)
 * besides its pod template: the counts that may not be negative, `completionMode` and what only
 * an Indexed Job may set (`backoffLimitPerIndex`, `maxFailedIndexes`, their limits),
 * `podReplacementPolicy`, and a pod failure policy's restart policy; and a CronJob's own fields
 * (`startingDeadlineSeconds`, `concurrencyPolicy`, the history limits), each where
 * validateJobSpec and validateCronJobSpec check it. A pod failure policy's rules are checked by
 * cluster/pod-failure-policy-validation; a success policy's are not.
 */
import type { FieldError } from "./status.js";
import { nonNegativeErrors as nonNegative } from "./validation.js";
import { podFailurePolicyErrors } from "./pod-failure-policy-validation.js";

type Obj = Record<string, any>;

const MAX_PARALLELISM_INDEXED = 100_000;
const MAX_FAILED_INDEXES_INDEXED = 100_000;
const COMPLETIONS_SOFT_LIMIT = 100_000;
const HIGH_COMPLETIONS_LIMIT = 10_000;
const REPLACEMENT_POLICIES = ["Failed", "TerminatingOrFailed"];
const CONCURRENCY_POLICIES = ["Allow", "Forbid", "Replace"];

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/** completionMode, and what an Indexed Job's counts may be (validateJobSpec). */
function completionModeErrors(spec: Obj, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const mode = spec.completionMode;
  if (!isSet(mode)) return errors;
  if (mode !== "NonIndexed" && mode !== "Indexed") errors.push({ type: "NotSupported", field: `${at}.completionMode`, value: mode, supported: ["NonIndexed", "Indexed"] });
  if (mode !== "Indexed") return errors;
  const { completions, parallelism, maxFailedIndexes } = spec;
  if (!isSet(completions)) errors.push({ type: "Required", field: `${at}.completions`, detail: "when completion mode is Indexed" });
  if (isSet(parallelism) && parallelism > MAX_PARALLELISM_INDEXED) {
    errors.push({ type: "Invalid", field: `${at}.parallelism`, value: parallelism, detail: `must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed` });
  }
  if (isSet(completions) && isSet(maxFailedIndexes) && maxFailedIndexes > completions) {
    errors.push({ type: "Invalid", field: `${at}.maxFailedIndexes`, value: maxFailedIndexes, detail: "must be less than or equal to completions" });
  }
  if (isSet(maxFailedIndexes) && maxFailedIndexes > MAX_FAILED_INDEXES_INDEXED) {
    errors.push({ type: "Invalid", field: `${at}.maxFailedIndexes`, value: maxFailedIndexes, detail: `must be less than or equal to ${MAX_FAILED_INDEXES_INDEXED}` });
  }
  if (isSet(completions) && completions > COMPLETIONS_SOFT_LIMIT && isSet(spec.backoffLimitPerIndex)) {
    const high = `when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`;
    if (!isSet(maxFailedIndexes)) errors.push({ type: "Required", field: `${at}.maxFailedIndexes`, detail: `must be specified when completions is above ${COMPLETIONS_SOFT_LIMIT}` });
    if (isSet(parallelism) && parallelism > HIGH_COMPLETIONS_LIMIT) errors.push({ type: "Invalid", field: `${at}.parallelism`, value: parallelism, detail: `must be less than or equal to ${HIGH_COMPLETIONS_LIMIT} ${high}` });
    if (isSet(maxFailedIndexes) && maxFailedIndexes > HIGH_COMPLETIONS_LIMIT) errors.push({ type: "Invalid", field: `${at}.maxFailedIndexes`, value: maxFailedIndexes, detail: `must be less than or equal to ${HIGH_COMPLETIONS_LIMIT} ${high}` });
  }
  return errors;
}

/**
 * validateJobSpec's checks before the pod template, in its order, for the JobSpec at `at`
 * (`spec`, or `spec.jobTemplate.spec`): the pod failure policy's rules among them.
 */
export function jobSpecErrors(spec: Obj | undefined, at: string): FieldError[] {
  if (!spec || typeof spec !== "object") return [];
  const errors: FieldError[] = [];
  for (const field of ["parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished", "backoffLimitPerIndex"]) {
    errors.push(...nonNegative(spec[field], `${at}.${field}`));
  }
  if (isSet(spec.maxFailedIndexes)) {
    errors.push(...nonNegative(spec.maxFailedIndexes, `${at}.maxFailedIndexes`));
    if (!isSet(spec.backoffLimitPerIndex)) errors.push({ type: "Required", field: `${at}.backoffLimitPerIndex`, detail: "when maxFailedIndexes is specified" });
  }
  errors.push(...completionModeErrors(spec, at));
  if (!isSet(spec.completionMode) || spec.completionMode === "NonIndexed") {
    for (const field of ["backoffLimitPerIndex", "maxFailedIndexes"]) {
      if (isSet(spec[field])) errors.push({ type: "Invalid", field: `${at}.${field}`, value: spec[field], detail: "requires indexed completion mode" });
    }
  }
  errors.push(...podFailurePolicyErrors(spec, at));
  const replacement = spec.podReplacementPolicy;
  if (isSet(replacement)) {
    const supported = isSet(spec.podFailurePolicy) ? ["Failed"] : REPLACEMENT_POLICIES;
    if (!supported.includes(replacement)) errors.push({ type: "NotSupported", field: `${at}.podReplacementPolicy`, value: replacement, supported });
  }
  return errors;
}

/**
 * After the restart policy's own check: a Job with a pod failure policy may only use `Never`
 * (`OnFailure` is otherwise valid).
 */
export function podFailurePolicyRestartErrors(spec: Obj | undefined, at: string): FieldError[] {
  const policy = spec?.template?.spec?.restartPolicy;
  if (!isSet(spec?.podFailurePolicy) || policy !== "OnFailure") return [];
  return [{ type: "Invalid", field: `${at}.template.spec.restartPolicy`, value: policy, detail: 'only "Never" is supported when podFailurePolicy is specified' }];
}

/** validateCronJobSpec's `startingDeadlineSeconds`, checked after the schedule. */
export function startingDeadlineErrors(spec: Obj | undefined): FieldError[] {
  return nonNegative(spec?.startingDeadlineSeconds, "spec.startingDeadlineSeconds");
}

/** validateConcurrencyPolicy, checked after the time zone (an empty one was defaulted to Allow). */
export function concurrencyPolicyErrors(spec: Obj | undefined): FieldError[] {
  const policy = spec?.concurrencyPolicy;
  return isSet(policy) && !CONCURRENCY_POLICIES.includes(policy) ? [{ type: "NotSupported", field: "spec.concurrencyPolicy", value: policy, supported: CONCURRENCY_POLICIES }] : [];
}

/** The history limits, checked last. */
export function historyLimitErrors(spec: Obj | undefined): FieldError[] {
  return [...nonNegative(spec?.successfulJobsHistoryLimit, "spec.successfulJobsHistoryLimit"), ...nonNegative(spec?.failedJobsHistoryLimit, "spec.failedJobsHistoryLimit")];
}
