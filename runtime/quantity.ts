/**
 * @module quantity
 * Kubernetes resource quantities (`resource.Quantity`: "500m", "256Mi", "1.5", "2e3"), as the
 * CPU and memory of a function's pods are written: which strings are ones, and their value, so a
 * request can be compared with its limit before the API server refuses the manifest. The
 * comparison is exact, as resource.Quantity's Cmp is (700m is 0.7, 1.072G is 1072M): a float's
 * product (700 × 0.001 = 0.7000000000000001) refused equal amounts written in other units.
 */

/**
 * A non-negative quantity: a number, then a binary (Ki...Ei), decimal (n, u, m, k, M...E) or
 * exponent (e3, E-2) suffix, as resource.ParseQuantity reads it (a sign is allowed there, but no
 * request or limit may be negative).
 */
export const QUANTITY = /^\+?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][-+]?\d+)?$/;

/** Nano-units in a base unit: resource.Quantity keeps values to 10⁻⁹ (`Nano`). */
const NANO_DIGITS = 9;
/** resource.Quantity's cap (`maxAllowed`: 2⁶³-1 base units), in nano-units. */
const MAX_NANOS = (2n ** 63n - 1n) * 10n ** BigInt(NANO_DIGITS);
/** Powers of 10 of this many digits are beyond the cap whatever the mantissa: the exponent is bounded before BigInt is asked for 10^1e9. */
const MAX_DIGITS = MAX_NANOS.toString().length + 1;
const BINARY_EXPONENTS: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_EXPONENTS: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/**
 * The exact value of a quantity in nano-units (10⁻⁹ cores, bytes) as the API server keeps it
 * (ParseQuantity: a non-zero amount below 1n rounded up to 1n, anything above 2⁶³-1 capped
 * there), or undefined when `text` is not one.
 *
 * @example
 * quantityNanos("700m") === quantityNanos("0.7"); // true
 * quantityNanos("1Ki");                           // 1024000000000n
 */
export function quantityNanos(text: string): bigint | undefined {
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const [whole = "", fraction = ""] = match[1]!.split(".");
  const mantissa = BigInt(`${whole}${fraction}` || "0");
  if (mantissa === 0n) return 0n;
  const suffix = match[3] ?? "";
  const binary = BINARY_EXPONENTS[suffix];
  // "E" is exa, "Ei" exbi; "E3" and "e-2" are exponents.
  const exponent = binary !== undefined ? 0 : (DECIMAL_EXPONENTS[suffix] ?? Number(suffix.slice(1)));
  const scaled = mantissa * 2n ** BigInt(binary ?? 0);
  // mantissa × 2^b × 10^(exponent - fraction digits + 9), rounded up as ParseQuantity rounds to Nano.
  const power = exponent - fraction.length + NANO_DIGITS;
  if (power >= 0) return power > MAX_DIGITS ? MAX_NANOS : min(scaled * 10n ** BigInt(power), MAX_NANOS);
  if (-power > scaled.toString().length) return 1n;
  const divisor = 10n ** BigInt(-power);
  return min((scaled + divisor - 1n) / divisor, MAX_NANOS);
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** The resources a request and a limit are compared for. */
const COMPARED = ["cpu", "memory"] as const;

/**
 * The resources whose request is above their limit (Kubernetes refuses such a container: "must
 * be less than or equal to cpu limit"), in `cpu`, `memory` order.
 *
 * @example
 * requestsAboveLimits({ requests: { memory: "1Gi" }, limits: { memory: "512Mi" } }); // ["memory"]
 */
export function requestsAboveLimits(resources: { requests?: { cpu?: string; memory?: string }; limits?: { cpu?: string; memory?: string } }): ("cpu" | "memory")[] {
  return COMPARED.filter((name) => {
    const request = resources.requests?.[name];
    const limit = resources.limits?.[name];
    if (request === undefined || limit === undefined) return false;
    const [r, l] = [quantityNanos(request), quantityNanos(limit)];
    return r !== undefined && l !== undefined && r > l;
  });
}
