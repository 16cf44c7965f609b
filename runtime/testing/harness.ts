/**
 * @module testing/harness
 * Runs functions in tests the way they run in a cluster, against the emulated API server: each
 * deployed in a fresh namespace, as its own ServiceAccount bound to exactly the RBAC its
 * `permissions` generate (never as admin), through its real ways in: `invoke()` with a schedule
 * or run trigger, its watches, and the HTTP adapter with caller-auth secrets in a temporary folder
 * (those a test does not give are made up: see `caller-secrets.ts`). An admin client seeds and
 * inspects the cluster.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import type { KubeClient } from "../kube/api.js";
import { isPodfnFunction, type LoadedFunction, type Trigger } from "../function.js";
import { createKubeClient, resolveCredentials, KubeAlreadyExistsError, type ExplicitCredentials } from "../kube/index.js";
import { createHttpApp, type HttpApp } from "../http/index.js";
import { invoke } from "../invoke.js";
import { loadFunctions } from "../loader.js";
import { createLogger, type Logger } from "../log.js";
import { setUpAccounts } from "./deploy-accounts.js";
import { ProjectScopes } from "./project-scopes.js";
import { planCall } from "./calls.js";
import { CallerSecrets } from "./caller-secrets.js";
import { giveSecrets } from "../function-secrets.js";
import { loadDefinition, type AnyDefinition, type InputOf, type OutputOf, type ReviewObjectOf, type RunArgs, type ScheduleNameOf } from "./typed-calls.js";
import { startWatching, type RunningWatches, type WatchOptions } from "./watching.js";
import { untilIn, WaitScope } from "./until.js";
import { followAsyncCalls, type AsyncCallFailure } from "./async-calls.js";
import { reviewWith, type ReviewFields, type ReviewResult } from "./admission.js";
import { subjectAccessReviewer } from "./admission-authorizer.js";
import { registerWebhook, type RegisteredWebhook } from "./webhook-registration.js";
import { ConfigError } from "../errors.js";
import { SECRET_NAME } from "../definition-accept.js";
import type { AdmissionReview } from "../admission/review.js";
import { startCluster, type AccessRecord, type Cluster } from "./cluster/index.js";

export interface HarnessOptions {
  /**
   * Folder the functions are loaded from by name: the project, whose functions' declared
   * custom-resource scopes every deployed function's RBAC is computed with, as `podfn manifests`
   * computes it (see `project-scopes.ts`). Default `functions`.
   */
  functionsDir?: string;
  /**
   * Secrets by name: the caller-auth ones, written to a temporary secrets folder for the HTTP
   * adapter (one a deployed function's callers use that is not here gets a random value:
   * `Deployed.secret()`), and those a function declares in `secrets` and reads with
   * `ctx.secret(name)` (one not here fails the call that reads it, naming it). Each name is a
   * Secret name as functions declare them (lower case letters, digits, '-' and '.'): another is
   * refused (`ConfigError`, `config_invalid`) before anything starts.
   */
  secrets?: Record<string, string>;
  /** Default: silent. */
  logger?: Logger;
  /**
   * The cluster's clock (milliseconds since the epoch): what it stamps on objects it creates
   * (`creationTimestamp`, a deletion's), as a real server stamps its own time. Seed objects "in
   * the past" with a clock set back, then move it on: a cleanup by age is tested without
   * sleeping. Default: `Date.now`.
   */
  now?: () => number;
}

/** `deploy()`'s options. */
export interface DeployOptions {
  /** The namespace to deploy in (created unless it exists). Default: a fresh one named after the function. */
  namespace?: string;
  /**
   * Its `http.async` calls are expected to fail (a test of a denied call): their failures end no
   * `until()` wait, and are read from `asyncCallFailures`. Default false: each failed call ends
   * the pending wait (or the next) with an `AsyncCallFailedError`, once.
   */
  expectAsyncCallFailures?: boolean;
}

/** How long the harness's `stop()` waits for the async calls still running before aborting their signal (ms). */
const STOP_DRAIN_MS = 10_000;

/** One emulated cluster with an admin client. */
export interface Harness {
  cluster: Cluster;
  /** Authenticated as cluster admin: for seeding and checking only. */
  admin: KubeClient;
  /** Deploys the function `name` from the functions folder, or a loaded function (see `Deployed`). */
  deploy<F extends AnyDefinition>(fn: F, options?: DeployOptions): Promise<Deployed<F>>;
  /**
   * Deploys the definition a function module exports (`import setImage from
   * "../functions/set-image.js"`), the function `name` from the functions folder, or a loaded
   * function (see `Deployed`). A definition types `run()`'s input and result (see `Deployed<F>`).
   */
  deploy(fn: string | LoadedFunction | AnyDefinition, options?: DeployOptions): Promise<Deployed>;
  /**
   * `until()` scoped to this harness: ended at once by a failed call of this harness's watches
   * or async HTTP calls only (the plain `until()` is ended by any harness's, as it names none), and by `stop()`
   * (`HarnessStoppedError`, code `harness_stopped`). Two harnesses in one process wait with it.
   */
  until(condition: () => boolean | Promise<boolean>, what?: string, timeoutMs?: number): Promise<void>;
  /**
   * Waits for the async calls (`http.async`) still running (10 s at most, then aborts their
   * signal), stops the watches still running, closes every client and stops the cluster. Call
   * it in `after`.
   */
  stop(): Promise<void>;
}

/**
 * A function deployed in its own namespace as its own ServiceAccount. `F`: the definition given
 * to `deploy()`, which types `run()` and `fireSchedule()` (and its schedule names); deployed by
 * name, they take any input (any name) and resolve to `unknown`.
 */
export interface Deployed<F extends AnyDefinition = AnyDefinition> {
  /** The function as this deployment runs it: a copy of its own (another harness deploying the same one gives its copy its own secrets). */
  fn: LoadedFunction;
  namespace: string;
  /**
   * The client the function receives where its workload's Deployment runs it (routes, watches,
   * in-process schedules; the default HTTP one, or the one its `workload` names): that
   * ServiceAccount's, granted what the workload is granted for this function alone (deployed
   * alone, it holds none of the rights other functions of its workload bring), defaulting to `namespace`. A function that
   * calls no API (no permissions, no `kubeApi`, no ServiceAccount caller auth) gets no token in
   * its pod: its client then throws `kube_unavailable` naming what to declare. A CronJob-only
   * function (no route, watch, in-process schedule or webhook) has no Deployment (the manifests
   * make none, nor its account): this is then `cronKube`.
   */
  kube: KubeClient;
  /**
   * The client of the function's CronJob (`podfn run`, a `cronjob` schedule): its own
   * ServiceAccount's, holding the declared permissions only, as the manifests grant it (a
   * watch's list and watch rights are the Deployment's). Without permissions or `kubeApi` its
   * pod has no token: the client throws `kube_unavailable`. A function with no `cronjob`
   * schedule has no CronJob (the manifests make none, nor its account): this is then `kube`, the
   * account its `run()` runs as.
   */
  cronKube: KubeClient;
  /**
   * The usernames the API server sees: the Deployment's account (`kube`) and the CronJob's
   * (`cronKube`; the Deployment's when there is no CronJob), for `cluster.inject` and `cluster.access`;
   * a CronJob-only function's are both its CronJob's.
   */
  users: { deployment: string; cronJob: string };
  /** The admin client, defaulting to `namespace`. */
  admin: KubeClient;
  /**
   * Calls the function once through `invoke()` (default trigger: `podfn run`), as the workload
   * that would: its CronJob's account for a `cronjob` schedule trigger, and for a `run` one when
   * it has a CronJob; the HTTP Deployment's for any other. A schedule trigger runs as `podfn run --schedule NAME`: with no
   * `input`, the schedule's own (`{}` when it has none); a given one replaces it whole, as
   * `--input` does; a name the function has no schedule by rejects with `ConfigError`
   * (`config_invalid`) naming the schedules it has.
   */
  run(...args: RunArgs<F>): Promise<OutputOf<F>>;
  /**
   * `run(input, { trigger: { type: "schedule", schedule: name } })`: the schedule `name` fires
   * (its input unless `input` is given). Deployed as a definition, `name` is one of its
   * schedules' (`ScheduleNameOf<F>`: an entry's `name`, else its index `"0"`, `"1"`...), so a
   * wrong one is a compile error; any string where they are not known literally.
   */
  fireSchedule(name: ScheduleNameOf<F>, options?: { input?: InputOf<F>; dryRun?: boolean }): Promise<OutputOf<F>>;
  /**
   * Sends a request to the HTTP adapter serving this function (`path` like `/whoami?x=1`). An
   * `http.async` call that fails once answered 202 ends any pending `until()` at once with an
   * `AsyncCallFailedError`, unless deployed with `expectAsyncCallFailures: true`.
   */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Every failed `http.async` call so far (it threw: a 403, a handler's error), with its request id and error. */
  asyncCallFailures: AsyncCallFailure[];
  /**
   * The value of a caller-auth secret: `name`, else the one this function's auth reads (bearer,
   * HMAC), as given to `startHarness` or made up by the harness (to sign an HMAC body). Throws
   * `unknown_secret` naming the secrets there are.
   */
  secret(name?: string): string;
  /** The headers a caller of a bearer function sends (`authorization: Bearer <token>`, or its `header`); any other auth throws `not_bearer_auth`. */
  authHeaders(): Record<string, string>;
  /** What the function's ServiceAccounts (the Deployment's, then the CronJob's) were allowed or denied so far: compare it with `fn.permissions`. */
  access(): AccessRecord[];
  /**
   * Runs the function's watches as `podfn serve` runs them (as its ServiceAccount); see
   * `RunningWatches`. `retryDelayMs`: the pause before each retry of a failed call (serve's: 1 s
   * doubling), so a test of retries need not wait. A failed call ends any pending `until()` at
   * once with its error, unless `expectCallFailures: true` (see `WatchOptions`).
   */
  watch(options?: WatchOptions): RunningWatches;
  /**
   * Answers an admission review as the function's webhook does on `podfn serve`'s webhook port
   * (same checks, same answer), as its ServiceAccount: give the request's fields (`{ object }`,
   * `{ operation: "UPDATE", object, oldObject }`, `{ dryRun: true }`; the rest is filled in, see
   * `admissionReview`) or a whole AdmissionReview. Resolves to the response and, for a mutating
   * webhook, the object with its patch applied. Its `matchConditions` decide whether it is
   * called, their `authorizer` checks answered by the emulated cluster's RBAC for the request's
   * `userInfo` (a cluster admin by default). A unit test of the webhook's answers; to see the
   * emulated cluster call it on real writes, `registerWebhook()`. Deployed as a definition, the
   * result's `object` is typed by its rules (`ReviewObjectOf<F>`: a `Deployment` for
   * `"deployments.apps"`, the union for several), as its handler's `trigger.request.object`;
   * `fields` takes those (or any `KubeObject`: a test may send what no rule names).
   */
  review(fields: ReviewFields<ReviewObjectOf<F>> | ReviewFields | AdmissionReview): Promise<ReviewResult<ReviewObjectOf<F>>>;
  /**
   * Registers the function's admission webhook with the emulated cluster, as `podfn manifests`
   * and `podfn serve` do on a real one (webhook-registration.ts): from then on the cluster calls
   * it on the writes its rules match — in other namespaces than the function's own, which the
   * generated `namespaceSelector` leaves out — and answers with its refusals and patches, as a
   * 1.32 API server does. `stop()` (or the harness's) deregisters it.
   */
  registerWebhook(): Promise<RegisteredWebhook>;
}

/** A client for explicit credentials (server, CA, token or token file). */
export async function clientFor(explicit: ExplicitCredentials, logger?: Logger): Promise<KubeClient> {
  const credentials = await resolveCredentials({ explicit, serviceAccountDir: "/nonexistent", env: {} });
  return createKubeClient({ credentials, ...(logger ? { logger } : {}) });
}

/** Creates the namespace unless it exists. */
export async function ensureNamespace(admin: KubeClient, namespace: string): Promise<void> {
  try {
    await admin.namespaces.create({ metadata: { name: namespace } });
  } catch (error) {
    if (!(error instanceof KubeAlreadyExistsError)) throw error;
  }
}

/** The names of `startHarness({ secrets })`: Secret names (as functions declare them), so each is a plain file of the secrets folder. */
function checkSecretNames(secrets: Record<string, string>): void {
  for (const name of Object.keys(secrets)) {
    if (!SECRET_NAME.test(name) || name.length > 253) {
      throw new ConfigError(`startHarness({ secrets }): ${JSON.stringify(name)} is not a Secret name (lower case letters, digits, '-' and '.', starting and ending with a letter or digit, as functions name the secrets they read)`);
    }
  }
}

/**
 * Start the emulated cluster. `deploy(name)` puts a function in a fresh namespace: creates it,
 * binds the RBAC `podfn manifests` generates from the function's permissions to a
 * ServiceAccount named like the function, and builds a client from that account's token.
 *
 * @example
 * const harness = await startHarness({ secrets: { "api-token": "t0ken" } });
 * const cleanup = await harness.deploy("cleanup-finished-jobs");
 * await cleanup.run({ olderThanHours: 1 });
 * assert.equal((await cleanup.admin.jobs.listPage()).items.length, 0);
 * await harness.stop();
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const logger = options.logger ?? createLogger({ level: "silent" });
  checkSecretNames(options.secrets ?? {});
  const cluster = await startCluster(options.now ? { now: options.now } : {});
  const clients: KubeClient[] = [];
  // Watches a test left running (it failed before their stop()) are stopped with the harness.
  const watching: RunningWatches[] = [];
  // Webhooks registered with the cluster, deregistered with the harness.
  const webhooks: RegisteredWebhook[] = [];
  // The deployed functions' HTTP adapters: their async calls may still run when the test stops.
  const apps: HttpApp[] = [];
  const registeredIn = new Map<string, string>();
  // The waits this harness's watches end (its `until()`'s), closed by its stop().
  const waits = new WaitScope(cluster.url);
  let secretsDir: string | undefined;
  // Stops what was started, each step whatever the others did: on `stop()`, and when the start fails part way.
  const release = async () => {
    waits.close();
    try {
      await Promise.all(clients.map((c) => c.close()));
    } finally {
      try {
        await cluster.stop();
      } finally {
        if (secretsDir !== undefined) await rm(secretsDir, { recursive: true, force: true });
      }
    }
  };
  let admin: KubeClient;
  let secrets: CallerSecrets;
  try {
    admin = await clientFor({ server: cluster.url, caPem: cluster.caPem, token: cluster.adminToken }, logger);
    clients.push(admin);
    secretsDir = await mkdtemp(join(tmpdir(), "podfn-secrets-"));
    secrets = new CallerSecrets(secretsDir);
    await secrets.give(options.secrets ?? {});
  } catch (error) {
    // A failed start leaves no server holding the process open.
    await release().catch(() => undefined);
    throw error;
  }
  const dir = secretsDir;
  let counter = 0;
  // Custom resources' scopes as the whole functions folder declares them, as `podfn manifests` reads them.
  const projectScopes = new ProjectScopes(options.functionsDir ?? "functions", options.functionsDir !== undefined);

  async function deploy(target: string | LoadedFunction | AnyDefinition, { namespace: given, expectAsyncCallFailures = false }: DeployOptions = {}): Promise<Deployed> {
    const source = typeof target === "string" ? (await loadFunctions(options.functionsDir ?? "functions", { only: target }))[0]! : isPodfnFunction(target) ? loadDefinition(target) : (target as LoadedFunction);
    // Each deployment is a function of its own, as each pod loads its own: the values its
    // `ctx.secret()` reads (held per function) are this harness's, whoever else deploys `source`.
    const fn: LoadedFunction = { ...source };
    const namespace = given ?? `${fn.name.slice(0, 40)}-${++counter}`;
    const scopes = await projectScopes.of(fn);
    await ensureNamespace(admin, namespace);
    const clientOf = async (name: string) => {
      const account = await cluster.serviceAccount(namespace, name);
      const client = await clientFor({ server: cluster.url, caPem: cluster.caPem, tokenFile: join(account.dir, "token"), namespace }, logger);
      clients.push(client);
      return client;
    };
    const { hasCronJob, deploymentAccount, cronAccount, kube, cronKube } = await setUpAccounts(fn, admin, namespace, clientOf, scopes);
    await secrets.provide(fn);
    // `ctx.secret(name)` reads what the test gave (nothing is made up: a missing one fails the call, naming it).
    giveSecrets(fn, secrets.valuesOf(fn.secrets));
    const run = async (input?: unknown, { dryRun = false, trigger = { type: "run" } as Trigger } = {}): Promise<unknown> => {
      const call = planCall(fn, input, trigger, hasCronJob);
      return invoke({ fn, input: call.input, trigger: call.trigger, requestId: randomUUID(), dryRun, kube: call.workload === "cronJob" ? cronKube : kube, logger });
    };
    const asyncCalls = followAsyncCalls(expectAsyncCallFailures, waits);
    const app = createHttpApp({ functions: [fn], kube, logger, secretsDir: dir, env: secrets.env(), onBackgroundCallEnd: asyncCalls.onEnd });
    apps.push(app);
    return {
      fn,
      namespace,
      kube,
      cronKube,
      users: { deployment: `system:serviceaccount:${namespace}:${deploymentAccount}`, cronJob: `system:serviceaccount:${namespace}:${cronAccount}` },
      admin: admin.with({ namespace }),
      run,
      fireSchedule(name, { input, dryRun = false } = {}) {
        return run(input, { trigger: { type: "schedule", schedule: name }, dryRun });
      },
      fetch(path, init) {
        return app.fetch(new Request(`http://podfn.test${path}`, init));
      },
      asyncCallFailures: asyncCalls.failures,
      secret(name) {
        return secrets.value(fn, name);
      },
      authHeaders() {
        return secrets.headers(fn);
      },
      access() {
        const accounts = [...new Set([deploymentAccount, cronAccount])];
        return accounts.flatMap((account) => cluster.access(`system:serviceaccount:${namespace}:${account}`));
      },
      watch(options = {}) {
        const running = startWatching(fn, kube, logger, options, waits);
        watching.push(running);
        return running;
      },
      review(fields) {
        return reviewWith(fn, fields, namespace, kube, logger, subjectAccessReviewer(admin));
      },
      async registerWebhook() {
        // The generated configuration (`<app>.<namespace>`) and Service are one per namespace: a
        // second registration there would replace the first one's (its webhook never called again).
        const other = registeredIn.get(namespace);
        if (other !== undefined) {
          throw new ConfigError(other === fn.name ? `${fn.name}'s webhook is registered already: stop() it first` : `${other}'s webhook is registered in namespace ${namespace} already, and a namespace holds one (the generated configuration and Service are one per namespace): deploy ${fn.name} in a namespace of its own (deploy() does unless given one)`);
        }
        registeredIn.set(namespace, fn.name);
        try {
          const registered = await registerWebhook(fn, { namespace, cluster, admin, kube, logger });
          const entry: RegisteredWebhook = {
            name: registered.name,
            stop: () => registered.stop().finally(() => registeredIn.delete(namespace)),
          };
          webhooks.push(entry);
          return entry;
        } catch (error) {
          registeredIn.delete(namespace);
          throw error;
        }
      },
    };
  }

  return {
    cluster,
    admin,
    deploy,
    until(condition, what, timeoutMs) {
      return untilIn(waits, condition, what, timeoutMs);
    },
    async stop() {
      // Pending waits end now: what they wait for will not come.
      waits.close();
      // Async calls (`http.async`) still running finish against the cluster first (their signal aborted past STOP_DRAIN_MS).
      await Promise.all(apps.map((app) => app.drain.settle(STOP_DRAIN_MS)));
      await Promise.all(watching.map((w) => w.stop()));
      await Promise.all(webhooks.map((w) => w.stop()));
      await release();
    },
  };
}
