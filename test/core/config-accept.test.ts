/**
 * `acceptConfig` (config-accept.ts) decides as the options' zod schema does: over generated
 * inputs, whenever either accepts, both accept with deep-equal output (the same keys, defaults
 * and coerced numbers), so a valid configuration never needs zod and an invalid one is always
 * explained by zod.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ACCEPTED_FIELDS, acceptConfig } from "../../runtime/config-accept.js";
import { optionsSchema } from "../../runtime/config.js";
import { random } from "../helpers/random.js";

/** Values flags and environment variables can carry, and a few they cannot, valid for some fields and not others. */
const VALUES: unknown[] = [
  undefined, "", " ", "0", "1", "8080", " 9000 ", "65535", "65536", "-1", "1.5", "1e3", "0x10", "0b11", "+7", "010", "2,public=0x10", "Infinity", "NaN", "abc",
  "100000", "100001", "3600000", "1000", "1001", "debug", "silent", "loud", "auto", "real", "emulated", "podfn", "my-app",
  "-bad", "Upper", "a-very-long-application-name", "abcdefghijklmnopqrst", "abcdefghijklmnopqrstu", "/tmp/x", "é",
  true, false, 0, 1, 8080, -5, 2.5, null, ["x"], {},
];

test("acceptConfig knows the schema's fields, in order", () => {
  assert.deepEqual(ACCEPTED_FIELDS, Object.keys(optionsSchema().shape));
});

test("acceptConfig accepts exactly what the zod schema accepts, with the same output", () => {
  const next = random(20261129);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < 6000; i++) {
    const raw: Record<string, unknown> = {};
    // Mostly valid-looking inputs with a few fields set; sometimes an unknown key.
    const fields = Math.floor(next() * 4);
    for (let f = 0; f < fields; f++) raw[pick(ACCEPTED_FIELDS)] = pick(VALUES);
    if (next() < 0.1) raw.unknownKey = pick(VALUES);
    const fast = acceptConfig(raw);
    const zod = optionsSchema().safeParse(raw);
    assert.equal(fast !== undefined, zod.success, `decisions differ for ${JSON.stringify(raw)}`);
    if (fast !== undefined && zod.success) {
      assert.deepStrictEqual(fast, zod.data, `outputs differ for ${JSON.stringify(raw)}`);
      accepted += 1;
    } else refused += 1;
  }
  // Both sides of the decision were exercised.
  assert.ok(accepted > 1000 && refused > 1000, `accepted ${accepted}, refused ${refused}`);
});
