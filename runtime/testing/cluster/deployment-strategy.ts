/**
 * @module cluster/deployment-strategy
 * A Deployment's `spec.strategy` as 1.32's ValidateDeploymentStrategy checks it, after the rest
 * of the spec: `Recreate` takes no `rollingUpdate`; `RollingUpdate`'s `maxUnavailable` and
 * `maxSurge` are non-negative counts or percentages (`maxUnavailable` at most 100%), not both 0;
 * any other type is refused with the strategy printed as Go prints it.
 */
import type { FieldError } from "./status.js";
import { nonNegativeErrors } from "./validation.js";

type Obj = Record<string, any>;

const AT = "spec.strategy";
const PERCENT = /^[0-9]+%$/;
const PERCENT_MSG = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/**
 * An IntOrString as a field error prints it: `%#v` (its String method takes a pointer, and the
 * error holds a value): `intstr.IntOrString{Type:1, IntVal:0, StrVal:"5%"}`.
 */
function rendered(value: unknown): string {
  return typeof value === "string" ? `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(value)}}` : `intstr.IntOrString{Type:0, IntVal:${Number(value ?? 0)}, StrVal:""}`;
}

/** ValidatePositiveIntOrPercent. */
function positiveIntOrPercent(value: unknown, field: string): FieldError[] {
  if (typeof value === "string") return PERCENT.test(value) ? [] : [{ type: "Invalid", field, rendered: rendered(value), detail: PERCENT_MSG }];
  return nonNegativeErrors(value, field);
}

/** getIntOrPercentValue: the number a count or a percentage holds (another string: `IntValue`, Atoi or 0). */
function amount(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return 0;
  if (PERCENT.test(value)) return Number(value.slice(0, -1));
  return /^[+-]?[0-9]+$/.test(value) ? Number(value) : 0;
}

/** ValidateRollingUpdateDeployment. */
function rollingUpdateErrors(rolling: Obj): FieldError[] {
  const at = `${AT}.rollingUpdate`;
  const { maxUnavailable, maxSurge } = rolling;
  const errors = [...positiveIntOrPercent(maxUnavailable, `${at}.maxUnavailable`), ...positiveIntOrPercent(maxSurge, `${at}.maxSurge`)];
  if (amount(maxUnavailable ?? 0) === 0 && amount(maxSurge ?? 0) === 0) {
    errors.push({ type: "Invalid", field: `${at}.maxUnavailable`, rendered: rendered(maxUnavailable ?? 0), detail: "may not be 0 when `maxSurge` is 0" });
  }
  if (typeof maxUnavailable === "string" && PERCENT.test(maxUnavailable) && amount(maxUnavailable) > 100) {
    errors.push({ type: "Invalid", field: `${at}.maxUnavailable`, rendered: rendered(maxUnavailable), detail: "must not be greater than 100%" });
  }
  return errors;
}

/** Go's `%#v` of an apps.DeploymentStrategy (its rollingUpdate pointer as an address). */
function goStrategy(strategy: Obj): string {
  const pointer = strategy.rollingUpdate ? "(*apps.RollingUpdateDeployment)(0xc000a4e1c0)" : "(*apps.RollingUpdateDeployment)(nil)";
  return `apps.DeploymentStrategy{Type:${JSON.stringify(String(strategy.type ?? ""))}, RollingUpdate:${pointer}}`;
}

/** ValidateDeploymentStrategy of a defaulted Deployment. */
export function deploymentStrategyErrors(spec: Obj | undefined): FieldError[] {
  const strategy: Obj = spec?.strategy ?? {};
  switch (strategy.type) {
    case "Recreate":
      return strategy.rollingUpdate ? [{ type: "Forbidden", field: `${AT}.rollingUpdate`, detail: "may not be specified when strategy `type` is 'Recreate'" }] : [];
    case "RollingUpdate":
      return strategy.rollingUpdate ? rollingUpdateErrors(strategy.rollingUpdate) : [{ type: "Required", field: `${AT}.rollingUpdate`, detail: "this should be defaulted and never be nil" }];
    default:
      return [{ type: "NotSupported", field: AT, rendered: goStrategy(strategy), supported: ["Recreate", "RollingUpdate"] }];
  }
}
