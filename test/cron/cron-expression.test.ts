import { test } from "node:test";
import assert from "node:assert/strict";
import { nextFireTime, validateCron } from "../../runtime/schedule/cron.js";

test("each field is checked against its bounds, as robfig/cron (Kubernetes) does", () => {
  const cases: [string, RegExp][] = [
    ["60 * * * *", /minute field: "60": 60 is above the maximum \(59\)/],
    ["0 24 * * *", /hour field: "24": 24 is above the maximum \(23\)/],
    ["0 0 0 * *", /day-of-month field: "0": 0 is below the minimum \(1\)/],
    ["0 0 32 * *", /day-of-month field: "32": 32 is above the maximum \(31\)/],
    ["0 0 1 13 *", /month field: "13": 13 is above the maximum \(12\)/],
    ["0 0 1 0 *", /month field: "0": 0 is below the minimum \(1\)/],
    ["0 10-5 * * *", /hour field: "10-5": the range starts after it ends/],
    ["*/0 * * * *", /minute field: "\*\/0": the step must be a positive number/],
    ["*/ * * * *", /the step must be a positive number/],
    ["1/2/3 * * * *", /more than one "\/"/],
    ["1-2-3 * * * *", /more than one "-"/],
    ["*-5 * * * *", /"\*" cannot start a range/],
    ["1,,2 * * * *", /minute field: "" is not a number, a range or "\*"/],
    ["0 0 * DEC-JAN *", /range starts after it ends/],
  ];
  for (const [expr, pattern] of cases) assert.match(validateCron(expr) ?? "valid", pattern, expr);
});

test("ranges, steps, lists and names within bounds are accepted, and fire as written", () => {
  for (const expr of ["0-59/15 * * * *", "5/15 * * * *", "0 0-23/6 * * *", "0 0 1-31/10 * *", "0 0 1 jan-dec/3 *", "0 0 * * sun-sat/2", "0,30 8-18 * * 1-5", "0 0 1-7 * *"]) {
    assert.equal(validateCron(expr), null, expr);
  }
  assert.equal(nextFireTime({ cron: "5/15 * * * *" }, new Date("2025-01-01T10:21:00Z"))!.toISOString(), "2025-01-01T10:35:00.000Z");
  assert.equal(nextFireTime({ cron: "0 0 1 jan-dec/3 *" }, new Date("2025-02-01T00:00:00Z"))!.toISOString(), "2025-04-01T00:00:00.000Z");
});

/**
 * When an expression fires as robfig/cron (Kubernetes' parser) reads it, written here from its
 * rules alone: each item of a list adds its values (repeats allowed); an item `*` or `?`
 * without a step over 1 sets the field's "star bit"; when day-of-month or day-of-week has it,
 * both must match, otherwise either does. UTC; the first minute after `after`, within a year.
 */
function robfigNext(expr: string, after: Date): string | undefined {
  const bounds = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 6]] as const;
  const names: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12, sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
  const value = (text: string) => names[text.toLowerCase()] ?? Number(text);
  const fields = expr.trim().split(/\s+/).map((field, i) => {
    const [min, max] = bounds[i]!;
    const set = new Set<number>();
    let star = false;
    for (const item of field.split(",")) {
      const [range, stepText] = item.split("/");
      const step = stepText === undefined ? 1 : Number(stepText);
      let [start, end] = [min, max] as number[];
      if (range === "*" || range === "?") star ||= step === 1;
      else {
        const [low, high] = range!.split("-");
        start = value(low!);
        end = high !== undefined ? value(high) : stepText !== undefined ? max : start;
      }
      for (let v = start!; v <= end!; v += step) set.add(v);
    }
    return { set, star };
  });
  const [minute, hour, dom, month, dow] = fields as [typeof fields[0], typeof fields[0], typeof fields[0], typeof fields[0], typeof fields[0]];
  const t = new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000);
  for (const end = after.getTime() + 366 * 86_400_000; t.getTime() <= end; t.setTime(t.getTime() + 60_000)) {
    const domMatch = dom.set.has(t.getUTCDate());
    const dowMatch = dow.set.has(t.getUTCDay());
    const day = dom.star || dow.star ? domMatch && dowMatch : domMatch || dowMatch;
    if (day && month.set.has(t.getUTCMonth() + 1) && hour.set.has(t.getUTCHours()) && minute.set.has(t.getUTCMinutes())) return t.toISOString();
  }
  return undefined;
}

test("lists fire as robfig/cron reads them: repeats and overlaps once, * within a list as *", () => {
  const cases = ["*,5 * * * *", "5,5 * * * *", "0 1-5,3 * * *", "*/15,5 * * * *", "0-30/10,10-12 * * * *", "0 0 * JAN,1,FEB * ", "0 0 * * MON,1", "0 0 */1 * 1", "0 0 ?,3 * MON", "0 0 13 * */1", "0 0 1-31/2,4 * 1", "0 0 13,13 * FRI,5", "30 4 * 2,2 SUN,0"];
  const starts = ["2025-01-01T00:00:00Z", "2025-02-27T23:59:30Z", "2025-07-15T10:17:00Z"];
  for (const expr of cases) {
    assert.equal(validateCron(expr), null, expr);
    for (const start of starts) {
      assert.equal(nextFireTime({ cron: expr }, new Date(start))?.toISOString(), robfigNext(expr, new Date(start)), `${expr} after ${start}`);
    }
  }
});

test("a star with a step of 1 is a star: day-of-month */1 with a weekday fires on that weekday only", () => {
  assert.equal(nextFireTime({ cron: "0 0 */1 * MON" }, new Date("2025-01-01T00:00:00Z"))!.toISOString(), "2025-01-06T00:00:00.000Z");
  assert.equal(nextFireTime({ cron: "0 0 */2 * MON" }, new Date("2025-01-01T00:00:00Z"))!.toISOString(), "2025-01-03T00:00:00.000Z");
});
