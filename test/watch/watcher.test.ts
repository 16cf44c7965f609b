/**
 * Watch triggers on the emulated cluster, as the HTTP workload's generated ServiceAccount (so
 * the list and watch rights the manifests derive from a `watch` are proved enough): existing
 * objects are called for as ADDED, then each change; only the named events call; calls about
 * one object run in order, one at a time; a failing call is logged and the watch goes on; a
 * watch the RBAC refuses is logged and started again; shutdown aborts calls in flight.
 */
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { startCluster, type Cluster } from "../../runtime/testing/index.js";
import { applyObjects } from "../../runtime/testing/apply.js";
import { clusterClients } from "../helpers/cluster-clients.js";
import type { KubeClient, KubeObject } from "../../runtime/kube/api.js";
import { generateManifests } from "../../runtime/deploy/index.js";
import { runWatches, KeyedCallQueue } from "../../runtime/watch/watcher.js";
import type { FunctionDefinition, LoadedFunction, Trigger } from "../../runtime/function.js";
import { captureLogs, loaded, until } from "../schedule/helpers.js";

const NS = "default";
let cluster: Cluster;
let admin: KubeClient;
const clients = clusterClients(() => cluster, NS);
const client = clients.client;

/** The function deployed as the manifests would, run by a watcher as its ServiceAccount. */
async function deployed(fns: LoadedFunction[]) {
  await applyObjects(admin, generateManifests(fns, { namespace: NS }).flatMap((g) => g.objects));
  const kube = await client(await cluster.serviceAccount(NS, "podfn-http"));
  const stop = new AbortController();
  const { logger, lines } = captureLogs();
  const done = runWatches({ functions: fns, kube, logger, restartDelayMs: () => 50 }, stop.signal);
  return { stop, done, lines };
}

const configMap = (name: string, data: Record<string, string> = {}, labels: Record<string, string> = {}) => ({ apiVersion: "v1" as const, kind: "ConfigMap" as const, metadata: { name, labels }, data });

type Seen = { event: string; name: string; data?: unknown };

function recorder(definition: Omit<FunctionDefinition, "handler">, onCall?: (t: Extract<Trigger, { type: "watch" }>) => Promise<void> | void) {
  const seen: Seen[] = [];
  const fn = loaded({
    ...definition,
    async handler({ trigger }) {
      if (trigger.type !== "watch") throw new Error("not a watch call");
      seen.push({ event: trigger.event, name: trigger.object.metadata!.name!, data: (trigger.object as KubeObject & { data?: unknown }).data });
      await onCall?.(trigger);
    },
  });
  return { fn, seen };
}

before(async () => {
  cluster = await startCluster();
  admin = await client();
});

after(async () => {
  await clients.close();
  await cluster.stop();
});

test("existing objects come as ADDED, then each change; the selector and the events filter", async () => {
  await admin.configMaps.create(configMap("before", {}, { watched: "yes" }));
  await admin.configMaps.create(configMap("ignored", {}, { watched: "no" }));
  const { fn, seen } = recorder({ name: "cm-watch", watch: { resource: "configmaps", labelSelector: "watched=yes" } });
  assert.deepEqual(fn.permissions, [{ apiGroups: [""], resources: ["configmaps"], verbs: ["list", "watch"] }]);
  const run = await deployed([fn]);
  await until(() => seen.length >= 1, "the existing object", 10_000);
  assert.deepEqual(seen[0], { event: "ADDED", name: "before", data: {} });
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

test("only the named events call; a failing call is logged and the watch goes on", async () => {
  const { fn, seen } = recorder({ name: "deletes", watch: { resource: "configmaps", events: ["DELETED"], labelSelector: "kind=deletes" } }, (t) => {
    if (t.object.metadata!.name === "boom") throw new Error("handler broke");
  });
  const run = await deployed([fn]);
  await until(() => run.lines.some((l) => String(l.msg).startsWith("watching")), "the first list", 10_000);
  for (const name of ["boom", "fine"]) {
    await admin.configMaps.create(configMap(name, {}, { kind: "deletes" }));
    await admin.configMaps.delete(name);
  }
  await until(() => seen.length >= 2, "two deletions", 10_000);
  assert.deepEqual(seen.map((s) => [s.event, s.name]), [["DELETED", "boom"], ["DELETED", "fine"]]);
  const failed = run.lines.find((l) => l.outcome === "failed");
  assert.ok(failed, "the failure is logged");
  assert.match(String(failed.msg), /watch call failed: the handler failed: handler broke/);
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
  const kube = await client(await cluster.serviceAccount(NS, "podfn-http"));
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

test("KeyedCallQueue: a key waits for its previous call, other keys run alongside, up to the limit", async () => {
  const queue = new KeyedCallQueue(2);
  const started: string[] = [];
  const gates = new Map<string, () => void>();
  const task = (name: string) => () => new Promise<void>((resolve) => {
    started.push(name);
    gates.set(name, resolve);
  });
  await queue.push("x", task("x1"));
  await queue.push("x", task("x2"));
  // Two slots taken (x1 running, x2 queued behind it): a third push waits for one.
  let thirdQueued = false;
  const third = queue.push("y", task("y1")).then(() => void (thirdQueued = true));
  await until(() => started.length === 1, "x1 started");
  assert.deepEqual(started, ["x1"], "x2 waits for x1");
  assert.equal(thirdQueued, false, "no slot for y1 yet");
  gates.get("x1")!();
  await until(() => started.includes("x2"), "x2 after x1");
  await third;
  await until(() => started.includes("y1"), "y1 alongside x2");
  assert.deepEqual([...started].sort(), ["x1", "x2", "y1"]);
  gates.get("x2")!();
  gates.get("y1")!();
  await queue.idle();
});
