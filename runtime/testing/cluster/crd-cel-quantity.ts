/**
 * @module cluster/crd-cel-quantity
 * Kubernetes' CEL quantity library (apiserver pkg/cel/library/quantity.go, 1.28+) over an exact
 * value: `quantity(string)`, `isQuantity(string)`, `sign(Quantity)` and a Quantity's
 * `isGreaterThan`, `isLessThan`, `compareTo`, `asApproximateFloat`, `asInteger`, `isInteger`,
 * `add` and `sub` (of a Quantity or an int), and `==`. A quantity is parsed as
 * resource.ParseQuantity reads one (`1.5Gi`, `100m`, `2e3`) and kept as a fraction, so
 * comparisons and sums are exact; its text is not canonicalized (no `string(q)` in 1.32).
 */
import type { Environment } from "@marcbachmann/cel-js";
import { CelFunctionError } from "./crd-cel-error.js";

/** A quantity's value: `num / den`, `den` a positive power of ten. */
export class Quantity {
  constructor(
    readonly num: bigint,
    readonly den: bigint,
  ) {}
}

/** resource.ErrFormatWrong's text. */
const FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** `resource.ParseQuantity`, or undefined for a string it refuses. */
export function parseQuantity(text: string): Quantity | undefined {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(text);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return undefined;
  const [, sign, whole, fraction = "", suffix] = m;
  let num = BigInt(`${whole}${fraction}` || "0");
  let exp = -fraction.length;
  if (BINARY[suffix!] !== undefined) num *= BINARY[suffix!]!;
  else if (DECIMAL[suffix!] !== undefined) exp += DECIMAL[suffix!]!;
  else {
    const e = /^[eE]([+-]?[0-9]+)$/.exec(suffix!);
    if (!e) return undefined;
    exp += Number(e[1]);
  }
  if (sign === "-") num = -num;
  return exp >= 0 ? new Quantity(num * 10n ** BigInt(exp), 1n) : new Quantity(num, 10n ** BigInt(-exp));
}

function quantityOf(text: string): Quantity {
  const q = parseQuantity(text);
  if (!q) throw new CelFunctionError(FORMAT_WRONG);
  return q;
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const x = a.num * b.den;
  const y = b.num * a.den;
  return x < y ? -1 : x > y ? 1 : 0;
}

function plus(a: Quantity, b: Quantity, sign: 1n | -1n): Quantity {
  const den = a.den > b.den ? a.den : b.den;
  return new Quantity(a.num * (den / a.den) + sign * b.num * (den / b.den), den);
}

/** The value as an int64, or undefined when it is not a whole number in range (`AsInt64`). */
function asInt64(q: Quantity): bigint | undefined {
  if (q.num % q.den !== 0n) return undefined;
  const v = q.num / q.den;
  return v > INT64_MAX || v < INT64_MIN ? undefined : v;
}

const fromInt = (n: bigint) => new Quantity(n, 1n);

/** Registers the library's functions and the `Quantity` type on `env`. */
export function withQuantities(env: Environment): Environment {
  return env
    .registerType("Quantity", Quantity)
    .registerFunction("quantity(string): Quantity", (s: string) => quantityOf(s))
    .registerFunction("isQuantity(string): bool", (s: string) => parseQuantity(s) !== undefined)
    .registerFunction("sign(Quantity): int", (q: Quantity) => BigInt(compareQuantities(q, fromInt(0n))))
    .registerFunction("Quantity.isGreaterThan(Quantity): bool", (a: Quantity, b: Quantity) => compareQuantities(a, b) > 0)
    .registerFunction("Quantity.isLessThan(Quantity): bool", (a: Quantity, b: Quantity) => compareQuantities(a, b) < 0)
    .registerFunction("Quantity.compareTo(Quantity): int", (a: Quantity, b: Quantity) => BigInt(compareQuantities(a, b)))
    .registerFunction("Quantity.asApproximateFloat(): double", (q: Quantity) => Number(q.num) / Number(q.den))
    .registerFunction("Quantity.isInteger(): bool", (q: Quantity) => asInt64(q) !== undefined)
    .registerFunction("Quantity.asInteger(): int", (q: Quantity) => {
      const v = asInt64(q);
      if (v === undefined) throw new CelFunctionError("cannot convert value to integer");
      return v;
    })
    .registerFunction("Quantity.add(Quantity): Quantity", (a: Quantity, b: Quantity) => plus(a, b, 1n))
    .registerFunction("Quantity.add(int): Quantity", (a: Quantity, b: bigint) => plus(a, fromInt(b), 1n))
    .registerFunction("Quantity.sub(Quantity): Quantity", (a: Quantity, b: Quantity) => plus(a, b, -1n))
    .registerFunction("Quantity.sub(int): Quantity", (a: Quantity, b: bigint) => plus(a, fromInt(b), -1n))
    .registerOperator("Quantity == Quantity", (a: Quantity, b: Quantity) => compareQuantities(a, b) === 0);
}
