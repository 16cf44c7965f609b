import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Job } from "kubernetes-types/batch/v1.js";
import { finishJob, startHarness, until, type Harness } from "./helpers/harness.js";
import { seedJob } from "./helpers/objects.js";
import { REPORTED } from "../../functions/report-failed-jobs.js";

const jobEvents = async (h: Harness, namespace: string) => {
  const out = [];
  for await (const event of h.admin.eventsV1.list({ namespace })) out.push(event);
  return out;
};

describe("report-failed-jobs", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  test("a Job seen failed gets one Warning event and the mark; running and complete ones get nothing", async () => {
    const fn = await h.deploy("report-failed-jobs");
    const failed = await seedJob(fn.admin, "failed", { finishedHoursAgo: 1, failed: true });
    const result = await fn.run({}, { trigger: { type: "watch", watch: "jobs.batch", event: "MODIFIED", object: failed } });
    assert.deepEqual(result, { reported: true });
    const events = await jobEvents(h, fn.namespace);
    assert.deepEqual(events.map((e) => [e.type, e.reason, e.regarding?.kind, e.regarding?.name, e.note]), [["Warning", "JobFailed", "Job", "failed", "BackoffLimitExceeded: Job has reached the specified backoff limit"]]);
    const marked = await fn.admin.jobs.get("failed");
    assert.ok(marked.metadata?.annotations?.[REPORTED], "the Job is marked");
    // The event it already handled, seen again (a restart lists every Job): the mark says reported.
    assert.deepEqual(await fn.run({}, { trigger: { type: "watch", watch: "jobs.batch", event: "ADDED", object: marked } }), { reported: false });
    for (const job of [await seedJob(fn.admin, "running"), await seedJob(fn.admin, "complete", { finishedHoursAgo: 1 })]) {
      assert.deepEqual(await fn.run({}, { trigger: { type: "watch", watch: "jobs.batch", event: "MODIFIED", object: job } }), { reported: false });
    }
    assert.equal((await jobEvents(h, fn.namespace)).length, 1);
    // An event queued before the mark was made (it shows the Job unmarked): the Job read again is marked, nothing is reported.
    const staleFailed = { ...failed, metadata: { ...failed.metadata, annotations: {} } } as Job;
    assert.deepEqual(await fn.run({}, { trigger: { type: "watch", watch: "jobs.batch", event: "MODIFIED", object: staleFailed } }), { reported: false });
    assert.equal((await jobEvents(h, fn.namespace)).length, 1);
    assert.deepEqual(fn.access().filter((a) => !a.allowed), [], "its declared permissions were enough");
  });

  test("an Event that cannot be written leaves the Job unmarked: its next event reports it", async () => {
    const fn = await h.deploy("report-failed-jobs");
    const failed = await seedJob(fn.admin, "flaky", { finishedHoursAgo: 1, failed: true });
    const event = { type: "watch" as const, watch: "jobs.batch", event: "MODIFIED" as const, object: failed };
    const remove = h.cluster.inject({ match: { verb: "create", resource: "events", user: `system:serviceaccount:${fn.namespace}:report-failed-jobs` }, status: 503, times: 1 });
    try {
      await assert.rejects(fn.run({}, { trigger: event }));
    } finally {
      remove();
    }
    assert.equal((await fn.admin.jobs.get("flaky")).metadata?.annotations?.[REPORTED], undefined, "not marked");
    assert.deepEqual(await fn.run({}, { trigger: event }), { reported: true });
    assert.equal((await jobEvents(h, fn.namespace)).length, 1);
  });

  test("watching: a Job that fails while it runs is reported once, across a restart", async () => {
    const fn = await h.deploy("report-failed-jobs");
    await seedJob(fn.admin, "batch-1");
    const watching = fn.watch();
    await watching.ready;
    await finishJob(fn.admin, "batch-1", { failed: { reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" } });
    // Reported: the event and then the mark (a stop between the two aborts the call before
    // its mark, and the restart rightly reports the Job again).
    await until(async () => (await jobEvents(h, fn.namespace)).length === 1 && (await fn.admin.jobs.get("batch-1")).metadata?.annotations?.[REPORTED] !== undefined, "the JobFailed event and the mark", 10_000);
    await watching.stop();
    // Started again: every Job is listed as ADDED; the marked one is not reported twice.
    const again = fn.watch();
    await again.ready;
    await seedJob(fn.admin, "sentinel", { finishedHoursAgo: 1, failed: true });
    await until(async () => (await jobEvents(h, fn.namespace)).length === 2, "the sentinel's event", 10_000);
    await again.stop();
    const events = await jobEvents(h, fn.namespace);
    assert.deepEqual(events.map((e) => e.regarding?.name).sort(), ["batch-1", "sentinel"]);
    assert.match(events.find((e) => e.regarding?.name === "batch-1")!.note!, /^DeadlineExceeded: Job was active longer than specified deadline$/);
  });
});
