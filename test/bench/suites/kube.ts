/**
 * @module bench/suites/kube
 * The podfn Kubernetes client against @kubernetes/client-node and a bare undici Pool (the
 * floor), on the run's emulated cluster seeded with 500 pods: GET one pod and LIST 500 pods,
 * sequentially and with 50 concurrent calls. Each sample is a fresh worker process.
 */
import { check, ratio, type Row } from "../lib/result.js";
import { progress } from "../lib/progress.js";
import { interleave, median } from "../lib/stats.js";
import type { Suite } from "../lib/suite.js";
import type { WorkerArgs } from "../workers/kube-client.js";
import { adminServiceAccountDir, runKubeWorker } from "./kube-worker.js";

const GROUP = "kube";
const NAMESPACE = "bench-500";
const PODS = 500;
const CLIENTS: WorkerArgs["client"][] = ["podfn", "undici", "client-node"];
/**
 * `podfn-in-cluster` (a pod's token file instead of a kubeconfig's token) runs where the
 * credentials' own cost shows: one call at a time.
 */
const SCENARIOS: { name: string; op: "get" | "list"; concurrency: number; clients?: WorkerArgs["client"][] }[] = [
  { name: "GET pod, sequential", op: "get", concurrency: 1, clients: ["podfn", "podfn-in-cluster", "undici", "client-node"] },
  { name: "GET pod, 50 concurrent", op: "get", concurrency: 50 },
  { name: "LIST 500 pods, sequential", op: "list", concurrency: 1 },
  { name: "LIST 500 pods, 50 concurrent", op: "list", concurrency: 50 },
];

export const kubeSuite: Suite = {
  name: GROUP,
  summary: "podfn kube client vs @kubernetes/client-node vs bare undici: GET pod, LIST 500 pods, sequential and 50 concurrent",
  needsBuild: true,
  async run(ctx) {
    const cluster = await ctx.cluster();
    progress(`${GROUP}: seeding ${PODS} pods in ${NAMESPACE}`);
    await cluster.seedPods(NAMESPACE, PODS);
    const serviceAccountDir = await adminServiceAccountDir(ctx.ws, cluster);
    const rows: Row[] = [];
    for (const scenario of SCENARIOS) {
      const samples = await interleave(
        `${GROUP} ${scenario.name}`,
        ctx.sizes.rounds,
        (scenario.clients ?? CLIENTS).map((client) => ({
          name: client,
          async sample() {
            const report = await runKubeWorker(ctx.ws, cluster, { client, op: scenario.op, concurrency: scenario.concurrency, durationMs: ctx.sizes.kubeMs, warmupMs: Math.min(1000, ctx.sizes.kubeMs / 2), namespace: NAMESPACE, pods: PODS, serviceAccountDir });
            if (report.items !== report.ops * (scenario.op === "get" ? 1 : PODS)) throw new Error(`${client} saw ${report.items} objects in ${report.ops} calls`);
            return report.opsPerSec;
          },
        })),
      );
      const ops = (client: string) => median(samples.get(client)?.samples ?? []);
      for (const client of scenario.clients ?? CLIENTS) {
        const entry = samples.get(client);
        const value = ops(client);
        const row: Row = { group: GROUP, name: `${scenario.name}: ${client}`, value, unit: "calls/s", samples: entry?.samples ?? [], ...(entry?.error ? { note: entry.error } : {}) };
        if (client === "podfn") {
          row.ratios = { undici: ratio(value, ops("undici")), "client-node": ratio(value, ops("client-node")) };
          row.targets = [check(ratio(value, ops("undici")), ">=", 0.9, "≥0.9x bare undici"), check(ratio(value, ops("client-node")), ">=", 10, "≥10x client-node")];
          // Bare undici (the same request, JSON.parse, nothing else) bounds any client: say so when it cannot reach the target either.
          const floor = ratio(ops("undici"), ops("client-node"));
          if (floor < 10 && !row.note) row.note = `bare undici itself is ${floor.toFixed(2)}x client-node here`;
        } else if (client === "podfn-in-cluster") {
          row.ratios = { undici: ratio(value, ops("undici")), "client-node": ratio(value, ops("client-node")), "podfn with a kubeconfig": ratio(value, ops("podfn")) };
        } else if (client === "client-node") {
          row.ratios = { undici: ratio(value, ops("undici")) };
        }
        rows.push(row);
      }
    }
    return rows;
  },
};
