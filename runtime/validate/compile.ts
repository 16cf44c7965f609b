/**
 * @module validate/compile
 * A validation fast path for zod 4 schemas, in the spirit of ajv's compiled validators: a
 * schema's definition is walked once into a tree of closures that answers, without allocating,
 * whether zod would accept a value AND return it unchanged (no key stripped, nothing defaulted
 * or transformed). The caller then uses the value as the parsed one; on `false` it asks zod,
 * whose result (and error) stays the reference. A schema with anything the closures cannot
 * mirror exactly (defaults, transforms, pipes, refinements, coercion, formats other than
 * regex, intersections, records, ...) compiles to `undefined`.
 */
import type { z } from "zod";
import { zod as runtimeZod } from "../zod-runtime.js";
import { arrayLengths, checksOf, internalsOf, leafCheck, type Check, type Internals } from "./leaf.js";
import { isDryRunKey } from "../input-dry-run.js";

/** A compiled node: its check, whether it accepts `undefined`, and whether zod returns every value it accepts unchanged. */
interface Node {
  check: Check;
  acceptsUndefined: boolean;
  /** zod's output equals the input whenever zod accepts it (not only when `check` does): what a union option needs. */
  exact: boolean;
}

const OBJECT = Object.prototype;
const ARRAY = Array.prototype;
const { getPrototypeOf } = Object;
const hasOwn = Object.prototype.hasOwnProperty;

function acceptAll(): boolean {
  return true;
}

/**
 * Compile `schema` (a zod 4 schema of this zod's minor version) into a check, or `undefined`
 * when the schema has a construct the fast path does not mirror. The check returns true only
 * when `schema.safeParse(value)` succeeds with data deep-equal to `value`; false means "ask zod"
 * (it may still accept the value, e.g. stripping an unknown key).
 *
 * @example
 * const check = compileFastCheck(z.object({ name: z.string().min(1) }));
 * const input = check?.(raw) ? raw : schema.parse(raw);
 */
export function compileFastCheck(schema: unknown): Check | undefined {
  const zod = internalsOf(schema);
  if (!zod || zod.version?.major !== runtimeZod().core.version.major || zod.version.minor !== runtimeZod().core.version.minor) return undefined;
  return compileNode(zod, new Set())?.check;
}

function compileNode(zod: Internals, visiting: Set<Internals>): Node | undefined {
  // A recursive schema (a getter in a shape) is left to zod.
  if (visiting.has(zod)) return undefined;
  visiting.add(zod);
  try {
    return nodeOf(zod, visiting);
  } finally {
    visiting.delete(zod);
  }
}

function leafNode(zod: Internals): Node | undefined {
  const check = leafCheck(zod);
  return check && { check, acceptsUndefined: false, exact: true };
}

function nodeOf(zod: Internals, visiting: Set<Internals>): Node | undefined {
  const { def } = zod;
  switch (def.type) {
    case "optional": {
      // exactOptional (absent allowed, undefined not) is left to zod.
      const node = zod.traits.has("$ZodExactOptional") ? undefined : wrappedNode(zod, visiting);
      if (!node) return undefined;
      const { check } = node;
      return { check: function checkOptional(value) { return value === undefined || check(value); }, acceptsUndefined: true, exact: node.exact };
    }
    case "nullable": {
      const node = wrappedNode(zod, visiting);
      if (!node) return undefined;
      const { check } = node;
      return { check: function checkNullable(value) { return value === null || check(value); }, acceptsUndefined: node.acceptsUndefined, exact: node.exact };
    }
    case "union":
      return unionNode(zod, visiting);
    case "array":
      return arrayNode(zod, visiting);
    case "object":
      return objectNode(zod, visiting);
    default:
      return leafNode(zod);
  }
}

/** The inner schema of a wrapper (`optional`, `nullable`) without checks of its own. */
function wrappedNode(zod: Internals, visiting: Set<Internals>): Node | undefined {
  const inner = internalsOf(zod.def.innerType);
  return inner && !checksOf(zod).length ? compileNode(inner, visiting) : undefined;
}

/** `z.union` (inclusive, not discriminated) of exact options: zod's first accepting option returns the value unchanged. */
function unionNode(zod: Internals, visiting: Set<Internals>): Node | undefined {
  const { def } = zod;
  if (checksOf(zod).length || def.inclusive === false || def.discriminator !== undefined || !Array.isArray(def.options)) return undefined;
  const nodes: Node[] = [];
  for (const option of def.options) {
    const internals = internalsOf(option);
    const node = internals && compileNode(internals, visiting);
    if (!node?.exact) return undefined;
    nodes.push(node);
  }
  const checks = nodes.map((n) => n.check);
  return {
    check: function checkUnion(value) {
      for (const check of checks) if (check(value)) return true;
      return false;
    },
    acceptsUndefined: nodes.some((n) => n.acceptsUndefined),
    exact: true,
  };
}

/** `z.array` with length checks: a plain array without holes (zod would fill a hole with `undefined`). */
function arrayNode(zod: Internals, visiting: Set<Internals>): Node | undefined {
  const bounds = arrayLengths(zod);
  const elementZod = internalsOf(zod.def.element);
  const element = bounds && elementZod && compileNode(elementZod, visiting);
  if (!bounds || !element) return undefined;
  const { min, max } = bounds;
  const { check, acceptsUndefined } = element;
  return {
    check: function checkArray(value) {
      if (!Array.isArray(value) || getPrototypeOf(value) !== ARRAY) return false;
      const length = value.length;
      if (length < min || length > max) return false;
      for (let i = 0; i < length; i++) {
        const item: unknown = value[i];
        if (!check(item) || (item === undefined && acceptsUndefined && !(i in value))) return false;
      }
      return true;
    },
    acceptsUndefined: false,
    // zod accepts array subclasses and holes, and returns a plain array without them.
    exact: false,
  };
}

/** One key of an object's shape. */
interface Field {
  key: string;
  check: Check;
  acceptsUndefined: boolean;
  /** zod leaves the key out of its output when it is absent from the input (`optional`). */
  mayBeAbsent: boolean;
}

function fieldOf(key: string, schema: unknown, visiting: Set<Internals>): Field | undefined {
  const zod = internalsOf(schema);
  const node = zod && compileNode(zod, visiting);
  if (!zod || !node) return undefined;
  const mayBeAbsent = zod.optin === "optional" && zod.optout === "optional";
  // Any other absence rung (a default, an optional input with a required output) is left to zod.
  if (!mayBeAbsent && (zod.optin !== undefined || zod.optout !== undefined)) return undefined;
  return { key, check: node.check, acceptsUndefined: node.acceptsUndefined, mayBeAbsent };
}

/**
 * `z.object` / `strictObject` (no key outside the shape) or an object with a catchall
 * (`looseObject`'s `unknown`, or a compiled schema) checking the other keys. Only plain objects:
 * zod returns a fresh `{}`, so a class instance or a null-prototype object is left to it.
 */
function objectNode(zod: Internals, visiting: Set<Internals>): Node | undefined {
  const { def } = zod;
  const shape = def.shape as Record<PropertyKey, unknown> | undefined;
  if (checksOf(zod).length || !shape || Object.getOwnPropertySymbols(shape).length) return undefined;
  const fields: Field[] = [];
  for (const key of Object.keys(shape)) {
    // zod never copies a `__proto__` key to its output.
    const field = key === "__proto__" ? undefined : fieldOf(key, shape[key], visiting);
    if (!field) return undefined;
    fields.push(field);
  }
  const catchall = catchallOf(def.catchall, visiting);
  if (catchall === undefined) return undefined;
  const known = Object.create(null) as Record<string, true>;
  for (const { key } of fields) known[key] = true;

  /** The shape's keys; how many of them the value has (its own or inherited), or -1 when one fails. */
  function checkFields(value: Record<string, unknown>): number {
    let present = 0;
    for (const field of fields) {
      const item = value[field.key];
      if (item !== undefined) {
        if (!field.check(item)) return -1;
        present++;
      } else if (field.key in value) {
        if (!field.acceptsUndefined) return -1;
        present++;
      } else if (!field.mayBeAbsent) return -1;
    }
    return present;
  }

  const check =
    catchall === null
      ? function checkStrippedObject(value: unknown): boolean {
          if (typeof value !== "object" || value === null || getPrototypeOf(value) !== OBJECT) return false;
          const present = checkFields(value as Record<string, unknown>);
          if (present < 0) return false;
          // Every key of the value is in the shape (zod would strip or refuse another).
          let keys = 0;
          for (const _ in value) keys++;
          return keys === present;
        }
      : function checkCatchallObject(value: unknown): boolean {
          if (typeof value !== "object" || value === null || getPrototypeOf(value) !== OBJECT) return false;
          if (checkFields(value as Record<string, unknown>) < 0) return false;
          for (const key in value) {
            if (known[key]) continue;
            // A key saying `dryRun` is left to zod's path: input-dry-run refuses it at the top level (deeper, it only costs the fast path).
            if (key === "__proto__" || !hasOwn.call(value, key) || isDryRunKey(key) || !catchall((value as Record<string, unknown>)[key])) return false;
          }
          return true;
        };
  return { check, acceptsUndefined: false, exact: false };
}

/** `null` for no catchall (strip) or `never` (strict), a check for the others, `undefined` when not supported. */
function catchallOf(schema: unknown, visiting: Set<Internals>): Check | null | undefined {
  if (schema === undefined) return null;
  const zod = internalsOf(schema);
  if (!zod || checksOf(zod).length) return undefined;
  if (zod.def.type === "never") return null;
  if (zod.def.type === "unknown" || zod.def.type === "any") return acceptAll;
  const node = compileNode(zod, visiting);
  // A catchall's absent keys do not arise (only present keys are walked).
  return node?.check;
}
