/**
 * @module deploy/order
 * The one order generated manifests are sorted by: code units, the same on every machine
 * (`localeCompare` follows the locale: Danish puts "aa" after "z", Lithuanian "y" before "j"),
 * so files are byte-identical wherever they are generated.
 */

/** Compares `a` and `b` by UTF-16 code units. */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
