/**
 * @module bench/workers/kube-client
 * A child process that drives one Kubernetes client against the run's emulated cluster and
 * prints one JSON line: the podfn client (the production build), @kubernetes/client-node, or
 * a bare undici Pool (the floor: the same request, parsed with JSON.parse, nothing else).
 *
 * Operations: `get` (one pod, names rotating), `list` (one page of 500 pods), each for a
 * duration with N concurrent loops after a warm-up; `iterate` (every pod of the namespace,
 * pages of 500) reporting the process's peak RSS.
 *
 * Usage: node kube-client.js '<WorkerArgs as JSON>'
 */
import { readFileSync } from "node:fs";
import type * as Podfn from "../../../runtime/index.js";

/** The worker's instructions (one JSON argument). */
export interface WorkerArgs {
  /** `podfn-in-cluster`: podfn with a pod's credentials (the token file in `serviceAccountDir`). */
  client: "podfn" | "podfn-in-cluster" | "client-node" | "undici";
  op: "get" | "list" | "iterate";
  /** Concurrent loops (get/list). */
  concurrency: number;
  /** Measured milliseconds (get/list). */
  durationMs: number;
  /** Unmeasured milliseconds first (get/list). */
  warmupMs: number;
  kubeconfig: string;
  server: string;
  caPath: string;
  token: string;
  namespace: string;
  /** Pods in the namespace, named `pod-00000`... (get rotates over them). */
  pods: number;
  /** The built `podfn` entry (`dist/runtime/index.js`), what a function imports. */
  podfnEntry: string;
  /** A ServiceAccount folder (token, ca.crt, namespace) laid out as in a pod, for `podfn-in-cluster`. */
  serviceAccountDir?: string;
}

/** What the worker prints. */
export interface WorkerReport {
  ops: number;
  opsPerSec: number;
  /** Objects seen (a sanity check that the calls really returned pods). */
  items: number;
  maxRssMb: number;
}

type Op = () => Promise<number>;

/**
 * This process's peak resident memory in MB: VmHWM of /proc/self/status, the high-water mark of
 * this program's own memory. Not `resourceUsage().maxRSS`: on Linux that keeps the peak of the
 * image before `exec` too, i.e. of the benchmark process this worker was forked from (with the
 * emulated cluster and its 10,000 pods in it), which hid every client's own figure in full runs.
 */
function peakRssMb(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS / 1024;
}

const args = JSON.parse(process.argv[2] ?? "{}") as WorkerArgs;
const podName = (i: number) => `pod-${String(i % args.pods).padStart(5, "0")}`;

async function podfnOps(inCluster: boolean): Promise<{ get: (i: number) => Op; list: Op; iterate: Op }> {
  const kube = (await import(args.podfnEntry)) as typeof Podfn;
  const server = new URL(args.server);
  // In a pod: the ServiceAccount folder and KUBERNETES_SERVICE_HOST/PORT, as a function's process finds them.
  const credentials = inCluster
    ? await kube.resolveCredentials({ serviceAccountDir: args.serviceAccountDir ?? "/nonexistent", env: { KUBERNETES_SERVICE_HOST: server.hostname, KUBERNETES_SERVICE_PORT: server.port } })
    : await kube.resolveCredentials({ kubeconfig: args.kubeconfig, serviceAccountDir: "/nonexistent", env: {} });
  const client = kube.createKubeClient({ credentials, namespace: args.namespace });
  return {
    get: (i) => async () => ((await client.pods.get(podName(i))).metadata ? 1 : 0),
    list: async () => (await client.pods.listPage({ limit: 500 })).items.length,
    async iterate() {
      let n = 0;
      for await (const pod of client.pods.list({ limit: 500 })) if (pod.metadata) n++;
      return n;
    },
  };
}

async function clientNodeOps(): Promise<{ get: (i: number) => Op; list: Op; iterate: Op }> {
  const k8s = await import("@kubernetes/client-node");
  const config = new k8s.KubeConfig();
  config.loadFromString(readFileSync(args.kubeconfig, "utf8"));
  const api = config.makeApiClient(k8s.CoreV1Api);
  const namespace = args.namespace;
  return {
    get: (i) => async () => ((await api.readNamespacedPod({ name: podName(i), namespace })).metadata ? 1 : 0),
    list: async () => (await api.listNamespacedPod({ namespace, limit: 500 })).items.length,
    async iterate() {
      let n = 0;
      let token: string | undefined;
      do {
        const page = await api.listNamespacedPod({ namespace, limit: 500, ...(token ? { _continue: token } : {}) });
        n += page.items.length;
        token = page.metadata?._continue || undefined;
      } while (token);
      return n;
    },
  };
}

async function undiciOps(): Promise<{ get: (i: number) => Op; list: Op; iterate: Op }> {
  const { Pool } = await import("undici");
  const pool = new Pool(args.server, { connect: { ca: readFileSync(args.caPath, "utf8") } });
  const headers = { authorization: `Bearer ${args.token}`, accept: "application/json" };
  const base = `/api/v1/namespaces/${args.namespace}/pods`;
  async function getJson(path: string): Promise<{ metadata?: { continue?: string }; items?: unknown[] }> {
    const res = await pool.request({ method: "GET", path, headers });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`GET ${path}: HTTP ${res.statusCode}`);
    return JSON.parse(text) as { metadata?: { continue?: string }; items?: unknown[] };
  }
  return {
    get: (i) => async () => ((await getJson(`${base}/${podName(i)}`)).metadata ? 1 : 0),
    list: async () => (await getJson(`${base}?limit=500`)).items?.length ?? 0,
    async iterate() {
      let n = 0;
      let token: string | undefined;
      do {
        const page = await getJson(`${base}?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ""}`);
        n += page.items?.length ?? 0;
        token = page.metadata?.continue || undefined;
      } while (token);
      return n;
    },
  };
}

/** Run `concurrency` loops of the operation until `until` (performance.now() ms). */
async function loops(make: (i: number) => Op, until: number): Promise<{ ops: number; items: number }> {
  let ops = 0;
  let items = 0;
  let next = 0;
  async function loop(): Promise<void> {
    while (performance.now() < until) {
      const seen = await make(next++)();
      items += seen;
      ops++;
    }
  }
  await Promise.all(Array.from({ length: args.concurrency }, loop));
  return { ops, items };
}

const ops = args.client === "podfn" || args.client === "podfn-in-cluster" ? await podfnOps(args.client === "podfn-in-cluster") : args.client === "client-node" ? await clientNodeOps() : await undiciOps();
let report: WorkerReport;
if (args.op === "iterate") {
  const items = await ops.iterate();
  report = { ops: 1, opsPerSec: Number.NaN, items, maxRssMb: peakRssMb() };
} else {
  const make = args.op === "get" ? ops.get : () => ops.list;
  await loops(make, performance.now() + args.warmupMs);
  const t0 = performance.now();
  const { ops: count, items } = await loops(make, t0 + args.durationMs);
  const ms = performance.now() - t0;
  report = { ops: count, opsPerSec: (count / ms) * 1000, items, maxRssMb: peakRssMb() };
}
process.stdout.write(JSON.stringify(report) + "\n");
process.exit(0);
