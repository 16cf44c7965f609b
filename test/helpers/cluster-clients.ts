/**
 * @module test/helpers/cluster-clients
 * Clients of an emulated cluster for tests that drive the runtime's pieces directly: as the
 * admin, or as a ServiceAccount from its token folder (`cluster.serviceAccount(ns, name)`), all
 * closed together at the end; and `clusterForFile`, the cluster a test file starts and stops.
 */
import { after, before } from "node:test";
import { startCluster, type Cluster, type ClusterOptions } from "../../runtime/testing/index.js";
import { createKubeClient, resolveCredentials } from "../../runtime/kube/index.js";
import type { KubeClient } from "../../runtime/kube/api.js";

/** Makes clients of `cluster()` defaulting to `namespace`; `close()` closes every one made. */
export function clusterClients(cluster: () => Cluster, namespace: string) {
  const made: KubeClient[] = [];
  return {
    /** The admin's client, or the ServiceAccount's whose token is in `account.dir`. */
    async client(account?: { dir: string }): Promise<KubeClient> {
      const { url: server, caPem, adminToken } = cluster();
      const credentials = await resolveCredentials({
        explicit: account ? { server, caPem, tokenFile: `${account.dir}/token`, namespace } : { server, caPem, token: adminToken, namespace },
        serviceAccountDir: "/nonexistent",
        env: {},
      });
      const kube = createKubeClient({ credentials });
      made.push(kube);
      return kube;
    },
    async close(): Promise<void> {
      await Promise.all(made.map((c) => c.close()));
    },
  };
}

/**
 * An emulated cluster started before the file's tests and stopped after them, every client made
 * closed first. Call it at the top of a test file; `cluster()` inside its tests, `client()` in
 * tests or in the file's own `before` hooks (Node 20 starts a file's root hooks together, so
 * `client()` waits for the cluster itself).
 *
 * @example
 * const { cluster, client } = clusterForFile("default");
 * test("...", async () => { const admin = await client(); ... });
 */
export function clusterForFile(namespace: string, options?: ClusterOptions): { cluster: () => Cluster; client: ReturnType<typeof clusterClients>["client"] } {
  let starting: Promise<Cluster> | undefined;
  let started: Cluster | undefined;
  const start = async (): Promise<Cluster> => (started = await (starting ??= startCluster(options)));
  const cluster = (): Cluster => {
    if (!started) throw new Error("the cluster starts in the file's before hook: use cluster() inside tests");
    return started;
  };
  const clients = clusterClients(cluster, namespace);
  before(start);
  after(async () => {
    await clients.close();
    await (await starting)?.stop();
  });
  return {
    cluster,
    async client(account) {
      await start();
      return clients.client(account);
    },
  };
}
