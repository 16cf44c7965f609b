/**
 * @module bench/run
 * The benchmark orchestrator (`npm run bench`): prepares the workspace (production build,
 * compiled peers, function folders), starts the shared emulated cluster when a suite asks
 * for it, runs the selected suites one after another, prints the markdown table on stdout
 * and writes every figure and sample to a JSON file. Progress goes to stderr.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { availableParallelism, cpus } from "node:os";
import { execFileSync } from "node:child_process";
import { helpText, parseBenchArgs } from "./lib/args.js";
import { installCleanup, killAll } from "./lib/children.js";
import { startBenchCluster, type BenchCluster } from "./lib/cluster.js";
import { progress } from "./lib/progress.js";
import type { Row } from "./lib/result.js";
import { FULL, QUICK, type Suite, type SuiteContext } from "./lib/suite.js";
import { renderTable } from "./lib/table.js";
import { prepareWorkspace, REPO } from "./lib/workspace.js";
import { httpGetSuite } from "./suites/http-get.js";
import { httpPostSuite } from "./suites/http-post.js";
import { coldStartSuite } from "./suites/cold-start.js";
import { runOnceSuite } from "./suites/run-once.js";
import { kubeSuite } from "./suites/kube.js";
import { memorySuite } from "./suites/memory.js";

const SUITES: Suite[] = [httpGetSuite, httpPostSuite, coldStartSuite, runOnceSuite, kubeSuite, memorySuite];

function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2), join(REPO, "test/bench/results/latest.json"));
  if (args.help) {
    process.stdout.write(helpText(SUITES));
    return 0;
  }
  const selected = args.filters.length ? SUITES.filter((s) => args.filters.some((f) => s.name.includes(f))) : SUITES;
  if (selected.length === 0) {
    process.stderr.write(`no suite matches ${args.filters.join(", ")}\n\n${helpText(SUITES)}`);
    return 2;
  }
  const sizes = args.quick ? QUICK : FULL;
  const ws = await prepareWorkspace({ withBuild: selected.some((s) => s.needsBuild), generated: 200 });
  let cluster: Promise<BenchCluster> | undefined;
  installCleanup(() => {
    if (!args.keep) void ws.remove();
  });
  const ctx: SuiteContext = {
    ws,
    sizes,
    cluster() {
      cluster ??= (progress("cluster: starting the emulated API server"), startBenchCluster(ws.root));
      return cluster;
    },
  };
  const rows: Row[] = [];
  const started = Date.now();
  try {
    for (const suite of selected) {
      progress(`${suite.name}: start`);
      try {
        rows.push(...(await suite.run(ctx)));
      } catch (error) {
        progress(`${suite.name}: failed: ${(error as Error).stack ?? error}`);
        rows.push({ group: suite.name, name: "(suite failed)", value: Number.NaN, unit: "", note: (error as Error).message.split("\n")[0] ?? "" });
      }
    }
  } finally {
    killAll();
    if (cluster) await (await cluster.catch(() => undefined))?.stop();
    if (args.keep) progress(`workspace kept: ${ws.root}`);
    else await ws.remove();
  }
  const table = renderTable(rows);
  process.stdout.write(`\n${table}`);
  const report = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    node: process.version,
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? "unknown",
    quick: args.quick,
    sizes,
    durationS: Math.round((Date.now() - started) / 1000),
    rows: rows.map((r) => ({ ...r, value: Number.isFinite(r.value) ? r.value : null })),
    table,
  };
  await mkdir(dirname(args.out), { recursive: true });
  await writeFile(args.out, JSON.stringify(report, null, 2) + "\n");
  progress(`results written to ${args.out}`);
  return 0;
}

process.exitCode = await main();
