/**
 * A watch's `finalizer` on the emulated cluster, run as the HTTP workload's generated
 * ServiceAccount (so the get and patch rights the manifests add for it are proved enough): the
 * finalizer is on every object before its first call; deleting one calls the function with
 * `FINALIZE`, then the finalizer goes and the object with it (its `DELETED` follows); a
 * `FINALIZE` that throws or times out is made again until it succeeds while the object waits,
 * once (a change queued meanwhile makes no second call), and a removal that fails is tried
 * again without calling again; other finalizers are never touched; an object that leaves the
 * selectors is let go; the watch's own writes call nothing, nor stop a failed call's retry.
 */
import { test, before, type TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import assert from "node:assert/strict";
import { clusterForFile } from "../helpers/cluster-clients.js";
import type { KubeClient } from "../../runtime/kube/api.js";
import { KubeNotFoundError } from "../../runtime/kube/errors.js";
import { servingPermissions } from "../../runtime/requirements.js";
import type { FunctionDefinition, LoadedFunction } from "../../runtime/function.js";
import { until } from "../schedule/helpers.js";
import { deployed as deployWatches, watchRecorder, wrappingResourceMethod, type Watched } from "./helpers.js";
import { FakeClock } from "./fake-clock.js";
import { OWN_WRITE_WAIT_MS } from "../../runtime/watch/watcher.js";

const NS = "default";
const FINALIZER = "podfn.example.com/cleanup";
let admin: KubeClient;
const file = clusterForFile(NS);
const { cluster, client } = file;

before(async () => {
  admin = await client();
});

/** A client whose resource clients' patches answer `ms` late: the watch reads their events first. */
function latePatches(kube: KubeClient, ms: number): KubeClient {
  return wrappingResourceMethod(kube, "patch", async (send, args) => {
    const answer = await send(...args);
    await sleep(ms);
    return answer;
  });
}

/** The functions deployed as the manifests would, their watches run as the HTTP ServiceAccount (its patches `patchDelayMs` late). */
const deployed = (t: TestContext, fns: LoadedFunction[], options: { patchDelayMs?: number; retryDelayMs?: number } = {}) =>
  deployWatches(t, file, fns, { ...(options.patchDelayMs !== undefined ? { wrap: (kube: KubeClient) => latePatches(kube, options.patchDelayMs!) } : {}), ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}) });

type Seen = { event: string; name: string; finalizers: string[]; deleting: boolean };

const recorder = (definition: Omit<FunctionDefinition, "handler">, onCall?: (t: Watched) => Promise<void> | void) =>
  watchRecorder<Seen>(definition, (t) => ({ event: t.event, name: t.object.metadata!.name!, finalizers: t.object.metadata!.finalizers ?? [], deleting: t.object.metadata!.deletionTimestamp !== undefined }), onCall);

const configMap = (name: string, labels: Record<string, string>, finalizers?: string[]) => ({ apiVersion: "v1" as const, kind: "ConfigMap" as const, metadata: { name, labels, ...(finalizers ? { finalizers } : {}) } });
const gone = async (name: string) => admin.configMaps.get(name).then(() => false, (e: unknown) => e instanceof KubeNotFoundError);
const events = (seen: Seen[], name: string) => seen.filter((s) => s.name === name).map((s) => s.event);

test("the finalizer is on each object before its first call; a deletion calls FINALIZE, then the object goes and DELETED follows; the watch's own writes call nothing", async (t) => {
  await admin.configMaps.create(configMap("fin-before", { suite: "fin-1" }));
  const { fn, seen } = recorder({ name: "fin-1", watch: { resource: "configmaps", labelSelector: "suite=fin-1", finalizer: FINALIZER } });
  assert.deepEqual(servingPermissions(fn), [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch", "patch"] }]);
  const run = await deployed(t, [fn]);
  await until(() => seen.length >= 1, "the existing object's call", 10_000);
  assert.deepEqual(seen[0], { event: "ADDED", name: "fin-before", finalizers: [FINALIZER], deleting: false });
  assert.deepEqual((await admin.configMaps.get("fin-before")).metadata?.finalizers, [FINALIZER]);
  await admin.configMaps.create(configMap("fin-after", { suite: "fin-1" }));
  await until(() => events(seen, "fin-after").length === 1, "the new object's call", 10_000);
  await admin.configMaps.delete("fin-after");
  await until(() => gone("fin-after"), "the deleted object gone once finalized", 10_000);
  await until(() => events(seen, "fin-after").length === 3, "FINALIZE, then DELETED", 10_000);
  await run.stop();
  assert.deepEqual(
    seen.filter((s) => s.name === "fin-after").map((s) => [s.event, s.finalizers, s.deleting]),
    [
      ["ADDED", [FINALIZER], false],
      ["FINALIZE", [FINALIZER], true],
      ["DELETED", [], true],
    ],
  );
  assert.deepEqual(events(seen, "fin-before"), ["ADDED"], "no MODIFIED call for the finalizer the watch added");
  assert.ok(run.lines.some((l) => l.msg === `added the finalizer ${FINALIZER}` && l.object === "default/fin-after"));
  assert.ok(run.lines.some((l) => l.msg === `removed the finalizer ${FINALIZER}` && l.object === "default/fin-after" && l.event === "FINALIZE"));
});

test("a FINALIZE call that throws is made again until it succeeds, whatever retries says; the object waits for it", async (t) => {
  let failures = 0;
  const { fn, seen } = recorder({ name: "fin-2", watch: { resource: "configmaps", labelSelector: "suite=fin-2", finalizer: FINALIZER, retries: 0 } }, (t) => {
    if (t.event === "FINALIZE" && failures++ < 3) throw new Error(`the backup bucket is not reachable (${failures})`);
  });
  const run = await deployed(t, [fn]);
  await admin.configMaps.create(configMap("fin-flaky", { suite: "fin-2" }));
  await until(() => seen.length === 1, "the ADDED call", 10_000);
  await admin.configMaps.delete("fin-flaky");
  await until(() => gone("fin-flaky"), "the object gone once a FINALIZE call succeeded", 10_000);
  await run.stop();
  assert.deepEqual(events(seen, "fin-flaky").filter((e) => e === "FINALIZE").length, 4);
  const retried = run.lines.filter((l) => String(l.msg).startsWith("watch call failed") && l.event === "FINALIZE");
  assert.equal(retried.length, 3);
  assert.match(String(retried[0]!.msg), /trying again in 20 ms \(retry 1: until it succeeds, the object's deletion waits for it\)$/);
});

test("events without ADDED and MODIFIED: the finalizer is still added (no call), and FINALIZE still calls", async (t) => {
  const { fn, seen } = recorder({ name: "fin-3", watch: { resource: "configmaps", labelSelector: "suite=fin-3", finalizer: FINALIZER, events: ["DELETED"] } });
  const run = await deployed(t, [fn]);
  await admin.configMaps.create(configMap("fin-quiet", { suite: "fin-3" }));
  await until(async () => (await admin.configMaps.get("fin-quiet")).metadata?.finalizers?.includes(FINALIZER) ?? false, "the finalizer added", 10_000);
  assert.deepEqual(seen, []);
  await admin.configMaps.delete("fin-quiet");
  await until(() => seen.length === 2, "FINALIZE and DELETED", 10_000);
  await run.stop();
  assert.deepEqual(events(seen, "fin-quiet"), ["FINALIZE", "DELETED"]);
});

test("another finalizer is left as it is: after FINALIZE the object waits for it, and the removal's MODIFIED calls nothing", async (t) => {
  const other = "other.example.com/keep";
  const { fn, seen } = recorder({ name: "fin-4", watch: { resource: "configmaps", labelSelector: "suite=fin-4", finalizer: FINALIZER } });
  const run = await deployed(t, [fn]);
  await admin.configMaps.create(configMap("fin-shared", { suite: "fin-4" }, [other]));
  await until(() => seen.length === 1, "the ADDED call", 10_000);
  assert.deepEqual(seen[0]!.finalizers, [other, FINALIZER], "added after the finalizers already there");
  await admin.configMaps.delete("fin-shared");
  await until(async () => JSON.stringify((await admin.configMaps.get("fin-shared")).metadata?.finalizers) === JSON.stringify([other]), "only the other finalizer left", 10_000);
  assert.deepEqual(events(seen, "fin-shared"), ["ADDED", "FINALIZE"]);
  const stuck = await admin.configMaps.get("fin-shared");
  await admin.configMaps.patch("fin-shared", { metadata: { finalizers: [], resourceVersion: stuck.metadata!.resourceVersion } });
  await until(() => events(seen, "fin-shared").length === 3, "DELETED", 10_000);
  await run.stop();
  assert.deepEqual(events(seen, "fin-shared"), ["ADDED", "FINALIZE", "DELETED"]);
});

for (const patchDelayMs of [undefined, 200]) {
  const order = patchDelayMs === undefined ? "" : " (its event read before the write's answer)";
  test(`a first call that throws after the finalizer was added is retried as it was, not replaced by the finalizer's own change${order}`, async (t) => {
    let failures = 0;
    const suite = `fin-5${patchDelayMs === undefined ? "" : "b"}`;
    const { fn, seen } = recorder({ name: suite, watch: { resource: "configmaps", labelSelector: `suite=${suite}`, finalizer: FINALIZER } }, () => {
      if (failures++ === 0) throw new Error("not yet");
    });
    const run = await deployed(t, [fn], { patchDelayMs });
    await admin.configMaps.create(configMap(`${suite}-retried`, { suite }));
    await until(() => seen.length === 2, "the retry", 10_000);
    // A MODIFIED call would come within this (the watch reads on); there must be none.
    await sleep(300);
    await run.stop();
    assert.deepEqual(seen.map((s) => [s.event, s.finalizers]), [["ADDED", [FINALIZER]], ["ADDED", [FINALIZER]]]);
  });
}

test("a first call that throws is retried even when the finalizer's write is answered after the watch stopped waiting for it (its event, queued to be judged later, is no newer change)", async (t) => {
  const clock = new FakeClock();
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  let failures = 0;
  const { fn, seen } = recorder({ name: "fin-5c", watch: { resource: "configmaps", labelSelector: "suite=fin-5c", finalizer: FINALIZER, retries: 3 } }, () => {
    if (failures++ === 0) throw new Error("not yet");
  });
  // The finalizer's patch is applied at once; its answer comes when the test says.
  const wrap = (kube: KubeClient) =>
    wrappingResourceMethod(kube, "patch", async (send, args) => {
      const out = await send(...args);
      await answered;
      return out;
    });
  const run = await deployWatches(t, file, [fn], { wrap, clock });
  await admin.configMaps.create(configMap("fin-5c-retried", { suite: "fin-5c" }));
  await until(() => clock.timers.some((timer) => timer.ms === OWN_WRITE_WAIT_MS), "the finalizer's event waiting for the write's answer", 10_000);
  clock.advance(OWN_WRITE_WAIT_MS);
  await until(() => run.lines.some((l) => String(l.msg).startsWith("the watch's own write was not answered")), "its event queued to be judged in its turn", 10_000);
  answer();
  await until(() => seen.length === 2, "the retry", 10_000);
  await run.stop();
  assert.deepEqual(seen.map((s) => [s.event, s.finalizers]), [["ADDED", [FINALIZER]], ["ADDED", [FINALIZER]]]);
  assert.ok(!run.lines.some((l) => String(l.msg).includes("a newer change of the object is queued")));
});

test("a change while FINALIZE runs makes no second FINALIZE; a FINALIZE that times out is made again", async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let finalizeCalls = 0;
  const { fn, seen } = recorder({ name: "fin-6", timeoutMs: 1000, watch: { resource: "configmaps", labelSelector: "suite=fin-6", finalizer: FINALIZER } }, async (t) => {
    if (t.event !== "FINALIZE") return;
    finalizeCalls++;
    if (t.object.metadata!.name === "fin-busy" && finalizeCalls === 1) await gate;
    // The first call for fin-slow outlives its timeout (ignoring its signal): it is made again.
    if (t.object.metadata!.name === "fin-slow" && seen.filter((s) => s.name === "fin-slow" && s.event === "FINALIZE").length === 1) await sleep(2000);
  });
  const run = await deployed(t, [fn]);
  await admin.configMaps.create(configMap("fin-busy", { suite: "fin-6" }, ["other.example.com/keep"]));
  await until(() => events(seen, "fin-busy").length === 1, "the ADDED call", 10_000);
  await admin.configMaps.delete("fin-busy");
  await until(() => events(seen, "fin-busy").includes("FINALIZE"), "FINALIZE running", 10_000);
  const busy = await admin.configMaps.get("fin-busy");
  await admin.configMaps.patch("fin-busy", { metadata: { labels: { suite: "fin-6", touched: "yes" }, resourceVersion: busy.metadata!.resourceVersion } });
  await sleep(100);
  release();
  await until(async () => !(await admin.configMaps.get("fin-busy")).metadata?.finalizers?.includes(FINALIZER), "ours removed", 10_000);
  await admin.configMaps.create(configMap("fin-slow", { suite: "fin-6" }));
  await until(() => events(seen, "fin-slow").length === 1, "the ADDED call", 10_000);
  await admin.configMaps.delete("fin-slow");
  await until(() => gone("fin-slow"), "the object gone after the FINALIZE that timed out was made again", 10_000);
  await run.stop();
  assert.deepEqual(events(seen, "fin-busy"), ["ADDED", "FINALIZE"], "the change made meanwhile (queued as a FINALIZE) finds the finalizer gone: no second call");
  assert.deepEqual(events(seen, "fin-slow"), ["ADDED", "FINALIZE", "FINALIZE", "DELETED"]);
  assert.ok(run.lines.some((l) => l.object === "default/fin-slow" && String(l.msg).startsWith("watch call timed out") && String(l.msg).includes("until it succeeds")));
});

test("a removal that fails is tried again without calling the function again", async (t) => {
  const { fn, seen } = recorder({ name: "fin-7", watch: { resource: "configmaps", labelSelector: "suite=fin-7", finalizer: FINALIZER } });
  const run = await deployed(t, [fn]);
  await admin.configMaps.create(configMap("fin-stuck", { suite: "fin-7" }));
  await until(() => seen.length === 1, "the ADDED call", 10_000);
  const removeFault = cluster().inject({ match: { verb: "patch", resource: "configmaps", name: "fin-stuck", user: "system:serviceaccount:default:podfn-http" }, status: 500, times: 2 });
  t.after(removeFault);
  await admin.configMaps.delete("fin-stuck");
  await until(() => gone("fin-stuck"), "the object gone once the removal went through", 10_000);
  await run.stop();
  assert.deepEqual(events(seen, "fin-stuck"), ["ADDED", "FINALIZE", "DELETED"]);
  assert.equal(run.lines.filter((l) => String(l.msg).startsWith(`could not remove the finalizer ${FINALIZER}`)).length, 2);
});

test("an object that leaves the selectors is let go: its finalizer released, a later deletion does not wait", async (t) => {
  const { fn, seen } = recorder({ name: "fin-8", watch: { resource: "configmaps", labelSelector: "suite=fin-8", finalizer: FINALIZER } });
  const run = await deployed(t, [fn]);
  await admin.configMaps.create(configMap("fin-moved", { suite: "fin-8" }));
  await until(() => seen.length === 1, "the ADDED call", 10_000);
  const moved = await admin.configMaps.get("fin-moved");
  await admin.configMaps.patch("fin-moved", { metadata: { labels: { suite: "elsewhere" }, resourceVersion: moved.metadata!.resourceVersion } });
  await until(async () => !(await admin.configMaps.get("fin-moved")).metadata?.finalizers?.includes(FINALIZER), "the finalizer released", 10_000);
  await admin.configMaps.delete("fin-moved");
  assert.equal(await gone("fin-moved"), true, "deleted at once");
  await run.stop();
  assert.deepEqual(events(seen, "fin-moved"), ["ADDED", "DELETED"]);
  assert.ok(run.lines.some((l) => l.msg === `released the finalizer ${FINALIZER}: the object left the watch's selectors`));
});

test("a release that fails is tried again on its own; a resync is not swallowed by the watch's own writes", async (t) => {
  const { fn, seen } = recorder({ name: "fin-9", watch: { resource: "configmaps", labelSelector: "suite=fin-9", finalizer: FINALIZER, events: ["ADDED"], resyncSeconds: 1 } });
  const run = await deployed(t, [fn], { patchDelayMs: 100 });
  await admin.configMaps.create(configMap("fin-kept", { suite: "fin-9" }));
  await admin.configMaps.create(configMap("fin-left", { suite: "fin-9" }));
  await until(() => events(seen, "fin-kept").includes("RESYNC"), "a RESYNC call after the finalizer was added", 10_000);
  const releaseFault = cluster().inject({ match: { verb: "patch", resource: "configmaps", name: "fin-left", user: "system:serviceaccount:default:podfn-http" }, status: 500, times: 1 });
  t.after(releaseFault);
  const left = await admin.configMaps.get("fin-left");
  await admin.configMaps.patch("fin-left", { metadata: { labels: { suite: "elsewhere" }, resourceVersion: left.metadata!.resourceVersion } });
  await until(async () => !(await admin.configMaps.get("fin-left")).metadata?.finalizers?.includes(FINALIZER), "the finalizer released after a failed try", 10_000);
  await run.stop();
  assert.ok(run.lines.some((l) => String(l.msg).startsWith(`could not release the finalizer ${FINALIZER}`) && l.object === "default/fin-left"));
});

test("an object being deleted that leaves the selectors is still finalized; a removal that keeps failing holds no slot", async (t) => {
  let fail = true;
  const { fn, seen } = recorder({ name: "fin-10", watch: { resource: "configmaps", labelSelector: "suite=fin-10", finalizer: FINALIZER, concurrency: 1 } }, (call) => {
    if (call.event === "FINALIZE" && call.object.metadata!.name === "fin-leaving" && fail) throw new Error("the bucket is down");
  });
  const run = await deployed(t, [fn], { retryDelayMs: 200 });
  await admin.configMaps.create(configMap("fin-leaving", { suite: "fin-10" }));
  await until(() => seen.length === 1, "the ADDED call", 10_000);
  await admin.configMaps.delete("fin-leaving");
  await until(() => events(seen, "fin-leaving").includes("FINALIZE"), "a failing FINALIZE", 10_000);
  const leaving = await admin.configMaps.get("fin-leaving");
  await admin.configMaps.patch("fin-leaving", { metadata: { labels: { suite: "elsewhere" }, resourceVersion: leaving.metadata!.resourceVersion } });
  fail = false;
  await until(() => gone("fin-leaving"), "finalized although it left the selectors", 10_000);
  assert.deepEqual(events(seen, "fin-leaving").filter((e) => e !== "FINALIZE"), ["ADDED", "DELETED"]);
  // A removal failing for a while pauses without its slot: with concurrency 1, another object is still served.
  await admin.configMaps.create(configMap("fin-slow-removal", { suite: "fin-10" }));
  await until(() => events(seen, "fin-slow-removal").length === 1, "the ADDED call", 10_000);
  const removalFault = cluster().inject({ match: { verb: "patch", resource: "configmaps", name: "fin-slow-removal", user: "system:serviceaccount:default:podfn-http" }, status: 500 });
  t.after(removalFault);
  await admin.configMaps.delete("fin-slow-removal");
  await until(() => run.lines.some((l) => String(l.msg).startsWith(`could not remove the finalizer ${FINALIZER}`)), "a failed removal", 10_000);
  await admin.configMaps.create(configMap("fin-other", { suite: "fin-10" }));
  await until(() => events(seen, "fin-other").length === 1, "another object's call while the removal keeps failing", 10_000);
  removalFault();
  await until(() => gone("fin-slow-removal"), "removed once the patches go through", 10_000);
  await run.stop();
});

test("an object that leaves the selectors and comes back while its calls are busy keeps the finalizer", async (t) => {
  let slow = true;
  const { fn, seen } = recorder({ name: "fin-11", watch: { resource: "configmaps", labelSelector: "suite=fin-11", finalizer: FINALIZER } }, async () => {
    if (!slow) return;
    slow = false;
    await sleep(800);
  });
  const run = await deployed(t, [fn]);
  await admin.configMaps.create(configMap("fin-flap", { suite: "fin-11" }));
  await until(() => seen.length === 1, "the (slow) ADDED call", 10_000);
  for (const suite of ["elsewhere", "fin-11"]) {
    const now = await admin.configMaps.get("fin-flap");
    await admin.configMaps.patch("fin-flap", { metadata: { labels: { suite }, resourceVersion: now.metadata!.resourceVersion } });
  }
  await until(() => seen.length === 3, "DELETED and ADDED once the slow call ended", 10_000);
  assert.deepEqual((await admin.configMaps.get("fin-flap")).metadata?.finalizers, [FINALIZER], "the release queued while it was away is not made");
  await admin.configMaps.delete("fin-flap");
  await until(() => gone("fin-flap"), "gone once finalized", 10_000);
  await run.stop();
  assert.deepEqual(events(seen, "fin-flap"), ["ADDED", "DELETED", "ADDED", "FINALIZE", "DELETED"]);
});

test("a failed call's retry is made when the object leaves the selectors meanwhile and events leaves DELETED out: the finalizer's release is no newer change", async (t) => {
  let tries = 0;
  const { fn, seen } = recorder({ name: "fin-12", watch: { resource: "configmaps", labelSelector: "suite=fin-12", finalizer: FINALIZER, events: ["ADDED", "MODIFIED"] } }, (call) => {
    if (call.event === "MODIFIED" && tries++ === 0) throw new Error("the first try fails");
  });
  const run = await deployed(t, [fn], { retryDelayMs: 1500 });
  await admin.configMaps.create(configMap("fin-retried", { suite: "fin-12" }));
  await until(() => seen.length === 1, "the ADDED call", 10_000);
  await admin.configMaps.patch("fin-retried", { data: { step: "1" } });
  await until(() => events(seen, "fin-retried").includes("MODIFIED"), "the MODIFIED call that fails", 10_000);
  const now = await admin.configMaps.get("fin-retried");
  await admin.configMaps.patch("fin-retried", { metadata: { labels: { suite: "elsewhere" }, resourceVersion: now.metadata!.resourceVersion } });
  await until(async () => !(await admin.configMaps.get("fin-retried")).metadata?.finalizers?.includes(FINALIZER), "the finalizer released", 10_000);
  await until(() => events(seen, "fin-retried").length === 3, "the MODIFIED call's retry", 5_000).catch(() => undefined);
  await run.stop();
  assert.deepEqual(events(seen, "fin-retried"), ["ADDED", "MODIFIED", "MODIFIED"]);
  assert.ok(!run.lines.some((l) => l.msg === "watch call not made again: a newer change of the object is queued"));
});
