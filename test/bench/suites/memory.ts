/**
 * @module bench/suites/memory
 * Idle RSS of `podfn serve` (examples, compiled) once settled — 2 s after its first answer,
 * when its leader election and watches have started, then a full GC — next to the bare servers
 * measured the same way, and to the examples without the functions that watch (a serve that then
 * makes no API call at idle); and the peak RSS of a process iterating 10,000 pods in pages of
 * 500 with the podfn client (and, for scale, @kubernetes/client-node and bare undici).
 */
import { cp, rm } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { loadFunctions } from "../../../runtime/loader.js";
import { createKubeClient, resolveCredentials } from "../../../runtime/kube/index.js";
import { grantDeclaredPermissions } from "../../../runtime/testing/grant.js";
import { servedByDeployment } from "../../../runtime/requirements.js";
import { startServer, waitForStderr, type ServerSpec } from "../lib/children.js";
import { check, ratio, type Row } from "../lib/result.js";
import { progress } from "../lib/progress.js";
import { rssMb } from "../lib/rss.js";
import { peerServer, type PeerName } from "../lib/servers.js";
import { interleave, median } from "../lib/stats.js";
import type { Suite } from "../lib/suite.js";
import type { WorkerArgs } from "../workers/kube-client.js";
import { runKubeWorker } from "./kube-worker.js";
import { podfnServer } from "./podfn-spec.js";

const GROUP = "memory";

/** Grants the bench's pod identity (default/podfn-bench) the RBAC the examples' manifests give the HTTP workload. */
async function grantExamples(ctx: Parameters<Suite["run"]>[0], dir: string): Promise<void> {
  const cluster = await ctx.cluster();
  const admin = createKubeClient({ credentials: await resolveCredentials({ kubeconfig: cluster.kubeconfigPath, serviceAccountDir: "/nonexistent", env: {} }) });
  try {
    await grantDeclaredPermissions(admin, "default", "podfn-bench", servedByDeployment(await loadFunctions(dir)));
  } finally {
    await admin.close();
  }
}

/** A sibling copy of a compiled functions folder without the functions that watch. */
async function withoutWatches(dir: string): Promise<string> {
  const out = join(dirname(dir), "fns-examples-no-watch");
  await rm(out, { recursive: true, force: true });
  await cp(dir, out, { recursive: true });
  for (const fn of await loadFunctions(dir)) if (fn.watches.length > 0) await rm(join(out, relative(dir, fn.file)));
  return out;
}
const NAMESPACE = "bench-many";

/** How long a server runs after its first answer before it is measured: start-up work done in the background (a leader election, a watch's list) is part of idle. */
const SETTLE_MS = 2000;

/** Start, settle (SETTLE_MS, then a full GC through the gc hook), read VmRSS, stop. */
async function idleRss(spec: ServerSpec): Promise<number> {
  const server = await startServer(spec);
  try {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    server.child.kill("SIGUSR2");
    await waitForStderr(server.child, "gc done");
    return rssMb(server.pid);
  } finally {
    await server.stop();
  }
}

export const memorySuite: Suite = {
  name: GROUP,
  summary: "idle RSS of podfn serve after GC vs bare servers; peak RSS iterating 10,000 pods (pages of 500)",
  needsBuild: true,
  async run(ctx) {
    const rows: Row[] = [];
    // The pod identity podfn serve runs as gets what the manifests would grant the examples (the
    // Lease, the watch's list and watch), so its leader election and watch run as deployed.
    await grantExamples(ctx, ctx.ws.functions.examples.dist);
    const podfn = await podfnServer(ctx, "podfn serve, examples", { mode: "dist", functions: ctx.ws.functions.examples.dist, gc: true });
    const quiet = await podfnServer(ctx, "podfn serve, examples without watches", { mode: "dist", functions: await withoutWatches(ctx.ws.functions.examples.dist), gc: true });
    const servers: [string, ServerSpec | undefined, string | undefined][] = [
      ["idle RSS: podfn serve, examples", podfn.spec, podfn.note],
      ["idle RSS: podfn serve, examples without watches", quiet.spec, quiet.note],
      ...(["hono", "node:http", "fastify", "express", "functions-framework"] as PeerName[]).map((name): [string, ServerSpec, undefined] => [`idle RSS: ${name}`, peerServer(ctx.ws, name, { gc: true }), undefined]),
    ];
    const idle = await interleave(`${GROUP} idle`, ctx.sizes.startRounds, servers.filter(([, s]) => s).map(([name, spec]) => ({ name, sample: () => idleRss(spec!) })));
    const mb = (name: string) => median(idle.get(name)?.samples ?? []);
    for (const [name, , note] of servers) {
      const entry = idle.get(name);
      const row: Row = { group: GROUP, name, value: mb(name), unit: "MB", samples: entry?.samples ?? [], ...(entry?.error ? { note: entry.error } : note ? { note } : {}) };
      if (name !== "idle RSS: hono") row.ratios = { hono: ratio(mb(name), mb("idle RSS: hono")) };
      if (name === "idle RSS: podfn serve, examples") row.targets = [check(mb(name), "<=", 60, "≤60 MB")];
      rows.push(row);
    }

    const cluster = await ctx.cluster();
    const pods = ctx.sizes.manyPods;
    progress(`${GROUP}: seeding ${pods} pods in ${NAMESPACE}`);
    await cluster.seedPods(NAMESPACE, pods);
    const clients: WorkerArgs["client"][] = ["podfn", "undici", "client-node"];
    const iterate = await interleave(
      `${GROUP} iterate`,
      Math.min(ctx.sizes.rounds, 3),
      clients.map((client) => ({
        name: client,
        async sample() {
          const report = await runKubeWorker(ctx.ws, cluster, { client, op: "iterate", concurrency: 1, durationMs: 0, warmupMs: 0, namespace: NAMESPACE, pods });
          if (report.items !== pods) throw new Error(`${client} saw ${report.items} pods, expected ${pods}`);
          return report.maxRssMb;
        },
      })),
    );
    const peak = (client: string) => median(iterate.get(client)?.samples ?? []);
    for (const client of clients) {
      const entry = iterate.get(client);
      const row: Row = { group: GROUP, name: `peak RSS iterating ${pods.toLocaleString("en-US")} pods: ${client}`, value: peak(client), unit: "MB", samples: entry?.samples ?? [], ...(entry?.error ? { note: entry.error } : {}) };
      if (client === "podfn") {
        row.ratios = { undici: ratio(peak(client), peak("undici")), "client-node": ratio(peak(client), peak("client-node")) };
        row.targets = [check(peak(client), "<", 100, "<100 MB")];
      }
      rows.push(row);
    }
    return rows;
  },
};
