/**
 * @module commands/serve
 * `podfn serve`: load the functions, connect to the cluster (or the emulated one), serve the
 * HTTP routes and run in-process schedules and watches under leader election, until
 * SIGTERM/SIGINT; then drain and exit 0.
 */
import type { Config } from "../config.js";
import { DEFAULTS } from "../config-accept.js";
import { loadFunctions } from "../loader.js";
import { createLogger, flushLogger, type Logger } from "../log.js";
import { connectCluster, type ClusterConnection } from "../cluster-connection.js";
import { createLocalSecrets } from "../local-secrets.js";
import { LOCAL_SECRETS_DIR, connectionSecretsFolder, readFunctionSecretsFrom, warnOfMissingSecrets } from "../function-secrets.js";
import { electsLeader, referencedSecrets, servedByDeployment } from "../requirements.js";
import { functionsOfWorkload } from "../serve-workload.js";
import type { LoadedFunction } from "../function.js";
import { schedulerLeaseName } from "../schedule/lease.js";
import { LeaderMetrics } from "../schedule/leader-metrics.js";
import { ScheduleRunMetrics } from "../schedule/schedule-metrics.js";
import { WatchCallMetrics } from "../metrics.js";
import { KubeRequestMetrics } from "../kube/request-metrics.js";
import { runShutdownHooks } from "../lifecycle.js";
import { linkAbort, whenAborted } from "../signals.js";
import { guardProcess } from "../process-faults.js";
import { AdmissionMetrics } from "../admission/metrics.js";
import { admissionServing, noCertificateConfigured } from "../admission/serving.js";
import { callableHost, localRegistration } from "../admission/local-registration.js";
import { admissionStop, type AdmissionHandover } from "../admission/handover.js";
import { defineCommand } from "./define.js";
import { isUserError } from "./report.js";
import { failureText, writeTerminationMessage } from "../termination-message.js";

/** Longest wait after listening for the first answer before schedules and watches start. */
const FIRST_ANSWER_WAIT_MS = 250;

const HELP = `Usage: podfn serve [options]

Serves every function with an \`http\` trigger, answers the \`admission\` webhooks over HTTPS on
--admission-port (at /admission/<name>, with --admission-cert-file; on the embedded emulated
cluster, registered with it, which then calls them), and runs the
\`mode: "in-process"\` schedules and the \`watch\` triggers on the replica that holds the
scheduler Lease. Health: GET /healthz, GET /readyz; metrics: GET /metrics. With --workload
NAME, only the functions naming that \`workload\` (\`http\`: those naming none), as each
generated Deployment runs it; without it, every function, in one process. With no cluster
configured (and outside a pod) it runs against the embedded emulated cluster and says so.
SIGTERM/SIGINT: readiness fails, HTTP calls in flight finish (up to --drain-timeout-ms;
in-process scheduled runs and watch calls are aborted at once, and the Lease, renewed while
they wind down (15 s at most) so no other replica starts beside them, is then released), the
functions' onShutdown hooks run, the last log lines are written (a lagging reader gets up to
2 s more), then the process exits 0.
`;

/** Where the manifests mount caller-auth secrets in a pod, and `--secrets-dir`'s default. */
const DEFAULT_SECRETS_DIR = DEFAULTS.secretsDir;

/** Everything `serve` and `dev` share: the functions, the cluster, the secrets folder. */
export interface ServeSetup {
  config: Config;
  logger: Logger;
  functions: LoadedFunction[];
  connection: ClusterConnection;
  secretsDir: string;
  /** The functions' client's requests to the API server, served on `/metrics`. */
  kubeRequests: KubeRequestMetrics;
}

/**
 * Load, connect and prepare secrets; logs what it did. `serve` keeps the functions its
 * Deployment runs (`servedByDeployment`; with `--workload`, that workload's): the cluster connection, and on the emulated cluster
 * the permissions granted, are theirs alone, as in production. `dev` (`all`) keeps every
 * function, since it fires every schedule locally.
 */
export async function setUpServe(config: Config, logger: Logger, cwd: string, scope: "deployment" | "all" = "deployment"): Promise<ServeSetup> {
  const all = await loadFunctions(config.functions, { cwd });
  // With --workload, that workload's functions only: its Deployment holds only their rights.
  const loaded = scope === "all" ? all : functionsOfWorkload(servedByDeployment(all), config.workload);
  const kubeRequests = new KubeRequestMetrics();
  const connection = await connectCluster(config, logger, loaded, cwd, { metrics: kubeRequests, project: all });
  const secretsDir = connectionSecretsFolder(config, connection, cwd);
  readFunctionSecretsFrom(secretsDir);
  warnOfMissingSecrets(loaded, secretsDir, logger);
  const setup = { config, logger, functions: loaded, connection, secretsDir, kubeRequests };
  const created = await prepareLocalSecrets(setup);
  if (created && referencedSecrets(loaded).length > 0) {
    logger.info({ secretsDir, created, secrets: referencedSecrets(loaded) }, `caller-auth secrets for local runs are files in ${secretsDir}${tryIt(loaded, secretsDir, config)}`);
  }
  return setup;
}

/**
 * On the emulated cluster with the default secrets folder, create the caller-auth secrets the
 * functions reference that are missing (again after a `dev` reload). Returns the names created,
 * or undefined when secrets come from the configured folder.
 */
export async function prepareLocalSecrets(setup: ServeSetup): Promise<string[] | undefined> {
  if (setup.secretsDir === setup.config.secretsDir) return undefined;
  return createLocalSecrets(setup.functions, setup.secretsDir);
}

/**
 * Outside a pod, secrets read from the folder the manifests mount them at in one (the default,
 * on a real cluster found through a kubeconfig) are not there: say how to provide them.
 */
function secretsHint(setup: ServeSetup): { missingSecretsHint?: string } {
  if (setup.config.inCluster || setup.secretsDir !== DEFAULT_SECRETS_DIR) return {};
  return {
    missingSecretsHint:
      `Outside a pod, give a folder holding one file per secret: --secrets-dir DIR (${LOCAL_SECRETS_DIR}, as the embedded emulated cluster makes them, is fine for local runs), ` +
      "or run on the embedded emulated cluster instead of the one your kubeconfig names: --cluster emulated.",
  };
}

let adapters: Promise<[typeof import("../http/index.js"), typeof import("../schedule/run-schedules.js")]> | undefined;

/** The HTTP and schedule adapters, imported once; started early so loading overlaps other start-up work. */
function loadAdapters() {
  return (adapters ??= Promise.all([import("../http/index.js"), import("../schedule/run-schedules.js")]));
}

/** A curl line calling the first GET function with bearer auth, for the first log lines. */
function tryIt(functions: LoadedFunction[], secretsDir: string, config: Config): string {
  const fn = functions.find((f) => f.http?.method === "GET" && f.http.auth !== "none" && f.http.auth.type === "bearer" && !f.http.auth.env);
  if (!fn?.http || fn.http.auth === "none" || fn.http.auth.type !== "bearer" || config.port === 0) return "";
  return `; try: curl -H "Authorization: Bearer $(cat ${secretsDir}/${fn.http.auth.secret})" http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${config.port}${fn.http.path}`;
}

/**
 * Serve until `signal` aborts (HTTP routes, admission webhooks, in-process schedules and
 * watches). With `handover` (`dev`), on the embedded cluster, a reload hands the webhook server
 * over instead of stopping it (admission/handover): the promise resolves once the rest has
 * stopped, and the server and the `onShutdown` hooks end when the next round releases it.
 */
export async function serveFunctions(
  setup: ServeSetup,
  signal: AbortSignal,
  options: { allSchedules?: boolean; onListening?: (url: string) => void; drainTimeoutFor?: (reason: unknown) => number; handover?: AdmissionHandover } = {},
): Promise<void> {
  const { config, logger, functions, connection } = setup;
  const [{ serveHttp }, { runSchedules }] = await loadAdapters();
  const routes = functions.filter((f) => f.http).map((f) => `${f.http!.method} ${f.http!.path}`);
  logger.info({ functions: functions.map((f) => f.name), routes }, `loaded ${functions.length} function(s)`);
  if (functions.length === 0) logger.warn({ functions: config.functions }, `no functions to serve in ${config.functions}: only /healthz, /readyz and /metrics answer (is --functions the folder of your handler modules?)`);
  // One stop for both sides: the process's signal, or either side failing (the other then winds down too).
  const stop = new AbortController();
  const onSignal = () => stop.abort(signal.reason);
  if (signal.aborted) onSignal();
  else signal.addEventListener("abort", onSignal, { once: true });
  const failing = (error: unknown): never => {
    stop.abort("failed");
    throw error;
  };
  const watching = functions.some((f) => f.watches.length > 0);
  // Counted by the watcher, served on the HTTP server's GET /metrics.
  const watchMetrics = watching ? new WatchCallMetrics() : undefined;
  // Who leads, where a Lease is contended for (watches or in-process schedules, under serve).
  const electing = !options.allSchedules && electsLeader(functions);
  const leaderMetrics = electing ? new LeaderMetrics(schedulerLeaseName(config.app, config.workload)) : undefined;
  // The runs of the schedules this process fires (in-process ones; all of them under dev).
  const fires = (entry: LoadedFunction["schedules"][number]) => options.allSchedules === true || entry.mode === "in-process";
  const scheduleMetrics = functions.some((f) => f.schedules.some(fires)) ? new ScheduleRunMetrics() : undefined;
  // The admission webhooks' HTTPS server, when some function has `admission` (and, outside a pod, a
  // certificate: on the embedded emulated cluster, one it trusts, and it is then registered with it).
  const registry = connection.webhooks;
  const local = registry && functions.some((f) => f.admission) && noCertificateConfigured(config) ? await registry.certificate(callableHost(config.host)) : undefined;
  const admission = admissionServing(functions, config, logger, local);
  const admissionMetrics = admission ? new AdmissionMetrics(admission.functions.map((f) => f.name)) : undefined;
  const metricsSections = [...(watchMetrics ? [watchMetrics] : []), ...(leaderMetrics ? [leaderMetrics] : []), ...(scheduleMetrics ? [scheduleMetrics] : []), ...(admissionMetrics ? [admissionMetrics] : []), setup.kubeRequests];
  // Schedules and watches start once the server has answered its first request (the readiness
  // probe, usually), or FIRST_ANSWER_WAIT_MS after it listens, whichever comes first: their
  // start (the first API calls: TLS, the Lease, the lists; ~15 ms of CPU) does not delay the
  // pod's readiness. A stop before that starts none.
  let answered!: () => void;
  const started = new Promise<void>((resolve) => (answered = resolve));
  const stopped = whenAborted(stop.signal);
  const http = serveHttp(
    {
      functions,
      kube: connection.kube,
      logger,
      port: config.port,
      host: config.host,
      maxInflight: config.maxInflight,
      drainTimeoutMs: config.drainTimeoutMs,
      ...(options.drainTimeoutFor ? { drainTimeoutFor: options.drainTimeoutFor } : {}),
      shutdownDelayMs: config.shutdownDelayMs,
      keepAliveTimeoutMs: config.keepAliveTimeoutMs,
      ...(config.adminPort !== undefined ? { adminPort: config.adminPort } : {}),
      secretsDir: setup.secretsDir,
      ...secretsHint(setup),
      env: config.env,
      metricsSections,
      onListening: function serving(url) {
        setTimeout(answered, FIRST_ANSWER_WAIT_MS).unref();
        options.onListening?.(url);
      },
      onFirstAnswer: answered,
    },
    stop.signal,
  );
  const schedules = Promise.race([started, stopped.promise]).then(async function startSchedules() {
    if (stop.signal.aborted) return undefined;
    const watches = watching ? await import("../watch/watcher.js") : undefined;
    return runSchedules(
      {
        functions,
        kube: connection.kube,
        logger,
        ...(watches ? { alongside: (active: AbortSignal) => watches.runWatches({ functions, kube: connection.kube, logger, ...(watchMetrics ? { metrics: watchMetrics } : {}) }, active) } : {}),
        filter: fires,
        ...(scheduleMetrics ? { metrics: scheduleMetrics } : {}),
        ...(options.allSchedules ? {} : { leaderElection: { leaseName: schedulerLeaseName(config.app, config.workload), ...(config.identity ? { identity: config.identity } : {}) } }),
        ...(leaderMetrics ? { onLeadership: leaderMetrics.leading } : {}),
      },
      stop.signal,
    );
  });
  // On the embedded cluster, registered once listening (again on each of dev's rounds); under
  // dev, the previous round's server, handed over, stops once this round's is registered.
  const registration = registry ? localRegistration(registry, admission, logger) : undefined;
  const handover = registry ? options.handover : undefined;
  const releasePrevious = () => void handover?.release();
  // The modules' shutdown work runs once nothing of theirs runs any more: HTTP drained, schedules settled, webhooks closed.
  const shutDown = () => runShutdownHooks(functions.flatMap((f) => (f.definition.onShutdown ? [f.definition.onShutdown] : [])), logger);
  const admissionSide = admissionStop(stop.signal, handover, async function retired() {
    await webhooks.catch((error: unknown) => logger.error({ err: error }, "the replaced admission webhook server failed"));
    await shutDown().catch((error: unknown) => logger.error({ err: error }, "onShutdown hooks failed"));
    logger.info("shut down");
  });
  const onAdmissionListening = (url: string) => {
    admissionSide.listening(Number(new URL(url).port));
    registration?.listening(url);
    void registration?.settled().then(releasePrevious);
  };
  const webhooks = admission
    ? admission
        .serve({ functions, kube: connection.kube, logger, shutdownDelayMs: config.shutdownDelayMs, ...(admissionMetrics ? { metrics: admissionMetrics } : {}), ...(handover ? { port: handover.portFor(config.admissionPort) } : {}), onListening: onAdmissionListening }, admissionSide.signal)
        .finally(releasePrevious)
        .then(() => registration?.settled())
    : (registration?.settled() ?? Promise.resolve()).finally(releasePrevious);
  const results = await Promise.allSettled([http.catch(failing), schedules.catch(failing), Promise.race([webhooks.catch(failing), admissionSide.handedOver])]);
  stopped.dispose();
  signal.removeEventListener("abort", onSignal);
  // Handed over, the hooks wait for the webhook server (see `retired`).
  if (!admissionSide.held) await shutDown();
  // A failure (the server could not start: a port taken, a secret missing) is the last word, said by the caller.
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure.reason;
  // Last: after the HTTP server closed, the Lease was released and the hooks ran.
  if (!admissionSide.held) logger.info("shut down");
}

export const serveCommand = defineCommand({
  name: "serve",
  summary: "Serve the functions over HTTP.",
  help: HELP,
  async run(config, _positionals, io) {
    const logger = createLogger({ level: config.logLevel });
    let connection: ClusterConnection | undefined;
    void loadAdapters().catch(() => undefined); // awaited (and its errors seen) in serveFunctions
    // A fault outside any call stops the server as a signal would, and the exit says it failed.
    const stop = new AbortController();
    const unlink = linkAbort(io.signal, stop);
    let faulted: unknown;
    const unguard = guardProcess(logger, function faultedStop(error) {
      faulted = { error };
      stop.abort("uncaughtException");
    });
    try {
      const setup = await setUpServe(config, logger, io.cwd);
      connection = setup.connection;
      await serveFunctions(setup, stop.signal);
      if (!faulted) return 0;
      writeTerminationMessage(config.terminationLog, `podfn serve stopped: an exception nothing handled: ${failureText((faulted as { error: unknown }).error)}`);
      return 1;
    } catch (error) {
      // A mistake in the configuration is said once, plainly (on stderr too): no stack trace.
      if (isUserError(error)) logger.error({ code: (error as { code?: unknown }).code }, `podfn serve failed: ${(error as Error).message}`);
      else logger.error({ err: error }, "podfn serve failed");
      writeTerminationMessage(config.terminationLog, `podfn serve failed: ${failureText(error)}`);
      throw error;
    } finally {
      await connection?.close();
      // The last batch may still be on its way to a slow reader: the exit would cut it.
      await flushLogger(logger);
      unguard();
      unlink();
    }
  },
});
