/**
 * @module bench/servers
 * The command lines of every server under test: `podfn serve` in production mode (the
 * compiled CLI) and source mode (bin/podfn.js through tsx), and the peer servers (compiled
 * to JS in the workspace). Every server binds 127.0.0.1 on the port it is given.
 */
import type { ServerSpec } from "./children.js";
import { childEnv } from "./children.js";
import { BENCH_TOKEN, type Workspace } from "./workspace.js";

/** The peer servers in test/bench/peers/. */
export const PEERS = {
  "node:http": "peers/node-http.ts",
  hono: "peers/hono.ts",
  fastify: "peers/fastify.ts",
  express: "peers/express.ts",
  "functions-framework": "peers/functions-framework.ts",
} as const;

export type PeerName = keyof typeof PEERS;

/** Node flags that make a server's idle memory measurable (SIGUSR2 → full GC). */
function gcFlags(ws: Workspace, gc: boolean | undefined): string[] {
  return gc ? ["--import", ws.bench("peers/gc-hook.ts")] : [];
}

/**
 * A peer server.
 *
 * @example
 * const server = await startServer(peerServer(ws, "hono"));
 */
export function peerServer(ws: Workspace, name: PeerName, options: { gc?: boolean } = {}): ServerSpec {
  return {
    name,
    readyPath: "/hello",
    build: (port) => ({ command: process.execPath, args: [...gcFlags(ws, options.gc), ws.bench(PEERS[name])], env: childEnv({ PORT: String(port), NODE_ENV: "production", PODFN_BENCH_TOKEN: BENCH_TOKEN }) }),
  };
}

/** How `podfn serve` finds the cluster: as in a pod (a ServiceAccount folder and `KUBERNETES_SERVICE_HOST`/`_PORT`), or a kubeconfig. */
export type PodfnCredentials = { serviceAccountDir: string; env: Record<string, string> } | { kubeconfig: string };

export interface PodfnServeOptions {
  /** `dist`: the compiled CLI; `src`: bin/podfn.js through tsx. */
  mode: "dist" | "src";
  functions: string;
  credentials: PodfnCredentials;
  /** Default `info`. */
  logLevel?: string;
  /** Path answering 2xx once serving. Default `/hello`. */
  readyPath?: string;
  gc?: boolean;
}

/**
 * `podfn serve` against the benchmark's cluster (`--cluster real`, so start-up is the real one,
 * never the embedded emulator's), with a pod's credentials or a kubeconfig. Undefined when the
 * production build is wanted but missing.
 */
export function podfnServe(ws: Workspace, name: string, options: PodfnServeOptions): ServerSpec | undefined {
  const entry = options.mode === "dist" ? ws.cli : ws.bin;
  if (entry === undefined) return undefined;
  return {
    name,
    readyPath: options.readyPath ?? "/hello",
    build: (port) => ({
      command: process.execPath,
      args: [
        ...gcFlags(ws, options.gc),
        entry,
        "serve",
        "--functions", options.functions,
        "--port", String(port),
        "--host", "127.0.0.1",
        "--cluster", "real",
        ...("kubeconfig" in options.credentials ? ["--kubeconfig", options.credentials.kubeconfig] : ["--serviceaccount-dir", options.credentials.serviceAccountDir]),
        "--secrets-dir", ws.secretsDir,
        "--namespace", "default",
        "--log-level", options.logLevel ?? "info",
      ],
      env: childEnv({
        NODE_ENV: "production",
        // A function with `admission` (an example's webhook) is served as in a pod: with a certificate, on a free port.
        PODFN_ADMISSION_PORT: "0",
        PODFN_ADMISSION_CERT_FILE: ws.admission.certFile,
        PODFN_ADMISSION_KEY_FILE: ws.admission.keyFile,
        ...("env" in options.credentials ? options.credentials.env : {}),
        ...(options.mode === "src" ? { PODFN_FROM_SOURCE: "1" } : {}),
      }),
    }),
  };
}
