/**
 * @module kube/credentials
 * Finds the credentials of the Kubernetes client, with ONE precedence:
 *
 * 1. `explicit` options (server plus token, token file or client certificate);
 * 2. the `kubeconfig` file the caller names (the `--kubeconfig` flag or `$KUBECONFIG`);
 * 3. in-cluster, when `KUBERNETES_SERVICE_HOST` is set: `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`
 *    with `token`, `ca.crt` and `namespace` from the ServiceAccount folder;
 * 4. `$HOME/.kube/config`, only when no kubeconfig was named (as client-go).
 *
 * Connections tunnel through the kubeconfig's `proxy-url`, else through the proxy `HTTPS_PROXY`
 * names unless `NO_PROXY` exempts the server (as client-go; see kube/proxy.ts). Requests act as
 * another user when the kubeconfig user's `as` or the `impersonate` option asks (kube/impersonation.ts).
 *
 * A kubeconfig that is missing (every file of a `KUBECONFIG` list), or an in-cluster folder
 * without its files, is skipped and noted; when none works, `NoCredentialsError` names every
 * source tried. A kubeconfig that is there but cannot be read or is invalid (bad YAML, unknown
 * context, a certificate file it names missing) throws `KubeCredentialsError` at once rather
 * than silently falling back to another cluster; so does a client certificate whose key is not
 * its own, at the first request (kube/client-certificate.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { KubeCredentialsError, NoCredentialsError } from "./errors.js";
import { combinedAuth, staticAuth, tokenFileAuth } from "./auth.js";
import type { AuthProvider, Credentials } from "./auth.js";
import { clientCertificateAuth } from "./client-certificate.js";
import { loadKubeconfig } from "./kubeconfig.js";
import { proxyFromEnvironment } from "./proxy.js";
import { mergeImpersonation, type ImpersonationFields } from "./impersonation.js";
import type { KubeLogger } from "./logger.js";

/** Credentials given directly (e.g. by a test or an embedding program). */
export interface ExplicitCredentials {
  /** API server URL, `https://...`. */
  server: string;
  token?: string;
  /** A token file, re-read on change like a ServiceAccount token. */
  tokenFile?: string;
  /** CA of the server (PEM). Default: the system's roots. */
  caPem?: string;
  /** Client certificate and key (PEM) for mutual TLS. */
  clientCertPem?: string;
  clientKeyPem?: string;
  /** Default: `"default"`. */
  namespace?: string;
}

export interface ResolveCredentialsOptions {
  explicit?: ExplicitCredentials;
  /** kubeconfig path, or a `:`-separated list merged as kubectl does: the `--kubeconfig` flag or `$KUBECONFIG`. */
  kubeconfig?: string;
  /** kubeconfig context to use instead of `current-context`. */
  context?: string;
  /** The in-cluster ServiceAccount folder, e.g. `/var/run/secrets/kubernetes.io/serviceaccount`. */
  serviceAccountDir: string;
  /** Environment: `KUBERNETES_SERVICE_HOST`/`_PORT`, `HOME`, `HTTPS_PROXY`/`NO_PROXY`, and what exec plugins inherit. */
  env: Readonly<Record<string, string | undefined>>;
  /** Receives warnings (e.g. a kubeconfig turning TLS verification off). */
  logger?: KubeLogger;
  /** Clock for token refresh and exec expiry, ms since the epoch. Default: `Date.now`. */
  now?: () => number;
  /** Re-read token files at least this often, in ms. Default: `60000`. */
  tokenRefreshMs?: number;
  /** Act as another user (`--as`, `--as-group`, `--as-uid`): each field given replaces the kubeconfig user's. */
  impersonate?: ImpersonationFields;
}

function fsReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" ? "not found" : code === "EACCES" ? "permission denied" : (code ?? String(error));
}

function isFsError(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException).code === "string" && typeof (error as NodeJS.ErrnoException).syscall === "string";
}

function fromExplicit(explicit: ExplicitCredentials, options: ResolveCredentialsOptions): Credentials {
  const providers: AuthProvider[] = [];
  if (explicit.token) providers.push(staticAuth({ token: explicit.token }, "explicit token"));
  else if (explicit.tokenFile) providers.push(tokenFileAuth(explicit.tokenFile, { refreshMs: options.tokenRefreshMs, now: options.now, logger: options.logger }));
  if (explicit.clientCertPem && explicit.clientKeyPem) providers.push(clientCertificateAuth(explicit.clientCertPem, explicit.clientKeyPem, "explicit client certificate"));
  return {
    server: explicit.server.replace(/\/+$/, ""),
    namespace: explicit.namespace ?? "default",
    caPem: explicit.caPem,
    auth: providers.length ? combinedAuth(providers) : staticAuth({}, "no credentials (anonymous)"),
    source: "explicit options",
  };
}

async function inCluster(options: ResolveCredentialsOptions): Promise<Credentials> {
  const host = options.env.KUBERNETES_SERVICE_HOST!;
  const port = options.env.KUBERNETES_SERVICE_PORT || "443";
  const dir = options.serviceAccountDir;
  const auth = tokenFileAuth(join(dir, "token"), { refreshMs: options.tokenRefreshMs, now: options.now, logger: options.logger });
  await auth.get();
  const caPath = join(dir, "ca.crt");
  // Read synchronously: credentials are resolved once, before the process serves anything.
  let caPem: string;
  try {
    caPem = readFileSync(caPath, "utf8");
  } catch (error) {
    throw new KubeCredentialsError(`cannot read ${caPath}: ${fsReason(error)}`, { cause: error });
  }
  let namespace = "default";
  try {
    namespace = readFileSync(join(dir, "namespace"), "utf8").trim() || "default";
  } catch {
    // no namespace file: the default namespace
  }
  return {
    server: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
    namespace,
    caPem,
    caFile: caPath,
    auth,
    source: `in-cluster (${dir})`,
  };
}

/** Where a pod's ServiceAccount token, CA and namespace are mounted. */
const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/**
 * Find credentials by the precedence above. Defaults: `env` the process's (and then `kubeconfig`
 * its `KUBECONFIG`), `serviceAccountDir` the pod's mount (`/var/run/secrets/kubernetes.io/serviceaccount`).
 *
 * @example
 * const kube = createKubeClient({ credentials: await resolveCredentials() });
 * const pinned = await resolveCredentials({ kubeconfig: "ci.kubeconfig", serviceAccountDir: "/nonexistent", env: {} });
 */
export async function resolveCredentials(options: Partial<ResolveCredentialsOptions> = {}): Promise<Credentials> {
  // A caller giving `env` has read its KUBECONFIG already (podfn's config does: `kubeconfig`).
  const kubeconfig = options.kubeconfig ?? (options.env === undefined ? process.env.KUBECONFIG || undefined : undefined);
  const resolved: ResolveCredentialsOptions = { ...options, env: options.env ?? process.env, serviceAccountDir: options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR, kubeconfig };
  const found = withEnvironmentProxy(await firstFound(resolved), resolved.env, resolved.logger);
  if (!options.impersonate) return found;
  const impersonate = mergeImpersonation(found.impersonate, options.impersonate, "--as, --as-group, --as-uid");
  return impersonate ? { ...found, impersonate } : found;
}

/** As client-go: a kubeconfig's `proxy-url` wins; otherwise `HTTPS_PROXY`/`NO_PROXY` decide (kube/proxy.ts). */
function withEnvironmentProxy(credentials: Credentials, env: ResolveCredentialsOptions["env"], logger: KubeLogger | undefined): Credentials {
  if (credentials.proxyUrl !== undefined) return credentials;
  const proxy = proxyFromEnvironment(credentials.server, env, function ignored(message) {
    logger?.warn({}, message);
  });
  return proxy === undefined ? credentials : { ...credentials, proxyUrl: proxy.url, proxyFrom: proxy.variable };
}

async function firstFound(options: ResolveCredentialsOptions): Promise<Credentials> {
  if (options.explicit) return fromExplicit(options.explicit, options);
  const tried: string[] = [];
  const kubeconfigOptions = { context: options.context, env: options.env, logger: options.logger, now: options.now, tokenRefreshMs: options.tokenRefreshMs };

  async function tryKubeconfig(path: string, label: string): Promise<Credentials | undefined> {
    try {
      return await loadKubeconfig(path, kubeconfigOptions);
    } catch (error) {
      if (!isFsError(error)) throw error;
      tried.push(`${label} ${path}: ${fsReason(error)}`);
      return undefined;
    }
  }

  if (options.kubeconfig) {
    const found = await tryKubeconfig(options.kubeconfig, "kubeconfig");
    if (found) return found;
  } else {
    tried.push("kubeconfig: none given (--kubeconfig / KUBECONFIG)");
  }
  if (options.env.KUBERNETES_SERVICE_HOST) {
    try {
      return await inCluster(options);
    } catch (error) {
      if (!(error instanceof KubeCredentialsError)) throw error;
      tried.push(`in-cluster (${options.serviceAccountDir}): ${error.message}`);
    }
  } else {
    tried.push("in-cluster: KUBERNETES_SERVICE_HOST is not set");
  }
  // As client-go: ~/.kube/config is read only when no kubeconfig was named (a mistyped
  // KUBECONFIG must not quietly reach the cluster ~/.kube/config points at).
  if (options.kubeconfig) {
    tried.push("~/.kube/config: not read: a kubeconfig was named (--kubeconfig / KUBECONFIG)");
  } else if (options.env.HOME) {
    const found = await tryKubeconfig(join(options.env.HOME, ".kube", "config"), "~/.kube/config");
    if (found) return found;
  } else {
    tried.push("~/.kube/config: HOME is not set");
  }
  throw new NoCredentialsError(tried);
}
