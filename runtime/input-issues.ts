/**
 * @module input-issues
 * A zod issue of a function's input as podfn names it (the answer's `issues`, the load-time check
 * of a schedule's input): a strict object's unknown keys one by one, each at its own path and with
 * the field it most likely meant; a field left out "is required", not zod's "received undefined"
 * (nor, for an enum or a literal, "Invalid option");
 * a coerced number that is not one names what was sent, not zod's "received NaN" (a query key
 * sent twice, which arrives as a list, says so).
 */
import type { z } from "zod";
import { isPlainObject } from "./plain-object.js";
import { issuePath } from "./zod-issues.js";
import { objectKeysAt } from "./schema-keys.js";
import { closestName } from "./edit-distance.js";

/** Unknown keys of one object named one by one; beyond these, counted. */
const MAX_KEY_ISSUES = 20;

/**
 * The issues `issue` names of `value` (what `schema` parsed): itself, or for a strict object's
 * unknown keys, each key at its own path (the first `MAX_KEY_ISSUES`, then one issue counting the
 * rest), with the field it likely meant among those `value` does not give already.
 *
 * @example
 * inputIssues(issue, z.strictObject({ value: z.string() }), { vaule: "x" });
 * // [{ path: "vaule", message: 'is not a field of this input: did you mean "value"?' }]
 */
export function inputIssues(issue: z.core.$ZodIssue, schema: z.ZodType, value: unknown): { path: string; message: string }[] {
  if (issue.code === "invalid_type" && isMissing(issue, value, `Invalid input: expected ${issue.expected}, received undefined`)) return [{ path: issuePath(issue.path), message: `is required: expected ${issue.expected}` }];
  // A left-out enum or literal: zod says "Invalid option: expected one of ..." / "Invalid input: expected "4"".
  if (issue.code === "invalid_value") {
    const expected = / expected .*$/s.exec(issue.message)?.[0];
    if (expected && isMissing(issue, value, ZOD_INVALID_VALUE.exec(issue.message) ? issue.message : undefined)) return [{ path: issuePath(issue.path), message: `is required:${expected}` }];
  }
  if (issue.code === "invalid_type" && issue.message === `Invalid input: expected ${issue.expected}, received NaN`) {
    const sent = notANumber(valueAt(value, issue.path), issue.expected);
    if (sent !== undefined) return [{ path: issuePath(issue.path), message: sent }];
  }
  if (issue.code !== "unrecognized_keys") return [{ path: issuePath(issue.path), message: issue.message }];
  // The fields it may have meant: the object's, but those the input gives already.
  const given = valueAt(value, issue.path);
  const known = objectKeysAt(schema, issue.path)?.filter((k) => !(isPlainObject(given) && Object.hasOwn(given, k))) ?? [];
  const named = issue.keys.slice(0, MAX_KEY_ISSUES).map((key) => {
    const meant = closestName(key, known, 1);
    return { path: issuePath([...issue.path, key]), message: meant === undefined ? "is not a field of this input" : `is not a field of this input: did you mean "${meant}"?` };
  });
  const more = issue.keys.length - named.length;
  return more > 0 ? [...named, { path: issuePath(issue.path), message: `and ${more} more keys that are not fields of this input` }] : named;
}

/**
 * What a coerced number's input was, in words, for zod's "received NaN": a list (a query key or
 * form field sent more than once) or the text sent; undefined for anything else.
 */
function notANumber(given: unknown, expected: string): string | undefined {
  if (Array.isArray(given)) return `was sent ${given.length} times: expected one ${expected}`;
  if (typeof given === "string") return `expected ${expected}, received ${JSON.stringify(given.length > 64 ? `${given.slice(0, 64)}…` : given)}`;
  return undefined;
}

/** What `value` holds at `path`, or undefined. */
function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((at, key) => (at !== null && typeof at === "object" ? (at as Record<PropertyKey, unknown>)[key] : undefined), value);
}

/** zod's own words for an enum's or a literal's wrong value (a schema's own message is kept as written). */
const ZOD_INVALID_VALUE = /^(Invalid option: expected one of |Invalid input: expected )/;

/**
 * Whether an `invalid_type` or `invalid_value` issue is zod's own words (`zodWords`: `Invalid
 * input: expected string, received undefined`, `Invalid option: expected one of ...`) for a field
 * the input leaves out of an object it gives: said "is required". A schema's own message for it
 * is kept.
 */
function isMissing(issue: z.core.$ZodIssueInvalidType | z.core.$ZodIssueInvalidValue, value: unknown, zodWords: string | undefined): boolean {
  if (issue.path.length === 0 || zodWords === undefined || issue.message !== zodWords) return false;
  const parent = valueAt(value, issue.path.slice(0, -1));
  return isPlainObject(parent) && !Object.hasOwn(parent, issue.path.at(-1)!);
}
