/**
 * @module quantity
 * Kubernetes resource quantities (`resource.Quantity`: "500m", "256Mi", "1.5", "2e3"), as the
 * CPU and memory of a function's pods are written: which strings are ones, and their value, so a
 * request can be compared with its limit before the API server refuses the manifest.
 */

/**
 * A non-negative quantity: a number, then a binary (Ki...Ei), decimal (n, u, m, k, M...E) or
 * exponent (e3, E-2) suffix, as resource.ParseQuantity reads it (a sign is allowed there, but no
 * request or limit may be negative).
 */
export const QUANTITY = /^\+?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][-+]?\d+)?$/;

const SUFFIXES: Readonly<Record<string, number>> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
};

/**
 * The value of a quantity in base units (cores, bytes), or undefined when `text` is not one.
 *
 * @example
 * quantityValue("256Mi"); // 268435456
 * quantityValue("500m");  // 0.5
 */
export function quantityValue(text: string): number | undefined {
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const number = Number(match[1]);
  const suffix = match[3] ?? "";
  if (suffix.startsWith("e") || suffix.startsWith("E")) return number * 10 ** Number(suffix.slice(1));
  return number * SUFFIXES[suffix]!;
}

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
    return (quantityValue(request) ?? 0) > (quantityValue(limit) ?? Number.POSITIVE_INFINITY);
  });
}
