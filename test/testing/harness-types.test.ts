/**
 * `podfn/testing`: `deploy()` takes the definition a function module exports (as well as a
 * name), and then types `run()`'s input by the input schema and its result by the handler's
 * output, so a test needs no casts. The `@ts-expect-error` lines are checked by `npx tsc
 * --noEmit` (the first step of `npm test`): each must be a type error, or the compile fails.
 * The module deployed is a fixture (fixtures/typed/prune.ts), not an example a project may delete.
 */
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { z } from "zod";
import { defineFunction } from "../../runtime/function.js";
import { startHarness, type Deployed, type Harness } from "../../runtime/testing/index.js";
import prune from "./fixtures/typed/prune.js";

let h: Harness;
before(async () => {
  h = await startHarness({ functionsDir: fileURLToPath(new URL("./fixtures/typed", import.meta.url)) });
});
after(() => h.stop());

const setImage = defineFunction({
  name: "set-image",
  schedule: { cron: "0 3 * * *", name: "nightly", input: { image: "web:nightly" } },
  input: z.object({ image: z.string(), replicas: z.number().int().default(1) }),
  handler: ({ input }) => ({ image: input.image, replicas: input.replicas }),
});

test("deploy(definition): run() takes the schema's input and resolves to the handler's output", async () => {
  const fn = await h.deploy(setImage);
  const result = await fn.run({ image: "web:2" });
  assert.equal(result.image, "web:2");
  assert.equal(result.replicas, 1);
  assert.equal((await fn.fireSchedule("nightly")).image, "web:nightly");
  assert.equal((await fn.fireSchedule("nightly", { input: { image: "web:3", replicas: 2 } })).replicas, 2);
});

test("deploy(a module's default export): its output is typed, its schedule's input optional", async () => {
  const fn = await h.deploy(prune);
  const { deleted, olderThanHours, dryRun } = await fn.run({ olderThanHours: 1 }, { dryRun: true });
  assert.deepEqual([deleted, olderThanHours, dryRun], [[], 1, true]);
  assert.equal((await fn.run()).olderThanHours, 24, "every field has a default: the input may be left out");
});

test("deploy(name) stays untyped: any input, an unknown result", async () => {
  const fn: Deployed = await h.deploy("prune");
  const result: unknown = await fn.run({ olderThanHours: 1 });
  assert.deepEqual(result, { deleted: [], olderThanHours: 1, dryRun: false });
  const typed: Deployed = await h.deploy(setImage); // a typed one is still a Deployed
  assert.equal(typed.fn.name, "set-image");
});

/** Never called: each line below must fail to compile. */
export function typeErrors(fn: Deployed<typeof setImage>, pruned: Deployed<typeof prune>): void {
  // @ts-expect-error: image is required, so the input may not be left out
  void fn.run();
  // @ts-expect-error: image is a string
  void fn.run({ image: 2 });
  // @ts-expect-error: a strict schema: a misspelt field is refused
  void pruned.run({ olderThanHour: 1 });
  void fn.run({ image: "x" }).then((result) => {
    // @ts-expect-error: the handler's output has no such field
    void result.tag;
    // @ts-expect-error: replicas is a number
    result.replicas satisfies string;
  });
  // @ts-expect-error: a schedule's input is the schema's too
  void fn.fireSchedule("nightly", { input: { image: false } });
}
