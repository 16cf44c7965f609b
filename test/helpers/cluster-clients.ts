/**
 * @module test/helpers/cluster-clients
 * Clients of an emulated cluster for tests that drive the runtime's pieces directly: as the
 * admin, or as a ServiceAccount from its token folder (`cluster.serviceAccount(ns, name)`), all
 * closed together at the end.
 */
import type { Cluster } from "../../runtime/testing/index.js";
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
