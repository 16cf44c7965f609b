/**
 * @module bench/suite
 * What a suite gets from the orchestrator and must return: the workspace, the shared emulated
 * cluster (started on first use), the round counts and durations of this run (`--quick` or
 * full), and rows back.
 */
import type { BenchCluster } from "./cluster.js";
import type { Row } from "./result.js";
import type { Workspace } from "./workspace.js";

/** Sizes of a run. */
export interface RunSizes {
  /** Interleaved rounds of the throughput suites (HTTP, kube client). */
  rounds: number;
  /** Rounds of the start-up suites (cold start, run once). */
  startRounds: number;
  /** Seconds of each HTTP load sample. */
  loadS: number;
  /** Seconds of warm-up load per server before its samples. */
  warmupS: number;
  /** Milliseconds of each kube client sample. */
  kubeMs: number;
  /** Pods of the memory suite's long list. */
  manyPods: number;
}

// Six rounds, three in each order (see `interleave`): with three, one slow round on this noisy
// 2-core machine moved a median 5-10%.
export const FULL: RunSizes = { rounds: 6, startRounds: 5, loadS: 5, warmupS: 2, kubeMs: 3000, manyPods: 10_000 };
export const QUICK: RunSizes = { rounds: 2, startRounds: 3, loadS: 2, warmupS: 1, kubeMs: 1000, manyPods: 10_000 };

export interface SuiteContext {
  ws: Workspace;
  sizes: RunSizes;
  /** The run's emulated cluster, started on the first call; throws when it cannot start. */
  cluster(): Promise<BenchCluster>;
}

/** A measurement group. */
export interface Suite {
  name: string;
  /** One line for `--help`. */
  summary: string;
  /** Whether it needs the production build (the orchestrator builds only when some suite does). */
  needsBuild: boolean;
  run(ctx: SuiteContext): Promise<Row[]>;
}

/** A row for a peer that could not be measured. */
export function missing(group: string, name: string, unit: string, note: string): Row {
  return { group, name, value: Number.NaN, unit, note };
}
