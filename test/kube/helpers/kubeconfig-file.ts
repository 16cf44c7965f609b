/**
 * @module test/kube/helpers/kubeconfig-file
 * Writes a one-context kubeconfig for a test API server (token user `t`, or the credentials given), with the cluster
 * fields a test needs (`proxy-url`, `tls-server-name`), under a fresh name in `dir`.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";

export interface KubeconfigCluster {
  server: string;
  caPem: string;
  proxyUrl?: string;
  tlsServerName?: string;
  namespace?: string;
  /** The user's credentials; default: the token `t`. */
  user?: Record<string, string>;
}

export async function writeKubeconfig(dir: string, cluster: KubeconfigCluster): Promise<string> {
  const path = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}.yaml`);
  const fields: Record<string, string> = { server: cluster.server, "certificate-authority-data": Buffer.from(cluster.caPem).toString("base64") };
  if (cluster.proxyUrl !== undefined) fields["proxy-url"] = cluster.proxyUrl;
  if (cluster.tlsServerName !== undefined) fields["tls-server-name"] = cluster.tlsServerName;
  await writeFile(
    path,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      "current-context": "c",
      contexts: [{ name: "c", context: { cluster: "c", user: "u", namespace: cluster.namespace ?? "golden" } }],
      clusters: [{ name: "c", cluster: fields }],
      users: [{ name: "u", user: cluster.user ?? { token: "t" } }],
    }),
  );
  return path;
}
