/**
 * @module cluster/label-rules
 * What a label key and a label value may be, with the messages of
 * k8s.io/apimachinery/pkg/util/validation (`IsQualifiedName`, `IsValidLabelValue`): used by the
 * selector parser and by metadata and Event validation; and a label map, a `LabelSelector` and
 * one requirement as metav1's `ValidateLabels`, `ValidateLabelSelector` and
 * `ValidateLabelSelectorRequirement` check them.
 */
import { invalidFields, type FieldError } from "./status.js";

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Problems with a label key (`prefix/name`), as `validation.IsQualifiedName`; empty when valid. */
export function labelKeyErrors(key: string): string[] {
  const parts = key.split("/");
  let name = key;
  const errs: string[] = [];
  if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push("prefix part must be non-empty");
    if (prefix.length > 253) errs.push("prefix part must be no more than 253 characters");
    if (prefix.length > 0 && !DNS_SUBDOMAIN.test(prefix)) errs.push("prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  } else if (parts.length > 2) {
    return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  }
  if (name.length === 0) errs.push("name part must be non-empty");
  else if (name.length > 63) errs.push("name part must be no more than 63 characters");
  // As validation.IsQualifiedName: the pattern is checked whatever the length (an empty name gets both).
  if (!QUALIFIED_NAME.test(name)) errs.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
  return errs;
}

/** Problems with a label value, as `validation.IsValidLabelValue`; empty when valid. */
export function labelValueErrors(value: string): string[] {
  if (value === "") return [];
  const errs: string[] = [];
  // Both checks, as validation.IsValidLabelValue; Go's len counts bytes.
  if (Buffer.byteLength(value) > 63) errs.push("must be no more than 63 characters");
  if (!QUALIFIED_NAME.test(value)) errs.push("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
  return errs;
}

/** `ValidateLabels`: each key, then its value, reported at `field` itself (not per key). */
export function labelsErrors(labels: unknown, field: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const [k, v] of Object.entries((labels ?? {}) as Record<string, unknown>)) {
    errors.push(...invalidFields(field, k, labelKeyErrors(k)), ...invalidFields(field, v, labelValueErrors(String(v))));
  }
  return errors;
}

/**
 * `ValidateLabelSelector` (values checked: `AllowInvalidLabelValueInSelector` false): its
 * matchLabels, then each expression's operator and values, key and each value.
 */
export function labelSelectorErrors(selector: unknown, field: string): FieldError[] {
  if (!selector || typeof selector !== "object") return [];
  const sel = selector as { matchLabels?: unknown; matchExpressions?: unknown };
  const errors = labelsErrors(sel.matchLabels, `${field}.matchLabels`);
  const expressions = Array.isArray(sel.matchExpressions) ? (sel.matchExpressions as unknown[]) : [];
  expressions.forEach((e, i) => errors.push(...labelSelectorRequirementErrors(e, `${field}.matchExpressions[${i}]`)));
  return errors;
}

/**
 * The values an operator needs (`In`/`NotIn` some, `Exists`/`DoesNotExist` none), as both
 * metav1 requirement checks word it; an unknown operator is an error unless `allowUnknownOperator`.
 */
export function operatorValuesErrors(operator: unknown, values: readonly unknown[], at: string, allowUnknownOperator: boolean): FieldError[] {
  if (operator === "In" || operator === "NotIn") {
    return values.length === 0 ? [{ type: "Required", field: `${at}.values`, detail: "must be specified when `operator` is 'In' or 'NotIn'" }] : [];
  }
  if (operator === "Exists" || operator === "DoesNotExist") {
    return values.length > 0 ? [{ type: "Forbidden", field: `${at}.values`, detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'" }] : [];
  }
  return allowUnknownOperator ? [] : [{ type: "Invalid", field: `${at}.operator`, value: operator ?? "", detail: "not a valid selector operator" }];
}

/**
 * `ValidateLabelSelectorRequirement` (values checked: `AllowInvalidLabelValueInSelector` false):
 * the operator and values, the key, each value; `allowUnknownOperator` as a *SubjectAccessReview's.
 */
export function labelSelectorRequirementErrors(requirement: unknown, at: string, allowUnknownOperator = false): FieldError[] {
  const e = (requirement ?? {}) as Record<string, unknown>;
  const values = Array.isArray(e.values) ? (e.values as unknown[]).map(String) : [];
  const key = String(e.key ?? "");
  return [
    ...operatorValuesErrors(e.operator ?? "", values, at, allowUnknownOperator),
    ...invalidFields(`${at}.key`, key, labelKeyErrors(key)),
    ...values.flatMap((v, j) => invalidFields(`${at}.values[${j}]`, v, labelValueErrors(v))),
  ];
}
