/**
 * A watch's `status` on the emulated cluster, run as the HTTP workload's generated ServiceAccount
 * (so the rights the manifests add for it are proved enough), when calls succeed: the object's
 * condition says so with the generation the call saw, and `status.observedGeneration` follows; a
 * call that changes nothing writes nothing; the watch's own write calls nothing;
 * `lastTransitionTime` stays while the condition's status does and moves when it flips; the
 * other conditions and status fields are kept; a handler's `condition()` chooses status, reason
 * and message, a reason Kubernetes would refuse being logged and replaced.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { condition } from "../../runtime/function.js";
import { loaded, until } from "../schedule/helpers.js";
import { BACKUPS, NS, backupsTestFile, RFC3339_SECONDS, backup, conditionOf, countingStatusWrites, deployed, type Backup } from "./status-helpers.js";

const { file, backups, read } = backupsTestFile();

test("a call that succeeds sets its condition (True, Succeeded, the generation it saw) and observedGeneration; the watch's own write calls nothing; a call that changes nothing writes nothing", async (t) => {
  await backups().create(backup("ok-1", "s1"));
  const seen: string[] = [];
  const fn = loaded({
    name: "status-1",
    watch: { resource: BACKUPS, labelSelector: "suite=s1", status: true },
    handler({ trigger }) {
      if (trigger.type === "watch") seen.push(`${trigger.event} ${trigger.object.metadata!.generation} ${trigger.object.metadata!.labels!.step ?? "-"}`);
    },
  });
  const counted = countingStatusWrites(await file.client());
  const run = await deployed(t, file, [fn], { wrap: () => counted.kube });
  await until(async () => conditionOf(await read("ok-1")) !== undefined, "the condition of the first call", 10_000);
  const first = await read("ok-1");
  const ready = conditionOf(first)!;
  assert.deepEqual({ ...ready, lastTransitionTime: "t" }, { type: "Ready", status: "True", observedGeneration: 1, lastTransitionTime: "t", reason: "Succeeded", message: "" });
  assert.match(ready.lastTransitionTime, RFC3339_SECONDS);
  assert.equal(first.status!.observedGeneration, 1);
  assert.deepEqual(counted.writes, ["ok-1"]);
  // A label: a call (MODIFIED, generation 1), and nothing to write.
  await backups().patch("ok-1", { metadata: { labels: { step: "label" } } });
  // The spec: generation 2, written.
  await backups().patch("ok-1", { spec: { target: "files" } });
  await until(async () => (await read("ok-1")).status?.observedGeneration === 2, "observedGeneration 2", 10_000);
  assert.equal(conditionOf(await read("ok-1"))!.observedGeneration, 2);
  assert.equal(conditionOf(await read("ok-1"))!.lastTransitionTime, ready.lastTransitionTime, "still True: the time it became so stays");
  // A last change, whose call comes after the event of the write above.
  await backups().patch("ok-1", { metadata: { labels: { step: "last" } } });
  await until(() => seen.length === 4, "the call of the last change", 10_000);
  await run.stop();
  assert.deepEqual(seen, ["ADDED 1 -", "MODIFIED 1 label", "MODIFIED 2 label", "MODIFIED 2 last"], "no call for either status write");
  assert.deepEqual(counted.writes, ["ok-1", "ok-1"], "the label changes wrote nothing");
  assert.equal(run.lines.filter((l) => l.msg === "status: Ready True (Succeeded)").length, 2);
});

test("lastTransitionTime stays while the condition's status does and moves when it flips; other conditions and status fields are kept; condition() chooses status, reason and message", async (t) => {
  const OLD = "2020-01-01T00:00:00Z";
  await backups().create(backup("flip-1", "s2"));
  const other = { type: "Other", status: "True", reason: "Theirs", message: "not podfn's", lastTransitionTime: OLD };
  await backups().patchStatus("flip-1", { status: { phase: "Kept", conditions: [other, { type: "example.com/Synced", status: "True", reason: "Old", message: "", lastTransitionTime: OLD }] } });
  const fn = loaded({
    name: "status-2",
    watch: { resource: BACKUPS, labelSelector: "suite=s2", status: { condition: "example.com/Synced" } },
    handler({ trigger }) {
      if (trigger.type !== "watch") return;
      const target = (trigger.object as Backup).spec!.target!;
      return target === "gone" ? condition({ status: "False", reason: "TargetMissing", message: `no target ${target}` }) : condition({ message: `backing up ${target}` });
    },
  });
  await deployed(t, file, [fn]);
  const synced = async () => conditionOf(await read("flip-1"), "example.com/Synced");
  await until(async () => (await synced())?.reason === "Succeeded", "the first call's condition", 10_000);
  assert.deepEqual(await synced(), { type: "example.com/Synced", status: "True", observedGeneration: 1, lastTransitionTime: OLD, reason: "Succeeded", message: "backing up db" });
  await backups().patch("flip-1", { spec: { target: "gone" } });
  await until(async () => (await synced())?.status === "False", "the flipped condition", 10_000);
  const flipped = (await synced())!;
  assert.deepEqual({ ...flipped, lastTransitionTime: "t" }, { type: "example.com/Synced", status: "False", observedGeneration: 2, lastTransitionTime: "t", reason: "TargetMissing", message: "no target gone" });
  assert.notEqual(flipped.lastTransitionTime, OLD, "it moved with the flip");
  assert.match(flipped.lastTransitionTime, RFC3339_SECONDS);
  const { status } = await read("flip-1");
  assert.equal(status!.phase, "Kept");
  assert.deepEqual(status!.conditions![0], other, "another condition: as it was, where it was");
  assert.equal(status!.conditions!.length, 2);
});

test("a condition() whose reason Kubernetes would refuse is an error logged, and the default reason is written", async (t) => {
  await backups().create(backup("reason-1", "s3"));
  const fn = loaded({ name: "status-3", watch: { resource: BACKUPS, labelSelector: "suite=s3", status: true }, handler: () => condition({ status: "False", reason: "not camel case!", message: "m" }) });
  const run = await deployed(t, file, [fn]);
  await until(async () => conditionOf(await read("reason-1")) !== undefined, "the condition", 10_000);
  const ready = conditionOf(await read("reason-1"))!;
  assert.deepEqual([ready.status, ready.reason, ready.message], ["False", "Failed", "m"]);
  const errors = run.lines.filter((l) => l.level === "error");
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]!.msg), /^the handler's condition\(\) has the reason "not camel case!", which Kubernetes refuses \(CamelCase/);
  assert.equal(errors[0]!.object, `${NS}/reason-1`);
});
