/**
 * `finishJob()`: a Job marked Complete or Failed as the Job controller marks it, a status the
 * emulated cluster (checking Job status writes as 1.32 does) takes: the interim condition beside
 * the terminal one, a startTime kept or given, completionTime only when Complete and never
 * before the start, no active pods left, the count raised. A Job finished the other way first
 * is the server's 422.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { clientFor, ensureNamespace, finishJob, startCluster } from "../../runtime/testing/index.js";
import { isKubeError } from "../../runtime/kube/is-kube-error.js";
import type { KubeClient } from "../../runtime/kube/api.js";

let cluster: Awaited<ReturnType<typeof startCluster>>;
let admin: KubeClient;
const job = (name: string) => ({ metadata: { name }, spec: { template: { spec: { restartPolicy: "Never" as const, containers: [{ name: "c", image: "busybox" }] } } } });
const types = (conditions: { type: string; status: string }[] | undefined) => (conditions ?? []).map((c) => `${c.type}=${c.status}`);

before(async () => {
  cluster = await startCluster({ port: 0 });
  const root = await clientFor({ server: cluster.url, caPem: cluster.caPem, token: cluster.adminToken });
  await ensureNamespace(root, "fj");
  admin = root.with({ namespace: "fj" });
});
after(() => cluster.stop());

test("Complete: SuccessCriteriaMet then Complete, a startTime and completionTime, no active pods, succeeded raised", async () => {
  await admin.jobs.create(job("done"));
  await admin.jobs.patchStatus("done", { status: { startTime: "2026-01-01T00:00:00Z", active: 1, ready: 1 } });
  const done = await finishJob(admin, "done", { at: "2026-01-01T01:00:00.500Z" });
  assert.deepEqual(types(done.status?.conditions), ["SuccessCriteriaMet=True", "Complete=True"]);
  assert.deepEqual(done.status?.conditions?.map((c) => c.reason), ["CompletionsReached", "CompletionsReached"]);
  // active: 0 is left out as the server writes it (omitempty); ready, a pointer, is kept.
  const { startTime, completionTime, active, ready, succeeded } = done.status!;
  assert.deepEqual({ startTime, completionTime, active, ready, succeeded }, { startTime: "2026-01-01T00:00:00Z", completionTime: "2026-01-01T01:00:00Z", active: undefined, ready: 0, succeeded: 1 });
});

test("Failed: FailureTarget then Failed with the reason given, a Job never started given a startTime, no completionTime", async () => {
  await admin.jobs.create(job("lost"));
  const lost = await finishJob(admin, "lost", { failed: { reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" } });
  assert.deepEqual(types(lost.status?.conditions), ["FailureTarget=True", "Failed=True"]);
  assert.equal(lost.status?.conditions?.[1]?.message, "Job was active longer than specified deadline");
  assert.ok(lost.status?.startTime);
  assert.equal(lost.status?.completionTime, undefined);
  assert.equal(lost.status?.failed, 1);
  // A finish before the start is moved to the start: completionTime is never before it.
  await admin.jobs.create(job("early"));
  await admin.jobs.patchStatus("early", { status: { startTime: "2026-01-01T02:00:00Z" } });
  assert.equal((await finishJob(admin, "early", { at: "2026-01-01T01:00:00Z" })).status?.completionTime, "2026-01-01T02:00:00Z");
});

test("a Job already Failed cannot be made Complete: the server's 422", async () => {
  await admin.jobs.create(job("twice"));
  await finishJob(admin, "twice", { failed: true });
  const refused = await finishJob(admin, "twice").then(() => undefined, (error: unknown) => error);
  assert.ok(isKubeError(refused, "kube_invalid"), String(refused));
  assert.match(refused.message, /cannot set Complete=True and Failed=true conditions/);
});
