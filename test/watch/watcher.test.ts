/**
 * Watch triggers on the emulated cluster, as the HTTP workload's generated ServiceAccount (so
 * the list and watch rights the manifests derive from a `watch` are proved enough): existing
 * objects are called for as ADDED, then each change; only the named events call; calls about
 * one object run in order, one at a time; a failing call is logged and the watch goes on; a
 * watch the RBAC refuses is logged and started again; shutdown aborts calls in flight.
 */
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { applyObjects } from "../../runtime/testing/apply.js";
import { clusterForFile } from "../helpers/cluster-clients.js";
import type { KubeClient, KubeObject } from "../../runtime/kube/api.js";
import { generateManifests } from "../../runtime/deploy/index.js";
import { runWatches } from "../../runtime/watch/watcher.js";
import { KeyedCallQueue } from "../../runtime/watch/keyed-queue.js";
import { servingPermissions } from "../../runtime/requirements.js";
import { WatchCallMetrics } from "../../runtime/metrics.js";
import { KubeConnectionError } from "../../runtime/kube/errors.js";
import type { FunctionDefinition, LoadedFunction } from "../../runtime/function.js";
import { captureLogs, loaded, until } from "../schedule/helpers.js";
import { watchRecorder, type Watched } from "./helpers.js";

const NS = "default";
let admin: KubeClient;
const { cluster, client } = clusterForFile(NS);

/** The function deployed as the manifests would, run by a watcher as its ServiceAccount. */
async function deployed(fns: LoadedFunction[]) {
  await applyObjects(admin, generateManifests(fns, { namespace: NS }).flatMap((g) => g.objects));
  const kube = await client(await cluster().serviceAccount(NS, "podfn-http"));
  const stop = new AbortController();
  const { logger, lines } = captureLogs();
  const metrics = new WatchCallMetrics();
  const done = runWatches({ functions: fns, kube, logger, restartDelayMs: () => 50, metrics }, stop.signal);
  return { stop, done, lines, metrics };
}

/** The lines of a WatchCallMetrics' exposition. */
function exposition(metrics: WatchCallMetrics): string[] {
  const out: string[] = [];
  metrics.render(out);
  return out;
}

const configMap = (name: string, data: Record<string, string> = {}, labels: Record<string, string> = {}) => ({ apiVersion: "v1" as const, kind: "ConfigMap" as const, metadata: { name, labels }, data });

type Seen = { event: string; name: string; data?: unknown };

const recorder = (definition: Omit<FunctionDefinition, "handler">, onCall?: (t: Watched) => Promise<void> | void) =>
  watchRecorder<Seen>(definition, (t) => ({ event: t.event, name: t.object.metadata!.name!, data: (t.object as KubeObject & { data?: unknown }).data }), onCall);

before(async () => {
  admin = await client();
});

test("existing objects come as ADDED, then each change; the selector and the events filter", async () => {
  await admin.configMaps.create(configMap("before", {}, { watched: "yes" }));
  await admin.configMaps.create(configMap("ignored", {}, { watched: "no" }));
  const { fn, seen } = recorder({ name: "cm-watch", watch: { resource: "configmaps", labelSelector: "watched=yes" } });
  assert.deepEqual(servingPermissions(fn), [{ apiGroups: [""], resources: ["configmaps"], verbs: ["list", "watch"] }]);
  const run = await deployed([fn]);
  await until(() => seen.length >= 1, "the existing object", 10_000);
  // Created with data: {}, which ConfigMap's omitempty drops (as the real server does).
  assert.deepEqual(seen[0], { event: "ADDED", name: "before", data: undefined });
  await admin.configMaps.create(configMap("after", { a: "1" }, { watched: "yes" }));
  await admin.configMaps.patch("after", { data: { a: "2" } });
  await admin.configMaps.delete("after");
  await admin.configMaps.create(configMap("other", {}, { watched: "no" }));
  await until(() => seen.length >= 4, "three changes", 10_000);
  assert.deepEqual(seen.slice(1).map((s) => [s.event, s.name, s.data]), [["ADDED", "after", { a: "1" }], ["MODIFIED", "after", { a: "2" }], ["DELETED", "after", { a: "2" }]]);
  run.stop.abort();
  await run.done;
  assert.ok(run.lines.some((l) => l.msg === "watch call succeeded" && l.event === "MODIFIED" && l.object === "default/after"), "a line per call");
});

test("listed objects reach the handler with their kind and apiVersion, as streamed ones do", async () => {
  await admin.configMaps.create(configMap("typed-before", {}, { typed: "yes" }));
  const kinds: string[] = [];
  const { fn } = watchRecorder<string>({ name: "typed", watch: { resource: "configmaps", labelSelector: "typed=yes" } }, (t) => `${t.event} ${t.object.apiVersion} ${t.object.kind}`, (t) => {
    kinds.push(`${t.event} ${t.object.apiVersion} ${t.object.kind}`);
  });
  const run = await deployed([fn]);
  await until(() => kinds.length >= 1, "the listed object", 10_000);
  await admin.configMaps.create(configMap("typed-after", {}, { typed: "yes" }));
  await until(() => kinds.length >= 2, "the streamed one", 10_000);
  assert.deepEqual(kinds, ["ADDED v1 ConfigMap", "ADDED v1 ConfigMap"]);
  run.stop.abort();
  await run.done;
});

test("only the named events call; a failing call is logged and the watch goes on", async () => {
  const { fn, seen } = recorder({ name: "deletes", watch: { resource: "configmaps", events: ["DELETED"], labelSelector: "kind=deletes", retries: 0 } }, (t) => {
    if (t.object.metadata!.name === "boom") throw new Error("handler broke");
    if (t.object.metadata!.name === "down") throw new KubeConnectionError("GET https://10.0.0.1/api/v1/pods: ECONNREFUSED");
  });
  const run = await deployed([fn]);
  await until(() => run.lines.some((l) => String(l.msg).startsWith("watching")), "the first list", 10_000);
  for (const name of ["boom", "down", "fine"]) {
    await admin.configMaps.create(configMap(name, {}, { kind: "deletes" }));
    await admin.configMaps.delete(name);
  }
  await until(() => seen.length >= 3, "three deletions", 10_000);
  assert.deepEqual(seen.map((s) => [s.event, s.name]), [["DELETED", "boom"], ["DELETED", "down"], ["DELETED", "fine"]]);
  const failed = run.lines.find((l) => l.outcome === "failed");
  assert.ok(failed, "the failure is logged");
  assert.match(String(failed.msg), /watch call failed: the handler failed: handler broke/);
  assert.ok(run.lines.some((l) => l.outcome === "kube unavailable" && l.object === "default/down"), "the API server's absence is logged as such");
  // And counted, by event and outcome (the API server's absence as its own, not as an error), with the durations of all.
  const lines = exposition(run.metrics);
  assert.ok(lines.includes('podfn_watch_calls_total{function="deletes",watch="configmaps",event="DELETED",outcome="error"} 1'), lines.join("\n"));
  assert.ok(lines.includes('podfn_watch_calls_total{function="deletes",watch="configmaps",event="DELETED",outcome="unavailable"} 1'), lines.join("\n"));
  assert.ok(lines.includes('podfn_watch_calls_total{function="deletes",watch="configmaps",event="DELETED",outcome="success"} 1'), lines.join("\n"));
  assert.ok(lines.includes('podfn_watch_call_duration_seconds_count{function="deletes",watch="configmaps"} 3'), lines.join("\n"));
  run.stop.abort();
  await run.done;
});

test("calls about one object run one at a time, in order; others run alongside", async () => {
  let running = 0;
  let most = 0;
  const perObject = new Map<string, number>();
  const { fn, seen } = recorder({ name: "ordered", watch: { resource: "configmaps", labelSelector: "kind=ordered", concurrency: 3 } }, async (t) => {
    const name = t.object.metadata!.name!;
    running++;
    most = Math.max(most, running);
    perObject.set(name, (perObject.get(name) ?? 0) + 1);
    assert.equal(perObject.get(name), 1, `two calls at once about ${name}`);
    await new Promise((r) => setTimeout(r, 30));
    perObject.set(name, perObject.get(name)! - 1);
    running--;
  });
  const run = await deployed([fn]);
  await until(() => run.lines.some((l) => String(l.msg).startsWith("watching")), "the first list", 10_000);
  for (const name of ["a", "b", "c"]) await admin.configMaps.create(configMap(name, { v: "0" }, { kind: "ordered" }));
  for (let v = 1; v <= 3; v++) for (const name of ["a", "b", "c"]) await admin.configMaps.patch(name, { data: { v: String(v) } });
  await until(() => seen.length >= 12, "twelve calls", 10_000);
  for (const name of ["a", "b", "c"]) {
    assert.deepEqual(seen.filter((s) => s.name === name).map((s) => (s.data as { v: string }).v), ["0", "1", "2", "3"], `${name} in order`);
  }
  assert.ok(most <= 3, `at most 3 at once (saw ${most})`);
  run.stop.abort();
  await run.done;
});

test("a watch its RBAC refuses is logged and started again; shutdown aborts the call in flight", async () => {
  // Watching secrets the ServiceAccount may not list: the grant is taken away after deploying.
  const { fn } = recorder({ name: "refused", watch: { resource: "secrets" } });
  const manifests = generateManifests([fn], { namespace: NS }).flatMap((g) => g.objects).filter((o) => o.kind !== "Role" && o.kind !== "RoleBinding");
  await applyObjects(admin, manifests);
  const kube = await client(await cluster().serviceAccount(NS, "podfn-http"));
  const stop = new AbortController();
  const { logger, lines } = captureLogs();
  const done = runWatches({ functions: [fn], kube, logger, restartDelayMs: () => 20 }, stop.signal);
  await until(() => lines.filter((l) => String(l.msg).includes("the watch of secrets for refused failed")).length >= 2, "two failed starts", 10_000);
  stop.abort();
  await done;

  let started = false;
  let aborted = false;
  const slowFn = loaded({
    name: "slow",
    watch: { resource: "configmaps", labelSelector: "kind=slow" },
    async handler({ signal }) {
      started = true;
      await new Promise<void>((_, reject) => signal.addEventListener("abort", () => ((aborted = true), reject(signal.reason)), { once: true }));
    },
  });
  const run = await deployed([slowFn]);
  await admin.configMaps.create(configMap("slow", {}, { kind: "slow" }));
  await until(() => started, "the call started", 10_000);
  run.stop.abort();
  await run.done;
  assert.ok(aborted, "the call in flight was aborted");
  assert.ok(run.lines.some((l) => l.outcome === "aborted"), "and logged as aborted");
});

test("a watch the server can never serve (a malformed selector) is logged once and stopped; a cluster-scoped object is named without a namespace", async () => {
  const broken = recorder({ name: "broken", watch: { resource: "configmaps", labelSelector: "a==b,," } });
  const namespaces = recorder({ name: "nss", watch: { resource: "namespaces", events: ["ADDED"] } });
  const stopped: boolean[] = [];
  await applyObjects(admin, generateManifests([broken.fn, namespaces.fn], { namespace: NS }).flatMap((g) => g.objects));
  const kube = await client(await cluster().serviceAccount(NS, "podfn-http"));
  const stop = new AbortController();
  const { logger, lines } = captureLogs();
  const done = runWatches({ functions: [broken.fn, namespaces.fn], kube, logger, restartDelayMs: () => 20, onFailure: (_f, _w, _e, gaveUp) => void stopped.push(gaveUp) }, stop.signal);
  await until(() => namespaces.seen.length > 0 && stopped.length > 0, "the namespaces listed and the broken watch stopped", 10_000);
  const failed = lines.filter((l) => String(l.msg).startsWith("the watch of configmaps for broken failed"));
  assert.equal(failed.length, 1, "logged once, not retried");
  assert.match(String(failed[0]!.msg), /\(HTTP 400\); it is not started again \(fix the definition\)$/);
  assert.deepEqual(stopped, [true]);
  assert.ok(namespaces.seen.some((s) => s.name === "default"));
  assert.ok(lines.some((l) => l.msg === "watch call succeeded" && l.object === "default"), "a namespace is named as kubectl names it");
  stop.abort();
  await done;
});

test("a type the cluster does not serve (404) says so, and is tried again", async () => {
  const widgets = recorder({ name: "widgets", watch: { resource: { group: "example.com", version: "v1", resource: "widgets", namespaced: true } } });
  const stop = new AbortController();
  const { logger, lines } = captureLogs();
  const done = runWatches({ functions: [widgets.fn], kube: admin, logger, restartDelayMs: () => 20 }, stop.signal);
  await until(() => lines.filter((l) => String(l.msg).includes("the watch of widgets.example.com for widgets failed")).length >= 2, "two tries", 10_000);
  const line = lines.find((l) => String(l.msg).includes("failed"))!;
  assert.match(String(line.msg), /\(is widgets\.example\.com\/v1 served by this cluster\? a custom resource needs its CRD installed\); starting it again/);
  assert.equal(line.status, 404);
  assert.equal(line.err, undefined, "no stack for the API server's answer");
  stop.abort();
  await done;
});

test("KeyedCallQueue: a key's calls one at a time, others alongside up to the limit; a call waiting for its key holds no slot", async () => {
  const queue = new KeyedCallQueue(2);
  const started: string[] = [];
  const gates = new Map<string, () => void>();
  const task = (name: string) => () =>
    new Promise<void>((resolve) => {
      started.push(name);
      gates.set(name, resolve);
    });
  await queue.push("x", task("x1"));
  await queue.push("x", task("x2")); // waits for x1, without a slot
  await queue.push("y", task("y1")); // the second slot
  await queue.push("z", task("z1")); // no slot free: waits
  await until(() => started.length === 2, "x1 and y1 running");
  assert.deepEqual(started, ["x1", "y1"]);
  gates.get("x1")!();
  await until(() => started.length === 3, "x1's slot taken by the first waiting for one");
  assert.deepEqual(started, ["x1", "y1", "z1"]);
  gates.get("y1")!();
  await until(() => started.length === 4, "x2 once a slot is free");
  assert.deepEqual(started, ["x1", "y1", "z1", "x2"]);
  gates.get("z1")!();
  gates.get("x2")!();
  await queue.idle();
});

test("KeyedCallQueue: push waits while the queue is full; a failing call does not stop its key", async () => {
  const queue = new KeyedCallQueue(1, 2);
  const ran: string[] = [];
  let release!: () => void;
  await queue.push("a", () => new Promise<void>((resolve) => (release = resolve)));
  await queue.push("a", () => Promise.reject(new Error("boom")));
  let third = false;
  const pushing = queue.push("a", async () => void ran.push("after the failure")).then(() => void (third = true));
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(third, false, "two queued: the third push waits");
  release();
  await pushing;
  await queue.idle();
  assert.deepEqual(ran, ["after the failure"]);
});
