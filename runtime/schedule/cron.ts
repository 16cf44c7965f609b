/**
 * @module schedule/cron
 * Cron expressions as a Kubernetes CronJob reads them (five fields, or one of the `@hourly`-style
 * macros; no seconds field, no `L`/`W`/`#`/`H` extensions, no `TZ=` prefix) and IANA time
 * zones. `validateCron` is what the definition schema calls, so a schedule that passes here is
 * one the API server accepts; it checks each field as robfig/cron (Kubernetes' parser) does,
 * without loading a cron library, so loading a function with a schedule (every `podfn run` of a
 * CronJob) stays cheap. `nextFireTime` is what the in-process scheduler waits for: it loads
 * cron-parser on first use.
 */
import { createRequire } from "node:module";
import type * as CronParser from "cron-parser";
import type { ScheduleEntry } from "../function.js";
import { goFields, goTrimSpace } from "./go-space.js";
import { isZoneName, zoneNameIgnoringCase } from "./zone-names.js";
import { firstOffsetChange, offsetAt } from "./zone-offset.js";

/** The macros Kubernetes accepts (robfig/cron `ParseStandard` descriptors, `@every` excepted), as five fields. */
const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const FIELDS = ["minute", "hour", "day-of-month", "month", "day-of-week"] as const;
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
/** Names each field may use; the others take digits only. */
const NAMES: Partial<Record<(typeof FIELDS)[number], string[]>> = { month: MONTHS, "day-of-week": DAYS };
/** Each field's bounds (robfig/cron's; day-of-week 0-6) and the value of its first name. */
const BOUNDS: Record<(typeof FIELDS)[number], { min: number; max: number; firstName: number }> = {
  minute: { min: 0, max: 59, firstName: 0 },
  hour: { min: 0, max: 23, firstName: 0 },
  "day-of-month": { min: 1, max: 31, firstName: 0 },
  month: { min: 1, max: 12, firstName: 1 },
  "day-of-week": { min: 0, max: 6, firstName: 0 },
};

/** A field value: a name (where the field has names) or a non-negative integer; NaN otherwise. */
function fieldValue(text: string, field: (typeof FIELDS)[number]): number {
  const name = (NAMES[field] ?? []).indexOf(text.toUpperCase());
  if (name >= 0) return name + BOUNDS[field].firstName;
  return /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
}

/** One item of a field read as robfig/cron's `getRange` reads it: its values, and its "star bit". */
interface ItemRange {
  start: number;
  end: number;
  step: number;
  /** `*` or `?` without a step over 1: robfig/cron then ANDs day-of-month with day-of-week. */
  star: boolean;
}

/**
 * One item of a field (`*`, `?`, `N`, `N-M`, each optionally `/STEP`) as robfig/cron's
 * `getRange` reads it, or what is wrong with it. `N/STEP` means N to the field's maximum.
 */
function itemRange(item: string, field: (typeof FIELDS)[number]): ItemRange | string {
  const { min, max } = BOUNDS[field];
  const [range = "", step, ...moreSlashes] = item.split("/");
  if (moreSlashes.length > 0) return `"${item}" has more than one "/"`;
  const [low = "", high, ...moreHyphens] = range.split("-");
  if (moreHyphens.length > 0) return `"${item}" has more than one "-"`;
  let start = min;
  let end = max;
  const star = low === "*" || low === "?";
  if (star) {
    if (high !== undefined) return `"${item}": "${low}" cannot start a range`;
  } else {
    start = fieldValue(low, field);
    end = high === undefined ? start : fieldValue(high, field);
    if (Number.isNaN(start) || Number.isNaN(end)) return `"${item}" is not a number${NAMES[field] ? " or name" : ""}, a range or "*"`;
  }
  if (step !== undefined) {
    if (!/^[0-9]+$/.test(step) || Number(step) === 0) return `"${item}": the step must be a positive number`;
    if (high === undefined) end = max;
  }
  if (start < min) return `"${item}": ${start} is below the minimum (${min})`;
  if (end > max) return `"${item}": ${end} is above the maximum (${max})`;
  if (start > end) return `"${item}": the range starts after it ends`;
  const every = step === undefined ? 1 : Number(step);
  return { start, end, step: every, star: star && every === 1 };
}

/**
 * A valid field as cron-parser must be given it to fire as robfig/cron does. robfig/cron ORs
 * the items of a list (repeats and overlaps allowed, `*,5` is `*`) and treats a field with a
 * star item as `*`; cron-parser refuses repeated values, and reads `*` inside a list, or `*`
 * with a step of 1, as restricted; and it reads a day-of-week `N/STEP` up to 7 (Sunday again:
 * `1/2` fired on Sundays), where robfig/cron stops at 6. So: a field with a star item becomes
 * `*`, a list or a stepped item its values once each, in order; a single item without a step
 * stays as written (`?` read as `*`).
 */
function cronParserField(part: string, field: (typeof FIELDS)[number]): string {
  const items = part.split(",").map((item) => itemRange(item, field) as ItemRange);
  if (items.some((item) => item.star)) return "*";
  if (items.length === 1 && !part.includes("/")) return part.replace("?", "*");
  const values = new Set<number>();
  for (const { start, end, step } of items) for (let v = start; v <= end; v += step) values.add(v);
  return [...values].sort((a, b) => a - b).join(",");
}

/** The five-field form of `expr` (macros expanded), or an error message. */
function normalize(expr: string): { fields: string } | { error: string } {
  // Go's spaces, as the API server splits and trims the schedule: not JavaScript's `trim()`/`\s`.
  const text = goTrimSpace(expr);
  if (/^(CRON_)?TZ=/.test(text)) return { error: `"${expr}": put the time zone in timeZone, not in the expression` };
  if (text.startsWith("@")) {
    // robfig/cron matches a descriptor exactly: the API server refuses "@daily " and " @daily".
    if (text !== expr) return { error: `${JSON.stringify(expr)}: write the macro without spaces around it ("${text}"): Kubernetes refuses it otherwise` };
    const fields = MACROS[text];
    return fields ? { fields } : { error: `"${expr}": unknown macro; use one of ${Object.keys(MACROS).join(", ")} or five fields` };
  }
  const parts = goFields(text);
  if (parts.length !== 5) {
    return { error: `"${expr}": needs 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}` };
  }
  for (const [i, part] of parts.entries()) {
    const field = FIELDS[i]!;
    // robfig/cron reads numbers with Go's Atoi, which takes a leading "+": podfn refuses it.
    if (part.includes("+")) return { error: `"${expr}": the ${field} field "${part}": write numbers without a sign` };
    if (!/^[0-9A-Za-z*?,/-]+$/.test(part)) return { error: `"${expr}": the ${field} field "${part}" has characters Kubernetes does not accept` };
    const allowed = NAMES[field] ?? [];
    const bad = (part.match(/[A-Za-z]+/g) ?? []).find((word) => !allowed.includes(word.toUpperCase()));
    if (bad) return { error: `"${expr}": the ${field} field does not accept "${bad}"${allowed.length ? ` (names: ${allowed.join(", ")})` : ""}` };
    if (part.includes("?") && field !== "day-of-month" && field !== "day-of-week") return { error: `"${expr}": "?" is only allowed in day-of-month and day-of-week` };
    // robfig/cron (Kubernetes) bounds day-of-week to 0-6; cron-parser would read 7 as Sunday.
    if (field === "day-of-week" && part.split(",").some((item) => item.split("/")[0]!.split("-").some((bound) => Number(bound) > 6))) {
      return { error: `"${expr}": day-of-week runs 0-6 (Sunday is 0 or SUN); Kubernetes does not accept 7` };
    }
    for (const item of part.split(",")) {
      const range = itemRange(item, field);
      if (typeof range === "string") return { error: `"${expr}": the ${field} field: ${range}` };
    }
  }
  return { fields: parts.join(" ") };
}

/** cron-parser (CommonJS), loaded on the first `nextFireTime`: only in-process schedules need it. */
let parser: typeof CronParser | undefined;
function cronParser(): typeof CronParser {
  return (parser ??= createRequire(import.meta.url)("cron-parser") as typeof CronParser);
}

/**
 * cron-parser's refusal of a day of month no month in the expression has (`0 0 31 2 *`).
 * robfig/cron, which Kubernetes uses, accepts such an expression (it checks each field alone);
 * the CronJob never fires. podfn accepts it too, and never fires it either.
 */
function impossibleDate(error: unknown): boolean {
  return error instanceof Error && /Invalid explicit day of month definition/.test(error.message);
}

/**
 * Check a cron expression and an optional time zone as a Kubernetes CronJob would.
 * Day-of-week takes 0-6 only (not 7), and a day of month its months never have
 * (`0 0 31 2 *`) is accepted, as Kubernetes does, for a schedule that never fires.
 * Returns a message saying what is wrong, or null when both are valid. `inProcess`: the
 * schedule fires in podfn (through Intl), so this Node must know the zone too.
 *
 * @example
 * validateCron("0 * * * *");                // null
 * validateCron("0 0 * * * *");              // '"0 0 * * * *": needs 5 fields ...'
 * validateCron("0 3 * * *", "Mars/Base");   // 'timeZone "Mars/Base": ...'
 */
export function validateCron(expr: string, timeZone?: string, inProcess = false): string | null {
  const normalized = normalize(expr);
  if ("error" in normalized) return normalized.error;
  if (timeZone !== undefined) return validateTimeZone(timeZone, inProcess);
  return null;
}

/**
 * Null when `timeZone` is an IANA zone name exactly as Go's `time.LoadLocation` (the API
 * server's) knows it, letter case included (`zone-names`), else a message naming the right
 * spelling when only the case is wrong. Intl would take any case, and maps links to other
 * zones, so it cannot decide this; it must still know the zone of an in-process schedule.
 */
function validateTimeZone(timeZone: string, inProcess: boolean): string | null {
  const problem = `timeZone "${timeZone}": not an IANA time zone name such as "Europe/Paris" or "UTC"`;
  if (isZoneName(timeZone)) {
    // An in-process schedule fires through Intl: a name this Node's time zone data lacks
    // (Factory, or a zone newer than its ICU) is refused with the reason. A CronJob's zone is
    // Kubernetes' to read; loading Intl's zone data (~10 ms) is not paid for it.
    if (!inProcess || knownToIntl(timeZone)) return null;
    return `timeZone "${timeZone}": this Node's time zone data does not know it, and an in-process schedule needs it (Node ${process.versions.node}, ICU ${process.versions.icu ?? "none"})`;
  }
  const spelled = zoneNameIgnoringCase(timeZone);
  return spelled ? `${problem} (did you mean "${spelled}"?)` : problem;
}

function knownToIntl(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The first time strictly after `after` at which `entry` fires, in its time zone (default UTC);
 * undefined for an expression that never fires (`0 0 31 2 *`). Throws on an invalid
 * expression; entries from the loader are already validated.
 *
 * @example
 * nextFireTime({ cron: "0 * * * *" }, new Date("2025-01-01T10:20:00Z")); // 2025-01-01T11:00:00.000Z
 */
export function nextFireTime(entry: Pick<ScheduleEntry, "cron" | "timeZone">, after: Date): Date | undefined {
  const normalized = normalize(entry.cron);
  if ("error" in normalized) throw new TypeError(normalized.error);
  const timeZone = entry.timeZone ?? "UTC";
  const from = after.getTime();
  try {
    const fields = normalized.fields.split(" ").map((part, i) => cronParserField(part, FIELDS[i]!));
    // cron-parser is asked in UTC only: with a zone it loses its way on some changes of offset
    // (Lord Howe's half hour: 10,000 steps of its zone arithmetic, a second, then an error) and
    // moves times the clocks skip. Between two changes the zone's wall clock is UTC shifted by
    // one offset: the next time there is the next UTC time of that shifted clock, unless a change
    // comes first; then the search goes on from the change with the new offset.
    const expression = cronParser().CronExpressionParser.parse(fields.join(" "), { currentDate: after, tz: "UTC" });
    if (timeZone === "UTC") return expression.next().toDate();
    let searchFrom = from;
    let stretchStart = from;
    let offset = offsetAt(from, timeZone);
    for (let stretches = 0; stretches < MAX_STRETCHES; stretches++) {
      expression.reset(new Date(searchFrom + offset));
      const candidate = expression.next().toDate().getTime() - offset;
      const change = firstOffsetChange(timeZone, offset, stretchStart, candidate);
      if (change === undefined) return new Date(candidate);
      // From the change on: its first minute may fire, with the offset it brings.
      stretchStart = change;
      searchFrom = change - 1000;
      offset = offsetAt(change, timeZone);
    }
    throw new Error(`no fire time of ${JSON.stringify(entry.cron)} in ${timeZone} found after ${after.toISOString()} within ${MAX_STRETCHES} changes of its offset`);
  } catch (error) {
    if (impossibleDate(error)) return undefined;
    throw error;
  }
}

/** How many of a zone's offset changes a search for the next time crosses at most (two a year: Feb 29th's every 4 years takes ~9). */
const MAX_STRETCHES = 1000;
