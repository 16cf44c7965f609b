/**
 * @module schedule/wall-clock
 * A cron expression read against a time zone's wall clock, minute by minute: a minute fires
 * when its local minute, hour, month and day (of month or of week, either when both are
 * restricted) are the expression's. So a time the clocks skip never fires, and a repeated hour's
 * times fire twice — what robfig/cron (CronJobs) does on whole-hour changes (its spec_test's
 * cases are pinned). On 30- and 45-minute changes (Lord Howe, Chatham) robfig's own stepping
 * differs again (it steps whole hours and can skip or shift a day's times): podfn keeps to the
 * wall clock there. cron-parser, which finds the next time quickly, moves skipped times and
 * loses its way on some fall-back nights: next to a daylight-saving change the scheduler looks
 * here instead (cron.ts).
 */

/** The parsed fields this module reads (cron-parser's `CronExpression.fields`). */
export interface CronFields {
  minute: { values: readonly unknown[] };
  hour: { values: readonly unknown[] };
  dayOfMonth: { values: readonly unknown[]; isWildcard: boolean };
  month: { values: readonly unknown[] };
  dayOfWeek: { values: readonly unknown[]; isWildcard: boolean };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
/** A change's neighbourhood searched minute by minute: any repeated or skipped hour, and its edges. */
const AROUND_CHANGE = 3 * HOUR;

const calendars = new Map<string, Intl.DateTimeFormat>();

/** `at` on the wall clock of `timeZone`. */
function wallTime(at: number, timeZone: string): Record<string, string> {
  let calendar = calendars.get(timeZone);
  if (!calendar) {
    calendar = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric", weekday: "short", hour: "numeric", minute: "numeric", hourCycle: "h23" });
    calendars.set(timeZone, calendar);
  }
  const wall: Record<string, string> = {};
  for (const part of calendar.formatToParts(at)) wall[part.type] = part.value;
  return wall;
}

/** The zone's offset from UTC at `at`, in minutes. */
function offsetAt(at: number, timeZone: string): number {
  const w = wallTime(at, timeZone);
  const local = Date.UTC(Number(w.year), Number(w.month) - 1, Number(w.day), Number(w.hour), Number(w.minute));
  return Math.round((local - Math.floor(at / MINUTE) * MINUTE) / MINUTE);
}

/** Reads the expression's fields against `timeZone`'s wall clock. */
export class WallClock {
  readonly #minutes: ReadonlySet<number>;
  readonly #hours: ReadonlySet<number>;
  readonly #days: ReadonlySet<number>;
  readonly #months: ReadonlySet<number>;
  readonly #weekdays: ReadonlySet<number>;
  readonly #eitherDay: boolean;

  constructor(
    fields: CronFields,
    readonly timeZone: string,
  ) {
    this.#minutes = new Set(fields.minute.values as number[]);
    this.#hours = new Set(fields.hour.values as number[]);
    this.#days = new Set(fields.dayOfMonth.values as number[]);
    this.#months = new Set(fields.month.values as number[]);
    this.#weekdays = new Set((fields.dayOfWeek.values as number[]).map((d) => d % 7));
    this.#eitherDay = !fields.dayOfMonth.isWildcard && !fields.dayOfWeek.isWildcard;
  }

  /** Whether the whole minute `at` fires. */
  fires(at: number): boolean {
    if (at % MINUTE !== 0) return false;
    const w = wallTime(at, this.timeZone);
    if (!this.#minutes.has(Number(w.minute)) || !this.#hours.has(Number(w.hour)) || !this.#months.has(Number(w.month))) return false;
    const day = this.#days.has(Number(w.day));
    const weekday = this.#weekdays.has(WEEKDAYS[w.weekday!]!);
    return this.#eitherDay ? day || weekday : day && weekday;
  }

  /** The first whole minute after `after` and before `before` that fires. */
  scan(after: number, before: number): number | undefined {
    for (let at = Math.floor(after / MINUTE) * MINUTE + MINUTE; at < before; at += MINUTE) if (this.fires(at)) return at;
    return undefined;
  }

  /**
   * The first minute after `after` and before `before` that fires next to a change of the
   * zone's offset (a daylight-saving change) in between: where cron-parser can be wrong.
   */
  firstNearChanges(after: number, before: number): number | undefined {
    for (const change of offsetChanges(this.timeZone, after, before)) {
      const found = this.scan(Math.max(after, change - AROUND_CHANGE), Math.min(before, change + AROUND_CHANGE));
      if (found !== undefined) return found;
    }
    return undefined;
  }
}

/** The minutes in (`from`, `to`] at which `timeZone`'s offset changes, in order: sampled daily, then narrowed down. */
function offsetChanges(timeZone: string, from: number, to: number): number[] {
  const changes: number[] = [];
  let at = from;
  let offset = offsetAt(at, timeZone);
  while (at < to) {
    const next = Math.min(to, at + DAY);
    const nextOffset = offsetAt(next, timeZone);
    if (nextOffset !== offset) {
      // The first minute with the new offset, between `at` (old) and `next` (new).
      let low = at;
      let high = next;
      while (high - low > MINUTE) {
        const mid = Math.floor((low + high) / 2 / MINUTE) * MINUTE;
        if (mid <= low) break;
        if (offsetAt(mid, timeZone) === offset) low = mid;
        else high = mid;
      }
      changes.push(high);
    }
    at = next;
    offset = nextOffset;
  }
  return changes;
}
