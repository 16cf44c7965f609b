/**
 * `startHarness({ now })`: the cluster stamps what it creates with its own clock, as a real
 * server does; set it back to seed "old" objects, then move it on, and a cleanup by age is
 * tested without sleeping — the function deployed before the jump still calls the API with the
 * token it was given (a kubelet's: extended to a year by the server, as 1.32 does by default).
 * The function is the test's own (it lists Jobs), not an example a project may delete.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { defineFunction } from "../../runtime/function.js";
import { startHarness, type Harness } from "../../runtime/testing/index.js";

const HOUR = 3_600_000;
let clock = Date.now() - 48 * HOUR;
let h: Harness;
const listJobs = defineFunction({
  name: "list-jobs",
  schedule: { cron: "0 * * * *" },
  permissions: [{ apiGroups: ["batch"], resources: ["jobs"], verbs: ["list"] }],
  handler: async ({ kube }) => ({ jobs: (await kube.jobs.listPage()).items.map((j) => j.metadata!.name!) }),
});
before(async () => {
  h = await startHarness({ now: () => clock });
});
after(() => h.stop());

test("objects created while the clock was set back are as old as it says", async () => {
  const fn = await h.deploy(listJobs);
  const job = (name: string) => ({ metadata: { name }, spec: { template: { spec: { restartPolicy: "Never" as const, containers: [{ name: "c", image: "busybox" }] } } } });
  await fn.admin.jobs.create(job("old"));
  clock = Date.now();
  await fn.admin.jobs.create(job("new"));
  const stamps = (await fn.admin.jobs.listPage()).items.map((j) => [j.metadata!.name, Math.round((Date.now() - Date.parse(j.metadata!.creationTimestamp!)) / HOUR)]);
  assert.deepEqual(stamps, [["new", 0], ["old", 48]]);
  // The function's own ServiceAccount, its token minted 48 hours back on the cluster's clock.
  assert.deepEqual((await fn.kube.jobs.listPage()).items.map((j) => j.metadata!.name), ["new", "old"]);
  assert.deepEqual(await fn.run(), { jobs: ["new", "old"] }, "its run calls the API with that token too: no 401");
});
