/**
 * @module cluster/cron-schedule
 * A CronJob's `spec.schedule` checked as the API server checks it: robfig/cron v3's
 * `ParseStandard`, with its error texts, then the `TZ` rule of CronJob validation. What it
 * accepts the real server accepts (repeated list items, `?` in any field, `*,5`, empty list
 * items, day-of-week 0-6 only), and what it refuses is refused with the same message.
 */

import { goFields, goTrimSpace } from "../../schedule/go-space.js";
import { isZoneName } from "../../schedule/zone-names.js";
import { goQuote } from "./crd-schema-go.js";

/** robfig/cron's descriptors (`@every <duration>` aside). */
const DESCRIPTORS = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);
/** Go's duration units, in nanoseconds. */
const UNITS: Record<string, bigint> = { ns: 1n, us: 1_000n, "\u00b5s": 1_000n, "\u03bcs": 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };
const MAX_DURATION = 2n ** 63n;

/** The time package's `quote`: bytes outside printable ASCII as `\xhh`, `"` and `\` escaped. */
function timeQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code >= 0x80) for (const byte of Buffer.from(ch, "utf8")) out += `\\x${byte.toString(16).padStart(2, "0")}`;
    else out += ch === '"' || ch === "\\" ? `\\${ch}` : ch;
  }
  return `${out}"`;
}

/** Go's `time.ParseDuration`: null when `text` parses, else its error text. */
function goDurationError(text: string): string | null {
  const invalid = `time: invalid duration ${timeQuote(text)}`;
  let s = text.replace(/^[-+]/, "");
  if (s === "0") return null;
  if (s === "") return invalid;
  let total = 0n;
  while (s !== "") {
    const number = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const [whole = "", fraction] = [number[1], number[2]];
    if (!/^[.\d]/.test(s) || (whole === "" && !fraction)) return invalid;
    // leadingInt fails past 2^63, before the unit is read.
    let value = BigInt(whole || "0");
    if (value > MAX_DURATION) return invalid;
    s = s.slice(number[0].length);
    const unit = /^[^.\d]*/.exec(s)![0];
    if (unit === "") return `time: missing unit in duration ${timeQuote(text)}`;
    s = s.slice(unit.length);
    const scale = UNITS[unit];
    if (scale === undefined) return `time: unknown unit ${timeQuote(unit)} in duration ${timeQuote(text)}`;
    if (value > MAX_DURATION / scale) return invalid;
    value *= scale;
    if (fraction) value += BigInt(Math.floor(Number(`0.${fraction}`) * Number(scale)));
    total += value;
    if (total > MAX_DURATION) return invalid;
  }
  return total > MAX_DURATION - 1n && !text.startsWith("-") ? invalid : null;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
/** minute, hour, day of month, month, day of week. */
const FIELDS: Bounds[] = [{ min: 0, max: 59 }, { min: 0, max: 23 }, { min: 1, max: 31 }, { min: 1, max: 12, names: MONTHS }, { min: 0, max: 6, names: DAYS }];

/** Go's `strconv.Atoi` on `text`, failing with its message. */
function atoi(text: string): number {
  if (!/^[+-]?[0-9]+$/.test(text)) throw new Error(`strconv.Atoi: parsing ${goQuote(text)}: invalid syntax`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`strconv.Atoi: parsing ${goQuote(text)}: value out of range`);
  return n;
}

/** robfig's `mustParseInt`: a non-negative integer. */
function mustParseInt(expr: string): number {
  let n: number;
  try {
    n = atoi(expr);
  } catch (error) {
    throw new Error(`failed to parse int from ${expr}: ${(error as Error).message}`);
  }
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, names: Record<string, number> | undefined): number {
  const named = names?.[expr.toLowerCase()];
  return named ?? mustParseInt(expr);
}

/** robfig's `getRange`: throws its error for a bad item. */
function checkRange(expr: string, r: Bounds): void {
  const rangeAndStep = expr.split("/");
  const lowAndHigh = rangeAndStep[0]!.split("-");
  let start: number;
  let end: number;
  if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") {
    start = r.min;
    end = r.max;
  } else {
    start = parseIntOrName(lowAndHigh[0]!, r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, r.names);
    else throw new Error(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]!);
    if (lowAndHigh.length === 1) end = r.max;
  } else if (rangeAndStep.length > 2) {
    throw new Error(`too many slashes: ${expr}`);
  }
  if (start < r.min) throw new Error(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new Error(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
}

/** robfig/cron v3 `ParseStandard(spec)`: the error text it returns, or null. */
export function robfigParseError(spec: string): string | null {
  if (spec.length === 0) return "empty spec string";
  let rest = spec;
  const tz = /^(?:TZ|CRON_TZ)=/.exec(rest);
  if (tz) {
    const space = rest.indexOf(" ");
    const zone = rest.slice(tz[0].length, space === -1 ? undefined : space);
    // time.LoadLocation: the IANA names in their own case, "" and "Local" (what validateTimeZone reads too).
    if (zone !== "" && zone !== "Local" && !isZoneName(zone)) return `provided bad location ${zone}: unknown time zone ${zone}`;
    rest = space === -1 ? "" : goTrimSpace(rest.slice(space));
  }
  if (rest.startsWith("@")) {
    if (DESCRIPTORS.has(rest)) return null;
    if (rest.startsWith("@every ")) {
      const duration = rest.slice("@every ".length);
      const problem = goDurationError(duration);
      return problem === null ? null : `failed to parse duration ${rest}: ${problem}`;
    }
    return `unrecognized descriptor: ${rest}`;
  }
  const fields = goFields(rest);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`;
  try {
    fields.forEach((field, i) => {
      for (const item of field.split(",")) if (item !== "") checkRange(item, FIELDS[i]!);
    });
  } catch (error) {
    return (error as Error).message;
  }
  return null;
}
