/**
 * @module schedule/cron
 * Cron expressions as a Kubernetes CronJob reads them (five fields, or one of the `@hourly`-style
 * macros; no seconds field, no `L`/`W`/`#`/`H` extensions, no `TZ=` prefix) and IANA time
 * zones. `validateCron` is what the definition schema calls, so a schedule that passes here is
 * one the API server accepts; `nextFireTime` is what the in-process scheduler waits for.
 */
import { CronExpressionParser } from "cron-parser";
import type { ScheduleEntry } from "../function.js";

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

/** The five-field form of `expr` (macros expanded), or an error message. */
function normalize(expr: string): { fields: string } | { error: string } {
  const text = expr.trim();
  if (/^(CRON_)?TZ=/.test(text)) return { error: `"${expr}": put the time zone in timeZone, not in the expression` };
  if (text.startsWith("@")) {
    const fields = MACROS[text];
    return fields ? { fields } : { error: `"${expr}": unknown macro; use one of ${Object.keys(MACROS).join(", ")} or five fields` };
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 5) {
    return { error: `"${expr}": needs 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}` };
  }
  for (const [i, part] of parts.entries()) {
    const field = FIELDS[i]!;
    if (!/^[0-9A-Za-z*?,/-]+$/.test(part)) return { error: `"${expr}": the ${field} field "${part}" has characters Kubernetes does not accept` };
    const allowed = NAMES[field] ?? [];
    const bad = (part.match(/[A-Za-z]+/g) ?? []).find((word) => !allowed.includes(word.toUpperCase()));
    if (bad) return { error: `"${expr}": the ${field} field does not accept "${bad}"${allowed.length ? ` (names: ${allowed.join(", ")})` : ""}` };
    if (part.includes("?") && field !== "day-of-month" && field !== "day-of-week") return { error: `"${expr}": "?" is only allowed in day-of-month and day-of-week` };
    // robfig/cron (Kubernetes) bounds day-of-week to 0-6; cron-parser would read 7 as Sunday.
    if (field === "day-of-week" && part.split(",").some((item) => item.split("/")[0]!.split("-").some((bound) => Number(bound) > 6))) {
      return { error: `"${expr}": day-of-week runs 0-6 (Sunday is 0 or SUN); Kubernetes does not accept 7` };
    }
  }
  return { fields: parts.join(" ") };
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
 * Returns a message saying what is wrong, or null when both are valid.
 *
 * @example
 * validateCron("0 * * * *");                // null
 * validateCron("0 0 * * * *");              // '"0 0 * * * *": needs 5 fields ...'
 * validateCron("0 3 * * *", "Mars/Base");   // 'timeZone "Mars/Base": ...'
 */
export function validateCron(expr: string, timeZone?: string): string | null {
  const normalized = normalize(expr);
  if ("error" in normalized) return normalized.error;
  try {
    CronExpressionParser.parse(normalized.fields.replaceAll("?", "*"), { tz: "UTC" });
  } catch (error) {
    if (!impossibleDate(error)) return `"${expr}": ${(error as Error).message}`;
  }
  if (timeZone !== undefined) return validateTimeZone(timeZone);
  return null;
}

/** Null when `timeZone` is an IANA zone name (as Go's `time.LoadLocation` knows them), else a message. */
function validateTimeZone(timeZone: string): string | null {
  const problem = `timeZone "${timeZone}": not an IANA time zone name such as "Europe/Paris" or "UTC"`;
  if (timeZone === "Local" || timeZone !== timeZone.trim() || (timeZone === timeZone.toLowerCase() && /[a-z]/.test(timeZone))) return problem;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return null;
  } catch {
    return problem;
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
  try {
    const expression = CronExpressionParser.parse(normalized.fields.replaceAll("?", "*"), {
      currentDate: after,
      tz: entry.timeZone ?? "UTC",
    });
    return expression.next().toDate();
  } catch (error) {
    if (impossibleDate(error)) return undefined;
    throw error;
  }
}
