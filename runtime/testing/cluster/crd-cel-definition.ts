/**
 * @module cluster/crd-cel-definition
 * What a 1.32 server checks of a CRD's `x-kubernetes-validations` entries as the CRD is written
 * (apiextensions validation.go, `validateCustomResourceDefinitionOpenAPISchema`): a rule is
 * given; a message, if given, is one non-empty line (and is required for a rule of several
 * lines); a `messageExpression`, if given, is not blank; `reason` is one of the four; `fieldPath`,
 * if given, is one non-empty line naming a field of the schema (crd-cel-fieldpath); a rule using `oldSelf` is not
 * under a list whose items have no old value (not `x-kubernetes-list-type: map`), and
 * `optionalOldSelf` is set only on one using it.
 *
 * Not checked: compiling each rule with a real server's type checker (`compilation failed:
 * ...`) and its estimated cost; a rule that does not compile in the emulator is skipped with a
 * warning instead (crd-cel.ts).
 */
import type { FieldError } from "./status.js";
import { usesOldSelf } from "./crd-cel-compile.js";
import { fieldPathUnder } from "./crd-cel-fieldpath.js";
import { additional, isObject, itemsOf, type CrdSchema, type Obj } from "./crd-schema-node.js";

const REASONS = ["FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"];
const hasNewlines = (s: string) => /[\n\r]+/.test(s);

/** The errors of one node's rules, `at` its schema path; `uncorrelatable`: the list (path) under which oldSelf has no value, if any. */
function nodeErrors(s: CrdSchema, at: string, uncorrelatable: string | undefined): FieldError[] {
  const rules = s["x-kubernetes-validations"];
  if (!Array.isArray(rules)) return [];
  const errors: FieldError[] = [];
  rules.forEach((entry, i) => {
    const rule = (isObject(entry) ? entry : {}) as Obj;
    const p = `${at}.x-kubernetes-validations[${i}]`;
    const source = typeof rule.rule === "string" ? rule.rule : "";
    const message = typeof rule.message === "string" ? rule.message : "";
    const trimmedRule = source.trim();
    const trimmedMessage = message.trim();
    if (trimmedRule === "") errors.push({ type: "Required", field: `${p}.rule`, detail: "rule is not specified" });
    else if (message.length > 0 && trimmedMessage === "") errors.push({ type: "Invalid", field: `${p}.message`, value: message, detail: "message must be non-empty if specified" });
    else if (hasNewlines(trimmedMessage)) errors.push({ type: "Invalid", field: `${p}.message`, value: message, detail: "message must not contain line breaks" });
    else if (hasNewlines(trimmedRule) && trimmedMessage === "") errors.push({ type: "Required", field: `${p}.message`, detail: "message must be specified if rule contains line breaks" });
    if (typeof rule.messageExpression === "string" && rule.messageExpression.length > 0 && rule.messageExpression.trim() === "") {
      errors.push({ type: "Required", field: `${p}.messageExpression`, detail: "messageExpression must be non-empty if specified" });
    }
    if (rule.reason !== undefined && !REASONS.includes(rule.reason as string)) errors.push({ type: "NotSupported", field: `${p}.reason`, value: rule.reason, supported: REASONS });
    const fieldPath = typeof rule.fieldPath === "string" ? rule.fieldPath : "";
    if (fieldPath.length > 0 && fieldPath.trim() === "") errors.push({ type: "Invalid", field: `${p}.fieldPath`, value: fieldPath, detail: "fieldPath must be non-empty if specified" });
    if (hasNewlines(fieldPath)) errors.push({ type: "Invalid", field: `${p}.fieldPath`, value: fieldPath, detail: "fieldPath must not contain line breaks" });
    if (fieldPath.length > 0 && fieldPathUnder(s, fieldPath) === undefined) errors.push({ type: "Invalid", field: `${p}.fieldPath`, value: fieldPath, detail: "fieldPath must be a valid path" });
    if (trimmedRule === "") return;
    const oldSelf = usesOldSelf(trimmedRule);
    if (oldSelf === true && uncorrelatable !== undefined) {
      errors.push({ type: "Invalid", field: `${p}.rule`, value: source, detail: `oldSelf cannot be used on the uncorrelatable portion of the schema within ${uncorrelatable}` });
    } else if (oldSelf === false && typeof rule.optionalOldSelf === "boolean") {
      errors.push({ type: "Invalid", field: `${p}.optionalOldSelf`, value: rule.optionalOldSelf, detail: "may not be set if oldSelf is not used in rule" });
    }
  });
  return errors;
}

/**
 * The errors of every `x-kubernetes-validations` entry of a version's schema, `at` its path
 * (`spec.versions[0].schema.openAPIV3Schema`, or `spec.validation.openAPIV3Schema`).
 */
export function ruleDefinitionErrors(schema: Obj, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const walk = (s: CrdSchema, path: string, uncorrelatable: string | undefined) => {
    errors.push(...nodeErrors(s, path, uncorrelatable));
    for (const [name, prop] of Object.entries(s.properties ?? {})) if (isObject(prop)) walk(prop as CrdSchema, `${path}.properties[${name}]`, uncorrelatable);
    const items = itemsOf(s);
    // Only a map list's items have old values (by their keys).
    if (items) walk(items, `${path}.items`, uncorrelatable ?? (s["x-kubernetes-list-type"] === "map" ? undefined : path));
    const more = additional(s).schema;
    if (more) walk(more, `${path}.additionalProperties`, uncorrelatable);
  };
  if (isObject(schema)) walk(schema as CrdSchema, at, undefined);
  return errors;
}
