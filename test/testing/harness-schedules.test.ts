/**
 * `podfn/testing`: a schedule fired in a test runs as `podfn run --schedule NAME` runs it: the
 * entry is looked up by name (an unknown name refused, naming the schedules there are), its
 * `input` is the default (an input the test gives replaces it, as `--input` does), and the call
 * is made as the account of the workload that fires it (a CronJob's, or the Deployment's for an
 * in-process schedule).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { startHarness, type Harness } from "../../runtime/testing/index.js";
import { loaded } from "../schedule/helpers.js";

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.stop());

const labelled = () =>
  loaded({
    name: "labelled",
    input: z.object({ label: z.string().default("default") }),
    schedule: [
      { cron: "*/30 * * * *", name: "halfhour", input: { label: "team" } },
      { cron: "0 * * * *", name: "hourly", mode: "in-process", input: { label: "hour" } },
    ],
    kubeApi: true,
    async handler({ input, kube, trigger }) {
      return { label: (input as { label: string }).label, trigger, user: (await kube.whoami()).username };
    },
  });

test("a fired schedule takes that schedule's input when the test gives none", async () => {
  const fn = await h.deploy(labelled());
  const result = (await fn.run(undefined, { trigger: { type: "schedule", schedule: "halfhour" } })) as { label: string };
  assert.equal(result.label, "team");
});

test("an input the test gives replaces the schedule's, as podfn run --schedule S --input does", async () => {
  const fn = await h.deploy(labelled());
  const result = (await fn.run({ label: "given" }, { trigger: { type: "schedule", schedule: "halfhour" } })) as { label: string };
  assert.equal(result.label, "given");
});

test("an unknown schedule name is refused, naming the schedules there are", async () => {
  const fn = await h.deploy(labelled());
  await assert.rejects(fn.run(undefined, { trigger: { type: "schedule", schedule: "does-not-exist" } }), (e: Error & { code?: string }) => {
    assert.equal(e.code, "config_invalid");
    assert.match(e.message, /labelled has no schedule named "does-not-exist" \(its schedules: "halfhour", "hourly"\)/);
    return true;
  });
});

test("fireSchedule(name): a CronJob schedule runs as the CronJob's account, an in-process one as the Deployment's", async () => {
  const fn = await h.deploy(labelled());
  assert.deepEqual(await fn.fireSchedule("halfhour"), { label: "team", trigger: { type: "schedule", schedule: "halfhour" }, user: fn.users.cronJob });
  assert.deepEqual(await fn.fireSchedule("hourly"), { label: "hour", trigger: { type: "schedule", schedule: "hourly" }, user: fn.users.deployment });
  assert.deepEqual(await fn.fireSchedule("hourly", { input: { label: "given" } }), { label: "given", trigger: { type: "schedule", schedule: "hourly" }, user: fn.users.deployment });
  await assert.rejects(fn.fireSchedule("nightly"), /no schedule named "nightly"/);
});
