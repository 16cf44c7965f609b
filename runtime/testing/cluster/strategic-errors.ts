/**
 * @module cluster/strategic-errors
 * The errors apimachinery's strategicpatch returns that the apiserver's
 * interpretStrategicMergePatchError passes on unchanged (no Status: ErrorToAPIStatus answers
 * them as a 500 with their text and no reason), with their texts printed as Go prints them:
 * mergepatch.ErrNoMergeKey, ErrBadPatchType, ErrBadArgType and the plain fmt.Errorf ones.
 */

type Json = unknown;
type Obj = Record<string, any>;

function isObject(v: Json): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** An error of strategicpatch that reaches the client as a bare 500. */
export class StrategicMergeError extends Error {
  readonly code: string = "strategic_merge_failed";
}

/**
 * A list item without its list's merge key: `map: map[image:nginx] does not contain declared
 * merge key: name` (the item as Go's `%v` prints it).
 */
export class NoMergeKeyError extends StrategicMergeError {
  override readonly code = "no_merge_key";
  constructor(item: Obj, key: string) {
    super(`map: ${goPrint(item)} does not contain declared merge key: ${key}`);
  }
}

/** mergepatch.ErrBadPatchType: `unknown patch type: bogus in map: map[$patch:bogus name:a]`. */
export function badPatchType(directive: Json, map: Obj): StrategicMergeError {
  return new StrategicMergeError(`unknown patch type: ${goSprintS(directive)} in map: ${goPrint(map)}`);
}

/** mergepatch.ErrBadArgType: `expected a slice, but received a string` (reflect kinds). */
export function badArgType(expected: "slice" | "map", actual: Json): StrategicMergeError {
  return new StrategicMergeError(`expected a ${expected}, but received a ${goKind(actual)}`);
}

function goKind(v: Json): string {
  if (Array.isArray(v)) return "slice";
  if (isObject(v)) return "map";
  if (typeof v === "number") return "float64";
  return typeof v === "boolean" ? "bool" : "string";
}

/**
 * Go's `%v` of a JSON value decoded by apimachinery's util/json: maps as `map[k:v ...]` with
 * sorted keys, slices as `[a b]`, integers as int64, other numbers as `%g` (`1.5`, `1e+06`).
 */
export function goPrint(value: Json): string {
  if (value === null || value === undefined) return "<nil>";
  if (Array.isArray(value)) return `[${value.map(goPrint).join(" ")}]`;
  if (isObject(value)) return `map[${Object.keys(value).sort().map((k) => `${k}:${goPrint(value[k])}`).join(" ")}]`;
  if (typeof value === "number") {
    if (Number.isInteger(value) && Math.abs(value) < 2 ** 63) return BigInt(value).toString();
    const [mantissa, exponent] = value.toExponential().split("e") as [string, string];
    const exp = Number(exponent);
    if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
    return String(value);
  }
  return String(value);
}

/** Go's `%s` of a decoded scalar: a string as is, anything else `%!s(float64=1)`, `%!s(<nil>)`. */
function goSprintS(v: Json): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "%!s(<nil>)";
  if (typeof v === "number") return `%!s(float64=${goPrint(v)})`;
  if (typeof v === "boolean") return `%!s(bool=${v})`;
  // A map or a slice: %s applies to its elements (rare enough to print as %v).
  return goPrint(v);
}
