/**
 * A watch call's `requeueAfter` timer ends with the leadership that set it: the replica that
 * loses the scheduler Lease cancels it (no REQUEUE call from a former leader), and when it leads
 * again its new term lists every object and sets the timers its calls ask anew. Wired as `podfn
 * serve` wires watches (`runSchedules` with the watches alongside), under the generated RBAC,
 * the timers on a fake clock.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyObjects } from "../../runtime/testing/apply.js";
import { generateManifests } from "../../runtime/deploy/index.js";
import { requeueAfter } from "../../runtime/function.js";
import { runSchedules } from "../../runtime/schedule/run-schedules.js";
import { schedulerLeaseName } from "../../runtime/schedule/lease.js";
import { runWatches } from "../../runtime/watch/watcher.js";
import { clusterForFile } from "../helpers/cluster-clients.js";
import { captureLogs, loaded, until } from "../schedule/helpers.js";
import { FakeClock } from "./fake-clock.js";
import { handLeaseToAnother } from "./helpers.js";

const NS = "default";
const { cluster, client } = clusterForFile(NS);

test("losing the Lease cancels the requeue timers its term set: no REQUEUE call; the next term sets its own", async () => {
  const admin = await client();
  const calls: string[] = [];
  const fn = loaded({
    name: "requeue-leader",
    watch: { resource: "configmaps", labelSelector: "requeue-leader=yes" },
    handler({ trigger }) {
      if (trigger.type !== "watch") return;
      calls.push(trigger.event);
      return trigger.event === "ADDED" ? requeueAfter(30) : undefined;
    },
  });
  await applyObjects(admin, generateManifests([fn], { namespace: NS }).flatMap((g) => g.objects));
  const kube = await client(await cluster().serviceAccount(NS, "podfn-http"));
  const clock = new FakeClock();
  const stop = new AbortController();
  const { logger, lines } = captureLogs();
  const leaseName = schedulerLeaseName("podfn");
  const done = runSchedules(
    {
      functions: [fn],
      kube,
      logger,
      alongside: (active) => runWatches({ functions: [fn], kube, logger, clock }, active),
      leaderElection: { leaseName, identity: "pod-a", leaseDurationSeconds: 1, retryPeriodMs: 50, renewDeadlineMs: 400 },
    },
    stop.signal,
  );
  try {
    await admin.configMaps.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "one", labels: { "requeue-leader": "yes" } } });
    await until(() => clock.pending().length === 1, "the first term's timer", 10_000);
    const first = clock.pending()[0]!;
    // Another candidate holds the Lease for a moment: this one loses it, then wins it back.
    await handLeaseToAnother(admin, leaseName);
    await until(() => lines.some((l) => l.msg === "lost the leader lease"), "the Lease lost", 10_000);
    await until(() => first.cancelled, "the first term's timer cancelled", 10_000);
    await until(() => lines.filter((l) => l.msg === "became the leader").length === 2 && clock.pending().length === 1, "the next term's ADDED call and its timer", 10_000);
    clock.advance(30_000);
    await until(() => calls.length === 3, "the next term's REQUEUE call", 10_000);
    assert.equal(first.fired, false);
    assert.deepEqual(calls, ["ADDED", "ADDED", "REQUEUE"], "one REQUEUE: the next term's, none from the first");
  } finally {
    stop.abort();
    await done;
    await admin.configMaps.deleteCollection({ labelSelector: "requeue-leader=yes" });
  }
});
