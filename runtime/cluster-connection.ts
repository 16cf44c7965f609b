/**
 * @module cluster-connection
 * From configuration to a Kubernetes client. With `--cluster auto` (the default) it uses a
 * kubeconfig or the in-cluster ServiceAccount when one is found; otherwise, and never inside a
 * pod, it starts the embedded emulated cluster and runs the functions there as a ServiceAccount
 * granted exactly their declared permissions, and says so. `--cluster real` never falls back;
 * `--cluster emulated` always uses the emulator.
 */
import { join, resolve } from "node:path";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import type { LoadedFunction } from "./function.js";
import type { KubeClient } from "./kube/api.js";
import { createKubeClient, resolveCredentials, withoutCredentials, NoCredentialsError } from "./kube/index.js";
import type { KubeRequestMetrics } from "./kube/request-metrics.js";
import { offlineKube } from "./cron/offline-kube.js";
import { usesKubeApi } from "./requirements.js";
import { writeLocalClusterFiles } from "./admin-kubeconfig.js";
import { ConfigError } from "./errors.js";
import { declaredScopes } from "./deploy/scopes.js";
import type { ResourceScopes } from "./deploy/rules.js";
import type { ImpersonationFields } from "./kube/impersonation.js";
import type { LocalWebhookRegistry } from "./admission/local-registration.js";

export interface ClusterConnection {
  kube: KubeClient;
  /** True when running against the embedded emulated cluster. */
  emulated: boolean;
  /**
   * A local `podfn run` without a Kubernetes client where the embedded emulated cluster would
   * have been used (no cluster found outside a pod, or `--cluster emulated`): its secrets are
   * local files, as on the emulated cluster (`connectionSecretsFolder`).
   */
  localRun?: boolean;
  /** On the emulated cluster: re-grant the local ServiceAccount what these functions declare (after a reload). */
  grant?: (functions: LoadedFunction[]) => Promise<void>;
  /** On the embedded emulated cluster (serve, dev): where the admission webhooks served here are registered, so it calls them. */
  webhooks?: LocalWebhookRegistry;
  /** Closes the client and stops the emulator when there is one. */
  close(): Promise<void>;
}

/** The ServiceAccount local runs use on the emulated cluster. */
export const LOCAL_SERVICE_ACCOUNT = "podfn";

/** How the process uses the connection. */
export interface ConnectOptions {
  /** Whether it calls the API server at all. Default: as a serving process does (`usesKubeApi`). */
  needsApi?: boolean;
  /** One run that exits (`podfn run`): an emulated cluster ends with it, so no kubeconfig is written for it. */
  oneRun?: boolean;
  /** Where the functions' client counts its requests (`/metrics`); not the emulated cluster's admin client. */
  metrics?: KubeRequestMetrics;
  /**
   * Every function of the project when `functions` are some of them (`serve --workload`): on the
   * emulated cluster, a rule on a custom resource is granted in the scope the whole project
   * declares for it, as `podfn manifests` grants it (deploy/scopes). Default: `functions`; a
   * `podfn run` (one function loaded) reads the functions folder for them when a scope can matter.
   */
  project?: LoadedFunction[];
}

/** The Kubernetes client's HTTP client for the connection line, when one was chosen (`auto` goes unsaid). */
function chosenClient(config: Config): { httpClient?: Config["kubeHttpClient"] } {
  return config.kubeHttpClient === "auto" ? {} : { httpClient: config.kubeHttpClient };
}

/**
 * Connect as configured. `functions` are the ones about to run: on the emulated cluster their
 * declared permissions are what the local ServiceAccount is granted. In a pod without a token,
 * a process that does not call the API (`needsApi`) runs with an offline client, and so does a
 * local `podfn run` of such functions instead of starting the emulated cluster.
 */
export async function connectCluster(config: Config, logger: Logger, functions: LoadedFunction[] = [], cwd = process.cwd(), options: ConnectOptions = {}): Promise<ClusterConnection> {
  const needsApi = options.needsApi ?? usesKubeApi(functions);
  const impersonate = impersonationOptions(config);
  if (config.cluster === "emulated" && (impersonate || config.context)) throw emulatorRefuses(impersonate ? "--as, --as-group and --as-uid" : "--context");
  if (config.cluster !== "emulated") {
    try {
      const credentials = await resolveCredentials({
        ...(config.kubeconfig ? { kubeconfig: config.kubeconfig } : {}),
        ...(config.context ? { context: config.context } : {}),
        ...(impersonate ? { impersonate } : {}),
        serviceAccountDir: config.serviceAccountDir,
        env: config.env,
        logger,
      });
      const kube = createKubeClient({ credentials, logger, httpClient: config.kubeHttpClient, metrics: options.metrics, ...(config.namespace ? { namespace: config.namespace } : {}) });
      const proxy = credentials.proxyUrl === undefined ? {} : { proxy: withoutCredentials(credentials.proxyUrl), proxyFrom: credentials.proxyFrom };
      // A login written into the server URL is a secret too: logged without it, as the proxy's.
      const actingAs = credentials.impersonate ? { impersonating: credentials.impersonate.user } : {};
      logger.info({ server: withoutCredentials(credentials.server), source: credentials.source, namespace: kube.namespace, ...actingAs, ...proxy, ...chosenClient(config) }, "using Kubernetes (credentials found; no request made yet)");
      return { kube, emulated: false, close: () => kube.close() };
    } catch (error) {
      if (error instanceof NoCredentialsError && config.inCluster && !needsApi) {
        // The manifests mount no token where no function calls the API: run without a client.
        logger.debug("no ServiceAccount token and no function calls the API: running without a Kubernetes client");
        return offlineConnection(functions, config.namespace ?? config.env.POD_NAMESPACE ?? "default");
      }
      // A kubeconfig that was asked for and is not there is a mistake to report, not a reason to emulate.
      if (!(error instanceof NoCredentialsError) || config.cluster === "real" || config.inCluster || config.kubeconfig !== undefined) throw error;
      // A context or a user to act as names a real cluster's: the emulator has neither.
      if (impersonate || config.context) throw new NoCredentialsError([...error.tried, `the embedded emulated cluster: not used with ${impersonate ? "--as" : "--context"}, which names a real cluster's user or context`]);
      // Where NODE_ENV=production (an image run outside Kubernetes) serve refuses to emulate: its secrets stay the pod's.
      if (options.oneRun === true && !needsApi) return offlineRun(logger, functions, config.namespace ?? "default", config.env.NODE_ENV !== "production", error.message);
      // A production process with no cluster (an image run outside Kubernetes, a job whose
      // kubeconfig went missing) must fail, not clean up a fake cluster and report success.
      if (config.env.NODE_ENV === "production") throw new NoCredentialsError([...error.tried, "the embedded emulated cluster: not used where NODE_ENV=production (--cluster emulated uses it on purpose)"]);
      logger.warn({ tried: error.message }, "no Kubernetes cluster found: using the embedded emulated cluster (set --cluster real to refuse)");
    }
  }
  if (options.oneRun === true && !needsApi) return offlineRun(logger, functions, config.namespace ?? "default", true);
  return connectEmulated(config, logger, functions, cwd, options);
}

/** `--as`, `--as-group` (comma-separated) and `--as-uid`, when any is given. */
function impersonationOptions(config: Config): ImpersonationFields | undefined {
  if (config.as === undefined && config.asGroup === undefined && config.asUid === undefined) return undefined;
  const groups = config.asGroup?.split(",").map((g) => g.trim()).filter((g) => g !== "");
  return { user: config.as, uid: config.asUid, groups };
}

function emulatorRefuses(what: string): ConfigError {
  return new ConfigError(`${what}: not with --cluster emulated (the embedded emulated cluster runs the functions as a ServiceAccount granted exactly their declared permissions already)`);
}

/** No client: every call names the permissions to declare (the functions' pod has no token). */
function offlineConnection(functions: LoadedFunction[], namespace: string): ClusterConnection {
  return { kube: offlineKube(functions.map((f) => f.name).join(", "), namespace), emulated: false, close: async () => {} };
}

/**
 * A local `podfn run` of functions that declare no permissions and no `kubeApi`: their CronJob's
 * pod mounts no ServiceAccount token (the manifests say `automountServiceAccountToken: false`),
 * so the run gets no client either, rather than an emulated cluster the pod would not reach.
 * `local`: where the emulated cluster would have been used, so secrets are local files as there.
 */
function offlineRun(logger: Logger, functions: LoadedFunction[], namespace: string, local: boolean, tried?: string): ClusterConnection {
  logger.info(
    { ...(tried ? { tried } : {}), namespace },
    "no function of this run declares permissions or kubeApi: running without a Kubernetes client, as its CronJob's pod has no ServiceAccount token",
  );
  return { ...offlineConnection(functions, namespace), localRun: local };
}

/** The custom resources' scopes a grant to `fns` uses: those their project declares (`ConnectOptions.project`). */
async function projectScopes(config: Config, cwd: string, options: ConnectOptions): Promise<(fns: LoadedFunction[]) => Promise<ResourceScopes>> {
  if (options.project) {
    const scopes = declaredScopes(options.project);
    return async () => scopes;
  }
  if (options.oneRun !== true) return async (fns) => declaredScopes(fns);
  const { ProjectScopes } = await import("./testing/project-scopes.js");
  const project = new ProjectScopes(resolve(cwd, config.functions), true);
  return async (fns) => (fns.length === 1 ? project.of(fns[0]!) : declaredScopes(fns));
}

async function connectEmulated(config: Config, logger: Logger, functions: LoadedFunction[], cwd: string, options: ConnectOptions): Promise<ClusterConnection> {
  const { startCluster, grantCronJobPermissions, grantDeclaredPermissions, applyManifests } = await import("./testing/index.js");
  const { oneRun = false, metrics } = options;
  const scopesOf = await projectScopes(config, cwd, options);
  const cluster = await startCluster();
  const namespace = config.namespace ?? "default";
  let admin: KubeClient | undefined;
  try {
    // With the logger: the server's warnings about --cluster-objects (an unknown field, a CRD rule the emulator skips) are told.
    admin = createKubeClient({ credentials: await resolveCredentials({ explicit: { server: cluster.url, caPem: cluster.caPem, token: cluster.adminToken, namespace }, serviceAccountDir: config.serviceAccountDir, env: {} }), logger });
    const adminClient = admin;
    // `podfn run` is a CronJob's run: its account holds the declared permissions only; serve and
    // dev are the HTTP Deployment, with the watches' rights, the Lease and TokenReview.
    const grant = async (fns: LoadedFunction[]) => {
      const scopes = await scopesOf(fns);
      await (oneRun ? grantCronJobPermissions(adminClient, namespace, LOCAL_SERVICE_ACCOUNT, fns, { scopes }) : grantDeclaredPermissions(adminClient, namespace, LOCAL_SERVICE_ACCOUNT, fns, { app: config.app, scopes, ...(config.workload !== undefined ? { workload: config.workload } : {}) }));
    };
    if (config.clusterObjects) {
      const applied = await applyManifests(admin, resolve(cwd, config.clusterObjects));
      logger.info({ from: config.clusterObjects, ...applied }, `applied ${applied.objects} object(s) from ${config.clusterObjects} to the embedded emulated cluster`);
    }
    await grant(functions);
    const { seedDemoObjects } = await import("./testing/demo.js");
    await seedDemoObjects(admin, namespace);
    const sa = await cluster.serviceAccount(namespace, LOCAL_SERVICE_ACCOUNT);
    const credentials = await resolveCredentials({
      explicit: { server: cluster.url, caPem: cluster.caPem, tokenFile: join(sa.dir, "token"), namespace },
      serviceAccountDir: sa.dir,
      env: {},
    });
    const kube = createKubeClient({ credentials, logger, namespace, httpClient: config.kubeHttpClient, metrics });
    const identity = { server: cluster.url, namespace, serviceAccount: `system:serviceaccount:${namespace}:${LOCAL_SERVICE_ACCOUNT}`, ...chosenClient(config) };
    // A run's cluster ends with it: no kubeconfig that would point at nothing (or replace a live server's).
    const written = oneRun ? undefined : await writeLocalClusterFiles(resolve(cwd, config.stateDir), { kubeconfig: cluster.kubeconfig(), server: cluster.url });
    if (written) logger.info({ ...identity, kubeconfig: written.kubeconfig }, `running against the embedded emulated cluster; inspect it with: KUBECONFIG=${written.kubeconfig} kubectl get pods`);
    else logger.info(identity, "running against the embedded emulated cluster (it ends with this run)");
    // Serving processes register their admission webhooks with it (a run serves none).
    const webhooks = oneRun ? undefined : (await import("./testing/local-webhooks.js")).localWebhooks(adminClient, { namespace, app: config.app });
    return {
      kube,
      emulated: true,
      grant,
      ...(webhooks ? { webhooks } : {}),
      async close() {
        await kube.close();
        await adminClient.close();
        await cluster.stop();
        await webhooks?.close();
        await written?.release();
      },
    };
  } catch (error) {
    await admin?.close();
    await cluster.stop();
    throw error;
  }
}
