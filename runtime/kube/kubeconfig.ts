/**
 * @module kube/kubeconfig
 * Reads a kubeconfig file into `Credentials`: the current context (or a named one) and its
 * namespace, the cluster's `server`, `certificate-authority(-data)`, `tls-server-name`,
 * `insecure-skip-tls-verify` and `proxy-url` (HTTP, HTTPS or SOCKS5), and the user's `token`, `tokenFile`,
 * `client-certificate(-data)`/`client-key(-data)` or `exec` plugin, and whom it acts as (`as`,
 * `as-uid`, `as-groups`, `as-user-extra`: kube/impersonation.ts). A `:`-separated list of
 * files is merged as kubectl merges `$KUBECONFIG`. Relative paths resolve against the folder of
 * the file that holds them, as kubectl does.
 */
// `fs.promises` is read where used: node:fs/promises (~0.9 ms) loads only in a process that needs it.
import { promises as fs } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { KubeCredentialsError } from "./errors.js";
import { combinedAuth, staticAuth, tokenFileAuth } from "./auth.js";
import type { AuthProvider, Credentials } from "./auth.js";
import { execAuth } from "./exec-plugin.js";
import { clientCertificateAuth } from "./client-certificate.js";
import type { ExecConfig } from "./exec-plugin.js";
import type { KubeLogger } from "./logger.js";
import { checkProxyUrl } from "./proxy.js";
import { mergeImpersonation, type Impersonation } from "./impersonation.js";
import { silentLogger } from "./logger.js";

export interface KubeconfigOptions {
  /** Context to use instead of `current-context`. */
  context?: string;
  /** Environment exec plugins inherit. */
  env: Readonly<Record<string, string | undefined>>;
  /** Receives the warning when the kubeconfig turns TLS verification off. */
  logger?: KubeLogger;
  /** Clock for token refresh and exec credential expiry. Default: `Date.now`. */
  now?: () => number;
  /** See `TokenFileOptions.refreshMs`. */
  tokenRefreshMs?: number;
}

type Dict = Record<string, unknown>;

/** One file of a kubeconfig list, parsed, and the folder its relative paths resolve against. */
interface Source {
  config: Dict;
  base: string;
}

/**
 * The entry named `name` in `list` (`contexts`, `clusters`, `users`) of the first file that
 * has one, as kubectl merges a list ("the first file to set a particular map key wins"), with
 * the folder of that file.
 */
function named(sources: Source[], list: string, name: string, label: string): { entry: Dict; base: string } {
  const key = list.slice(0, -1);
  for (const source of sources) {
    const entries = Array.isArray(source.config[list]) ? (source.config[list] as Dict[]) : [];
    const entry = entries.find((e) => e && e.name === name);
    if (entry) return { entry: (entry[key] as Dict | undefined) ?? {}, base: source.base };
  }
  throw new KubeCredentialsError(`${label}: no ${key} named ${JSON.stringify(name)} in ${list}`);
}

/** Why a file could not be read, in words. */
function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory" : (code ?? String(error));
}

function str(section: Dict, key: string): string | undefined {
  const value = section[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Read the files of a kubeconfig list (`a:b`, as `$KUBECONFIG` holds it) that exist, in order.
 * When none does, the first one's file system error passes through (the caller falls back).
 */
async function readSources(list: string): Promise<Source[]> {
  // A file whose own name holds a ":" is that file, not a list.
  const whole = list.includes(":") && (await fs.stat(list).then((stat) => stat.isFile(), () => false));
  const paths = whole ? [list] : list.split(":").filter((entry) => entry !== "");
  const texts: { path: string; text: string }[] = [];
  let missing: unknown;
  for (const path of paths) {
    try {
      texts.push({ path, text: await fs.readFile(path, "utf8") });
    } catch (error) {
      // Missing files of a list are skipped, as kubectl skips them; one that is there but cannot
      // be read stops, as kubectl stops, rather than falling through to another cluster.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") throw new KubeCredentialsError(`${path}: cannot be read: ${readFailure(error)}`);
      missing ??= error;
    }
  }
  if (texts.length === 0) throw missing ?? Object.assign(new Error(`no kubeconfig in ${JSON.stringify(list)}`), { code: "ENOENT", syscall: "open" });
  // Loaded here, not at start-up: a pod never reads a kubeconfig.
  const { parse } = await import("yaml");
  return texts.map(({ path, text }) => {
    let config: unknown;
    try {
      config = parse(text) ?? {};
    } catch (error) {
      throw new KubeCredentialsError(`${path}: not valid YAML: ${(error as Error).message.split("\n")[0]!.replace(/:\s*$/, "")}`);
    }
    if (typeof config !== "object" || Array.isArray(config)) throw new KubeCredentialsError(`${path}: not a kubeconfig (a YAML mapping with clusters, users and contexts)`);
    return { config: config as Dict, base: dirname(resolve(path)) };
  });
}

/**
 * Load credentials from the kubeconfig at `path`, or the `:`-separated list of kubeconfigs in
 * it, merged as kubectl merges `$KUBECONFIG` (the first `current-context` set, and of each named
 * context, cluster and user the first file's; relative paths resolve against the file that
 * holds them; missing files skipped). When no file exists, the first one's ENOENT passes through
 * so the caller can fall back; a file that cannot be read, invalid content, or a file it names
 * (certificate authority, client certificate or key) that cannot be read throws
 * `KubeCredentialsError`.
 *
 * @example
 * const credentials = await loadKubeconfig(`${env.HOME}/.kube/config`, { env });
 */
export async function loadKubeconfig(path: string, options: KubeconfigOptions): Promise<Credentials> {
  const sources = await readSources(path);
  const at = (base: string, file: string): string => (isAbsolute(file) ? file : resolve(base, file));
  // A file the kubeconfig names must be there: only the kubeconfig itself being absent lets the
  // caller fall back to another source (kubectl stops too: "unable to read certificate-authority").
  const readNamed = async (field: string, base: string, file: string): Promise<string> => {
    try {
      return await fs.readFile(at(base, file), "utf8");
    } catch (error) {
      throw new KubeCredentialsError(`${path}: unable to read ${field} ${at(base, file)}: ${readFailure(error)}`);
    }
  };
  const contextName = options.context ?? sources.map((source) => str(source.config, "current-context")).find((name) => name !== undefined);
  if (!contextName) throw new KubeCredentialsError(`${path}: no current-context`);
  const { entry: context } = named(sources, "contexts", contextName, path);
  const clusterName = str(context, "cluster");
  if (!clusterName) throw new KubeCredentialsError(`${path}: context ${JSON.stringify(contextName)} names no cluster`);
  const { entry: cluster, base: clusterBase } = named(sources, "clusters", clusterName, path);
  const userName = str(context, "user");
  const { entry: user, base } = userName ? named(sources, "users", userName, path) : { entry: {} as Dict, base: sources[0]!.base };

  const server = str(cluster, "server");
  if (!server) throw new KubeCredentialsError(`${path}: cluster ${JSON.stringify(clusterName)} has no server`);
  const proxyUrl = str(cluster, "proxy-url");
  if (proxyUrl !== undefined) checkProxyUrl(proxyUrl, `${path}: cluster ${JSON.stringify(clusterName)} sets proxy-url`);
  const caData = str(cluster, "certificate-authority-data");
  const caFile = str(cluster, "certificate-authority");
  const caPem = caData ? Buffer.from(caData, "base64").toString("utf8") : caFile ? await readNamed("certificate-authority", clusterBase, caFile) : undefined;
  const insecure = cluster["insecure-skip-tls-verify"] === true;
  if (insecure && caPem) throw new KubeCredentialsError(`${path}: cluster ${JSON.stringify(clusterName)} sets both a certificate authority and insecure-skip-tls-verify`);
  if (insecure) {
    (options.logger ?? silentLogger).warn({ kubeconfig: path, cluster: clusterName }, "kubeconfig sets insecure-skip-tls-verify: the API server's certificate is NOT verified");
  }
  if (user.username || user.password) throw new KubeCredentialsError(`${path}: user ${JSON.stringify(userName)} uses basic auth, which Kubernetes removed; use a token, a client certificate or an exec plugin`);
  if (user["auth-provider"]) throw new KubeCredentialsError(`${path}: user ${JSON.stringify(userName)} uses an auth-provider, which is not supported; use an exec plugin`);

  const providers: AuthProvider[] = [];
  const token = str(user, "token");
  const tokenFile = str(user, "tokenFile");
  // Both: as client-go, the file's last good value wins; the inline token stands in until one is read.
  if (tokenFile) providers.push(tokenFileAuth(at(base, tokenFile), { refreshMs: options.tokenRefreshMs, now: options.now, logger: options.logger, ...(token ? { fallbackToken: token } : {}) }));
  else if (token) providers.push(staticAuth({ token }, `kubeconfig token of user ${userName}`));
  const certData = str(user, "client-certificate-data");
  const certFile = str(user, "client-certificate");
  const keyData = str(user, "client-key-data");
  const keyFile = str(user, "client-key");
  if (certData || certFile) {
    if (!keyData && !keyFile) throw new KubeCredentialsError(`${path}: user ${JSON.stringify(userName)} has a client certificate but no client key`);
    const certPem = certData ? Buffer.from(certData, "base64").toString("utf8") : await readNamed("client-certificate", base, certFile!);
    const keyPem = keyData ? Buffer.from(keyData, "base64").toString("utf8") : await readNamed("client-key", base, keyFile!);
    // Checked to belong together at the first request (client-go: at setup), not taken for an unreachable server.
    providers.push(clientCertificateAuth(certPem, keyPem, `${path}: user ${JSON.stringify(userName)}`));
  }
  const exec = user.exec as ExecConfig | undefined;
  if (exec && typeof exec === "object") {
    const command = /[\\/]/.test(exec.command) ? at(base, exec.command) : exec.command;
    // client.authentication.k8s.io Cluster: `config` is the cluster's `client.authentication.k8s.io/exec` extension.
    const extensions = Array.isArray(cluster.extensions) ? (cluster.extensions as Dict[]) : [];
    const execExtension = extensions.find((e) => e && e.name === "client.authentication.k8s.io/exec")?.extension;
    const clusterInfo = {
      server,
      "tls-server-name": str(cluster, "tls-server-name"),
      "certificate-authority-data": caPem ? Buffer.from(caPem).toString("base64") : undefined,
      "insecure-skip-tls-verify": insecure,
      "proxy-url": proxyUrl,
      ...(execExtension !== undefined ? { config: execExtension } : {}),
    };
    providers.push(execAuth({ ...exec, command }, { env: options.env, cluster: clusterInfo, now: options.now }));
  }

  const impersonate = kubeconfigImpersonation(user, `${path}: user ${JSON.stringify(userName)}`);
  return {
    server: server.replace(/\/+$/, ""),
    namespace: str(context, "namespace") ?? "default",
    ...(impersonate ? { impersonate } : {}),
    caPem,
    ...(caFile !== undefined && !caData ? { caFile: at(clusterBase, caFile) } : {}),
    insecureSkipTlsVerify: insecure || undefined,
    tlsServerName: str(cluster, "tls-server-name"),
    ...(proxyUrl !== undefined ? { proxyUrl, proxyFrom: "proxy-url" } : {}),
    auth: providers.length ? combinedAuth(providers) : staticAuth({}, "no credentials (anonymous)"),
    source: `kubeconfig ${path} (context ${contextName})`,
  };
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((e) => typeof e === "string");

/** A kubeconfig user's `as`, `as-uid`, `as-groups` and `as-user-extra`, as client-go reads them. */
function kubeconfigImpersonation(user: Dict, where: string): Impersonation | undefined {
  const groups = user["as-groups"];
  const extra = user["as-user-extra"];
  if (groups !== undefined && groups !== null && !isStringList(groups)) throw new KubeCredentialsError(`${where}: as-groups must be a list of group names`);
  if (extra !== undefined && extra !== null && (typeof extra !== "object" || Array.isArray(extra) || !Object.values(extra).every(isStringList))) {
    throw new KubeCredentialsError(`${where}: as-user-extra must map each key to a list of values`);
  }
  return mergeImpersonation({ user: str(user, "as"), uid: str(user, "as-uid"), groups: groups ?? undefined, extra: (extra as Record<string, string[]> | null) ?? undefined }, undefined, where);
}
