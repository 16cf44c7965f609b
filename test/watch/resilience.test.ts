/**
 * A watch under trouble: a list that works before a refused watch request restarts after
 * growing pauses and resumes from what it saw (the objects are not called for again); a
 * leadership lost and won back starts its watches only once the previous term's calls have
 * settled, so calls about one object never overlap.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyObjects } from "../../runtime/testing/apply.js";
import { generateManifests } from "../../runtime/deploy/index.js";
import { runSchedules } from "../../runtime/schedule/run-schedules.js";
import { schedulerLeaseName } from "../../runtime/schedule/lease.js";
import { runWatches } from "../../runtime/watch/watcher.js";
import { clusterForFile } from "../helpers/cluster-clients.js";
import { captureLogs, loaded, until } from "../schedule/helpers.js";
import { deployWithWatchVerbs, handLeaseToAnother } from "./helpers.js";

const NS = "default";
const { cluster, client } = clusterForFile(NS);

test("list allowed, watch refused: the pauses grow and the listed objects are not called for again", async () => {
  const admin = await client();
  // Created z then a: the list names a (the newer) first, so its last item is not its newest.
  await admin.configMaps.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "z", labels: { spin: "yes" } } });
  await admin.configMaps.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", labels: { spin: "yes" } } });
  let calls = 0;
  const fn = loaded({ name: "spin", watch: { resource: "configmaps", labelSelector: "spin=yes" }, handler: () => void calls++ });
  // The generated Role, with `watch` taken away from the configmaps rule.
  const { kube } = await deployWithWatchVerbs({ cluster, client }, fn, ["list"], NS);
  const pauses: number[] = [];
  const stop = new AbortController();
  const { logger } = captureLogs();
  const done = runWatches({ functions: [fn], kube, logger, restartDelayMs: (n) => (pauses.push(n), 5) }, stop.signal);
  await until(() => pauses.length >= 4, "four restarts", 10_000);
  stop.abort();
  await done;
  assert.deepEqual(pauses.slice(0, 4), [1, 2, 3, 4], "each failure in a row pauses longer");
  assert.equal(calls, 2, "each object was called for once, by the first list");
});

test("a watch refused then allowed resumes from its list's version: nothing listed is called for again", async () => {
  const admin = await client();
  // Created y then b: the list names b (the newer) first, so its last item is not its newest.
  await admin.configMaps.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "y", labels: { resume: "yes" } } });
  await admin.configMaps.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b", labels: { resume: "yes" } } });
  const seen: string[] = [];
  const fn = loaded({ name: "resume", watch: { resource: "configmaps", labelSelector: "resume=yes" }, handler: ({ trigger }) => void (trigger.type === "watch" && seen.push(`${trigger.event} ${trigger.object.metadata!.name}`)) });
  const { kube, setVerbs } = await deployWithWatchVerbs({ cluster, client }, fn, ["list"], NS);
  let failures = 0;
  const stop = new AbortController();
  const { logger } = captureLogs();
  const done = runWatches({ functions: [fn], kube, logger, restartDelayMs: () => 5, onFailure: () => void failures++ }, stop.signal);
  await until(() => failures >= 1, "the refused watch", 10_000);
  await setVerbs(["list", "watch"]);
  await admin.configMaps.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", labels: { resume: "yes" } } });
  await until(() => seen.includes("ADDED c"), "the change after the watch was allowed", 10_000);
  stop.abort();
  await done;
  assert.deepEqual(seen, ["ADDED b", "ADDED y", "ADDED c"]);
});

test("a leadership lost and won back waits for the previous term's calls", async () => {
  const admin = await client();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let calls = 0;
  let running = 0;
  let most = 0;
  const fn = loaded({
    name: "on-config",
    watch: { resource: "configmaps", labelSelector: "handover=yes" },
    async handler({ trigger }) {
      if (trigger.type !== "watch") return;
      calls++;
      running++;
      most = Math.max(most, running);
      // Slow work that does not look at the signal (a computation, a call without it).
      if (calls === 1) await gate;
      running--;
    },
  });
  await applyObjects(admin, generateManifests([fn], { namespace: NS }).flatMap((g) => g.objects));
  const kube = await client(await cluster().serviceAccount(NS, "podfn-http"));
  const stop = new AbortController();
  const { logger, lines } = captureLogs();
  const leaseName = schedulerLeaseName("podfn");
  const done = runSchedules(
    {
      functions: [fn],
      kube,
      logger,
      alongside: (active) => runWatches({ functions: [fn], kube, logger }, active),
      leaderElection: { leaseName, identity: "pod-a", leaseDurationSeconds: 1, retryPeriodMs: 50, renewDeadlineMs: 400 },
    },
    stop.signal,
  );
  try {
    await admin.configMaps.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "one", labels: { "handover": "yes" } } });
    await until(() => calls === 1, "the first call", 10_000);
    // Another candidate holds the Lease for a moment: this one loses it, then wins it back.
    await handLeaseToAnother(admin, leaseName);
    const became = () => lines.filter((l) => l.msg === "became the leader").length;
    await until(() => became() === 2, "leading again", 10_000);
    release();
    await until(() => calls === 2, "the new term's call", 10_000);
  } finally {
    release();
    stop.abort();
    await done;
  }
  assert.equal(most, 1, "never two calls about one object at once");
  const firstCallEnded = lines.findIndex((l) => l.msg === "watch call succeeded" || String(l.msg).startsWith("watch call aborted"));
  const secondTermListed = lines.findIndex((l, i) => i > lines.findIndex((m) => m.msg === "lost the leader lease") && String(l.msg).startsWith("watching configmaps"));
  assert.ok(firstCallEnded >= 0 && secondTermListed > firstCallEnded, "the second term listed after the first term's call ended");
});
