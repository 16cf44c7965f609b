/**
 * `deployed.fireSchedule(name)` is typed by the definition given to `deploy()`: it takes the
 * names of its schedule entries (an entry's `name`, else its index as the runtime names it: `"0"`,
 * `"1"`, ...), so a name the function has no schedule by is a compile error, not a run-time
 * `config_invalid`. Where a name is no literal (a `string` variable, entries not known one by one,
 * explicit type arguments, a function deployed by name or without schedules) it takes any string,
 * as before. Its `input` is the schema's input, as `run()`'s. The `satisfies true` lines are checked
 * by `npx tsc --noEmit` (the first step of `npm test`), as is each `@ts-expect-error`.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { defineFunction, type ScheduleEntry } from "../../runtime/function.js";
import { loadDefinition } from "../../runtime/testing/typed-calls.js";
import { startHarness, type Deployed, type Harness, type ScheduleNameOf } from "../../runtime/testing/index.js";

/** `true` when `A` and `B` are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Two named entries and one unnamed (named `"2"` at run time). */
const scale = defineFunction({
  name: "scale",
  input: z.object({ replicas: z.number().int(), note: z.string().default("") }),
  schedule: [
    { name: "evening", cron: "0 19 * * 1-5", input: { replicas: 0 } },
    { name: "morning", cron: "0 7 * * 1-5", mode: "in-process", input: { replicas: 2 } },
    { cron: "0 12 * * *", input: { replicas: 1 } },
  ],
  handler: ({ input, trigger }) => ({ replicas: input.replicas, schedule: trigger.type === "schedule" ? trigger.schedule : undefined }),
});
const nightly = defineFunction({ name: "nightly", schedule: { name: "nightly", cron: "0 3 * * *" }, handler: () => "ran" });
const unnamed = defineFunction({ name: "unnamed", schedule: { cron: "0 3 * * *" }, handler: () => "ran" });

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.stop());

test("the names the types give a definition's schedules are those the runtime gives them", () => {
  const names = ["evening", "morning", "2"] as const;
  true satisfies Equal<ScheduleNameOf<typeof scale>, (typeof names)[number]>;
  assert.deepEqual(
    loadDefinition(scale).schedules.map((s) => s.name),
    names,
  );
  true satisfies Equal<ScheduleNameOf<typeof nightly>, "nightly">;
  true satisfies Equal<ScheduleNameOf<typeof unnamed>, "0">;
  assert.deepEqual(
    [loadDefinition(nightly).schedules[0]?.name, loadDefinition(unnamed).schedules[0]?.name],
    ["nightly", "0"],
  );
});

test("fireSchedule(a literal name) fires that entry, with its input", async () => {
  const fn = await h.deploy(scale);
  assert.deepEqual(await fn.fireSchedule("morning"), { replicas: 2, schedule: "morning" });
  assert.deepEqual(await fn.fireSchedule("2"), { replicas: 1, schedule: "2" });
  assert.deepEqual(await fn.fireSchedule("evening", { input: { replicas: 5 } }), { replicas: 5, schedule: "evening" });
});

/** Never called: the lines with `satisfies true` must compile, each after `@ts-expect-error` must not. */
export function typeChecks(fn: Deployed<typeof scale>, one: Deployed<typeof nightly>, first: Deployed<typeof unnamed>, byName: Deployed, someName: string, entries: ScheduleEntry[], entry: ScheduleEntry): void {
  void fn.fireSchedule("evening");
  // @ts-expect-error: the function has no schedule named "nightly"
  void fn.fireSchedule("nightly");
  // @ts-expect-error: the unnamed third entry is "2", not "0" (the index of a named one)
  void fn.fireSchedule("0");
  // @ts-expect-error: any string is not one of the names
  void fn.fireSchedule(someName);
  // @ts-expect-error: the input is the schema's: replicas is a number
  void fn.fireSchedule("morning", { input: { replicas: "2" } });
  void one.fireSchedule("nightly");
  // @ts-expect-error: a named single entry is not "0"
  void one.fireSchedule("0");
  void first.fireSchedule("0");
  // @ts-expect-error: a single unnamed entry is "0"
  void first.fireSchedule("1");

  // Names not known literally: any string, as before.
  void byName.fireSchedule(someName);
  const fromVariable = defineFunction({ name: "from-variable", schedule: { name: someName, cron: "0 3 * * *" }, handler() {} });
  true satisfies Equal<ScheduleNameOf<typeof fromVariable>, string>;
  const fromArray = defineFunction({ name: "from-array", schedule: entries, handler() {} });
  true satisfies Equal<ScheduleNameOf<typeof fromArray>, string>;
  const fromEntry = defineFunction({ name: "from-entry", schedule: entry, handler() {} });
  true satisfies Equal<ScheduleNameOf<typeof fromEntry>, string>;
  const mixed = defineFunction({ name: "mixed", schedule: [{ name: someName, cron: "0 3 * * *" }, { name: "b", cron: "0 4 * * *" }], handler() {} });
  true satisfies Equal<ScheduleNameOf<typeof mixed>, string>;
  const explicit = defineFunction<z.ZodObject<{}>, unknown>({ name: "explicit", schedule: { name: "n", cron: "0 3 * * *" }, handler() {} });
  true satisfies Equal<ScheduleNameOf<typeof explicit>, string>;
  const none = defineFunction({ name: "none", http: { auth: "none" }, handler() {} });
  true satisfies Equal<ScheduleNameOf<typeof none>, string>;
  // A typed deployment is still a Deployed.
  const wide: Deployed = fn;
  void wide.fireSchedule(someName);

  // The entries are still checked as before.
  // @ts-expect-error: `timezone` is no option of a schedule entry (`timeZone`)
  defineFunction({ name: "misspelt", schedule: [{ name: "a", cron: "0 3 * * *", timezone: "UTC" }], handler() {} });
  // @ts-expect-error: `timezone` is no option of a schedule entry (`timeZone`)
  defineFunction({ name: "misspelt-one", schedule: { name: "a", cron: "0 3 * * *", timezone: "UTC" }, handler() {} });
  // @ts-expect-error: a name is a string
  defineFunction({ name: "numbered", schedule: [{ name: 1, cron: "0 3 * * *" }], handler() {} });
}
