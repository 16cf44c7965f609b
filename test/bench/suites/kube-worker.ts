/**
 * @module bench/suites/kube-worker
 * Starting the kube-client worker (workers/kube-client.ts, compiled) for one sample.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { childEnv, runJson } from "../lib/children.js";
import type { BenchCluster } from "../lib/cluster.js";
import type { Workspace } from "../lib/workspace.js";
import type { WorkerArgs, WorkerReport } from "../workers/kube-client.js";

/**
 * A folder laid out as a pod's ServiceAccount mount (token, ca.crt, namespace) holding the
 * cluster's admin token, for the `podfn-in-cluster` client. Not `cluster.inClusterIdentity`: its
 * ServiceAccount's token would add RBAC checks to the server's work, which the rows it is
 * compared with (admin token) do not pay.
 */
export async function adminServiceAccountDir(ws: Workspace, cluster: BenchCluster): Promise<string> {
  const dir = join(ws.root, "serviceaccount-admin");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "token"), cluster.adminToken);
  await writeFile(join(dir, "ca.crt"), cluster.caPem);
  await writeFile(join(dir, "namespace"), "default");
  return dir;
}

/** Run the worker once with these settings; resolves to its report. */
export function runKubeWorker(ws: Workspace, cluster: BenchCluster, args: Pick<WorkerArgs, "client" | "op" | "concurrency" | "durationMs" | "warmupMs" | "namespace" | "pods" | "serviceAccountDir">): Promise<WorkerReport> {
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
