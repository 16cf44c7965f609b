/**
 * A watch's `status` when things go wrong, on the emulated cluster as the HTTP workload's
 * generated ServiceAccount: a call that fails for good writes `False` with `CallFailed` (or
 * `Timeout`) and the error's message, without a stack or a credential, nothing while retries are
 * pending; a 409 reads the object again and keeps what was written meanwhile; a resource without
 * a status subresource, or a denied status write, is one warning per watch while the calls go
 * on (writing no status for a minute: status-recovery.test.ts tries again after it); FINALIZE and DELETED write no status, and neither the finalizer's write nor the status'
 * calls the function.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { KubeNotFoundError } from "../../runtime/kube/errors.js";
import { loaded, until } from "../schedule/helpers.js";
import { BACKUPS, backupsTestFile, backup, conditionOf, countingStatusWrites, deployed, type Backup } from "./status-helpers.js";

const { file, admin, backups, read } = backupsTestFile();

test("a call that fails for good writes False, CallFailed and the error's message (no stack, no credential), nothing while retries are pending; a timeout writes Timeout", async (t) => {
  await backups().create(backup("fail-1", "f1", "db"));
  await backups().create(backup("slow-1", "f1", "slow"));
  let tries = 0;
  const fn = loaded({
    name: "status-fail",
    timeoutMs: 100,
    watch: { resource: BACKUPS, labelSelector: "suite=f1", status: true, retries: 2 },
    async handler({ trigger, signal }) {
      if (trigger.type !== "watch") return;
      if ((trigger.object as Backup).spec!.target === "slow") return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason as Error)));
      tries++;
      throw new Error("the bucket is unreachable with Bearer abcdefghijklmnop");
    },
  });
  const counted = countingStatusWrites(await file.client());
  const run = await deployed(t, file, [fn], { wrap: () => counted.kube });
  await until(async () => conditionOf(await read("fail-1")) !== undefined && conditionOf(await read("slow-1")) !== undefined, "both conditions", 10_000);
  await run.stop();
  const failed = conditionOf(await read("fail-1"))!;
  assert.deepEqual([failed.status, failed.reason, failed.observedGeneration], ["False", "CallFailed", 1]);
  assert.equal(failed.message, "the handler failed: the bucket is unreachable with Bearer [redacted]");
  assert.equal(tries, 3, "the call and its 2 retries, then the condition");
  const timedOut = conditionOf(await read("slow-1"))!;
  assert.deepEqual([timedOut.status, timedOut.reason, timedOut.message], ["False", "Timeout", "status-fail did not finish within 100 ms"]);
  assert.deepEqual(counted.writes.sort(), ["fail-1", "slow-1"], "one write each: none while retries were pending");
  assert.equal((await read("fail-1")).status!.observedGeneration, 1);
});

test("a 409 reads the object again and decides again: a condition written meanwhile is kept, and that change is a call", async (t) => {
  await backups().create(backup("conflict-1", "f2"));
  const seen: string[] = [];
  const fn = loaded({
    name: "status-conflict",
    watch: { resource: BACKUPS, labelSelector: "suite=f2", status: true },
    handler({ trigger }) {
      if (trigger.type === "watch") seen.push(trigger.event);
    },
  });
  const theirs = { type: "Theirs", status: "Unknown", reason: "Meanwhile", message: "", lastTransitionTime: "2020-01-01T00:00:00Z" };
  // Just before the first status write goes out, someone else writes the status: the write's resourceVersion is stale.
  const counted = countingStatusWrites(await file.client(), async (n, name) => {
    if (n === 1) await backups().patchStatus(name, { status: { conditions: [theirs] } });
  });
  const run = await deployed(t, file, [fn], { wrap: () => counted.kube });
  await until(async () => conditionOf(await read("conflict-1")) !== undefined, "the condition", 10_000);
  await until(() => seen.length === 2 && counted.answers.length === 3, "the call for the other write, and its try to write", 10_000);
  await run.stop();
  const { status } = await read("conflict-1");
  assert.deepEqual(status!.conditions!.map((c) => [c.type, c.status]), [["Theirs", "Unknown"], ["Ready", "True"]]);
  assert.deepEqual(seen, ["ADDED", "MODIFIED"], "the other write is a change: a call");
  // The first write refused (409), then written after a read; the second call's object (the
  // other write's) lacked Ready: its write is refused too, and the object read again needs none.
  assert.deepEqual(counted.answers, ["kube_conflict", "written", "kube_conflict"]);
  assert.deepEqual(run.lines.filter((l) => l.level === "error" || l.level === "warn"), []);
});

test("a resource without a status subresource: one warning for the watch, no more writes within the pause, and the calls go on", async (t) => {
  await admin().configMaps.create({ metadata: { name: "nosub-1", labels: { suite: "f3" } } });
  await admin().configMaps.create({ metadata: { name: "nosub-2", labels: { suite: "f3" } } });
  const seen: string[] = [];
  const fn = loaded({
    name: "status-nosub",
    watch: { resource: "configmaps", labelSelector: "suite=f3", status: true },
    handler({ trigger }) {
      if (trigger.type === "watch") seen.push(`${trigger.event} ${trigger.object.metadata!.name}`);
    },
  });
  // Both objects' writes go out together (the first waits for the second): both find it out.
  let second: () => void = () => undefined;
  const together = new Promise<void>((resolve) => (second = resolve));
  const counted = countingStatusWrites(await file.client(), async (n) => (n === 1 ? together : n === 2 ? second() : undefined));
  const run = await deployed(t, file, [fn], { wrap: () => counted.kube });
  await until(() => seen.length === 2 && counted.answers.length === 2 && run.lines.some((l) => l.level === "warn"), "both calls, their writes and the warning", 10_000);
  await admin().configMaps.patch("nosub-1", { data: { a: "1" } });
  await until(() => seen.length === 3, "the next change's call", 10_000);
  await run.stop();
  const warnings = run.lines.filter((l) => l.level === "warn");
  assert.equal(warnings.length, 1);
  assert.match(String(warnings[0]!.msg), /^status: configmaps has no status subresource, so the watch configmaps cannot report its calls in it: give the resource a status subresource/);
  assert.deepEqual(counted.answers, ["kube_not_found", "kube_not_found"], "tried by the calls made together, then no more");
  assert.deepEqual(run.lines.filter((l) => l.level === "error"), []);
});

test("a status write RBAC denies: one warning naming the verb and backups/status, and the calls go on", async (t) => {
  await backups().create(backup("denied-1", "f4"));
  await backups().create(backup("denied-2", "f4"));
  const seen: string[] = [];
  const fn = loaded({
    name: "status-denied",
    watch: { resource: BACKUPS, labelSelector: "suite=f4", status: true },
    handler({ trigger }) {
      if (trigger.type === "watch") seen.push(trigger.object.metadata!.name!);
    },
  });
  const run = await deployed(t, file, [fn], { role: (role) => ({ ...role, rules: role.rules!.filter((r) => !r.resources!.includes("backups/status")) }) });
  await until(() => seen.length === 2 && run.lines.some((l) => l.level === "warn"), "both calls and the warning", 10_000);
  // A change after the warning: called, and not written.
  await backups().patch("denied-1", { spec: { target: "files" } });
  await until(() => seen.length === 3, "the next change's call", 10_000);
  await run.stop();
  const warnings = run.lines.filter((l) => l.level === "warn");
  assert.equal(warnings.length, 1);
  assert.match(String(warnings[0]!.msg), /^status: the watch backups\.status\.example\.com may not patch backups\/status \(API group status\.example\.com\) \(.*\): grant it/);
  assert.equal(conditionOf(await read("denied-1")), undefined);
});

test("FINALIZE and DELETED write no status; neither the finalizer's write nor the status' calls the function", async (t) => {
  await backups().create(backup("fin-1", "f5"));
  const seen: string[] = [];
  const fn = loaded({
    name: "status-fin",
    watch: { resource: BACKUPS, labelSelector: "suite=f5", status: true, finalizer: "status.example.com/cleanup" },
    handler({ trigger }) {
      if (trigger.type === "watch") seen.push(trigger.event);
    },
  });
  const counted = countingStatusWrites(await file.client());
  const run = await deployed(t, file, [fn], { wrap: () => counted.kube });
  await until(async () => conditionOf(await read("fin-1")) !== undefined, "the condition", 10_000);
  await backups().delete("fin-1");
  await until(() => read("fin-1").then(() => false, (e: unknown) => e instanceof KubeNotFoundError), "the object gone once finalized", 10_000);
  await until(() => seen.length === 3, "FINALIZE and DELETED", 10_000);
  await run.stop();
  assert.deepEqual(seen, ["ADDED", "FINALIZE", "DELETED"]);
  assert.deepEqual(counted.writes, ["fin-1"]);
});
