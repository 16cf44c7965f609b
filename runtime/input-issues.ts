/**
 * @module input-issues
 * A zod issue of a function's input as podfn names it (the answer's `issues`, the load-time check
 * of a schedule's input): a strict object's unknown keys one by one, each at its own path and with
 * the field it most likely meant.
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
  if (issue.code !== "unrecognized_keys") return [{ path: issuePath(issue.path), message: issue.message }];
  // The fields it may have meant: the object's, but those the input gives already.
  const given = issue.path.reduce<unknown>((at, key) => (at !== null && typeof at === "object" ? (at as Record<PropertyKey, unknown>)[key] : undefined), value);
  const known = objectKeysAt(schema, issue.path)?.filter((k) => !(isPlainObject(given) && Object.hasOwn(given, k))) ?? [];
  const named = issue.keys.slice(0, MAX_KEY_ISSUES).map((key) => {
    const meant = closestName(key, known, 1);
    return { path: issuePath([...issue.path, key]), message: meant === undefined ? "is not a field of this input" : `is not a field of this input: did you mean "${meant}"?` };
  });
  const more = issue.keys.length - named.length;
  return more > 0 ? [...named, { path: issuePath(issue.path), message: `and ${more} more keys that are not fields of this input` }] : named;
}
