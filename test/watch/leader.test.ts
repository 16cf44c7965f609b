/**
 * Watches run where in-process schedules run: on the replica holding the scheduler Lease, wired
 * as `podfn serve` wires them (`runSchedules` with the watches alongside), under the generated
 * RBAC. Two runtimes: one calls; when it stops, the other takes over and, listing first, calls
 * for the objects that exist (ADDED), as an informer resyncs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyObjects } from "../../runtime/testing/apply.js";
import { clusterForFile } from "../helpers/cluster-clients.js";
import { generateManifests } from "../../runtime/deploy/index.js";
import { runSchedules } from "../../runtime/schedule/run-schedules.js";
import { schedulerLeaseName } from "../../runtime/schedule/lease.js";
import { runWatches } from "../../runtime/watch/watcher.js";
import { captureLogs, loaded, until } from "../schedule/helpers.js";

const NS = "default";
const { cluster, client: clientAs } = clusterForFile(NS);

test("only the Lease holder runs the watches; the next one takes over and lists again", async () => {
  const calls: Array<[string, string, string]> = [];
  const definition = (identity: string) =>
    loaded({
      name: "on-config",
      watch: { resource: "configmaps", labelSelector: "leader-test=yes" },
      handler({ trigger }) {
        if (trigger.type === "watch") calls.push([identity, trigger.event, trigger.object.metadata!.name!]);
      },
    });
  const admin = await clientAs();
  await applyObjects(admin, generateManifests([definition("x")], { namespace: NS }).flatMap((g) => g.objects));
  const sa = await cluster().serviceAccount(NS, "podfn-http");
  const election = { leaseName: schedulerLeaseName("podfn"), leaseDurationSeconds: 1, retryPeriodMs: 50, renewDeadlineMs: 400 };
  const runtime = async (identity: string) => {
    const stop = new AbortController();
    const { logger, lines } = captureLogs();
    const kube = await clientAs(sa);
    const functions = [definition(identity)];
    const done = runSchedules({ functions, kube, logger, alongside: (active) => runWatches({ functions, kube, logger }, active), leaderElection: { ...election, identity } }, stop.signal);
    return { stop, done, lines };
  };
  const a = await runtime("pod-a");
  const b = await runtime("pod-b");
  const listed = (r: { lines: Record<string, unknown>[] }) => r.lines.some((l) => String(l.msg).startsWith("watching configmaps"));
  await until(() => listed(a) || listed(b), "a leader watching", 10_000);
  const [leader, other] = listed(a) ? [a, b] : [b, a];
  const leaderId = leader === a ? "pod-a" : "pod-b";
  const otherId = leader === a ? "pod-b" : "pod-a";
  await admin.configMaps.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "one", labels: { "leader-test": "yes" } } });
  await until(() => calls.length >= 1, "the leader's call", 10_000);
  assert.deepEqual(calls, [[leaderId, "ADDED", "one"]]);
  assert.equal(listed(other), false, "the other replica does not watch");

  leader.stop.abort();
  await leader.done;
  await until(() => calls.some(([who]) => who === otherId), "the new leader's call", 10_000);
  assert.deepEqual(calls.slice(1), [[otherId, "ADDED", "one"]]);
  other.stop.abort();
  await other.done;
});
