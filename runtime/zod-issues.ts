/**
 * @module zod-issues
 * How podfn names the field a zod issue is about, in every message: `a.b[0]`.
 */

/** `a.b[0]`-style path of a zod issue; `""` for the root. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), "");
}
