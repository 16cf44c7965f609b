/**
 * `watch.resyncSeconds`: every period, each object the watch knows is called again with the
 * event `RESYNC` and its latest known state, whatever `events` names; an object gone is not; an
 * object with a call pending is passed over (that call sees its state). Each pass is logged.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject } from "../../runtime/kube/api.js";
import { runWatches } from "../../runtime/watch/watcher.js";
import type { WatchEventName } from "../../runtime/function.js";
import { captureLogs, loaded, until } from "../schedule/helpers.js";
import { adminForFile, runWatched, type Watched } from "./helpers.js";

const admin = adminForFile();

interface Seen {
  event: string;
  name: string;
  step: string | undefined;
}

/** Watches ConfigMaps labelled `resync=<label>` with a 1 s resync; `hold(name)` makes that object's first call wait for `release()`. */
function watching(t: TestContext, label: string, events: WatchEventName[], hold?: string) {
  const seen: Seen[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const fn = loaded({
    name: "reconcile",
    watch: { resource: "configmaps", labelSelector: `resync=${label}`, events, resyncSeconds: 1 },
    async handler({ trigger }) {
      const t = trigger as Watched;
      const object = t.object as KubeObject & { data?: Record<string, string> };
      const name = object.metadata!.name!.replace(`-${label}`, "");
      seen.push({ event: t.event, name, step: object.data?.step });
      if (name === hold && seen.filter((s) => s.name === hold).length === 1) await gate;
    },
  });
  const { lines, counted, stop } = runWatched(fn, admin());
  t.after(async () => {
    release();
    await stop();
    await admin().configMaps.deleteCollection({ labelSelector: `resync=${label}` });
  });
  const passes = () => lines.filter((l) => typeof l.msg === "string" && l.msg.startsWith("resync of configmaps for reconcile"));
  return { seen, passes, counted, release };
}

const configMap = (name: string, label: string, step: string) => ({ apiVersion: "v1" as const, kind: "ConfigMap" as const, metadata: { name, labels: { resync: label } }, data: { step } });

test("every object the watch knows is called again as RESYNC with its latest state, whatever events names; a deleted one is not", async (t) => {
  const run = watching(t, "all", ["DELETED"]);
  await admin().configMaps.create(configMap("a-all", "all", "0"));
  await admin().configMaps.create(configMap("b-all", "all", "0"));
  await until(() => run.seen.some((s) => s.name === "a" && s.event === "RESYNC") && run.seen.some((s) => s.name === "b" && s.event === "RESYNC"), "a RESYNC call for each object", 10_000);
  // Only DELETED is named: the creations called nothing.
  assert.deepEqual(new Set(run.seen.map((s) => s.event)), new Set(["RESYNC"]));

  await admin().configMaps.patch("a-all", { data: { step: "1" } });
  await until(() => run.seen.some((s) => s.name === "a" && s.event === "RESYNC" && s.step === "1"), "a RESYNC call with a's new state", 10_000);
  assert.ok(!run.seen.some((s) => s.event === "MODIFIED"), "MODIFIED is not among the events named");

  await admin().configMaps.delete("b-all");
  await until(() => run.seen.some((s) => s.name === "b" && s.event === "DELETED"), "b's DELETED call", 10_000);
  const deletedAt = run.seen.findIndex((s) => s.name === "b" && s.event === "DELETED");
  const passesThen = run.passes().length;
  await until(() => run.passes().length >= passesThen + 2, "two more resync passes", 10_000);
  await until(() => run.seen.slice(deletedAt).filter((s) => s.name === "a" && s.event === "RESYNC").length >= 1, "a's call in the later passes", 10_000);
  assert.deepEqual(run.seen.slice(deletedAt + 1).filter((s) => s.name === "b"), [], "no call about b once it is gone");
  assert.deepEqual(run.passes().at(-1)!.objects, 1);
  assert.ok(run.counted().some((l) => /^podfn_watch_calls_total\{function="reconcile",watch="configmaps",event="RESYNC",outcome="success"\} \d+$/.test(l)), run.counted().join("\n"));
});

test("an object with a call pending is passed over by a resync, and called again once it is done", async (t) => {
  const run = watching(t, "busy", ["ADDED"], "busy");
  await admin().configMaps.create(configMap("busy-busy", "busy", "0"));
  await admin().configMaps.create(configMap("idle-busy", "busy", "0"));
  await until(() => run.seen.some((s) => s.name === "busy") && run.seen.some((s) => s.name === "idle" && s.event === "RESYNC"), "busy's held call and idle's resync", 10_000);
  await until(() => run.passes().some((p) => p.busy === 1), "a pass that passed busy over", 10_000);
  assert.match(String(run.passes().find((p) => p.busy === 1)!.msg), /1 object\(s\) passed over \(a call about them is pending\)/);
  assert.deepEqual(run.seen.filter((s) => s.name === "busy"), [{ event: "ADDED", name: "busy", step: "0" }], "no RESYNC for busy while its call runs");
  run.release();
  await until(() => run.seen.some((s) => s.name === "busy" && s.event === "RESYNC"), "busy's resync once its call is done", 10_000);
});

test("a watch stopped for good (a malformed selector) stops its resync too: runWatches settles without a stop", async () => {
  const fn = loaded({ name: "reconcile", watch: { resource: "configmaps", labelSelector: "app in (", resyncSeconds: 1 }, handler() {} });
  const { logger, lines } = captureLogs();
  const stop = new AbortController();
  let settled = false;
  const done = runWatches({ functions: [fn], kube: admin(), logger }, stop.signal).then(() => void (settled = true));
  try {
    await until(() => settled, "runWatches settling by itself", 10_000);
    assert.ok(lines.some((l) => typeof l.msg === "string" && l.msg.includes("it is not started again (fix the definition)")));
    assert.ok(!lines.some((l) => typeof l.msg === "string" && l.msg.startsWith("resync of")));
  } finally {
    stop.abort();
    await done;
  }
});
