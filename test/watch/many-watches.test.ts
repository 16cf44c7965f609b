/**
 * More watches in one process than the Kubernetes client's connection cap (32): each streams on
 * a connection of its own, so the leader's Lease renewals and a handler's calls still find one.
 * As `podfn serve` wires it (one client for the election, the watches and the handlers) and as
 * `podfn dev` does (no election).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { clusterForFile } from "../helpers/cluster-clients.js";
import { DEFAULT_CONNECTIONS } from "../../runtime/kube/transport.js";
import { runSchedules } from "../../runtime/schedule/run-schedules.js";
import { runWatches } from "../../runtime/watch/watcher.js";
import type { KubeClient } from "../../runtime/kube/api.js";
import { captureLogs, loaded, until } from "../schedule/helpers.js";

const { cluster, client } = clusterForFile("default");
const WATCHES = DEFAULT_CONNECTIONS + 8;

/** A function with `WATCHES` watches of ConfigMaps (label `w=<i>` each) whose calls GET ConfigMap `probe` and record `<watch> <event> <name>`. */
function manyWatches(calls: string[]) {
  return loaded({
    name: "many",
    watch: Array.from({ length: WATCHES }, (_, i) => ({ resource: "configmaps", name: `w${i}`, labelSelector: `w=${i}` })),
    timeoutMs: 60_000,
    async handler({ trigger, kube }) {
      if (trigger.type !== "watch") return;
      await kube.configMaps.get("probe");
      calls.push(`${trigger.watch} ${trigger.event} ${trigger.object.metadata!.name}`);
    },
  });
}

/** Waits until every watch has listed (`lines` of the run's log): each streams from then on. */
async function allListed(lines: Record<string, unknown>[]): Promise<void> {
  await until(() => lines.filter((l) => String(l.msg).startsWith("watching")).length >= WATCHES, `${WATCHES} watches listed`, 30_000);
}

/** The Lease renewals (and acquisitions) the server has answered. */
const leaseWrites = () => cluster().requests.filter((r) => r.resource === "leases" && r.method === "PUT" && r.status === 200).length;

async function probeAndObject(admin: KubeClient, name: string): Promise<void> {
  await admin.configMaps.create({ metadata: { name: "probe" } }).catch(() => undefined);
  await admin.configMaps.create({ metadata: { name, labels: { w: "0" } } });
}

test(`a leader running ${WATCHES} watches keeps leading, and its handler's GET is answered`, { timeout: 60_000 }, async () => {
  const admin = await client();
  const kube = await client();
  const calls: string[] = [];
  const fn = manyWatches(calls);
  const { logger, lines } = captureLogs();
  const stop = new AbortController();
  // A short renew deadline: a renewal stuck behind the watches would end the term within it.
  const leaderElection = { leaseName: "many-watches", identity: "pod-a", leaseDurationSeconds: 8, renewDeadlineMs: 5000, retryPeriodMs: 400 };
  const done = runSchedules({ functions: [fn], kube, logger, alongside: (active) => runWatches({ functions: [fn], kube, logger }, active), leaderElection }, stop.signal);
  try {
    await allListed(lines);
    await probeAndObject(admin, "leading");
    await until(() => calls.length > 0, "the handler's call", 30_000);
    // Renewals go on, the watches streaming: more than one renew deadline's worth of them.
    const renewed = leaseWrites();
    await until(() => leaseWrites() >= renewed + 15, "renewals after the call", 30_000);
    assert.deepEqual(calls, ["w0 ADDED leading"]);
    assert.deepEqual(lines.filter((l) => /lost the leader lease|became the leader/.test(String(l.msg))).map((l) => l.msg), ["became the leader"]);
  } finally {
    stop.abort();
    await done;
  }
});

test(`${WATCHES} watches without an election (podfn dev): a handler's GET is answered`, { timeout: 60_000 }, async () => {
  const admin = await client();
  const kube = await client();
  await admin.configMaps.delete("leading").catch(() => undefined);
  const calls: string[] = [];
  const fn = manyWatches(calls);
  const { logger, lines } = captureLogs();
  const stop = new AbortController();
  const done = runWatches({ functions: [fn], kube, logger }, stop.signal);
  try {
    await allListed(lines);
    await probeAndObject(admin, "dev");
    await until(() => calls.length > 0, "the handler's call", 30_000);
    assert.deepEqual(calls, ["w0 ADDED dev"]);
  } finally {
    stop.abort();
    await done;
  }
});
