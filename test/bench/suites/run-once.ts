/**
 * @module bench/suites/run-once
 * Spawn to exit of `podfn run noop` (the CronJob entrypoint) in production mode (compiled)
 * and source mode (tsx), and of a compiled run making one API call (a CronJob that talks to the
 * cluster: its TLS set-up and connection), against `node -e ''` and a script that only imports
 * @kubernetes/client-node. `podfn run` authenticates as a CronJob pod does: in-cluster, with a
 * ServiceAccount folder and `KUBERNETES_SERVICE_HOST`/`_PORT` pointing at the emulated cluster.
 */
import { childEnv, runToExit, type ProcessSpec } from "../lib/children.js";
import { check, ratio, type Row } from "../lib/result.js";
import { interleave, median } from "../lib/stats.js";
import type { Suite } from "../lib/suite.js";

const GROUP = "run-once";

export const runOnceSuite: Suite = {
  name: GROUP,
  summary: "spawn to exit: podfn run (no-op; compiled and tsx) vs node -e '' vs importing @kubernetes/client-node",
  needsBuild: true,
  async run(ctx) {
    const { ws } = ctx;
    let pod: { dir: string; env: Record<string, string> } | undefined;
    let clusterNote: string | undefined;
    try {
      pod = await (await ctx.cluster()).inClusterIdentity("default", "podfn-bench");
    } catch (error) {
      clusterNote = `no emulated cluster: ${(error as Error).message.split("\n")[0]}`;
    }
    const podfnRun = (entry: string | undefined, functions: string, env: Record<string, string>, fn = "noop"): ProcessSpec | undefined =>
      entry && pod
        ? { command: process.execPath, args: [entry, "run", fn, "--functions", functions, "--cluster", "real", "--serviceaccount-dir", pod.dir], env: childEnv({ ...pod.env, ...env }) }
        : undefined;
    const peers: [string, ProcessSpec | undefined, string | undefined][] = [
      ["podfn run noop", podfnRun(ws.cli, ws.functions.run.dist, {}), clusterNote ?? (ws.cli ? undefined : "production build missing")],
      ["podfn run, one API call (whoami)", podfnRun(ws.cli, ws.functions.run.dist, {}, "whoami-call"), clusterNote ?? (ws.cli ? undefined : "production build missing")],
      ["podfn run noop (source, tsx)", podfnRun(ws.bin, ws.functions.run.src, { PODFN_FROM_SOURCE: "1" }), clusterNote],
      ["node -e ''", { command: process.execPath, args: ["-e", ""], env: childEnv() }, undefined],
      ["import @kubernetes/client-node", { command: process.execPath, args: [ws.bench("workers/import-client-node.ts")], env: childEnv() }, undefined],
    ];
    const samples = await interleave(
      GROUP,
      ctx.sizes.startRounds,
      peers.filter(([, spec]) => spec).map(([name, spec]) => ({ name, sample: async () => (await runToExit(spec!)).ms })),
    );
    const ms = (name: string) => median(samples.get(name)?.samples ?? []);
    const node = ms("node -e ''");
    return peers.map(([name, , note]): Row => {
      const entry = samples.get(name);
      const value = ms(name);
      const row: Row = { group: GROUP, name, value, unit: "ms", samples: entry?.samples ?? [], ...(entry?.error ? { note: entry.error } : note ? { note } : {}) };
      if (name !== "node -e ''") row.ratios = { "node -e": ratio(value, node) };
      if (name === "podfn run noop") row.targets = [check(ratio(value, node), "<", 2, "<2x node -e ''")];
      return row;
    });
  },
};
