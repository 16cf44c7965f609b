/**
 * @module cluster/crd-cel
 * A CRD version's `x-kubernetes-validations` rules run on its custom resources as a 1.32 server
 * runs them (apiextensions-apiserver pkg/apiserver/schema/cel/validation.go, and the strategy's
 * `hasBlockingErr`): after every other check, and not at all when one of those found a type,
 * required, enum or size error (the `<nil>` "some validation rules were not checked" error then);
 * each node's rules in order, then its children's (object keys sorted); a rule using `oldSelf` only
 * on an update where the node has an old value (objects and maps by key, lists only as
 * `x-kubernetes-list-type: map` by their keys), or always with `optionalOldSelf`. A rule that
 * is false answers with its `message` (or `messageExpression`, or `failed rule: <rule>`) at its
 * node (plus `fieldPath`), the `reason` choosing the error type; one that fails says why
 * (`no such key: x evaluating rule: ...`).
 *
 * On an update, a rule not using `oldSelf` that a value left as it was fails (compared where
 * its old value is known, else at the nearest ancestor where it is) is a warning, not an error:
 * 1.32's ratcheting (CRDValidationRatcheting).
 *
 * Not done: cost limits, and refusing a rule at CRD creation that a real server's type checker
 * would (a rule that does not compile here is skipped, and the CRD write warns:
 * crd-cel-library.ts lists what the environment lacks).
 */
import type { JSONSchemaProps } from "kubernetes-types/apiextensions/v1.js";
import { errorText, type FieldError } from "./status.js";
import { celLibrary } from "./crd-cel-library.js";
import { rulesOf, type CompiledRule } from "./crd-cel-compile.js";
import { celGoError } from "./crd-cel-error.js";
import { celValue } from "./crd-cel-values.js";
import { fieldPathUnder } from "./crd-cel-fieldpath.js";
import { itemCorrelations, keyCorrelation, listKey, unchanged, type Correlated } from "./crd-cel-ratchet.js";
import { additional, goCompare, isObject, itemsOf, node, property, type CrdSchema, type Obj } from "./crd-schema-node.js";

/** `ruleErrorString`: the message if there is one, else the rule. */
const ruleErrorString = (r: CompiledRule) => (typeof r.rule.message === "string" && r.rule.message.length > 0 ? r.rule.message.trim() : r.source);

/** `ruleMessageOrDefault`. */
const defaultMessage = (r: CompiledRule) => (typeof r.rule.message === "string" && r.rule.message.length > 0 ? r.rule.message.trim() : `failed rule: ${r.source}`);

/** The text of a rule's `messageExpression`, when it gives one a server would use (a one-line, non-empty string of at most 5120 bytes). */
function evaluatedMessage(r: CompiledRule, context: Obj): string | undefined {
  if (!r.messageProgram) return undefined;
  try {
    const value = r.messageProgram(context);
    if (typeof value !== "string") return undefined;
    const trimmed = value.trim();
    return trimmed === "" || trimmed.includes("\n") || Buffer.byteLength(trimmed) > 5120 ? undefined : trimmed;
  } catch {
    return undefined;
  }
}

const child = (path: string | null, name: string) => (path === null ? name : `${path}.${name}`);

/** The error of a rule that came out false (`fieldErrorForReason`). */
function falseRuleError(s: CrdSchema, r: CompiledRule, path: string | null, type: string, detail: string): FieldError {
  // The path `fieldPath` names (checked as the CRD was written), appended as one step.
  const fieldPath = typeof r.rule.fieldPath === "string" && r.rule.fieldPath.trim() !== "" ? fieldPathUnder(s, r.rule.fieldPath) : undefined;
  const field = fieldPath ? child(path, fieldPath) : (path ?? "<nil>");
  switch (r.rule.reason) {
    case "FieldValueForbidden":
      return { type: "Forbidden", field, detail };
    case "FieldValueRequired":
      return { type: "Required", field, detail };
    case "FieldValueDuplicate":
      return { type: "Duplicate", field, value: type };
    default:
      return { type: "Invalid", field, value: type, detail };
  }
}

/** The schema type a rule's errors show as the value (`sts.Type`). */
const typeOf = (s: CrdSchema) => (typeof s.type === "string" ? s.type : "");

/** What a walk collects: errors, and the warnings ratcheting makes of some. */
interface Found {
  errors: FieldError[];
  warnings: FieldError[];
}

function runRules(s: CrdSchema, rules: CompiledRule[], data: unknown, old: unknown, path: string | null, resource: boolean, correlated: Correlated | undefined, found: Found): void {
  const self = celValue(s, data, resource);
  const oldSelf = old === undefined || old === null ? undefined : celValue(s, old, resource);
  const type = path === null ? typeOf(s) || "object" : typeOf(s);
  for (const r of rules) {
    if (!r.program) continue;
    if (r.usesOldSelf && oldSelf === undefined && !r.optionalOldSelf) continue;
    const { Optional } = celLibrary();
    const context = { self, oldSelf: r.optionalOldSelf ? (oldSelf === undefined ? Optional.none() : Optional.of(oldSelf)) : oldSelf };
    let result: unknown;
    try {
      result = r.program(context);
    } catch (error) {
      const text = celGoError((error as Error).message);
      const detail = text.startsWith("no such overload")
        ? `'${text}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleErrorString(r)}`
        : `${text} evaluating rule: ${ruleErrorString(r)}`;
      found.errors.push({ type: "Invalid", field: path ?? "<nil>", value: type, detail });
      continue;
    }
    if (result === true) continue;
    const error = falseRuleError(s, r, path, type, evaluatedMessage(r, { self, oldSelf }) ?? defaultMessage(r));
    // Ratcheting (CRDValidationRatcheting, on in 1.32): a value the update leaves as it was may
    // keep failing a rule that does not look at oldSelf; the server then warns instead.
    (!r.usesOldSelf && unchanged(correlated) ? found.warnings : found.errors).push(error);
  }
}

/** The old items of a `map` list by their keys (`makeMapList`): what `oldSelf` of an item is; none for another list. */
function oldItemsByKey(s: CrdSchema, oldList: unknown): Map<string, unknown> | undefined {
  if (s["x-kubernetes-list-type"] !== "map" || !Array.isArray(oldList)) return undefined;
  const keys = s["x-kubernetes-list-map-keys"] ?? [];
  return new Map(oldList.filter(isObject).map((o) => [listKey(keys, o), o]));
}

/** Nodes with a rule at or under them, by schema node. */
const ruled = new WeakMap<object, boolean>();

function hasRulesUnder(s: CrdSchema): boolean {
  let known = ruled.get(s);
  if (known === undefined) ruled.set(s, (known = hasCelRules(s)));
  return known;
}

function walk(s: CrdSchema, data: unknown, old: unknown, path: string | null, resource: boolean, correlated: Correlated | undefined, found: Found): void {
  if (data === null || data === undefined || !hasRulesUnder(s)) return;
  const rules = rulesOf(s);
  // Rules that do not compile here (or without the CEL library) are skipped: no value made for them.
  if (rules.some((r) => r.program)) runRules(s, rules, data, old, path, resource, correlated, found);
  if (Array.isArray(data)) {
    const items = itemsOf(s);
    if (!items || !hasRulesUnder(items)) return;
    const byKey = oldItemsByKey(s, old);
    const keys = s["x-kubernetes-list-map-keys"] ?? [];
    const correlations = itemCorrelations(correlated, s, data, items);
    data.forEach((item, i) => {
      const oldItem = byKey && isObject(item) ? byKey.get(listKey(keys, item)) : undefined;
      walk(items, item, oldItem, `${path ?? ""}[${i}]`, items["x-kubernetes-embedded-resource"] === true, correlations[i], found);
    });
    return;
  }
  if (!isObject(data)) return;
  const more = additional(s);
  for (const k of Object.keys(data).sort(goCompare)) {
    const declared = property(s, k);
    const schema = declared ?? more.schema;
    if (!schema) continue;
    const previous = isObject(old) && Object.hasOwn(old, k) ? old[k] : undefined;
    const at = declared ? child(path, k) : `${path ?? ""}[${k}]`;
    walk(schema, data[k], previous, at, schema["x-kubernetes-embedded-resource"] === true, keyCorrelation(correlated, data, k, data[k], schema), found);
  }
}

/** True when the schema has a rule anywhere (the strategy has a CEL validator only then). */
export function hasCelRules(schema: JSONSchemaProps | undefined): boolean {
  const s = node(schema);
  if (!s) return false;
  if (Array.isArray(s["x-kubernetes-validations"]) && s["x-kubernetes-validations"].length > 0) return true;
  const items = itemsOf(s);
  const more = additional(s).schema;
  return Object.values(s.properties ?? {}).some(hasCelRules) || (items !== undefined && hasCelRules(items)) || (more !== undefined && hasCelRules(more));
}

/** The errors that keep the rules from running (`hasBlockingErr`). */
const BLOCKING = new Set<FieldError["type"]>(["NotSupported", "Required", "TooLong", "TooMany", "TypeInvalid"]);

/**
 * The errors of `obj`'s rules, given the errors found before them; `old` is the stored object
 * on an update. A rule an unchanged value fails (ratcheting) is passed to `warn` instead, as
 * its error's text.
 *
 * @example
 * celErrors(schema, { spec: { min: 3, max: 1 } }, undefined, []);
 * // [{ type: "Invalid", field: "spec", value: "object", detail: "failed rule: self.min <= self.max" }]
 */
export function celErrors(schema: JSONSchemaProps | undefined, obj: Obj, old: Obj | undefined, earlier: readonly FieldError[], warn: (text: string) => void = () => {}): FieldError[] {
  const root = node(schema);
  if (!root || !hasCelRules(root)) return [];
  if (earlier.some((e) => BLOCKING.has(e.type))) {
    return [{ type: "Invalid", field: "<nil>", value: null, detail: "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation" }];
  }
  const found: Found = { errors: [], warnings: [] };
  walk(root, obj, old, null, true, { data: obj, old, schema: root }, found);
  for (const w of found.warnings) warn(errorText(w));
  return found.errors;
}

/**
 * The rules of a CRD version's schema the emulator does not run, each with the path a CRD error
 * would name it by and why (for the CRD write's warnings).
 */
export function skippedRules(schema: JSONSchemaProps | undefined, at: string): string[] {
  const out: string[] = [];
  const visit = (s: CrdSchema | undefined, path: string) => {
    if (!s) return;
    rulesOf(s).forEach((r, i) => {
      if (r.skipped !== undefined) out.push(`${path}.x-kubernetes-validations[${i}].rule: not evaluated by the emulated cluster (${r.skipped})`);
      if (r.messageSkipped !== undefined) out.push(`${path}.x-kubernetes-validations[${i}].messageExpression: not evaluated by the emulated cluster (${r.messageSkipped})`);
    });
    for (const [k, p] of Object.entries(s.properties ?? {})) visit(node(p), `${path}.properties[${k}]`);
    visit(itemsOf(s), `${path}.items`);
    visit(additional(s).schema, `${path}.additionalProperties`);
  };
  visit(node(schema), at);
  return out;
}
