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
