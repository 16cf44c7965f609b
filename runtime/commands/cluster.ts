/**
 * @module commands/cluster
 * `podfn cluster [--port N] [--state-dir DIR]`: runs the emulated Kubernetes API server on
 * 127.0.0.1 until SIGINT/SIGTERM, and writes `DIR/admin.kubeconfig` and `DIR/ca.crt` (see admin-kubeconfig.ts) so
 * kubectl and podfn can use it. The port defaults to 6443, the API server's (the `port`
 * option's `defaultFor`; its 8080 default is for `serve`).
 */
import { writeLocalClusterFiles } from "../admin-kubeconfig.js";
import { resolve } from "node:path";
import { startCluster } from "../testing/index.js";
import { defineCommand } from "./define.js";
import { whenAborted } from "../signals.js";

const HELP = `Usage: podfn cluster [--port N] [--state-dir DIR]

Runs an emulated Kubernetes API server (HTTPS, RBAC, ServiceAccount tokens; no controllers)
on 127.0.0.1 until interrupted. Writes DIR/admin.kubeconfig and DIR/ca.crt (while the cluster
an existing DIR/admin.kubeconfig names still answers: DIR/admin-<pid>.kubeconfig and
DIR/ca-<pid>.crt, removed on exit); the server's state lives in memory and is gone when it stops.
`;

export const clusterCommand = defineCommand({
  name: "cluster",
  summary: "Run an emulated Kubernetes API server for local development.",
  help: HELP,
  async run(config, _positionals, io) {
    const cluster = await startCluster({ port: config.port });
    const dir = resolve(io.cwd, config.stateDir);
    const files = await writeLocalClusterFiles(dir, { kubeconfig: cluster.kubeconfig(), caPem: cluster.caPem, server: cluster.url });
    const kubeconfig = files.kubeconfig;
    io.stdout(
      [
        `Emulated Kubernetes API server listening on ${cluster.url}`,
        `  kubeconfig (admin): ${kubeconfig}`,
        `  CA certificate:     ${files.ca!}`,
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
