/**
 * @module plain-object
 * What "a plain object" means where the runtime decides without zod what zod would decide:
 * an object whose prototype is `Object.prototype` or null (no array, class instance or Map).
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
