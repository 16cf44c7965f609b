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
    ["*,5 * * * *", /minute field cannot list "\*" or "\?" with other items/],
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
