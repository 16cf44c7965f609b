/**
 * @module input-dry-run
 * A dry run asked for in the wrong place: an input object holding `dryRun` (or `dry_run`,
 * `dryrun`, `dry-run`) that the function's schema does not keep. The schema would strip the key
 * and the call would run for real; it is refused instead (an `InputError` naming the key), saying
 * where the switch is. A schema that declares the key, or keeps unknown keys (`z.looseObject`,
 * a catchall), or is not a plain object schema, takes it as any other field.
 */
import { InputError } from "./errors.js";

const SPELLINGS = ["dryRun", "dry_run", "dryrun", "dry-run"];
const WHERE = "a dry run is asked for with ?dryRun=true or the X-Podfn-Dry-Run header (podfn run: --dry-run); nothing was run";

/** The spellings a schema strips: none unless it is an object schema without a catchall; `[]` when it keeps them all. */
const stripped = new WeakMap<object, readonly string[]>();

function strippedBy(schema: object | undefined): readonly string[] {
  if (schema === undefined) return SPELLINGS;
  let keys = stripped.get(schema);
  if (keys === undefined) {
    const def = (schema as { _zod?: { def?: { type?: string; shape?: Record<string, unknown>; catchall?: unknown } } })._zod?.def;
    const strips = def?.type === "object" && def.shape !== undefined && def.catchall === undefined;
    keys = strips ? SPELLINGS.filter((k) => !Object.hasOwn(def.shape!, k)) : [];
    stripped.set(schema, keys);
  }
  return keys;
}

/**
 * Throws when `value` (a plain object about to be checked against `schema`, undefined for a
 * function without one) holds a dry-run key the schema would drop.
 */
export function refuseDryRunField(schema: object | undefined, value: Record<string, unknown>): void {
  for (const key of strippedBy(schema)) {
    if (Object.hasOwn(value, key)) {
      const message = `is not an input field of this function: ${WHERE}`;
      throw new InputError(`invalid input: ${key}: ${message}`, [{ path: key, message }]);
    }
  }
}
