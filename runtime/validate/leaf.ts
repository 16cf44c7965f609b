/**
 * @module validate/leaf
 * Fast checks of zod 4's scalar schemas (string, number, boolean, enum, literal, null) and the
 * reading of a schema's check list. Each check accepts a value only when zod would, and its
 * output is then the value itself (scalars are never copied); anything it cannot mirror makes
 * the compile answer `undefined`.
 */
import type { z } from "zod";
import { zod as runtimeZod } from "../zod-runtime.js";

/** A compiled check: true only when zod accepts `value` and returns it unchanged. */
export type Check = (value: unknown) => boolean;

/** The parts of a zod 4 schema's internals the compiler reads. */
export interface Internals {
  def: Def;
  traits: Set<string>;
  version: { major: number; minor: number };
  optin?: "optional" | "defaulted";
  optout?: "optional";
  values?: Set<unknown>;
}

/** A schema or check definition, loosely typed: the compiler checks every field it uses. */
export interface Def {
  type: string;
  check?: string;
  checks?: Array<{ _zod: Internals }>;
  coerce?: boolean;
  [field: string]: unknown;
}

export function internalsOf(schema: unknown): Internals | undefined {
  const zod = (schema as { _zod?: Internals } | null)?._zod;
  return zod?.def && zod.traits instanceof Set ? zod : undefined;
}

/** The checks zod runs on a schema: the schema itself when it is one (`z.int()`, `z.email()`), then `def.checks`. */
export function checksOf(zod: Internals): Def[] {
  const own = zod.def.check ? [zod.def] : [];
  return [...own, ...(zod.def.checks ?? []).map((c) => c._zod.def)];
}

/** Unicode code points of `s`, as zod counts them (a lone surrogate counts as one). */
function codePoints(s: string): number {
  let count = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      count--;
      i++;
    }
  }
  return count;
}

/** Length bounds folded from `min_length`, `max_length` and `length_equals`; `undefined` for another check. */
interface Lengths {
  min: number;
  max: number;
}

function foldLength(bounds: Lengths, check: Def): boolean {
  if (check.check === "min_length" && typeof check.minimum === "number") bounds.min = Math.max(bounds.min, check.minimum);
  else if (check.check === "max_length" && typeof check.maximum === "number") bounds.max = Math.min(bounds.max, check.maximum);
  else if (check.check === "length_equals" && typeof check.length === "number") {
    bounds.min = Math.max(bounds.min, check.length);
    bounds.max = Math.min(bounds.max, check.length);
  } else return false;
  return true;
}

/**
 * Array length bounds of an array schema's checks, or `undefined` when one is not a length check.
 */
export function arrayLengths(zod: Internals): Lengths | undefined {
  const bounds = { min: 0, max: Infinity };
  return checksOf(zod).every((check) => foldLength(bounds, check)) ? bounds : undefined;
}

/** `z.string()` with length and regex checks; lengths in code points, as zod counts them. */
function stringCheck(zod: Internals): Check | undefined {
  const bounds = { min: 0, max: Infinity };
  const patterns: RegExp[] = [];
  for (const check of checksOf(zod)) {
    if (check.check === "string_format" && check.format === "regex" && check.pattern instanceof RegExp) patterns.push(check.pattern);
    else if (!foldLength(bounds, check)) return undefined;
  }
  const { min, max } = bounds;
  return function checkString(value) {
    if (typeof value !== "string") return false;
    const units = value.length;
    if (units < min) return false;
    // A code point is one or two units: only outside [min * 2, max] units must they be counted.
    if (units > max || units < 2 * min) {
      const length = codePoints(value);
      if (length > max || length < min) return false;
    }
    for (const pattern of patterns) {
      pattern.lastIndex = 0;
      if (!pattern.test(value)) return false;
    }
    return true;
  };
}

/** `z.number()` with `int()`-style formats and inclusive or exclusive bounds. */
function numberCheck(zod: Internals): Check | undefined {
  let low = -Infinity;
  let high = Infinity;
  let lowInclusive = true;
  let highInclusive = true;
  let integer = false;
  const ranges = runtimeZod().core.util.NUMBER_FORMAT_RANGES as Record<string, [number, number] | undefined>;
  for (const check of checksOf(zod)) {
    if (check.check === "number_format" && typeof check.format === "string" && ranges[check.format]) {
      const [min, max] = ranges[check.format]!;
      integer ||= check.format.includes("int");
      if (min > low) [low, lowInclusive] = [min, true];
      if (max < high) [high, highInclusive] = [max, true];
    } else if (check.check === "greater_than" && typeof check.value === "number") {
      if (check.value > low || (check.value === low && !check.inclusive)) [low, lowInclusive] = [check.value, check.inclusive === true];
    } else if (check.check === "less_than" && typeof check.value === "number") {
      if (check.value < high || (check.value === high && !check.inclusive)) [high, highInclusive] = [check.value, check.inclusive === true];
    } else return undefined;
  }
  return function checkNumber(value) {
    if (typeof value !== "number" || !Number.isFinite(value)) return false;
    if (integer && !Number.isSafeInteger(value)) return false;
    if (lowInclusive ? value < low : value <= low) return false;
    return highInclusive ? value <= high : value < high;
  };
}

function isBoolean(value: unknown): boolean {
  return typeof value === "boolean";
}

function isNull(value: unknown): boolean {
  return value === null;
}

/** The check of a scalar schema, or `undefined` when it is not one (or has what a check cannot mirror). */
export function leafCheck(zod: Internals): Check | undefined {
  const { def } = zod;
  if (def.coerce) return undefined;
  switch (def.type) {
    case "string":
      return stringCheck(zod);
    case "number":
      return numberCheck(zod);
    case "boolean":
      return checksOf(zod).length ? undefined : isBoolean;
    case "null":
      return checksOf(zod).length ? undefined : isNull;
    case "enum":
    case "literal": {
      const values = zod.values;
      if (!(values instanceof Set) || checksOf(zod).length) return undefined;
      return function checkValue(value) {
        return values.has(value);
      };
    }
    default:
      return undefined;
  }
}
