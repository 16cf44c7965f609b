/**
 * `watch.coalesce`: a call whose turn comes while a newer change of its object is queued behind
 * it is skipped (counted as `coalesced`, logged at debug), so a busy object's handler sees its
 * latest state once instead of every state in between. Off by default: then every change calls.
 * Other objects' calls are never skipped for it, and a running call is never cut short.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject } from "../../runtime/kube/api.js";
import { loaded, until } from "../schedule/helpers.js";
import { adminForFile, runWatched, type Watched } from "./helpers.js";

const NS = "default";
const admin = adminForFile(NS);

interface Seen {
  event: string;
  name: string;
  step: string | undefined;
}

/**
 * Watches ConfigMaps labelled `coalesce=<label>`; the first call about `busy` waits for
 * `release()`, so the changes made meanwhile queue behind it.
 */
function watching(t: TestContext, label: string, coalesce: boolean | undefined) {
  const seen: Seen[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const fn = loaded({
    name: "reconcile",
    watch: { resource: "configmaps", labelSelector: `coalesce=${label}`, ...(coalesce === undefined ? {} : { coalesce }) },
    async handler({ trigger }) {
      const t = trigger as Watched;
      const object = t.object as KubeObject & { data?: Record<string, string> };
      // Named without the label: each test's objects are its own (`busy-on`), its assertions the same.
      const name = object.metadata!.name!.replace(`-${label}`, "");
      seen.push({ event: t.event, name, step: object.data?.step });
      if (name === "busy" && seen.filter((s) => s.name === "busy").length === 1) await gate;
    },
  });
  const { lines, counted, stop } = runWatched(fn, admin());
  // A failed assertion must not leave the watch (and the test file) running.
  t.after(async () => {
    release();
    await stop();
    await admin().configMaps.deleteCollection({ labelSelector: `coalesce=${label}` });
  });
  return { seen, lines, counted, release };
}

const configMap = (name: string, label: string, step: string) => ({ apiVersion: "v1" as const, kind: "ConfigMap" as const, metadata: { name, labels: { coalesce: label } }, data: { step } });

/** Creates `busy-LABEL` (its call waits), changes it three times, then creates `marker`: once marker's call ran, busy's changes are queued. */
async function changeWhileBusy(run: ReturnType<typeof watching>, label: string): Promise<void> {
  await admin().configMaps.create(configMap(`busy-${label}`, label, "0"));
  await until(() => run.seen.some((s) => s.name === "busy"), "busy's first call", 10_000);
  for (const step of ["1", "2", "3"]) await admin().configMaps.patch(`busy-${label}`, { data: { step } });
  await admin().configMaps.create(configMap(`marker-${label}`, label, "0"));
  await until(() => run.seen.some((s) => s.name === "marker"), "marker's call (another object: not held up)", 10_000);
  run.release();
}

test("with coalesce, the changes queued behind a running call come as one call with the newest object", async (t) => {
  const run = watching(t, "on", true);
  await changeWhileBusy(run, "on");
  await until(() => run.seen.some((s) => s.name === "busy" && s.step === "3"), "the newest change's call", 10_000);
  assert.deepEqual(run.seen.filter((s) => s.name === "busy"), [
    { event: "ADDED", name: "busy", step: "0" },
    { event: "MODIFIED", name: "busy", step: "3" },
  ]);
  assert.deepEqual(run.counted().filter((l) => l.includes('event="MODIFIED"')), [
    'podfn_watch_calls_total{function="reconcile",watch="configmaps",event="MODIFIED",outcome="coalesced"} 2',
    'podfn_watch_calls_total{function="reconcile",watch="configmaps",event="MODIFIED",outcome="success"} 1',
  ]);
  assert.equal(run.lines.filter((l) => l.msg === "watch call skipped: a newer change of the object is queued (coalesce)" && l.object === `${NS}/busy-on`).length, 2);
});

test("without coalesce (the default), every change queued behind a running call is called, in order", async (t) => {
  const run = watching(t, "off", undefined);
  await changeWhileBusy(run, "off");
  await until(() => run.seen.some((s) => s.name === "busy" && s.step === "3"), "the last change's call", 10_000);
  assert.deepEqual(run.seen.filter((s) => s.name === "busy").map((s) => `${s.event} ${s.step}`), ["ADDED 0", "MODIFIED 1", "MODIFIED 2", "MODIFIED 3"]);
  assert.ok(!run.counted().some((l) => l.includes("coalesced")));
});

test("with coalesce, a deletion queued behind the changes is what the object's next call sees", async (t) => {
  const run = watching(t, "gone", true);
  await admin().configMaps.create(configMap("busy-gone", "gone", "0"));
  await until(() => run.seen.some((s) => s.name === "busy"), "busy's first call", 10_000);
  await admin().configMaps.patch("busy-gone", { data: { step: "1" } });
  await admin().configMaps.delete("busy-gone");
  await admin().configMaps.create(configMap("marker-gone", "gone", "0"));
  await until(() => run.seen.some((s) => s.name === "marker"), "marker's call", 10_000);
  run.release();
  await until(() => run.seen.some((s) => s.event === "DELETED"), "the deletion's call", 10_000);
  assert.deepEqual(run.seen.filter((s) => s.name === "busy").map((s) => `${s.event} ${s.step}`), ["ADDED 0", "DELETED 1"]);
});
