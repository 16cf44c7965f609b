/**
 * @module bench/cluster
 * The one emulated Kubernetes API server of a run, started in the benchmark process
 * (`podfn/testing`'s `startCluster`), with its admin kubeconfig and CA written to the
 * workspace so children (`podfn serve --kubeconfig`, the client workers) connect to it as to
 * a real cluster. Seeding goes straight over HTTPS with undici as admin.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Pool } from "undici";
import { progress } from "./progress.js";

/** A started emulated cluster and where its credentials were written. */
export interface BenchCluster {
  url: string;
  caPem: string;
  adminToken: string;
  kubeconfigPath: string;
  caPath: string;
  /**
   * A pod-like ServiceAccount folder (token, ca.crt, namespace) and the environment a pod
   * gets (`KUBERNETES_SERVICE_HOST`/`_PORT`), for in-cluster start-ups.
   */
  inClusterIdentity(namespace: string, name: string): Promise<{ dir: string; env: Record<string, string> }>;
  /** Create `namespace` and `count` pods named `pod-00000`...; `concurrency` requests at a time. */
  seedPods(namespace: string, count: number, concurrency?: number): Promise<void>;
  stop(): Promise<void>;
}

interface EmulatedCluster {
  url: string;
  caPem: string;
  adminToken: string;
  kubeconfig(): string;
  serviceAccount(namespace: string, name: string): Promise<{ dir: string }>;
  stop(): Promise<void>;
}

/** A pod as a controller would make it: labels, one container with resources, env and a probe. */
export function benchPod(namespace: string, i: number): object {
  const name = `pod-${String(i).padStart(5, "0")}`;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels: { app: "bench", shard: String(i % 10), "app.kubernetes.io/name": "bench" }, annotations: { "bench.podfn.dev/index": String(i) } },
    spec: {
      containers: [
        {
          name: "main",
          image: "registry.example.com/team/app:1.2.3",
          ports: [{ containerPort: 8080, name: "http" }],
          env: [
            { name: "MODE", value: "production" },
            { name: "INDEX", value: String(i) },
          ],
          resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
          readinessProbe: { httpGet: { path: "/readyz", port: 8080 }, periodSeconds: 10 },
        },
      ],
    },
  };
}

/**
 * Start the emulated cluster and write `kubeconfig` and `ca.crt` under `dir`.
 * Throws when `podfn/testing` is not available yet.
 */
export async function startBenchCluster(dir: string): Promise<BenchCluster> {
  // A variable specifier: the harness must type-check and run its other suites before podfn/testing exists.
  const specifier = "podfn/testing";
  const testing = (await import(specifier)) as { startCluster: () => Promise<EmulatedCluster> };
  const cluster = await testing.startCluster();
  const kubeconfigPath = join(dir, "kubeconfig");
  const caPath = join(dir, "ca.crt");
  await writeFile(kubeconfigPath, cluster.kubeconfig(), { mode: 0o600 });
  await writeFile(caPath, cluster.caPem);
  const pool = new Pool(cluster.url, { connections: 16, connect: { ca: cluster.caPem } });
  const headers = { authorization: `Bearer ${cluster.adminToken}`, "content-type": "application/json", accept: "application/json" };

  async function post(path: string, body: object, okConflict: boolean): Promise<void> {
    const res = await pool.request({ method: "POST", path, headers, body: JSON.stringify(body) });
    const text = await res.body.text();
    if (res.statusCode >= 300 && !(okConflict && res.statusCode === 409)) throw new Error(`POST ${path}: HTTP ${res.statusCode} ${text.slice(0, 300)}`);
  }

  return {
    url: cluster.url,
    caPem: cluster.caPem,
    adminToken: cluster.adminToken,
    kubeconfigPath,
    caPath,
    async inClusterIdentity(namespace, name) {
      const { dir } = await cluster.serviceAccount(namespace, name);
      const url = new URL(cluster.url);
      return { dir, env: { KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port } };
    },
    async seedPods(namespace, count, concurrency = 16) {
      await post("/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } }, true);
      let next = 0;
      let lastReport = performance.now();
      async function worker(): Promise<void> {
        while (next < count) {
          const i = next++;
          await post(`/api/v1/namespaces/${namespace}/pods`, benchPod(namespace, i), true);
          if (performance.now() - lastReport > 2000) {
            lastReport = performance.now();
            progress(`cluster: seeded ${next}/${count} pods in ${namespace}`);
          }
        }
      }
      await Promise.all(Array.from({ length: concurrency }, worker));
    },
    async stop() {
      await pool.close();
      await cluster.stop();
    },
  };
}
