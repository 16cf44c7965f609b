/**
 * @module cluster/pod-failure-policy-validation
 * A Job's `podFailurePolicy` (and a CronJob's job template's) as 1.32's
 * pkg/apis/batch/validation checks it (validatePodFailurePolicy and its rules): at most 20
 * rules; each rule's action (Count, FailIndex with backoffLimitPerIndex, FailJob, Ignore), one of
 * onExitCodes and onPodConditions; an exit-code requirement's operator (In, NotIn), container
 * name (one of the template's containers or init containers), 1 to 255 values in ascending
 * order, none repeated, no 0 for In; at most 20 pod-condition patterns, each a qualified type
 * and a status True, False or Unknown. Messages and order are the real server's.
 */
import type { FieldError } from "./status.js";
import { labelKeyErrors } from "./label-rules.js";

type Obj = Record<string, any>;

const MAX_RULES = 20;
const MAX_EXIT_CODES = 255;
const MAX_CONDITION_PATTERNS = 20;
const ACTIONS = ["Count", "FailIndex", "FailJob", "Ignore"];
const OPERATORS = ["In", "NotIn"];
const STATUSES = ["False", "True", "Unknown"];

const isSet = (v: unknown): boolean => v !== undefined && v !== null;
/** Go's `%q` of a sorted string list: `["a" "b"]`. */
const quotedList = (values: string[]): string => `[${values.map((v) => JSON.stringify(v)).join(" ")}]`;
/** Go's `%#v` of an `[]int32`: `[]int32{42, 7}`, `[]int32{}`, or `[]int32(nil)` when absent. */
const goInt32s = (values: unknown): string => (Array.isArray(values) ? `[]int32{${values.join(", ")}}` : "[]int32(nil)");

function onExitCodesErrors(requirement: Obj, at: string, containers: ReadonlySet<string>): FieldError[] {
  const errors: FieldError[] = [];
  const { operator, containerName } = requirement;
  if (!isSet(operator) || operator === "") errors.push({ type: "Required", field: `${at}.operator`, detail: `valid values: ${quotedList(OPERATORS)}` });
  else if (!OPERATORS.includes(operator)) errors.push({ type: "NotSupported", field: `${at}.operator`, value: operator, supported: OPERATORS });
  if (isSet(containerName) && !containers.has(containerName)) {
    errors.push({ type: "Invalid", field: `${at}.containerName`, value: containerName, detail: "must be one of the container or initContainer names in the pod template" });
  }
  const values: unknown[] = Array.isArray(requirement.values) ? requirement.values : [];
  if (values.length === 0) errors.push({ type: "Invalid", field: `${at}.values`, rendered: goInt32s(requirement.values), detail: "at least one value is required" });
  else if (values.length > MAX_EXIT_CODES) errors.push({ type: "TooMany", field: `${at}.values`, value: values.length, detail: `must have at most ${MAX_EXIT_CODES} items` });
  const seen = new Set<unknown>();
  let ordered = true;
  values.forEach((value, j) => {
    if (operator === "In" && value === 0) errors.push({ type: "Invalid", field: `${at}.values[${j}]`, value, detail: "must not be 0 for the In operator" });
    if (seen.has(value)) errors.push({ type: "Duplicate", field: `${at}.values[${j}]`, value });
    else seen.add(value);
    if (j > 0 && (values[j - 1] as number) > (value as number)) ordered = false;
  });
  if (!ordered) errors.push({ type: "Invalid", field: `${at}.values`, rendered: goInt32s(values), detail: "must be ordered" });
  return errors;
}

function onPodConditionsErrors(patterns: Obj[], at: string): FieldError[] {
  const errors: FieldError[] = [];
  if (patterns.length > MAX_CONDITION_PATTERNS) errors.push({ type: "TooMany", field: at, value: patterns.length, detail: `must have at most ${MAX_CONDITION_PATTERNS} items` });
  patterns.forEach((pattern, j) => {
    const type = String(pattern?.type ?? "");
    // apivalidation.ValidateQualifiedName: one Invalid per message of IsQualifiedName.
    for (const detail of labelKeyErrors(type)) errors.push({ type: "Invalid", field: `${at}[${j}].type`, value: type, detail });
    const status = pattern?.status;
    if (!isSet(status) || status === "") errors.push({ type: "Required", field: `${at}[${j}].status`, detail: `valid values: ${quotedList(STATUSES)}` });
    else if (!STATUSES.includes(status)) errors.push({ type: "NotSupported", field: `${at}[${j}].status`, value: status, supported: STATUSES });
  });
  return errors;
}

function ruleErrors(spec: Obj, rule: Obj, at: string, containers: ReadonlySet<string>): FieldError[] {
  const errors: FieldError[] = [];
  const action = rule?.action;
  if (!isSet(action) || action === "") errors.push({ type: "Required", field: `${at}.action`, detail: `valid values: ${quotedList(ACTIONS)}` });
  else if (action === "FailIndex") {
    if (!isSet(spec.backoffLimitPerIndex)) errors.push({ type: "Invalid", field: `${at}.action`, value: action, detail: "requires the backoffLimitPerIndex to be set" });
  } else if (!ACTIONS.includes(action)) errors.push({ type: "NotSupported", field: `${at}.action`, value: action, supported: ACTIONS });
  const onExitCodes = isSet(rule?.onExitCodes) ? (rule.onExitCodes as Obj) : undefined;
  const onPodConditions: Obj[] = Array.isArray(rule?.onPodConditions) ? rule.onPodConditions : [];
  if (onExitCodes) errors.push(...onExitCodesErrors(onExitCodes, `${at}.onExitCodes`, containers));
  if (onPodConditions.length > 0) errors.push(...onPodConditionsErrors(onPodConditions, `${at}.onPodConditions`));
  // field.OmitValueType: "Invalid value: <detail>", no value printed.
  if (onExitCodes && onPodConditions.length > 0) errors.push({ type: "Invalid", field: at, rendered: "specifying both OnExitCodes and OnPodConditions is not supported" });
  if (!onExitCodes && onPodConditions.length === 0) errors.push({ type: "Invalid", field: at, rendered: "specifying one of OnExitCodes and OnPodConditions is required" });
  return errors;
}

/**
 * validatePodFailurePolicy of the JobSpec at `at` (`spec`, or `spec.jobTemplate.spec`): nothing
 * when it sets none. Checked after the completion mode's fields, before podReplacementPolicy.
 */
export function podFailurePolicyErrors(spec: Obj, at: string): FieldError[] {
  const policy = spec.podFailurePolicy;
  if (!isSet(policy) || typeof policy !== "object") return [];
  const rules: Obj[] = Array.isArray(policy.rules) ? policy.rules : [];
  const errors: FieldError[] = [];
  if (rules.length > MAX_RULES) errors.push({ type: "TooMany", field: `${at}.podFailurePolicy.rules`, value: rules.length, detail: `must have at most ${MAX_RULES} items` });
  const pod = spec.template?.spec ?? {};
  const containers = new Set<string>([...(Array.isArray(pod.containers) ? pod.containers : []), ...(Array.isArray(pod.initContainers) ? pod.initContainers : [])].map((c: Obj) => c?.name));
  rules.forEach((rule, i) => errors.push(...ruleErrors(spec, rule, `${at}.podFailurePolicy.rules[${i}]`, containers)));
  return errors;
}
