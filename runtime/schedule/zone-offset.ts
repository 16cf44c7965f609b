/**
 * @module schedule/zone-offset
 * A time zone's offset from UTC and where it changes, read through Intl (this Node's ICU time
 * zone data). The in-process scheduler (cron.ts) splits time at these changes: between two of
 * them a zone's wall clock is UTC shifted by one offset, so a cron expression's next time there
 * is its next time in UTC, shifted. A time the clocks skip lies in no such stretch and never
 * fires; a repeated hour lies in two and fires twice: what robfig/cron (CronJobs) does on
 * whole-hour changes, and podfn's reading of the wall clock on 30- and 45-minute ones.
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const calendars = new Map<string, Intl.DateTimeFormat>();

/** `at` on the wall clock of `timeZone`, to the minute. */
function wallTime(at: number, timeZone: string): Record<string, string> {
  let calendar = calendars.get(timeZone);
  if (!calendar) {
    calendar = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23" });
    calendars.set(timeZone, calendar);
  }
  const wall: Record<string, string> = {};
  for (const part of calendar.formatToParts(at)) wall[part.type] = part.value;
  return wall;
}

/** The offset of `timeZone` from UTC at `at`, in milliseconds (whole minutes). */
export function offsetAt(at: number, timeZone: string): number {
  const w = wallTime(at, timeZone);
  const local = Date.UTC(Number(w.year), Number(w.month) - 1, Number(w.day), Number(w.hour), Number(w.minute));
  return local - Math.floor(at / MINUTE) * MINUTE;
}

/**
 * The first whole minute in (`from`, `to`] at which `timeZone`'s offset is no longer `offset`
 * (its offset at `from`), or undefined when it holds throughout. Sampled a day apart, then
 * narrowed down to the minute: zones change at most once a day.
 */
export function firstOffsetChange(timeZone: string, offset: number, from: number, to: number): number | undefined {
  let low = from;
  while (low < to) {
    const next = Math.min(to, low + DAY);
    if (offsetAt(next, timeZone) !== offset) {
      // Offsets change at whole minutes: search the minutes, `lo`'s offset the old, `hi`'s the new.
      let lo = Math.floor(low / MINUTE);
      let hi = Math.floor(next / MINUTE);
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(mid * MINUTE, timeZone) === offset) lo = mid;
        else hi = mid;
      }
      return hi * MINUTE;
    }
    low = next;
  }
  return undefined;
}
