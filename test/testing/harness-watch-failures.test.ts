/**
 * `podfn/testing`: while `deployed.watch()` runs, a failed watch call (a 403, a handler that
 * threw) ends a pending `until()` at once with that call's error, instead of the wait timing out
 * with the cause unread in `callFailures`; `watch({ expectCallFailures: true })` opts out for
 * tests that expect calls to fail (retries, a denied call). Each failure ends one wait.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, until, type Harness } from "../../runtime/testing/index.js";
import { KubeForbiddenError } from "../../runtime/kube/errors.js";
import type { PermissionRule } from "../../runtime/function.js";
import { loaded } from "../schedule/helpers.js";

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.stop());

/** Marks each ConfigMap done: needs `patch configmaps`, which `permissions` may leave out. */
const marker = (name: string, permissions: PermissionRule[] = []) =>
  loaded({
    name,
    watch: { resource: "configmaps", events: ["ADDED"], labelSelector: "test=yes" },
    permissions,
    async handler({ trigger, kube }) {
      if (trigger.type === "watch") await kube.configMaps.patch(trigger.object.metadata!.name!, { data: { status: "Done" } });
    },
  });

/** A ConfigMap the watches see (the namespace's own `kube-root-ca.crt` they do not). */
const seen = (name: string) => ({ metadata: { name, labels: { test: "yes" } } });

const done = (fn: { admin: Harness["admin"] }, name: string) => async () => (await fn.admin.configMaps.get(name)).data?.status === "Done";

test("a denied watch call ends the wait at once with its 403, naming what was awaited", async () => {
  const fn = await h.deploy(marker("no-patch"));
  const watching = fn.watch();
  await watching.ready;
  await fn.admin.configMaps.create(seen("job-1"));
  const started = Date.now();
  await assert.rejects(until(done(fn, "job-1"), "status Done", 20_000), (e: Error & { code?: string; cause?: unknown }) => {
    assert.equal(e.code, "watch_call_failed");
    assert.ok(e.cause instanceof KubeForbiddenError, String(e.cause));
    assert.match(e.message, /^waiting for status Done: no-patch's watch call \(ADDED .*\/job-1\) was forbidden: .*cannot patch resource "configmaps"/);
    return true;
  });
  assert.ok(Date.now() - started < 10_000, "not the timeout");
  await watching.stop();
});

test("a handler that threw ends the wait too, though its call would be tried again", async () => {
  const fn = await h.deploy(loaded({ name: "throws", watch: { resource: "configmaps", labelSelector: "test=yes", retries: 3 }, handler() { throw new Error("boom"); } }));
  const watching = fn.watch({ retryDelayMs: 60_000 });
  await watching.ready;
  await fn.admin.configMaps.create(seen("x"));
  await assert.rejects(until(() => false, "nothing", 20_000), /waiting for nothing: throws's watch call \(ADDED .*\/x\) failed \(tried again\): boom/);
  await watching.stop();
});

test("expectCallFailures: failed calls leave waits alone (a test of retries)", async () => {
  let tries = 0;
  const fn = await h.deploy(loaded({ name: "flaky", watch: { resource: "configmaps", labelSelector: "test=yes", retries: 2 }, handler() { if (++tries === 1) throw new Error("first try fails"); } }));
  const watching = fn.watch({ retryDelayMs: 1, expectCallFailures: true });
  await watching.ready;
  await fn.admin.configMaps.create(seen("once"));
  await until(() => tries === 2, "the retry");
  await watching.stop();
  assert.equal(watching.callFailures.length, 1);
});

test("each failed call ends one wait: once it has, later waits go on", async () => {
  const fn = await h.deploy(marker("reported-once"));
  const watching = fn.watch();
  await watching.ready;
  await fn.admin.configMaps.create(seen("job-2"));
  await assert.rejects(until(() => false, "the denied call", 20_000), { code: "watch_call_failed" });
  let polls = 0;
  await until(() => ++polls === 3, "three polls");
  await watching.stop();
});

test("with the permission, the same watch does its work and the wait succeeds", async () => {
  const fn = await h.deploy(marker("may-patch", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["patch"] }]));
  const watching = fn.watch();
  await watching.ready;
  await fn.admin.configMaps.create(seen("job-3"));
  await until(done(fn, "job-3"), "status Done");
  await watching.stop();
  assert.deepEqual(watching.callFailures, []);
});

test("harness.until() is ended by its own harness's watches only, and by its own stop()", async () => {
  const other = await startHarness();
  let stopped = false;
  try {
    const fn = await h.deploy(marker("denied-elsewhere"));
    const watching = fn.watch();
    await watching.ready;
    await fn.admin.configMaps.create(seen("job-4"));
    // The other harness's wait sees the failure come and go on: it is not its own.
    await other.until(() => watching.callFailures.length > 0, "the failure in h");
    await assert.rejects(other.until(() => false, "the other harness's own thing", 300), { code: "until_timeout" });
    await assert.rejects(h.until(() => false, "h's thing", 20_000), { code: "watch_call_failed" });
    await watching.stop();
    // A stop ends that harness's pending waits at once, not another's.
    let done = false;
    const pendingInH = h.until(() => done, "h's later thing", 20_000);
    const pendingInOther = other.until(() => done, "something in the other harness", 20_000);
    const started = Date.now();
    const ended = assert.rejects(pendingInOther, (e: Error & { code?: string }) => e.code === "harness_stopped" && /^waiting for something in the other harness: the harness stopped$/.test(e.message));
    stopped = true;
    await other.stop();
    await ended;
    assert.ok(Date.now() - started < 10_000);
    done = true;
    await pendingInH;
  } finally {
    if (!stopped) await other.stop();
  }
});

test("a plain until() ended by a harness's watch while two harnesses are open says whose watch it was and points to harness.until(); with one open, the message is as ever", async () => {
  const other = await startHarness();
  let stopped = false;
  try {
    const fn = await h.deploy(marker("denied-among-two"));
    const watching = fn.watch();
    await watching.ready;
    await fn.admin.configMaps.create(seen("job-5"));
    await assert.rejects(until(() => false, "anything", 20_000), (e: Error & { code?: string }) => {
      assert.equal(e.code, "watch_call_failed");
      const whose = `; denied-among-two's watch runs in the harness at ${h.cluster.url}, one of 2 harnesses open, and the plain until() is ended by any open harness's watches: to wait on one harness's alone, call its harness.until()`;
      assert.ok(e.message.startsWith("waiting for anything: denied-among-two's watch call (ADDED "), e.message);
      assert.ok(e.message.endsWith(`(a test that expects failed calls: watch({ expectCallFailures: true }))${whose}`), e.message);
      return true;
    });
    stopped = true;
    await other.stop();
    await fn.admin.configMaps.create(seen("job-6"));
    await assert.rejects(until(() => false, "the one harness's failure", 20_000), (e: Error & { code?: string }) => {
      assert.equal(e.code, "watch_call_failed");
      assert.match(e.message, /^waiting for the one harness's failure: denied-among-two's watch call \(ADDED .*\/job-6\) was forbidden: .*\(a test that expects failed calls: watch\(\{ expectCallFailures: true \}\)\)$/);
      return true;
    });
    await watching.stop();
  } finally {
    if (!stopped) await other.stop();
  }
});
