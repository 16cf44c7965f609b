/**
 * @module input-dry-run
 * A dry run asked for in the wrong place: an input object holding a key that says `dryRun`
 * as words however spelt (case, separators, brackets: `dry_run`, `DryRun`, `dryRun[]`) which the
 * function's object schema does not declare. Stripped (`z.object`) or kept as an extra field
 * (`z.looseObject`, a catchall) the call would run for real, the handler never reading it; it
 * is refused instead (an `InputError` naming the key), saying where the switch is —
 * `z.strictObject` too, which would refuse it without saying so. The schema is looked at
 * through `.default()`, `.optional()`, `.nullable()`, `.catch()` and a pipe's input, and a union
 * or intersection of object schemas (`z.discriminatedUnion`, `a.and(b)`) as declaring what any
 * of its members does (a member that never takes an object, `z.null()` or a string, declares
 * nothing); one that declares the key, or is not an object schema (`z.any()`, a record, a
 * union with such a member), takes it as any other field.
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

type Def = { type?: string; shape?: Record<string, unknown>; innerType?: unknown; in?: unknown; options?: unknown[]; left?: unknown; right?: unknown };
const defOf = (schema: unknown): Def | undefined => (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/** Wrappers that hand an object on as it is checked. */
const WRAPPERS = new Set(["default", "prefault", "optional", "nullable", "catch", "readonly", "nonoptional"]);

/** Schemas that never take a plain object: a union member of these declares no key. */
const NEVER_AN_OBJECT = new Set(["string", "number", "int", "boolean", "bigint", "symbol", "null", "undefined", "void", "never", "nan", "literal", "enum", "template_literal", "array", "tuple", "date", "set", "map", "file"]);

/** How deep unions and intersections are followed (deeper: taken as taking anything). */
const MAX_DEPTH = 16;

/**
 * The keys an input schema declares, or null when it takes any key: not an object schema
 * (`z.any()`, a record) or a union or intersection with such a member. A union or intersection
 * of object schemas (`z.discriminatedUnion`, `a.and(b)`) declares what any of its members does.
 */
const declaredKeysCache = new WeakMap<object, ReadonlySet<string> | null>();

function declaredKeys(schema: unknown, depth = 0): ReadonlySet<string> | null {
  if (typeof schema !== "object" || schema === null || depth > MAX_DEPTH) return null;
  const cached = declaredKeysCache.get(schema);
  if (cached !== undefined) return cached;
  let def = defOf(schema);
  for (let hops = 0; def && hops < MAX_DEPTH; hops++) {
    const inner = def.type === "pipe" ? def.in : WRAPPERS.has(def.type ?? "") ? def.innerType : undefined;
    if (inner === undefined) break;
    def = defOf(inner);
  }
  let keys: ReadonlySet<string> | null = null;
  if (def?.type === "object" && def.shape !== undefined) keys = new Set(Object.keys(def.shape));
  else if (def?.type === "union" || def?.type === "intersection") {
    // A member that never takes an object (`z.null()`, a string, an array) declares nothing; one
    // that may take any key (`z.any()`, a record, a lazy schema) makes the whole take any.
    const members = (def.type === "union" ? (def.options ?? []) : [def.left, def.right]).filter((member) => !NEVER_AN_OBJECT.has(defOf(member)?.type ?? ""));
    const all = new Set<string>();
    keys = members.length > 0 ? all : null;
    for (const member of members) {
      const memberKeys = declaredKeys(member, depth + 1);
      if (memberKeys === null) {
        keys = null;
        break;
      }
      for (const key of memberKeys) all.add(key);
    }
  }
  declaredKeysCache.set(schema, keys);
  return keys;
}

/** The first key of `value` that says `dryRun` and that `schema` (none: `undefined`) does not declare. */
export function undeclaredDryRunKey(schema: object | undefined, value: Record<string, unknown>): string | undefined {
  const declared = schema === undefined ? new Set<string>() : declaredKeys(schema);
  if (declared === null) return undefined;
  for (const key in value) if (isDryRunKey(key) && Object.hasOwn(value, key) && !declared.has(key)) return key;
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
