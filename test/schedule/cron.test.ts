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

test("across daylight-saving changes it fires when robfig/cron v3 fires (its spec_test's New York cases): a skipped time never, a repeated hour twice", () => {
  // [after, expression, next], as robfig's TestNext with TZ=America/New_York (seconds dropped).
  const cases: Array<[string, string, string]> = [
    ["2012-03-11T00:00:00-05:00", "0 * * * *", "2012-03-11T01:00:00-05:00"],
    ["2012-03-11T01:00:00-05:00", "0 * * * *", "2012-03-11T03:00:00-04:00"],
    ["2012-03-11T03:00:00-04:00", "0 * * * *", "2012-03-11T04:00:00-04:00"],
    ["2012-03-11T00:00:00-05:00", "0 1 * * *", "2012-03-11T01:00:00-05:00"],
    ["2012-03-11T01:00:00-05:00", "0 1 * * *", "2012-03-12T01:00:00-04:00"],
    // 2am nightly job (skipped)
    ["2012-03-11T00:00:00-05:00", "0 2 * * *", "2012-03-12T02:00:00-04:00"],
    ["2012-11-04T00:00:00-04:00", "30 2 4 11 *", "2012-11-04T02:30:00-05:00"],
    ["2012-11-04T01:45:00-04:00", "30 1 4 11 *", "2012-11-04T01:30:00-05:00"],
    ["2012-11-04T00:00:00-04:00", "0 * * * *", "2012-11-04T01:00:00-04:00"],
    ["2012-11-04T01:00:00-04:00", "0 * * * *", "2012-11-04T01:00:00-05:00"],
    ["2012-11-04T01:00:00-05:00", "0 * * * *", "2012-11-04T02:00:00-05:00"],
    // 1am nightly job (runs twice)
    ["2012-11-04T00:00:00-04:00", "0 1 * * *", "2012-11-04T01:00:00-04:00"],
    ["2012-11-04T01:00:00-04:00", "0 1 * * *", "2012-11-04T01:00:00-05:00"],
    ["2012-11-04T01:00:00-05:00", "0 1 * * *", "2012-11-05T01:00:00-05:00"],
    ["2012-11-04T00:00:00-04:00", "0 2 * * *", "2012-11-04T02:00:00-05:00"],
    ["2012-11-04T02:00:00-05:00", "0 2 * * *", "2012-11-05T02:00:00-05:00"],
  ];
  for (const [after, cron, next] of cases) {
    assert.equal(nextFireTime({ cron, timeZone: "America/New_York" }, new Date(after))!.toISOString(), new Date(next).toISOString(), `${cron} after ${after}`);
  }
  assert.equal(nextFireTime({ cron: "0 2 * * *", timeZone: "Europe/Berlin" }, new Date("2024-03-30T12:00:00Z"))!.toISOString(), "2024-04-01T00:00:00.000Z");
});

test("a half-hour change (Lord Howe: 02:00 becomes 02:30): the half hour that exists fires", () => {
  // 2025-10-05 02:00 +10:30 (15:30Z) becomes 02:30 +11: 02:30 exists, 02:00–02:29 do not.
  const next = (cron: string, after: string) => nextFireTime({ cron, timeZone: "Australia/Lord_Howe" }, new Date(after))!.toISOString();
  assert.equal(next("30 * * * *", "2025-10-04T15:00:00Z"), "2025-10-04T15:30:00.000Z");
  assert.equal(next("0,30 * * * *", "2025-10-04T15:00:00Z"), "2025-10-04T15:30:00.000Z");
  assert.equal(next("0 2 * * *", "2025-10-04T14:00:00Z"), "2025-10-05T15:00:00.000Z", "02:00 is skipped that night");
});

test("a fall-back night where cron-parser loses its way (Lord Howe's half hour, Chatham's): a time after the given one, never at or before it", () => {
  const lordHowe = (after: string) => nextFireTime({ cron: "@hourly", timeZone: "Australia/Lord_Howe" }, new Date(after))!.toISOString();
  // 01:00 +11 (14:00Z); 02:00 +11 never shows (the clocks go back to 01:30 at 15:00Z): 02:00 +10:30 is 15:30Z.
  assert.equal(lordHowe("2025-04-05T13:59:00Z"), "2025-04-05T14:00:00.000Z");
  for (const after of ["2025-04-05T14:00:00Z", "2025-04-05T14:10:00Z", "2025-04-05T14:29:00Z", "2025-04-05T15:00:00Z"]) assert.equal(lordHowe(after), "2025-04-05T15:30:00.000Z", after);
  for (let minute = 0; minute < 180; minute++) {
    const after = new Date(Date.parse("2025-04-05T12:00:00Z") + minute * 60_000);
    for (const cron of ["@hourly", "*/30 * * * *", "*/5 * * * *"]) {
      for (const timeZone of ["Australia/Lord_Howe", "Pacific/Chatham"]) {
        const next = nextFireTime({ cron, timeZone }, after);
        assert.ok(next && next.getTime() > after.getTime(), `${cron} ${timeZone} after ${after.toISOString()}: ${next?.toISOString()}`);
      }
    }
  }
});

test("next to every kind of daylight-saving change (whole hour, half hour, Chatham's 2:45, Santiago's midnight) it fires at the first minute whose wall-clock reading matches, read minute by minute", () => {
  // Each change (2025, from the zone data) with its neighbourhood read minute by minute here, as the oracle.
  const changes: [string, string][] = [
    ["Australia/Lord_Howe", "2025-04-05T15:00:00Z"], ["Australia/Lord_Howe", "2025-10-04T15:30:00Z"],
    ["Pacific/Chatham", "2025-04-05T14:00:00Z"], ["Pacific/Chatham", "2025-09-27T14:00:00Z"],
    ["Europe/Berlin", "2025-03-30T01:00:00Z"], ["Europe/Berlin", "2025-10-26T01:00:00Z"],
    ["America/New_York", "2025-03-09T07:00:00Z"], ["America/New_York", "2025-11-02T06:00:00Z"],
    ["America/Santiago", "2025-04-06T03:00:00Z"], ["America/Santiago", "2025-09-07T04:00:00Z"],
    ["Australia/Adelaide", "2025-04-05T16:30:00Z"],
  ];
  type Wall = { minute: number; hour: number; weekday: string };
  const schedules: [string, (w: Wall) => boolean][] = [
    ["@hourly", (w) => w.minute === 0],
    ["*/30 * * * *", (w) => w.minute % 30 === 0],
    ["45 1 * * *", (w) => w.minute === 45 && w.hour === 1],
    ["0 2 * * *", (w) => w.minute === 0 && w.hour === 2],
    ["30 2 * * *", (w) => w.minute === 30 && w.hour === 2],
    ["15 0 * * *", (w) => w.minute === 15 && w.hour === 0],
    ["*/7 1-3 * * *", (w) => w.minute % 7 === 0 && w.hour >= 1 && w.hour <= 3],
    ["50 23 * * SAT", (w) => w.minute === 50 && w.hour === 23 && w.weekday === "Sat"],
  ];
  const MINUTE = 60_000;
  let checked = 0;
  for (const [timeZone, change] of changes) {
    const clock = new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "numeric", weekday: "short", hourCycle: "h23" });
    const first = Date.parse(change) - 30 * 60 * MINUTE;
    const walls: Wall[] = [];
    for (let at = first; at < first + 9 * 24 * 60 * MINUTE; at += MINUTE) {
      const parts = Object.fromEntries(clock.formatToParts(at).map((p) => [p.type, p.value]));
      walls.push({ minute: Number(parts.minute), hour: Number(parts.hour), weekday: parts.weekday! });
    }
    for (let start = first; start < Date.parse(change) + 6 * 60 * MINUTE; start += 31 * MINUTE + 17_000) {
      for (const [cron, matches] of schedules) {
        let index = Math.floor((start - first) / MINUTE) + 1;
        while (index < walls.length && !matches(walls[index]!)) index++;
        assert.ok(index < walls.length, `${cron} in ${timeZone} after ${new Date(start).toISOString()}: no fire in the oracle's nine days`);
        const expected = new Date(first + index * MINUTE).toISOString();
        assert.equal(nextFireTime({ cron, timeZone }, new Date(start))?.toISOString(), expected, `${cron} in ${timeZone} after ${new Date(start).toISOString()}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 5000, `${checked} cases`);
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

test("a stepped day-of-week (N/STEP) runs N to Saturday, as robfig/cron reads it: never Sunday again, in UTC or a zone", () => {
  const fires = (cron: string, timeZone?: string) => {
    const out: string[] = [];
    let at = new Date("2025-01-01T00:00:00Z");
    for (let i = 0; i < 6; i++) {
      at = nextFireTime({ cron, ...(timeZone ? { timeZone } : {}) }, at)!;
      out.push(at.toLocaleDateString("en-US", { weekday: "short", timeZone: timeZone ?? "UTC" }));
    }
    return out;
  };
  assert.deepEqual(fires("0 9 * * 1/2"), ["Wed", "Fri", "Mon", "Wed", "Fri", "Mon"]);
  assert.deepEqual(fires("0 9 * * MON/2", "Europe/Berlin"), ["Wed", "Fri", "Mon", "Wed", "Fri", "Mon"]);
  assert.deepEqual(fires("0 9 * * 3/4"), ["Wed", "Wed", "Wed", "Wed", "Wed", "Wed"]);
  assert.deepEqual(fires("0 9 * * 1/6"), ["Mon", "Mon", "Mon", "Mon", "Mon", "Mon"]);
  assert.deepEqual(fires("0 9 * * */3"), ["Wed", "Sat", "Sun", "Wed", "Sat", "Sun"]);
  assert.deepEqual(fires("0 9 * * 5/1"), ["Fri", "Sat", "Fri", "Sat", "Fri", "Sat"], "a step of 1 too: to Saturday");
});
