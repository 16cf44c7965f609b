/**
 * @module plain-object
 * What "a plain object" means where the runtime decides without zod what zod would decide:
 * an object whose prototype is `Object.prototype` or null (no array, class instance or Map);
 * and a copy of a value's plain objects and arrays (a schedule's input, per tick).
 */

/**
 * True for `{...}` and `Object.create(null)`.
 *
 * @example
 * isPlainObject({ a: 1 }); // true
 * isPlainObject([]);       // false
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * `value` with its plain objects and arrays copied at any depth (a cycle copied as one), and
 * anything else (a class instance, a URL, a Date, a function) kept as it is.
 *
 * @example
 * const copy = copyPlain({ seen: [], endpoint: new URL("https://x") }); // copy.seen is new; copy.endpoint is the same URL
 */
export function copyPlain(value: unknown, copies: Map<object, unknown> = new Map()): unknown {
  if (Array.isArray(value) || isPlainObject(value)) {
    const known = copies.get(value);
    if (known !== undefined) return known;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      copies.set(value, out);
      for (const item of value) out.push(copyPlain(item, copies));
      return out;
    }
    const out: Record<string, unknown> = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
    copies.set(value, out);
    // Defined, not assigned: an own "__proto__" key (JSON.parse makes one) stays a key.
    for (const key of Object.keys(value)) Object.defineProperty(out, key, { value: copyPlain(value[key], copies), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}
