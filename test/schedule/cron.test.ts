import { test } from "node:test";
import assert from "node:assert/strict";
import { nextFireTime, validateCron } from "../../runtime/schedule/cron.js";

test("accepts what a Kubernetes CronJob accepts", () => {
  for (const expr of ["0 * * * *", "*/5 * * * *", "0 9-17 * * MON-FRI", "0 0 1 JAN,JUL *", "0 0 ? * SUN", "@hourly", "@daily", "@midnight", "@yearly", " 0 * * * * "]) {
    assert.equal(validateCron(expr), null, expr);
  }
});

test("rejects other syntaxes with a message saying what is wrong", () => {
  const cases: [string, RegExp][] = [
    ["* * * *", /needs 5 fields .* got 4/],
    ["0 0 * * * *", /needs 5 fields .* got 6/],
    ["61 * * * *", /61/],
    ["0 0 L * *", /day-of-month field does not accept "L"/],
    ["0 0 * * 1#2", /day-of-week field "1#2" has characters/],
    ["H * * * *", /minute field does not accept "H"/],
    ["0 0 * MON *", /month field does not accept "MON"/],
    ["@every 5m", /unknown macro/],
    ["TZ=Europe/Paris 0 * * * *", /put the time zone in timeZone/],
    ["0 ? * * *", /"\?" is only allowed in day-of-month and day-of-week/],
    ["0 0 * * 7", /day-of-week runs 0-6 .*Kubernetes does not accept 7/],
    ["0 0 * * 5-7", /day-of-week runs 0-6/],
    ["0 0 * * 1,7", /day-of-week runs 0-6/],
    ["0 0 * * 0-7/2", /day-of-week runs 0-6/],
    ["0 0 * * 7/2", /day-of-week runs 0-6/],
  ];
  for (const [expr, pattern] of cases) assert.match(validateCron(expr) ?? "valid", pattern, expr);
});

test("checks the time zone against the IANA database", () => {
  assert.equal(validateCron("0 3 * * *", "Europe/Paris"), null);
  assert.equal(validateCron("0 3 * * *", "UTC"), null);
  for (const zone of ["Mars/Base", "Local", "utc", "+01:00", ""]) assert.match(validateCron("0 3 * * *", zone) ?? "valid", /timeZone ".*": not an IANA time zone/, zone);
});

test("nextFireTime is strictly after the given time", () => {
  assert.equal(nextFireTime({ cron: "0 * * * *" }, new Date("2025-01-01T10:20:00Z"))!.toISOString(), "2025-01-01T11:00:00.000Z");
  assert.equal(nextFireTime({ cron: "0 * * * *" }, new Date("2025-01-01T11:00:00.000Z"))!.toISOString(), "2025-01-01T12:00:00.000Z");
  assert.equal(nextFireTime({ cron: "@daily" }, new Date("2025-01-01T11:00:00Z"))!.toISOString(), "2025-01-02T00:00:00.000Z");
});

test("nextFireTime honours the time zone, across a daylight-saving change", () => {
  assert.equal(nextFireTime({ cron: "0 9 * * *", timeZone: "America/New_York" }, new Date("2025-01-01T00:00:00Z"))!.toISOString(), "2025-01-01T14:00:00.000Z");
  assert.equal(nextFireTime({ cron: "0 9 * * *", timeZone: "America/New_York" }, new Date("2025-07-01T00:00:00Z"))!.toISOString(), "2025-07-01T13:00:00.000Z");
});

test("a time the clocks skip on a spring-forward day does not fire, as robfig/cron skips it (its spec_test: \"2am nightly job (skipped)\")", () => {
  const next = (cron: string, timeZone: string, from: string, count: number): string[] => {
    const out: string[] = [];
    let at = new Date(from);
    for (let i = 0; i < count; i++) out.push((at = nextFireTime({ cron, timeZone }, at)!).toISOString());
    return out;
  };
  // robfig: 0 0 2 * * ? from 2012-03-11T00:00-0500 gives 2012-03-12T02:00 (EDT, 06:00Z).
  assert.deepEqual(next("0 2 * * *", "America/New_York", "2012-03-11T05:00:00Z", 2), ["2012-03-12T06:00:00.000Z", "2012-03-13T06:00:00.000Z"]);
  assert.deepEqual(next("15,45 2 * * *", "America/New_York", "2012-03-11T05:00:00Z", 2), ["2012-03-12T06:15:00.000Z", "2012-03-12T06:45:00.000Z"]);
  assert.deepEqual(next("0 2 * * *", "Europe/Berlin", "2024-03-30T12:00:00Z", 1), ["2024-04-01T00:00:00.000Z"]);
  // An hourly job loses 02:30 only: 01:30 EST, then 03:30 EDT.
  assert.deepEqual(next("30 * * * *", "America/New_York", "2012-03-11T05:00:00Z", 3), ["2012-03-11T05:30:00.000Z", "2012-03-11T06:30:00.000Z", "2012-03-11T07:30:00.000Z"]);
  // Falling back, a daily 01:00 fires once (the first 01:00, EDT).
  assert.deepEqual(next("0 1 * * *", "America/New_York", "2012-11-04T04:00:00Z", 2), ["2012-11-04T05:00:00.000Z", "2012-11-05T06:00:00.000Z"]);
});

test("day-of-month and day-of-week both restricted fire on either, as cron does", () => {
  assert.equal(nextFireTime({ cron: "0 0 13 * FRI" }, new Date("2025-01-01T00:00:00Z"))!.toISOString(), "2025-01-03T00:00:00.000Z");
});

test("a day of month its months never have is accepted, as Kubernetes (robfig/cron) does, and never fires", () => {
  for (const expr of ["0 0 31 2 *", "0 0 30 2 *", "0 0 31 4,6 *"]) {
    assert.equal(validateCron(expr), null, expr);
    assert.equal(nextFireTime({ cron: expr }, new Date("2025-01-01T00:00:00Z")), undefined, expr);
  }
  assert.equal(nextFireTime({ cron: "0 0 31 2,3 *" }, new Date("2025-01-01T00:00:00Z"))!.toISOString(), "2025-03-31T00:00:00.000Z");
});
