/**
 * podfn checks a schedule twice over: `validateCron` (runtime/schedule/cron.ts) when a function
 * loads, with messages for a person, and the emulated API server's robfig/cron parser
 * (runtime/testing/cluster/cron-schedule.ts) when a CronJob is written, with the real server's
 * error texts. These pin how the two relate, over a seeded corpus of expressions: what podfn
 * accepts, the API server accepts (a deployed CronJob is never refused), and fires in process;
 * what podfn refuses that the server would take is one of the few spellings it refuses on
 * purpose.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nextFireTime, validateCron } from "../../runtime/schedule/cron.js";
import { robfigParseError } from "../../runtime/testing/cluster/cron-schedule.js";

/** A small deterministic generator (mulberry32): the corpus is the same on every run. */
function random(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n | 0;
  };
}

/** Values each field may hold, and a few it may not (past its bounds, names of another field, odd spellings). */
const VALUES: { valid: string[]; odd: string[] }[] = [
  { valid: ["0", "5", "30", "59", "05"], odd: ["60", "+5", "x"] },
  { valid: ["0", "9", "17", "23", "007"], odd: ["24", "-1"] },
  { valid: ["1", "15", "28", "31"], odd: ["0", "32", "L"] },
  { valid: ["1", "6", "12", "jan", "Feb", "DEC"], odd: ["13", "mon"] },
  { valid: ["0", "1", "5", "6", "MON", "fri", "Sun"], odd: ["7", "jan", "1#2"] },
];
const STARS = ["*", "?"];

/** One item of field `f`: a value, a range or a star, sometimes with a step; now and then an odd one. */
function item(f: number, pick: (n: number) => number): string {
  const { valid, odd } = VALUES[f]!;
  const value = () => (pick(12) === 0 ? odd[pick(odd.length)]! : valid[pick(valid.length)]!);
  const shape = pick(20);
  let text = shape < 5 ? STARS[pick(4) === 0 ? 1 : 0]! : shape < 12 ? value() : shape < 19 ? `${value()}-${value()}` : `${STARS[pick(2)]!}-${value()}`;
  if (pick(4) === 0) text += `/${["1", "2", "5", "0", "x"][pick(12) === 0 ? 3 + pick(2) : pick(3)]!}`;
  return text;
}

function expression(pick: (n: number) => number): string {
  return Array.from({ length: 5 }, (_, f) => Array.from({ length: 1 + (pick(4) === 0 ? pick(3) : 0) }, () => item(f, pick)).join(pick(20) === 0 ? ",," : ",")).join(pick(10) === 0 ? "\t " : " ");
}

/**
 * Which of the spellings robfig/cron takes and podfn refuses on purpose `expr` has, if any: `?`
 * in a field other than the days', a star opening a range (robfig ignores what follows), an empty
 * list item, a number with a `+`, `@every`, a `TZ=` prefix.
 */
function deliberate(expr: string): string | undefined {
  if (expr.startsWith("@every ")) return "@every";
  if (/^(CRON_)?TZ=/.test(expr)) return "TZ=";
  const fields = expr.trim().split(/\s+/);
  const items = fields.flatMap((field) => field.split(","));
  if (items.includes("")) return "empty item";
  if (items.some((item) => /^[*?]-/.test(item))) return "star range";
  if (expr.includes("+")) return "sign";
  if ([0, 1, 3].some((f) => fields[f]?.includes("?"))) return "? outside the days";
  return undefined;
}

test("every schedule podfn accepts, the API server accepts and podfn can fire in process", () => {
  const pick = random(7);
  let accepted = 0;
  for (let i = 0; i < 20_000; i++) {
    const expr = expression(pick);
    if (validateCron(expr) !== null) continue;
    accepted++;
    assert.equal(robfigParseError(expr), null, `podfn accepts ${JSON.stringify(expr)}, the API server refuses it`);
    // A Date, or undefined for a day its months never have (`0 0 31 2 *`): never a throw.
    assert.doesNotThrow(() => nextFireTime({ cron: expr }, new Date("2026-03-01T00:00:00Z")), `podfn cannot fire ${JSON.stringify(expr)}`);
  }
  // The corpus is not all refusals: enough accepted expressions to mean something.
  assert.ok(accepted > 2_000, `only ${accepted} accepted`);
});

test("what podfn refuses and the API server accepts is one of the spellings podfn refuses on purpose", () => {
  const pick = random(11);
  const onPurpose = new Set<string>();
  for (let i = 0; i < 20_000; i++) {
    const expr = expression(pick);
    const message = validateCron(expr);
    if (message === null || robfigParseError(expr) !== null) continue;
    const reason = deliberate(expr);
    assert.ok(reason, `podfn refuses ${JSON.stringify(expr)} (${message}), the API server accepts it`);
    onPurpose.add(reason);
  }
  assert.equal(onPurpose.size, 4, "the corpus reaches each deliberate refusal");
  for (const expr of ["@every 1h", "TZ=UTC 0 * * * *", "CRON_TZ=Europe/Paris 0 3 * * *"]) {
    assert.equal(robfigParseError(expr), null, expr);
    assert.notEqual(validateCron(expr), null, expr);
  }
});

test("both refuse day-of-week 7 and out-of-range values, each in its own words", () => {
  for (const [expr, server] of [
    ["0 0 * * 7", "end of range (7) above maximum (6): 7"],
    ["60 * * * *", "end of range (60) above maximum (59): 60"],
    ["0 0 0 * *", "beginning of range (0) below minimum (1): 0"],
    ["*/0 * * * *", "step of range should be a positive number: */0"],
  ] as const) {
    assert.equal(robfigParseError(expr), server, expr);
    assert.notEqual(validateCron(expr), null, expr);
  }
});

test("a macro with a space or tab around it, which the API server refuses (robfig matches descriptors exactly), is refused as it loads", () => {
  for (const expr of ["@daily ", " @hourly", "\t@weekly", "@monthly\n"]) {
    assert.notEqual(robfigParseError(expr), null, JSON.stringify(expr));
    assert.match(validateCron(expr) ?? "accepted", /without spaces around it/, JSON.stringify(expr));
  }
  // Five fields may have spaces around them: strings.Fields splits them off.
  assert.equal(robfigParseError(" 0 * * * * "), null);
  assert.equal(validateCron(" 0 * * * * "), null);
});

test("spaces are Go's (strings.Fields, unicode.IsSpace): a stray byte-order mark is part of a field for both, a NEL separates fields for both", () => {
  // U+FEFF is JavaScript whitespace but not Go's: robfig reads "\uFEFF0" as the minute, and fails.
  for (const expr of ["\uFEFF0 * * * *", "0\uFEFF* * * *", "0 * * * *\uFEFF"]) {
    assert.notEqual(robfigParseError(expr), null, JSON.stringify(expr));
    assert.notEqual(validateCron(expr), null, JSON.stringify(expr));
  }
  // The API server's message quotes the field as strconv does (%q: \ufeff escaped), names it as it is.
  assert.equal(robfigParseError("\uFEFF0 * * * *"), 'failed to parse int from \uFEFF0: strconv.Atoi: parsing "\\ufeff0": invalid syntax');
  // U+0085 (NEL) is Go's whitespace, not JavaScript's: five fields for both.
  for (const expr of ["0\u0085* * * *", "\u00850 * * * *\u0085", "0\u3000*\u00a0* * *"]) {
    assert.equal(robfigParseError(expr), null, JSON.stringify(expr));
    assert.equal(validateCron(expr), null, JSON.stringify(expr));
    assert.doesNotThrow(() => nextFireTime({ cron: expr }, new Date("2026-03-01T00:00:00Z")), JSON.stringify(expr));
  }
});
