/**
 * @module test/functions/helpers/harness
 * Runs an example function the way it runs in a cluster, against the emulated API server:
 * in a fresh namespace, as its own ServiceAccount bound to exactly the RBAC its `permissions`
 * generate (never as admin), through its real ways in: `invoke()` with a schedule or run
 * trigger, and the HTTP adapter with caller-auth secrets in a temporary secrets folder.
 * The admin client seeds and inspects the cluster.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { startCluster } from "podfn/testing";
import { createLogger, invoke, loadFunctions, type KubeClient, type LoadedFunction, type Trigger } from "podfn";
import { createKubeClient, resolveCredentials, type ExplicitCredentials } from "../../../runtime/kube/index.js";
import { createHttpApp } from "../../../runtime/http/index.js";
import { grantDeclaredPermissions } from "../../../runtime/testing/grant.js";

type Cluster = Awaited<ReturnType<typeof startCluster>>;

/** Caller-auth secrets every example may need, by name. */
export const SECRETS = {
  "api-token": "test-api-token-0123456789",
  "alertmanager-token": "test-alertmanager-token-0123456789",
  "github-webhook-secret": "test-github-secret-0123456789",
} as const;

const logger = createLogger({ level: (process.env.TEST_LOG_LEVEL as "silent" | undefined) ?? "silent" });

/** One emulated cluster for a test file, with an admin client. */
export interface Harness {
  cluster: Cluster;
  /** Authenticated as cluster admin: for seeding and checking only. */
  admin: KubeClient;
  /** Deploys the example `name` (see `deploy`). */
  deploy(name: string, options?: { namespace?: string }): Promise<Deployed>;
  /** Closes every client and stops the cluster. Call it in `after`. */
  stop(): Promise<void>;
}

/** A function deployed in its own namespace as its own ServiceAccount. */
export interface Deployed {
  fn: LoadedFunction;
  namespace: string;
  /** The client the function receives: the ServiceAccount's, defaulting to `namespace`. */
  kube: KubeClient;
  /** The admin client, defaulting to `namespace`. */
  admin: KubeClient;
  /** Calls the function once through `invoke()` (default trigger: `podfn run`). */
  run(input?: unknown, options?: { dryRun?: boolean; trigger?: Trigger }): Promise<unknown>;
  /** Sends a request to the HTTP adapter serving this function (`path` like `/whoami?x=1`). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

/** A client for explicit credentials. */
export async function clientFor(explicit: ExplicitCredentials): Promise<KubeClient> {
  const credentials = await resolveCredentials({ explicit, serviceAccountDir: "/nonexistent", env: {} });
  return createKubeClient({ credentials, logger });
}

/** Creates the namespace unless it exists. */
export async function ensureNamespace(admin: KubeClient, namespace: string): Promise<void> {
  try {
    await admin.namespaces.create({ metadata: { name: namespace } });
  } catch (error) {
    if ((error as { code?: unknown }).code !== "kube_already_exists") throw error;
  }
}

/** The JSON body of a response, untyped for assertions. */
export function json(res: Response): Promise<any> {
  return res.json();
}

/** `Authorization` header carrying the named test secret. */
export function bearer(secret: keyof typeof SECRETS): Record<string, string> {
  return { authorization: `Bearer ${SECRETS[secret]}` };
}

/**
 * Starts the emulated cluster. `deploy(name)` then puts the example `name` from `functions/`
 * in a fresh namespace: creates it, binds the RBAC `podfn manifests` generates from the
 * function's permissions to a ServiceAccount named like the function, and builds a client from that account's token.
 */
export async function startHarness(): Promise<Harness> {
  const cluster = await startCluster();
  const clients: KubeClient[] = [];
  const admin = await clientFor({ server: cluster.url, caPem: cluster.caPem, token: cluster.adminToken });
  clients.push(admin);
  const secretsDir = await mkdtemp(join(tmpdir(), "podfn-secrets-"));
  await Promise.all(Object.entries(SECRETS).map(([name, value]) => writeFile(join(secretsDir, name), `${value}\n`)));
  let counter = 0;

  async function deploy(name: string, options: { namespace?: string } = {}): Promise<Deployed> {
    const [fn] = (await loadFunctions("functions", { only: name })) as [LoadedFunction];
    const namespace = options.namespace ?? `${name.slice(0, 40)}-${++counter}`;
    const scoped = admin.with({ namespace });
    await ensureNamespace(admin, namespace);
    await grantDeclaredPermissions(admin, namespace, name, [fn]);
    const account = await cluster.serviceAccount(namespace, name);
    const kube = await clientFor({ server: cluster.url, caPem: cluster.caPem, tokenFile: join(account.dir, "token"), namespace });
    clients.push(kube);
    const app = createHttpApp({ functions: [fn], kube, logger, secretsDir });
    return {
      fn,
      namespace,
      kube,
      admin: scoped,
      run(input = {}, { dryRun = false, trigger = { type: "run" } as Trigger } = {}) {
        return invoke({ fn, input, trigger, requestId: randomUUID(), dryRun, kube, logger });
      },
      fetch(path, init) {
        return Promise.resolve(app.fetch(new Request(`http://podfn.test${path}`, init)));
      },
    };
  }

  return {
    cluster,
    admin,
    deploy,
    async stop() {
      await Promise.all(clients.map((c) => c.close()));
      await cluster.stop();
      await rm(secretsDir, { recursive: true, force: true });
    },
  };
}
