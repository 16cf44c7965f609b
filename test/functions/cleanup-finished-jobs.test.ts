import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { bearer, json, startHarness, until, type Deployed, type Harness } from "./helpers/harness.js";
import { seedJob, seedPod } from "./helpers/objects.js";
import cleanupFinishedJobs from "../../functions/cleanup-finished-jobs.js";
import { compileFastCheck } from "../../runtime/validate/compile.js";

const names = async (fn: Deployed) => {
  const out: string[] = [];
  for await (const job of fn.admin.jobs.list()) out.push(job.metadata!.name!);
  return out.sort();
};

describe("cleanup-finished-jobs", () => {
  let h: Harness;
  let fn: Deployed;
  before(async () => {
    h = await startHarness();
  });
  beforeEach(async () => {
    fn = await h.deploy("cleanup-finished-jobs");
    await seedJob(fn.admin, "old-complete", { finishedHoursAgo: 30 });
    await seedJob(fn.admin, "old-failed", { finishedHoursAgo: 48, failed: true });
    await seedJob(fn.admin, "recent-complete", { finishedHoursAgo: 2 });
    await seedJob(fn.admin, "running");
  });
  after(() => h.stop());

  test("on its schedule, deletes Jobs finished more than 24 hours ago and leaves the rest", async () => {
    const result = await fn.run({}, { trigger: { type: "schedule", schedule: "0" } });
    assert.deepEqual(result, { deleted: ["old-complete", "old-failed"], kept: 1, dryRun: false });
    assert.deepEqual(await names(fn), ["recent-complete", "running"]);
  });

  test("leaves an events.k8s.io Event on each Job it deleted", async () => {
    await fn.run({});
    const events = [];
    for await (const event of fn.admin.eventsV1.list()) events.push(event);
    assert.deepEqual(events.map((e) => e.regarding?.name).sort(), ["old-complete", "old-failed"]);
    for (const event of events) {
      assert.equal(event.reason, "Deleted");
      assert.equal(event.regarding?.kind, "Job");
      assert.match(event.note ?? "", /older than 24h/);
    }
  });

  test("an Event that cannot be written does not stop the run: every Job due is still deleted", async () => {
    const remove = h.cluster.inject({ match: { verb: "create", resource: "events", user: fn.users.cronJob }, status: 500, times: 1 });
    try {
      const result = await fn.run({});
      assert.deepEqual(result, { deleted: ["old-complete", "old-failed"], kept: 1, dryRun: false });
      assert.deepEqual(await names(fn), ["recent-complete", "running"]);
    } finally {
      remove();
    }
  });

  test("a Job replaced under the same name between the list and the delete is left alone", async () => {
    const user = fn.users.cronJob;
    // The function's delete waits a second at the server, while the Job is deleted and created anew.
    const remove = h.cluster.inject({ match: { verb: "delete", resource: "jobs", name: "old-complete", user }, delayMs: 1000, times: 1 });
    const listed = () => h.cluster.requests.some((r) => r.user === user && r.verb === "list" && r.resource === "jobs");
    try {
      const run = fn.run({});
      await until(listed, "the function to list the Jobs");
      await fn.admin.jobs.delete("old-complete", { propagationPolicy: "Background" });
      const replacement = await seedJob(fn.admin, "old-complete", { finishedHoursAgo: 30 });
      assert.deepEqual(await run, { deleted: ["old-failed"], kept: 2, dryRun: false });
      assert.equal((await fn.admin.jobs.get("old-complete")).metadata?.uid, replacement.metadata?.uid);
    } finally {
      remove();
    }
  });

  test("deletes in the background, so the Jobs' pods go too", async () => {
    for (const job of ["old-complete", "recent-complete"]) {
      const { metadata } = await fn.admin.jobs.get(job);
      await seedPod(fn.admin, `${job}-pod`, { ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: job, uid: metadata!.uid!, controller: true, blockOwnerDeletion: true }] });
    }
    await fn.run({});
    const pods = [];
    for await (const pod of fn.admin.pods.list()) pods.push(pod.metadata!.name!);
    assert.deepEqual(pods, ["recent-complete-pod"]);
  });

  test("in a dry run, reports what it would delete and changes nothing", async () => {
    const result = await fn.run({}, { dryRun: true });
    assert.deepEqual(result, { deleted: ["old-complete", "old-failed"], kept: 1, dryRun: true });
    assert.deepEqual(await names(fn), ["old-complete", "old-failed", "recent-complete", "running"]);
    const events = [];
    for await (const event of fn.admin.eventsV1.list()) events.push(event);
    assert.deepEqual(events, []);
  });

  test("honours olderThanHours and labelSelector", async () => {
    await seedJob(fn.admin, "old-labelled", { finishedHoursAgo: 30, labels: { cleanup: "yes" } });
    const result = await fn.run({ olderThanHours: 1, labelSelector: "cleanup=yes" });
    assert.deepEqual(result, { deleted: ["old-labelled"], kept: 0, dryRun: false });
  });

  test("leaves a CronJob's Jobs to its history limits unless keepPerCronJob is given (podfn's own CronJobs keep their failed runs' logs)", async () => {
    await seedJob(fn.admin, "nightly-1", { finishedHoursAgo: 72, cronJob: "nightly", failed: true });
    const result = (await fn.run({})) as { deleted: string[]; kept: number };
    assert.deepEqual(result.deleted.sort(), ["old-complete", "old-failed"]);
    assert.deepEqual(await names(fn), ["nightly-1", "recent-complete", "running"]);
  });

  test("keeps the newest keepPerCronJob finished Jobs of each CronJob, whatever their age", async () => {
    for (const [name, hours] of [["nightly-1", 72], ["nightly-2", 50], ["nightly-3", 26]] as const) await seedJob(fn.admin, name, { finishedHoursAgo: hours, cronJob: "nightly" });
    await seedJob(fn.admin, "hourly-1", { finishedHoursAgo: 30, cronJob: "hourly" });
    const result = (await fn.run({ keepPerCronJob: 1 })) as { deleted: string[] };
    assert.deepEqual(result.deleted.sort(), ["nightly-1", "nightly-2", "old-complete", "old-failed"]);
    assert.deepEqual(await names(fn), ["hourly-1", "nightly-3", "recent-complete", "running"]);
  });

  test("over HTTP, needs the api-token and answers 400 naming a bad field", async () => {
    const post = (body: unknown, headers: Record<string, string> = bearer("api-token")) =>
      fn.fetch("/cleanup-finished-jobs", { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });
    assert.equal((await post({}, {})).status, 401);
    assert.equal((await post({}, bearer("alertmanager-token"))).status, 403);
    const bad = await post({ olderThanHours: -1 });
    assert.equal(bad.status, 400);
    assert.ok((await json(bad)).error.issues.some((i: { path: string }) => i.path === "olderThanHours"));
    const misspelt = await post({ olderThanHour: 1000 });
    assert.equal(misspelt.status, 400, "a misspelt field is refused, never the 24-hour default");
    assert.deepEqual((await json(misspelt)).error.issues, [{ path: "olderThanHour", message: 'is not a field of this input: did you mean "olderThanHours"?' }]);
    const ok = await post({ olderThanHours: 40 });
    assert.equal(ok.status, 200);
    assert.deepEqual(await json(ok), { deleted: ["old-failed"], kept: 2, dryRun: false });
  });

  test("over HTTP, ?dryRun=true changes nothing", async () => {
    const res = await fn.fetch("/cleanup-finished-jobs?dryRun=true", { method: "POST", headers: { ...bearer("api-token"), "content-type": "application/json" }, body: "{}" });
    assert.equal(res.status, 200);
    assert.equal((await json(res)).dryRun, true);
    assert.equal((await names(fn)).length, 4);
  });
});

test("deployed by its default export, run() is typed by its schema and its handler (no casts)", async () => {
  const h = await startHarness();
  try {
    const fn = await h.deploy(cleanupFinishedJobs);
    const { deleted, kept, dryRun } = await fn.run({ olderThanHours: 1 }, { dryRun: true });
    assert.deepEqual([deleted, kept, dryRun], [[], 0, true]);
    assert.deepEqual((await fn.run()).deleted, [], "every field has a default: the input may be left out");
    // @ts-expect-error: a strict schema: a misspelt field is refused, by the type and at run time
    await assert.rejects(fn.run({ olderThanHour: 1 }), /olderThanHour/);
  } finally {
    await h.stop();
  }
});

test("the cleanup-finished-jobs input (a default) compiles to no fast check: zod alone validates it", () => {
  assert.equal(compileFastCheck(cleanupFinishedJobs.input), undefined);
});
