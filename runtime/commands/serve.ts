/**
 * @module commands/serve
 * `podfn serve`: load the functions, connect to the cluster (or the emulated one), serve the
 * HTTP routes and run in-process schedules under leader election, until SIGTERM/SIGINT; then
 * drain and exit 0.
 */
import { resolve } from "node:path";
import { OPTIONS, type Config } from "../config.js";
import { loadFunctions } from "../loader.js";
import { createLogger, type Logger } from "../log.js";
import { connectCluster, type ClusterConnection } from "../cluster-connection.js";
import { createLocalSecrets } from "../local-secrets.js";
import { referencedSecrets } from "../requirements.js";
import type { LoadedFunction } from "../function.js";
import { schedulerLeaseName } from "../schedule/lease.js";
import { defineCommand } from "./define.js";

const HELP = `Usage: podfn serve [options]

Serves every function with an \`http\` trigger, and runs the \`mode: "in-process"\` schedules on
the replica that holds the scheduler Lease. Health: GET /healthz, GET /readyz; metrics: GET /metrics.
With no cluster configured (and outside a pod) it runs against the embedded emulated cluster
and says so. SIGTERM/SIGINT: readiness fails, calls in flight finish (up to --drain-timeout-ms),
then the process exits 0.
`;

/** Where local runs keep generated caller-auth secrets. */
export const LOCAL_SECRETS_DIR = ".podfn/secrets";

/** Everything `serve` and `dev` share: the functions, the cluster, the secrets folder. */
export interface ServeSetup {
  config: Config;
  logger: Logger;
  functions: LoadedFunction[];
  connection: ClusterConnection;
  secretsDir: string;
}

/** Load, connect and prepare secrets; logs what it did. */
export async function setUpServe(config: Config, logger: Logger, cwd: string, functions?: LoadedFunction[]): Promise<ServeSetup> {
  const loaded = functions ?? (await loadFunctions(config.functions, { cwd }));
  const connection = await connectCluster(config, logger, loaded, cwd);
  let secretsDir = config.secretsDir;
  const secretsDefault = config.env[OPTIONS.secretsDir.env] === undefined && secretsDir === "/var/run/secrets/podfn";
  if (connection.emulated && secretsDefault && referencedSecrets(loaded).length > 0) {
    secretsDir = resolve(cwd, LOCAL_SECRETS_DIR);
    const created = await createLocalSecrets(loaded, secretsDir);
    logger.info({ secretsDir, created, secrets: referencedSecrets(loaded) }, `caller-auth secrets for local runs are files in ${secretsDir}${tryIt(loaded, secretsDir, config)}`);
  }
  return { config, logger, functions: loaded, connection, secretsDir };
}

let adapters: Promise<[typeof import("../http/index.js"), typeof import("../schedule/scheduler.js")]> | undefined;

/** The HTTP and schedule adapters, imported once; started early so loading overlaps other start-up work. */
function loadAdapters() {
  return (adapters ??= Promise.all([import("../http/index.js"), import("../schedule/scheduler.js")]));
}

/** A curl line calling the first GET function with bearer auth, for the first log lines. */
function tryIt(functions: LoadedFunction[], secretsDir: string, config: Config): string {
  const fn = functions.find((f) => f.http?.method === "GET" && f.http.auth !== "none" && f.http.auth.type === "bearer" && !f.http.auth.env);
  if (!fn?.http || fn.http.auth === "none" || fn.http.auth.type !== "bearer") return "";
  return `; try: curl -H "Authorization: Bearer $(cat ${secretsDir}/${fn.http.auth.secret})" http://${config.host}:${config.port}${fn.http.path}`;
}

/** Serve until `signal` aborts (HTTP routes and in-process schedules). */
export async function serveFunctions(
  setup: ServeSetup,
  signal: AbortSignal,
  options: { allSchedules?: boolean; onListening?: (url: string) => void } = {},
): Promise<void> {
  const { config, logger, functions, connection } = setup;
  const [{ serveHttp }, { runSchedules }] = await loadAdapters();
  const routes = functions.filter((f) => f.http).map((f) => `${f.http!.method} ${f.http!.path}`);
  logger.info({ functions: functions.map((f) => f.name), routes }, `loaded ${functions.length} function(s)`);
  const schedules = runSchedules(
    {
      functions,
      kube: connection.kube,
      logger,
      filter: options.allSchedules ? () => true : (entry) => entry.mode === "in-process",
      ...(options.allSchedules ? {} : { leaderElection: { leaseName: schedulerLeaseName(config.app), ...(config.identity ? { identity: config.identity } : {}) } }),
    },
    signal,
  );
  await Promise.all([
    serveHttp(
      {
        functions,
        kube: connection.kube,
        logger,
        port: config.port,
        host: config.host,
        maxInflight: config.maxInflight,
        drainTimeoutMs: config.drainTimeoutMs,
        secretsDir: setup.secretsDir,
        env: config.env,
        onShutdown: functions.flatMap((f) => (f.definition.onShutdown ? [f.definition.onShutdown] : [])),
        ...(options.onListening ? { onListening: options.onListening } : {}),
      },
      signal,
    ),
    schedules,
  ]);
}

export const serveCommand = defineCommand({
  name: "serve",
  summary: "Serve the functions over HTTP.",
  help: HELP,
  async run(config, _positionals, io) {
    const logger = createLogger({ level: config.logLevel });
    let connection: ClusterConnection | undefined;
    void loadAdapters().catch(() => undefined); // awaited (and its errors seen) in serveFunctions
    try {
      const setup = await setUpServe(config, logger, io.cwd);
      connection = setup.connection;
      await serveFunctions(setup, io.signal);
      return 0;
    } catch (error) {
      logger.error({ err: error }, "podfn serve failed");
      throw error;
    } finally {
      await connection?.close();
      logger.flush();
    }
  },
});
