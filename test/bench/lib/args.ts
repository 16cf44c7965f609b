/**
 * @module bench/args
 * The benchmark's command line: suite filters, `--quick`, `--keep`, `--out`, `--help`.
 */
import { parseArgs } from "node:util";

export interface BenchArgs {
  /** Words selecting suites: a suite runs when its name contains one of them. Empty: all. */
  filters: string[];
  quick: boolean;
  /** Keep the temporary workspace (for profiling by hand). */
  keep: boolean;
  /** Where the JSON results go. */
  out: string;
  help: boolean;
}

/** Parse the arguments after `run.ts`; throws on unknown flags. */
export function parseBenchArgs(argv: string[], defaultOut: string): BenchArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { quick: { type: "boolean" }, keep: { type: "boolean" }, out: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  return { filters: positionals, quick: values.quick ?? false, keep: values.keep ?? false, out: values.out ?? defaultOut, help: values.help ?? false };
}

/** The `--help` text, listing the suites. */
export function helpText(suites: readonly { name: string; summary: string }[]): string {
  return [
    "Usage: npm run bench -- [SUITE...] [--quick] [--keep] [--out FILE]",
    "",
    "Runs podfn's benchmarks (not tests: nothing here asserts a time) and prints a markdown",
    "table of medians of interleaved rounds, with ratios and targets (✓/✗).",
    "",
    "Suites (a SUITE word selects every suite whose name contains it, e.g. `http`):",
    ...suites.map((s) => `  ${s.name.padEnd(12)} ${s.summary}`),
    "",
    "Options:",
    "  --quick      Fewer rounds and shorter loads (a few minutes instead of ~12).",
    "  --keep       Keep the temporary workspace (build, generated functions, kubeconfig).",
    "  --out FILE   Where to write the JSON results. Default: test/bench/results/latest.json",
    "  --help       Show this help.",
    "",
  ].join("\n");
}
