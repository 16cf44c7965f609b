/**
 * @module cluster/auth/access-review-selectors
 * What 1.31+ checks of an access review's resourceAttributes selectors
 * (pkg/apis/authorization/validation's validateResourceAttributes): a fieldSelector or
 * labelSelector that is given (not null) needs rawSelector or requirements, not both; a field
 * requirement a key and the values its operator needs (metav1's ValidateFieldSelectorRequirement),
 * a label requirement what ValidateLabelSelectorRequirement checks. An operator the server does
 * not know passes (AllowUnknownOperatorInRequirement), for clients newer than the server.
 */
import { labelSelectorRequirementErrors, operatorValuesErrors } from "../label-rules.js";
import type { FieldError } from "../status.js";

type Obj = Record<string, unknown>;

const record = (value: unknown): Obj => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : {});

function fieldSelectorRequirementErrors(requirement: unknown, at: string): FieldError[] {
  const r = record(requirement);
  const missingKey: FieldError[] = typeof r.key === "string" && r.key !== "" ? [] : [{ type: "Required", field: `${at}.key`, detail: "must be specified" }];
  return [...missingKey, ...operatorValuesErrors(r.operator, Array.isArray(r.values) ? r.values : [], at, true)];
}

function selectorErrors(selector: unknown, path: string, requirementErrors: (requirement: unknown, at: string) => FieldError[]): FieldError[] {
  if (selector === null || selector === undefined) return [];
  const s = record(selector);
  const raw = typeof s.rawSelector === "string" ? s.rawSelector : "";
  const requirements = Array.isArray(s.requirements) ? s.requirements : [];
  const errors: FieldError[] = [];
  if (raw && requirements.length) errors.push({ type: "Invalid", field: `${path}.rawSelector`, value: raw, detail: "may not specified at the same time as requirements" });
  if (!raw && !requirements.length) errors.push({ type: "Required", field: `${path}.requirements`, detail: `when ${path} is specified, requirements or rawSelector is required` });
  requirements.forEach((r, i) => errors.push(...requirementErrors(r, `${path}.requirements[${i}]`)));
  return errors;
}

/**
 * The errors of `resourceAttributes` (as decoded from the body) at `path`: its fieldSelector's, then its labelSelector's.
 *
 * @example
 * resourceAttributesErrors({ verb: "list", labelSelector: {} }, "spec.resourceAttributes");
 * // [{ type: "Required", field: "spec.resourceAttributes.labelSelector.requirements", ... }]
 */
export function resourceAttributesErrors(resourceAttributes: unknown, path: string): FieldError[] {
  const ra = record(resourceAttributes);
  return [
    ...selectorErrors(ra.fieldSelector, `${path}.fieldSelector`, fieldSelectorRequirementErrors),
    ...selectorErrors(ra.labelSelector, `${path}.labelSelector`, (r, at) => labelSelectorRequirementErrors(r, at, true)),
  ];
}
