/**
 * @module cluster/crd-cel-quantity
 * Kubernetes' CEL quantity library (apiserver pkg/cel/library/quantity.go, 1.28+) over an exact
 * value: `quantity(string)`, `isQuantity(string)`, `sign(Quantity)` and a Quantity's
 * `isGreaterThan`, `isLessThan`, `compareTo`, `asApproximateFloat`, `asInteger`, `isInteger`,
 * `add` and `sub` (of a Quantity or an int), and `==`. A quantity is parsed as
 * resource.ParseQuantity reads one (`1.5Gi`, `100m`, `2e3`; below a nanounit rounded up) and
 * kept exact (digits and a power of ten), so comparisons and sums are exact and `isInteger`
 * answers as Go's `AsInt64` does (`1000m` and `1.0` are not: they are held as fractions); its
 * text is not canonicalized (no `string(q)` in 1.32).
 */
import type { Environment } from "@marcbachmann/cel-js";
import { CelFunctionError } from "./crd-cel-error.js";

/**
 * A quantity as resource.Quantity holds it: `num × 10^exp` (the digits as written; a binary
 * suffix multiplied in), and whether it is held as an `inf.Dec` (a binary suffix with a
 * fraction, or more digits than an int64 takes), which `isInteger` reads as not an integer.
 */
export class Quantity {
  constructor(
    readonly num: bigint,
    readonly exp: number,
    readonly dec = false,
  ) {}
}

/** resource.ErrFormatWrong's and ErrSuffix's texts. */
const FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const SUFFIX_WRONG = "unable to parse quantity's suffix";
const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
/** Exponents past this are refused rather than computed (Go's scale is an int32). */
const MAX_EXP = 2_147_483_647;
/** Digits a sum may have to align before it is refused (no quantity people write comes near). */
const MAX_ALIGN = 10_000;

const digits = (n: bigint) => (n < 0n ? -n : n).toString().length;

/** `resource.ParseQuantity`: the quantity, or the error's text. */
export function parseQuantity(text: string): Quantity | string {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(text);
  if (!m || text === "") return FORMAT_WRONG;
  const [, sign, whole, fraction = "", suffix] = m;
  if (/[^eEinumkKMGTP0-9+-]/.test(suffix!)) return FORMAT_WRONG;
  let num = BigInt(`${whole}${fraction}` || "0");
  let exp = -fraction.length;
  let dec = digits(num) > 18;
  if (BINARY[suffix!] !== undefined) {
    num *= BINARY[suffix!]!;
    dec ||= fraction.length > 0;
  } else if (DECIMAL[suffix!] !== undefined) exp += DECIMAL[suffix!]!;
  else {
    const e = /^[eE]([+-]?[0-9]+)$/.exec(suffix!);
    if (!e) return SUFFIX_WRONG;
    exp += Number(e[1]);
    if (!Number.isSafeInteger(exp) || Math.abs(exp) > MAX_EXP) return SUFFIX_WRONG;
  }
  if (sign === "-") num = -num;
  // Below a nanounit, rounded up (away from zero) to nanounits, as ParseQuantity does.
  if (exp < -9) {
    const scale = 10n ** BigInt(Math.min(-9 - exp, 40));
    const q = num / scale;
    num = num % scale === 0n ? q : q + (num < 0n ? -1n : 1n);
    exp = -9;
  }
  return new Quantity(num, exp, dec);
}

function quantityOf(text: string): Quantity {
  const q = parseQuantity(text);
  if (typeof q === "string") throw new CelFunctionError(q);
  return q;
}

/** `a` and `b` with one exponent (the smaller), or undefined when that would take absurdly many digits. */
function aligned(a: Quantity, b: Quantity): [bigint, bigint, number] | undefined {
  const exp = Math.min(a.exp, b.exp);
  if (a.exp - exp > MAX_ALIGN || b.exp - exp > MAX_ALIGN) return undefined;
  return [a.num * 10n ** BigInt(a.exp - exp), b.num * 10n ** BigInt(b.exp - exp), exp];
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const sa = a.num < 0n ? -1 : a.num > 0n ? 1 : 0;
  const sb = b.num < 0n ? -1 : b.num > 0n ? 1 : 0;
  if (sa !== sb || sa === 0) return Math.sign(sa - sb);
  // Same sign: orders of magnitude first (no huge power of ten is ever made).
  const ma = digits(a.num) + a.exp;
  const mb = digits(b.num) + b.exp;
  if (ma !== mb) return ma > mb ? sa : -sa;
  const [x, y] = aligned(a, b)!;
  return x < y ? -1 : x > y ? 1 : 0;
}

function plus(a: Quantity, b: Quantity, sign: 1n | -1n): Quantity {
  const both = aligned(a, b);
  if (!both) throw new CelFunctionError("quantity out of range");
  return new Quantity(both[0] + sign * both[1], both[2], a.dec || b.dec);
}

/** `AsInt64`: the value when it is held as a whole int64 (not a fraction, even `1.0` or `1000m`; not an inf.Dec). */
function asInt64(q: Quantity): bigint | undefined {
  if (q.dec || q.exp < 0) return undefined;
  if (q.num === 0n) return 0n;
  if (digits(q.num) + q.exp > 19) return undefined;
  const v = q.num * 10n ** BigInt(q.exp);
  return v > INT64_MAX || v < INT64_MIN ? undefined : v;
}

const fromInt = (n: bigint) => new Quantity(n, 0);

/** Registers the library's functions and the `Quantity` type on `env`. */
export function withQuantities(env: Environment): Environment {
  return env
    .registerType("Quantity", Quantity)
    .registerFunction("quantity(string): Quantity", (s: string) => quantityOf(s))
    .registerFunction("isQuantity(string): bool", (s: string) => typeof parseQuantity(s) !== "string")
    .registerFunction("sign(Quantity): int", (q: Quantity) => BigInt(compareQuantities(q, fromInt(0n))))
    .registerFunction("Quantity.isGreaterThan(Quantity): bool", (a: Quantity, b: Quantity) => compareQuantities(a, b) > 0)
    .registerFunction("Quantity.isLessThan(Quantity): bool", (a: Quantity, b: Quantity) => compareQuantities(a, b) < 0)
    .registerFunction("Quantity.compareTo(Quantity): int", (a: Quantity, b: Quantity) => BigInt(compareQuantities(a, b)))
    .registerFunction("Quantity.asApproximateFloat(): double", (q: Quantity) => Number(`${q.num}e${q.exp}`))
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
