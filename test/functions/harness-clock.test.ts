/**
 * `startHarness({ now })`: the cluster stamps what it creates with its own clock, as a real
 * server does; set it back to seed "old" objects, then move it on, and a cleanup by age is
 * tested without sleeping — the function deployed before the jump still calls the API with the
 * token it was given (a kubelet's: extended to a year by the server, as 1.32 does by default).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, type Harness } from "../../runtime/testing/index.js";

const HOUR = 3_600_000;
let clock = Date.now() - 48 * HOUR;
let h: Harness;
before(async () => {
  h = await startHarness({ now: () => clock, secrets: { "api-token": "t0ken" } });
});
after(() => h.stop());

test("objects created while the clock was set back are as old as it says", async () => {
  const fn = await h.deploy("cleanup-finished-jobs");
  const job = (name: string) => ({ metadata: { name }, spec: { template: { spec: { restartPolicy: "Never" as const, containers: [{ name: "c", image: "busybox" }] } } } });
  await fn.admin.jobs.create(job("old"));
  clock = Date.now();
  await fn.admin.jobs.create(job("new"));
  const stamps = (await fn.admin.jobs.listPage()).items.map((j) => [j.metadata!.name, Math.round((Date.now() - Date.parse(j.metadata!.creationTimestamp!)) / HOUR)]);
  assert.deepEqual(stamps, [["new", 0], ["old", 48]]);
  // The function's own ServiceAccount, its token minted 48 hours back on the cluster's clock.
  assert.deepEqual((await fn.kube.jobs.listPage()).items.map((j) => j.metadata!.name), ["new", "old"]);
  assert.deepEqual(await fn.run({ olderThanHours: 24 }), { deleted: [], kept: 0, dryRun: false }, "neither Job finished: nothing to delete, and no 401");
});
