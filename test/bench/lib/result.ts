/**
 * @module bench/result
 * The rows a suite reports and the helpers that turn medians into rows with ratios and
 * targets. A row is one figure; the table and the JSON file are both made from rows.
 */

/** One reported figure. */
export interface Row {
  /** Suite, e.g. `http-get`. */
  group: string;
  /** What was measured, e.g. `podfn (auth none)`. */
  name: string;
  /** The median; NaN when the peer failed or is not available. */
  value: number;
  /** e.g. `req/s`, `ms`, `MB`. */
  unit: string;
  /** Extra figures shown next to the value (p99 latency, sample count...). */
  detail?: string;
  /** Ratios against other rows, e.g. `{ "hono": 0.93 }` (this value / that value). */
  ratios?: Record<string, number>;
  /** The goals this figure is held to, each with whether it was met. */
  targets?: Target[];
  /** Why there is no value (peer not built yet, failed...). */
  note?: string;
  /** Every sample, for the JSON file. */
  samples?: number[];
}

/** A goal and whether the figure met it. */
export interface Target {
  text: string;
  pass: boolean;
}

/** Ratio of two figures, NaN when either is missing. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}

/**
 * A target row check: `value op limit`, failing when either side is missing.
 *
 * @example
 * check(ratio(podfn, hono), ">=", 0.9, "≥0.9x bare hono")
 */
export function check(value: number, op: ">=" | "<=" | "<", limit: number, text: string): Target {
  if (!Number.isFinite(value)) return { text, pass: false };
  const pass = op === ">=" ? value >= limit : op === "<=" ? value <= limit : value < limit;
  return { text, pass };
}

/** Formats a number for the table: thousands grouped, few decimals. */
export function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return "n/a";
  const d = Math.abs(value) >= 100 ? 0 : digits;
  return value.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
}
