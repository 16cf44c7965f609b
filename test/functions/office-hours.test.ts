import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "podfn";
import { startHarness, type Deployed, type Harness } from "./helpers/harness.js";
import { seedDeployment } from "./helpers/objects.js";
import officeHours, { OPT_IN_LABEL, REPLICAS_ANNOTATION } from "../../functions/office-hours.js";
import { assertAgreesOnMutants, assertSeedsPass } from "../validate/agreement.js";

describe("office-hours", () => {
  let h: Harness;
  let fn: Deployed;
  before(async () => {
    h = await startHarness();
  });
  beforeEach(async () => {
    fn = await h.deploy("office-hours");
    await seedDeployment(fn.admin, "web", { replicas: 3, labels: { [OPT_IN_LABEL]: "true" } });
    await seedDeployment(fn.admin, "worker", { replicas: 2, labels: { [OPT_IN_LABEL]: "true" } });
    await seedDeployment(fn.admin, "db", { replicas: 1 });
  });
  after(() => h.stop());

  /** Runs a schedule with the input it declares, as its CronJob does. */
  const fire = (name: "evening" | "morning", dryRun = false) => {
    const entry = fn.fn.schedules.find((s) => s.name === name)!;
    return fn.run(entry.input, { dryRun, trigger: { type: "schedule", schedule: name } });
  };
  const state = async () => {
    const out: Record<string, [number | undefined, string | undefined]> = {};
    for await (const d of fn.admin.deployments.list()) out[d.metadata!.name!] = [d.spec?.replicas, d.metadata?.annotations?.[REPLICAS_ANNOTATION]];
    return out;
  };

  test("in the evening, scales opted-in Deployments to zero and records their replicas", async () => {
    const result = await fire("evening");
    assert.deepEqual(result, { action: "down", changed: [{ name: "web", from: 3, to: 0 }, { name: "worker", from: 2, to: 0 }], skipped: [], dryRun: false });
    assert.deepEqual(await state(), { db: [1, undefined], web: [0, "3"], worker: [0, "2"] });
  });

  test("a second evening run keeps the recorded replicas", async () => {
    await fire("evening");
    const again = (await fire("evening")) as { changed: unknown[]; skipped: { reason: string }[] };
    assert.deepEqual(again.changed, []);
    assert.deepEqual(again.skipped.map((s) => s.reason), ["already down", "already down"]);
    assert.deepEqual(await state(), { db: [1, undefined], web: [0, "3"], worker: [0, "2"] });
  });

  test("in the morning, restores the recorded replicas and removes the annotation; a second run changes nothing", async () => {
    await fire("evening");
    const morning = (await fire("morning")) as { changed: unknown[] };
    assert.deepEqual(morning.changed, [{ name: "web", from: 0, to: 3 }, { name: "worker", from: 0, to: 2 }]);
    assert.deepEqual(await state(), { db: [1, undefined], web: [3, undefined], worker: [2, undefined] });
    const again = (await fire("morning")) as { changed: unknown[] };
    assert.deepEqual(again.changed, []);
    assert.deepEqual(await state(), { db: [1, undefined], web: [3, undefined], worker: [2, undefined] });
  });

  test("finishes an evening run that stopped between recording and scaling", async () => {
    await fn.admin.deployments.patch("web", { metadata: { annotations: { [REPLICAS_ANNOTATION]: "3" } } });
    await fire("evening");
    assert.deepEqual((await state()).web, [0, "3"]);
  });

  test("in a dry run, changes nothing", async () => {
    const result = (await fire("evening", true)) as { changed: unknown[]; dryRun: boolean };
    assert.equal(result.changed.length, 2);
    assert.equal(result.dryRun, true);
    assert.deepEqual(await state(), { db: [1, undefined], web: [3, undefined], worker: [2, undefined] });
  });

  test("rejects bad input naming the field", async () => {
    await assert.rejects(fn.run({ action: "sideways" }), (error: unknown) => error instanceof InputError && error.issues.some((i) => i.path === "action"));
  });

  test("declares its two schedules with their inputs", () => {
    assert.deepEqual(fn.fn.schedules.map((s) => [s.name, s.cron, s.input]), [["evening", "0 19 * * 1-5", { action: "down" }], ["morning", "0 7 * * 1-5", { action: "up" }]]);
  });
});

// Its input compiles to the validation fast path, which must agree with zod on it.
const officeHoursSeeds = [{ action: "down" }, { action: "up" }];

test("office-hours input: every value the fast check accepts, zod accepts and returns unchanged", () => {
  assertAgreesOnMutants("office-hours input", officeHours.input!, officeHoursSeeds);
});

test("office-hours input: the valid seeds pass the fast check", () => {
  assertSeedsPass(officeHours.input!, officeHoursSeeds);
});
