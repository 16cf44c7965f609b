/**
 * Leader election on the emulated cluster, as the HTTP workload's generated ServiceAccount:
 * proves the generated Lease rights (get/update by name, create) are enough, and that two
 * runtimes with an in-process schedule fire from one replica only.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyObjects } from "../../runtime/testing/apply.js";
import { clusterForFile } from "../helpers/cluster-clients.js";
import { generateManifests } from "../../runtime/deploy/index.js";
import { runSchedules } from "../../runtime/schedule/run-schedules.js";
import { schedulerLeaseName } from "../../runtime/schedule/lease.js";
import { lastScheduleTimes } from "../../runtime/schedule/tick-record.js";
import { captureLogs, loaded, until } from "./helpers.js";

const NS = "default";
const { cluster, client: clientAs } = clusterForFile(NS);

test("two runtimes under the generated HTTP RBAC: one fires, the other takes over when it stops", async () => {
  const fired: string[] = [];
  const definition = (identity: string) => loaded({ name: "tick", schedule: { cron: "* * * * *", mode: "in-process" }, handler: () => void fired.push(identity) });
  await applyObjects(await clientAs(), generateManifests([definition("x")], { namespace: NS }).flatMap((g) => g.objects));
  const sa = await cluster().serviceAccount(NS, "podfn-http");
  const start = Date.now();
  const clock = () => Date.parse("2025-01-01T00:00:00Z") + (Date.now() - start) * 1000;
  const election = { leaseName: schedulerLeaseName("podfn"), leaseDurationSeconds: 1, retryPeriodMs: 50, renewDeadlineMs: 400 };
  const runtime = async (identity: string) => {
    const stop = new AbortController();
    const { logger, lines } = captureLogs();
    const done = runSchedules(
      { functions: [definition(identity)], kube: await clientAs(sa), logger, now: clock, maxWaitMs: 5, leaderElection: { ...election, identity } },
      stop.signal,
    );
    return { stop, done, lines };
  };
  const a = await runtime("pod-a");
  const b = await runtime("pod-b");
  await until(() => fired.length >= 3, "three runs", 10_000);
  const leader = fired[0]!;
  assert.deepEqual(new Set(fired), new Set([leader]));
  const [first, second] = leader === "pod-a" ? [a, b] : [b, a];
  first.stop.abort();
  await first.done;
  const other = leader === "pod-a" ? "pod-b" : "pod-a";
  await until(() => fired.includes(other), "the other runtime to fire", 1000 + 500);
  const lease = await (await clientAs()).leases.get(election.leaseName);
  assert.equal(lease.spec?.holderIdentity, other);
  assert.ok(lastScheduleTimes(lease)["tick/0"], "the ticks fired are recorded in the Lease");
  assert.ok([...a.lines, ...b.lines].every((l) => l.msg !== "leader election request failed" || !String(l.err).includes("forbidden")), "no request was forbidden");
  second.stop.abort();
  await second.done;
});
