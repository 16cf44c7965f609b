/**
 * @module input-dry-run
 * A dry run asked for in the wrong place: an input object holding a key that is `dryRun` however
 * spelt (case, `-`, `_`: `dry_run`, `DryRun`) which the function's schema does not keep. The
 * schema would strip the key and the call would run for real; it is refused instead (an
 * `InputError` naming the key), saying where the switch is. The schema is looked at through
 * `.default()`, `.optional()`, `.nullable()`, `.catch()` and a pipe's input; one that declares
 * the key, keeps unknown keys (`z.looseObject`, a catchall, `z.strictObject`, which refuses them
 * itself), or is not an object schema takes it as any other field.
 */
import { InputError } from "./errors.js";

const WHERE = "a dry run is asked for with ?dryRun=true or the X-Podfn-Dry-Run header (podfn run: --dry-run); nothing was run";

/** A key that is `dryRun` spelt otherwise or as is. */
export function isDryRunKey(key: string): boolean {
  // Cheap first: 6 to 8 characters starting with d or D.
  if (key.length < 6 || key.length > 8 || (key.charCodeAt(0) | 32) !== 100) return false;
  return key.replace(/[-_]/g, "").toLowerCase() === "dryrun";
}

type Def = { type?: string; shape?: Record<string, unknown>; catchall?: unknown; innerType?: unknown; in?: unknown };
const defOf = (schema: unknown): Def | undefined => (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/** How a schema treats unknown keys: the shape it strips them against, or undefined when it does not strip. */
const strippingShapes = new WeakMap<object, Record<string, unknown> | null>();

function strippingShape(schema: object): Record<string, unknown> | undefined {
  let shape = strippingShapes.get(schema);
  if (shape === undefined) {
    let def = defOf(schema);
    // Through the wrappers that hand an object on as it is checked.
    for (let depth = 0; def && depth < 16; depth++) {
      const inner = def.type === "pipe" ? def.in : ["default", "prefault", "optional", "nullable", "catch", "readonly", "nonoptional"].includes(def.type ?? "") ? def.innerType : undefined;
      if (inner === undefined) break;
      def = defOf(inner);
    }
    shape = def?.type === "object" && def.shape !== undefined && def.catchall === undefined ? def.shape : null;
    strippingShapes.set(schema, shape);
  }
  return shape ?? undefined;
}

/** The first key of `value` that is `dryRun` however spelt and that `schema` (none: `undefined`) would strip. */
export function strippedDryRunKey(schema: object | undefined, value: Record<string, unknown>): string | undefined {
  const shape = schema === undefined ? {} : strippingShape(schema);
  if (shape === undefined) return undefined;
  for (const key in value) if (isDryRunKey(key) && Object.hasOwn(value, key) && !Object.hasOwn(shape, key)) return key;
  return undefined;
}

/**
 * Throws when `value` (a plain object about to be checked against `schema`, undefined for a
 * function without one) holds a dry-run key the schema would drop.
 */
export function refuseDryRunField(schema: object | undefined, value: Record<string, unknown>): void {
  const key = strippedDryRunKey(schema, value);
  if (key === undefined) return;
  const message = `is not an input field of this function: ${WHERE}`;
  throw new InputError(`invalid input: ${key}: ${message}`, [{ path: key, message }]);
}
