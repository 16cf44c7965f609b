import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, type Deployed, type Harness } from "podfn/testing";
import fn from "../../functions/made-schedule.js";

describe("made-schedule", () => {
  let h: Harness;
  let deployed: Deployed;
  before(async () => {
    h = await startHarness();
    deployed = await h.deploy(fn);
  });
  after(() => h.stop());

  const seed = async (pod: string, phase: "Running" | "Succeeded") => {
    await deployed.admin.pods.create({ metadata: { name: pod }, spec: { containers: [{ name: "main", image: "busybox:1.36" }] } });
    await deployed.admin.pods.patchStatus(pod, { status: { phase } });
  };
  const names = async () => (await deployed.admin.pods.listPage()).items.map((p) => p.metadata?.name).sort();

  test("a dry run deletes nothing; a run deletes the succeeded pods only", async () => {
    await seed("done", "Succeeded");
    await seed("busy", "Running");
    assert.deepEqual(await deployed.run({ olderThanHours: 0 }, { dryRun: true }), { deleted: ["done"] });
    assert.deepEqual(await names(), ["busy", "done"]);
    assert.deepEqual(await deployed.run({ olderThanHours: 0 }), { deleted: ["done"] });
    assert.deepEqual(await names(), ["busy"]);
  });

  test("keeps pods younger than olderThanHours", async () => {
    await seed("recent", "Succeeded");
    assert.deepEqual(await deployed.run({}), { deleted: [] });
  });
});
