/**
 * @module input-dry-run
 * A dry run asked for in the wrong place: an input object holding a key that says `dryRun`
 * as words however spelt (case, separators, brackets: `dry_run`, `DryRun`, `dryRun[]`) which the
 * function's object schema does not declare. Stripped (`z.object`) or kept as an extra field
 * (`z.looseObject`, a catchall) the call would run for real, the handler never reading it; it
 * is refused instead (an `InputError` naming the key), saying where the switch is —
 * `z.strictObject` too, which would refuse it without saying so. The schema is looked at
 * through `.default()`, `.optional()`, `.nullable()`, `.catch()` and a pipe's input; one that
 * declares the key, or is not an object schema (`z.any()`, a record), takes it as any other field.
 */
import { InputError } from "./errors.js";

const WHERE = "a dry run is asked for with ?dryRun=true or the X-Podfn-Dry-Run header (podfn run: --dry-run); nothing was run";

/** Anything that holds `dry`, in any case: the cheap first test of `isDryRunKey`. */
const HOLDS_DRY = /dry/i;
/** Where a key splits into words: separators, brackets and spaces, and camelCase humps. */
const WORD_BREAKS = /[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/;

/**
 * A key (or a header name) that says `dryRun` as words: `dry` then `run` in any case, or
 * `dryrun`, among other words and separators (`dry_run`, `DryRun`, `dryRun[]`, ` dryRun`,
 * `dryRun.enabled`, `x-dry-run`). A word that only holds the letters (`laundryRun`,
 * `foundry_runtime`, `dryRunner`) is not one.
 */
export function isDryRunKey(key: string): boolean {
  if (key.length < 6 || !HOLDS_DRY.test(key)) return false;
  const words = key.split(WORD_BREAKS).map((w) => w.toLowerCase());
  return words.some((w, i) => w === "dryrun" || (w === "dry" && words[i + 1] === "run"));
}

type Def = { type?: string; shape?: Record<string, unknown>; catchall?: unknown; innerType?: unknown; in?: unknown };
const defOf = (schema: unknown): Def | undefined => (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/** An object schema's declared shape (whatever it does with other keys), or undefined for any other schema. */
const objectShapes = new WeakMap<object, Record<string, unknown> | null>();

function objectShape(schema: object): Record<string, unknown> | undefined {
  let shape = objectShapes.get(schema);
  if (shape === undefined) {
    let def = defOf(schema);
    // Through the wrappers that hand an object on as it is checked.
    for (let depth = 0; def && depth < 16; depth++) {
      const inner = def.type === "pipe" ? def.in : ["default", "prefault", "optional", "nullable", "catch", "readonly", "nonoptional"].includes(def.type ?? "") ? def.innerType : undefined;
      if (inner === undefined) break;
      def = defOf(inner);
    }
    shape = def?.type === "object" && def.shape !== undefined ? def.shape : null;
    objectShapes.set(schema, shape);
  }
  return shape ?? undefined;
}

/** The first key of `value` that says `dryRun` and that `schema` (none: `undefined`) does not declare. */
export function undeclaredDryRunKey(schema: object | undefined, value: Record<string, unknown>): string | undefined {
  const shape = schema === undefined ? {} : objectShape(schema);
  if (shape === undefined) return undefined;
  for (const key in value) if (isDryRunKey(key) && Object.hasOwn(value, key) && !Object.hasOwn(shape, key)) return key;
  return undefined;
}

/**
 * Throws when `value` (a plain object about to be checked against `schema`, undefined for a
 * function without one) holds a dry-run key the schema does not declare.
 */
export function refuseDryRunField(schema: object | undefined, value: Record<string, unknown>): void {
  const key = undeclaredDryRunKey(schema, value);
  if (key === undefined) return;
  const message = `is not an input field of this function: ${WHERE}`;
  throw new InputError(`invalid input: ${key}: ${message}`, [{ path: key, message }]);
}
