import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { InputError } from "podfn";
import { startHarness, until, type Deployed, type Harness } from "./helpers/harness.js";
import { seedPod } from "./helpers/objects.js";
import cleanupEvictedPods from "../../functions/cleanup-evicted-pods.js";
import { compileFastCheck } from "../../runtime/validate/compile.js";

const names = async (fn: Deployed) => {
  const out: string[] = [];
  for await (const pod of fn.admin.pods.list()) out.push(pod.metadata!.name!);
  return out.sort();
};

describe("cleanup-evicted-pods", () => {
  let h: Harness;
  let fn: Deployed;
  before(async () => {
    h = await startHarness();
  });
  beforeEach(async () => {
    fn = await h.deploy("cleanup-evicted-pods");
    await seedPod(fn.admin, "evicted-old", { evictedMinutesAgo: 120 });
    await seedPod(fn.admin, "evicted-recent", { evictedMinutesAgo: 5 });
    await seedPod(fn.admin, "failed", { phase: "Failed" });
    await seedPod(fn.admin, "running", { phase: "Running" });
  });
  after(() => h.stop());

  test("on its schedule, deletes pods evicted more than 60 minutes ago and nothing else", async () => {
    const result = await fn.run({}, { trigger: { type: "schedule", schedule: "0" } });
    assert.deepEqual(result, { deleted: ["evicted-old"], dryRun: false });
    assert.deepEqual(await names(fn), ["evicted-recent", "failed", "running"]);
  });

  test("a pod replaced under the same name between the list and the delete is left alone", async () => {
    const user = fn.users.cronJob;
    // The function's delete waits a second at the server, while the pod is deleted and created anew.
    const remove = h.cluster.inject({ match: { verb: "delete", resource: "pods", name: "evicted-old", user }, delayMs: 1000, times: 1 });
    const listed = () => h.cluster.requests.some((r) => r.user === user && r.verb === "list" && r.resource === "pods");
    try {
      const run = fn.run({});
      await until(listed, "the function to list the pods");
      await fn.admin.pods.delete("evicted-old", { gracePeriodSeconds: 0 });
      const replacement = await seedPod(fn.admin, "evicted-old", { evictedMinutesAgo: 120 });
      assert.deepEqual(await run, { deleted: [], dryRun: false });
      assert.equal((await fn.admin.pods.get("evicted-old")).metadata?.uid, replacement.metadata?.uid);
    } finally {
      remove();
    }
  });

  test("uses exactly the permissions it declares: every one, and nothing it was denied", async () => {
    await fn.run({});
    const used = new Set(fn.access().map((a) => `${a.allowed ? "allowed" : "denied"} ${a.verb} ${a.group}/${a.resource}`));
    const declared = new Set(fn.fn.permissions.flatMap((p) => p.verbs.flatMap((v) => p.resources.map((r) => `allowed ${v} ${p.apiGroups[0]}/${r}`))));
    assert.deepEqual([...used].sort(), [...declared].sort());
  });

  test("asks the API server for failed pods only", async () => {
    const before = h.cluster.requests.length;
    await fn.run({});
    const lists = h.cluster.requests.slice(before).filter((r) => r.verb === "list" && r.resource === "pods");
    assert.ok(lists.length > 0);
    for (const list of lists) assert.equal(new URL(list.path, h.cluster.url).searchParams.get("fieldSelector"), "status.phase=Failed");
  });

  test("honours olderThanMinutes", async () => {
    assert.deepEqual(await fn.run({ olderThanMinutes: 1 }), { deleted: ["evicted-old", "evicted-recent"], dryRun: false });
  });

  test("in a dry run, reports what it would delete and changes nothing", async () => {
    assert.deepEqual(await fn.run({}, { dryRun: true }), { deleted: ["evicted-old"], dryRun: true });
    assert.equal((await names(fn)).length, 4);
  });

  test("rejects bad input naming the field", async () => {
    await assert.rejects(fn.run({ olderThanMinutes: 0 }), (error: unknown) => error instanceof InputError && error.issues.some((i) => i.path === "olderThanMinutes"));
  });
});

test("the cleanup-evicted-pods input (a default) compiles to no fast check: zod alone validates it", () => {
  assert.equal(compileFastCheck(cleanupEvictedPods.input), undefined);
});
