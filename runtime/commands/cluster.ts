/**
 * @module commands/cluster
 * `podfn cluster [--port N] [--state-dir DIR] [--cluster-objects PATH]`: runs the emulated Kubernetes API server on
 * 127.0.0.1 until SIGINT/SIGTERM, and writes `DIR/admin.kubeconfig` and `DIR/ca.crt` (see admin-kubeconfig.ts) so
 * kubectl and podfn can use it. The port defaults to 6443, the API server's (the `port`
 * option's `defaultFor`; its 8080 default is for `serve`).
 */
import { writeLocalClusterFiles } from "../admin-kubeconfig.js";
import { resolve } from "node:path";
import { applyManifests, startCluster, type Cluster } from "../testing/index.js";
import { createKubeClient, resolveCredentials } from "../kube/index.js";
import { defineCommand } from "./define.js";
import { whenAborted } from "../signals.js";

const HELP = `Usage: podfn cluster [--port N] [--state-dir DIR] [--cluster-objects PATH]

Runs an emulated Kubernetes API server (HTTPS, RBAC, ServiceAccount tokens; no controllers)
on 127.0.0.1 until interrupted. Writes DIR/admin.kubeconfig and DIR/ca.crt (while the cluster
an existing DIR/admin.kubeconfig names still answers: DIR/admin-<pid>.kubeconfig and
DIR/ca-<pid>.crt, removed on exit); the server's state lives in memory and is gone when it stops.
With --cluster-objects, the manifests there (CustomResourceDefinitions first) are applied
before it is announced.
`;

/** Applies the manifests at `path` to `cluster` as its admin; with the server's warnings about them (an unknown field, a CRD rule the emulator skips). */
async function applyAsAdmin(cluster: Cluster, path: string): Promise<{ objects: number; crds: number; warnings: string[] }> {
  const warnings: string[] = [];
  const ignore = () => {};
  const logger = { debug: ignore, info: ignore, error: ignore, warn: (fields: { warning?: unknown }) => void (typeof fields.warning === "string" && warnings.push(fields.warning)) };
  const admin = createKubeClient({ credentials: await resolveCredentials({ explicit: { server: cluster.url, caPem: cluster.caPem, token: cluster.adminToken, namespace: "default" }, env: {} }), logger });
  try {
    return { ...(await applyManifests(admin, path)), warnings };
  } finally {
    await admin.close();
  }
}

export const clusterCommand = defineCommand({
  name: "cluster",
  summary: "Run an emulated Kubernetes API server for local development.",
  help: HELP,
  async run(config, _positionals, io) {
    const cluster = await startCluster({ port: config.port });
    let applied: { objects: number; crds: number; warnings: string[] } | undefined;
    let files: Awaited<ReturnType<typeof writeLocalClusterFiles>>;
    try {
      if (config.clusterObjects) applied = await applyAsAdmin(cluster, resolve(io.cwd, config.clusterObjects));
      files = await writeLocalClusterFiles(resolve(io.cwd, config.stateDir), { kubeconfig: cluster.kubeconfig(), caPem: cluster.caPem, server: cluster.url });
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    const kubeconfig = files.kubeconfig;
    io.stdout(
      [
        `Emulated Kubernetes API server listening on ${cluster.url}`,
        `  kubeconfig (admin): ${kubeconfig}`,
        `  CA certificate:     ${files.ca!}`,
        ...(applied ? [`  applied:            ${applied.objects} object(s) from ${config.clusterObjects} (${applied.crds} CustomResourceDefinition(s))`] : []),
        ...(applied?.warnings ?? []).map((w) => `  warning:            ${w}`),
        "",
        "Try:",
        `  export KUBECONFIG=${kubeconfig}`,
        "  kubectl get ns",
        "",
        "Press Ctrl-C to stop (the cluster's state is kept in memory only).",
        "",
      ].join("\n"),
    );
    await whenAborted(io.signal).promise;
    await cluster.stop();
    await files.release();
    io.stdout("Emulated cluster stopped.\n");
    return 0;
  },
});
