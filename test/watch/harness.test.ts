/**
 * `podfn/testing`'s `deployed.watch()`: `ready` settles once every watch has listed (a change
 * made after it calls the function as the change, not as the list's ADDED), and rejects with a
 * watch's failure (a type the cluster does not serve), which `failures` keeps; `retryDelayMs`
 * shortens the pause before a failed call's retry. (These tests expect calls to fail, so they
 * say `expectCallFailures`: see test/testing/harness-watch-failures.test.ts.)
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, until, type Harness } from "../../runtime/testing/index.js";
import { KubeApiError } from "../../runtime/kube/errors.js";
import { loaded } from "../schedule/helpers.js";

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.stop());

test("ready: a change made after it comes as the change", async () => {
  const seen: string[] = [];
  const fn = loaded({
    name: "on-change",
    watch: { resource: "configmaps", events: ["MODIFIED"] },
    handler({ trigger }) {
      if (trigger.type === "watch") seen.push(`${trigger.event} ${trigger.object.metadata!.name}`);
    },
  });
  const deployed = await h.deploy(fn);
  await deployed.admin.configMaps.create({ metadata: { name: "settings" }, data: { a: "1" } });
  const watching = deployed.watch();
  await watching.ready;
  await deployed.admin.configMaps.patch("settings", { data: { a: "2" } });
  await until(() => seen.length === 1, "the MODIFIED call");
  assert.deepEqual(seen, ["MODIFIED settings"]);
  await watching.stop();
  assert.deepEqual(watching.failures, []);
});

test("retryDelayMs: a failed call is tried again after the pause the test gives", async () => {
  let tries = 0;
  const fn = loaded({
    name: "flaky-watch",
    watch: { resource: "configmaps", retries: 2 },
    handler({ trigger }) {
      if (trigger.type !== "watch" || trigger.object.metadata!.name !== "once") return;
      if (++tries === 1) throw new Error("first try fails");
    },
  });
  const deployed = await h.deploy(fn);
  const watching = deployed.watch({ retryDelayMs: 1, expectCallFailures: true });
  await watching.ready;
  await deployed.admin.configMaps.create({ metadata: { name: "once" } });
  await until(() => tries === 2, "the retry");
  await watching.stop();
  assert.equal(tries, 2);
});

test("ready rejects with a watch's failure; failures keep them", async () => {
  const fn = loaded({ name: "widgets", watch: { resource: { group: "example.com", version: "v1", resource: "widgets", namespaced: true } }, handler() {} });
  const deployed = await h.deploy(fn);
  const watching = deployed.watch();
  await assert.rejects(watching.ready, (e: unknown) => e instanceof KubeApiError && e.statusCode === 404);
  await watching.stop();
  assert.ok(watching.failures.length >= 1);
});

test("callFailures: each failed try of a call, with its event, object, outcome and whether it is tried again", async () => {
  let tries = 0;
  const fn = loaded({
    name: "cannot-patch",
    watch: { resource: "configmaps", retries: 1 },
    async handler({ trigger, kube }) {
      if (trigger.type !== "watch") return;
      // A thrown error is retried; a denied request (a missing permission) is not: no retry mends it.
      if (trigger.object.metadata!.name === "boom" && ++tries === 1) throw new Error("first try fails");
      if (trigger.object.metadata!.name === "c1") await kube.configMaps.patch("c1", { data: { seen: "yes" } });
    },
  });
  const deployed = await h.deploy(fn);
  const watching = deployed.watch({ retryDelayMs: 1, expectCallFailures: true });
  await watching.ready;
  await deployed.admin.configMaps.create({ metadata: { name: "boom" } });
  await until(() => tries === 2, "the retry");
  await deployed.admin.configMaps.create({ metadata: { name: "c1" } });
  await until(() => watching.callFailures.length === 2, "the denied call");
  await watching.stop();
  assert.deepEqual(watching.callFailures.map((f) => [f.fn, f.event, f.object, f.outcome, f.retried]), [
    ["cannot-patch", "ADDED", `${deployed.namespace}/boom`, "failed", true],
    ["cannot-patch", "ADDED", `${deployed.namespace}/c1`, "forbidden", false],
  ]);
  assert.match(String((watching.callFailures[1]!.error as Error).message), /missing permission/);
});
