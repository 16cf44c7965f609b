/**
 * @module bench/suites/kube-worker
 * Starting the kube-client worker (workers/kube-client.ts, compiled) for one sample.
 */
import { join } from "node:path";
import { childEnv, runJson } from "../lib/children.js";
import type { BenchCluster } from "../lib/cluster.js";
import type { Workspace } from "../lib/workspace.js";
import type { WorkerArgs, WorkerReport } from "../workers/kube-client.js";

/** Run the worker once with these settings; resolves to its report. */
export function runKubeWorker(ws: Workspace, cluster: BenchCluster, args: Pick<WorkerArgs, "client" | "op" | "concurrency" | "durationMs" | "warmupMs" | "namespace" | "pods">): Promise<WorkerReport> {
  const full: WorkerArgs = {
    ...args,
    kubeconfig: cluster.kubeconfigPath,
    server: cluster.url,
    caPath: cluster.caPath,
    token: cluster.adminToken,
    podfnEntry: join(ws.root, "pkg/dist/runtime/index.js"),
  };
  return runJson<WorkerReport>({ command: process.execPath, args: [ws.bench("workers/kube-client.ts"), JSON.stringify(full)], env: childEnv() });
}
