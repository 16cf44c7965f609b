/**
 * @module kube/auth
 * What a request authenticates with, and where it comes from. `Credentials` is what
 * `resolveCredentials` returns and `createKubeClient` takes; its `auth` provider hands out the
 * current bearer token and/or client certificate on every request. Token files are re-read
 * when they change (the kubelet swaps a `..data` symlink) and at least every 60 s, never
 * cached for the life of the process.
 */
import { readFile, stat, type Stats } from "node:fs";
import { KubeCredentialsError } from "./errors.js";
import { rememberSecret } from "../secret-values.js";
import type { KubeLogger } from "./logger.js";
import type { Impersonation } from "./impersonation.js";

/** What one request authenticates with. Secret: never log it. */
export interface AuthMaterial {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Client certificate (PEM) for mutual TLS, with its key. */
  certPem?: string;
  keyPem?: string;
}

/** Hands out the current credentials of a source. */
export interface AuthProvider {
  /** Names the source without secrets, e.g. `token file /var/run/secrets/.../token`. */
  readonly description: string;
  /** The current material; cheap when nothing changed. */
  get(signal?: AbortSignal): Promise<AuthMaterial>;
  /**
   * The material `get` would give right now when it is at hand without reading anything (a
   * token looked at within its check interval), else `undefined`: then call `get`. Lets a
   * request skip a promise turn on every call.
   */
  current?(): AuthMaterial | undefined;
  /** Forget cached material after a 401. Returns true when the next `get` may differ (worth one retry). */
  invalidate(): boolean;
}

/** Where to reach the API server and how to authenticate. */
export interface Credentials {
  /** Base URL, e.g. `https://10.96.0.1:443` (a path prefix is kept). */
  server: string;
  /** Default namespace of calls. */
  namespace: string;
  /** CA certificates (PEM) the server's certificate is verified against. Undefined: the system's roots. */
  caPem?: string;
  /** The file `caPem` was read from (a pod's `ca.crt`, a kubeconfig's `certificate-authority`): read again when it changes (kube/ca-file.ts). */
  caFile?: string;
  /** Skip server certificate verification. Only ever set from a kubeconfig that says so. */
  insecureSkipTlsVerify?: boolean;
  /** Name to verify the server certificate against, when it differs from the URL's host. */
  tlsServerName?: string;
  /** An HTTP(S) proxy every connection tunnels through (CONNECT): a kubeconfig's `proxy-url`, else `HTTPS_PROXY` (see kube/proxy.ts). */
  proxyUrl?: string;
  /** Where `proxyUrl` came from, for messages: `proxy-url` or the environment variable's name. */
  proxyFrom?: string;
  /** What authenticates each request: a bearer token (fixed, from a file, or an exec plugin's) and/or a client certificate. */
  auth: AuthProvider;
  /** The user every request acts as (`Impersonate-*` headers): a kubeconfig user's `as`, or `--as`. */
  impersonate?: Impersonation;
  /** Where these came from, for logs and errors, e.g. `in-cluster (/var/run/secrets/kubernetes.io/serviceaccount)`. */
  source: string;
}

/**
 * A provider of fixed material (an explicit token, client certificate files read once).
 *
 * @example
 * const auth = staticAuth({ token }, "explicit token");
 */
export function staticAuth(material: AuthMaterial, description: string): AuthProvider {
  if (material.token) rememberSecret(material.token, material);
  return {
    description,
    async get() {
      return material;
    },
    current() {
      return material;
    },
    invalidate() {
      return false;
    },
  };
}

export interface TokenFileOptions {
  /** Re-read the file at least this often, in ms, even when it looks unchanged. Default: `60000`. */
  refreshMs?: number;
  /**
   * Look at the file (one `stat`) at most this often, in ms: a `get` within it of the last look
   * uses the token then read. Default: `1000`.
   */
  checkMs?: number;
  /** Clock, in ms since the epoch. Default: `Date.now`. */
  now?: () => number;
  /**
   * A token to send while the file has never been read successfully (a kubeconfig giving both
   * `token` and `tokenFile`: client-go prefers the file's last good value).
   */
  fallbackToken?: string;
  /** Told when a re-read fails and the last good token is kept. */
  logger?: KubeLogger;
}

interface CachedToken {
  material: AuthMaterial;
  ino: number;
  mtimeMs: number;
  size: number;
  readAt: number;
  /** When the file was last looked at (stat). */
  checkedAt: number;
}

/** `stat` and `readFile` as promises, from `node:fs` itself: `node:fs/promises` (~0.9 ms to load) stays unloaded in a run that needs nothing else from it. */
const statOf = (path: string) => new Promise<Stats>((resolve, reject) => stat(path, (error, info) => (error ? reject(error) : resolve(info))));
const textOf = (path: string) => new Promise<string>((resolve, reject) => readFile(path, "utf8", (error, text) => (error ? reject(error) : resolve(text))));

/**
 * A bearer token read from a file, kept fresh: a `get` more than `checkMs` (1 s) after the last
 * look stats the file (following the `token -> ..data/token` symlinks, so a swapped `..data`
 * shows as a new inode) and re-reads it when it changed, when `refreshMs` passed, or after
 * `invalidate()`. Reads are asynchronous and concurrent callers share one read. Within `checkMs`
 * the token read last is used without touching the file: an asynchronous `stat` costs a trip
 * through libuv's thread pool (~30 µs of CPU), more than the rest of a small request, and the
 * kubelet writes a new token minutes before the old one expires (a token refused meanwhile is a
 * 401, which re-reads the file and retries once).
 *
 * @example
 * const auth = tokenFileAuth("/var/run/secrets/kubernetes.io/serviceaccount/token");
 */
export function tokenFileAuth(path: string, options: TokenFileOptions = {}): AuthProvider {
  const refreshMs = options.refreshMs ?? 60_000;
  const checkMs = options.checkMs ?? 1000;
  const now = options.now ?? Date.now;
  let cached: CachedToken | undefined;
  let pending: Promise<AuthMaterial> | undefined;
  // What a failed re-read falls back to, as client-go's caching token source: the last token read
  // (kept through `invalidate()`), else the fallback token. Only with neither does a read fail.
  // The token file's holder: its current token is censored for as long as it is current.
  const holder = {};
  if (options.fallbackToken) rememberSecret(options.fallbackToken, options);
  let lastGood: AuthMaterial | undefined = options.fallbackToken ? Object.freeze({ token: options.fallbackToken }) : undefined;

  async function load(): Promise<AuthMaterial> {
    const checkedAt = now();
    try {
      return await read(checkedAt);
    } catch (error) {
      if (!lastGood) throw error;
      options.logger?.warn({ tokenFile: path, error: (error as Error).message }, "cannot re-read the token file; using the last token read");
      // Looked at again after `checkMs`, as a good read would be.
      cached = { material: lastGood, ino: -1, mtimeMs: -1, size: -1, readAt: -Infinity, checkedAt };
      return lastGood;
    }
  }

  async function read(checkedAt: number): Promise<AuthMaterial> {
    try {
      const info = await statOf(path);
      const fresh = cached && checkedAt - cached.readAt < refreshMs;
      if (cached && fresh && cached.ino === info.ino && cached.mtimeMs === info.mtimeMs && cached.size === info.size) {
        cached.checkedAt = checkedAt;
        return cached.material;
      }
      const token = (await textOf(path)).trim();
      if (!token) throw new KubeCredentialsError(`token file ${path} is empty`);
      rememberSecret(token, holder);
      cached = { material: Object.freeze({ token }), ino: info.ino, mtimeMs: info.mtimeMs, size: info.size, readAt: checkedAt, checkedAt };
      lastGood = cached.material;
      return cached.material;
    } catch (error) {
      if (error instanceof KubeCredentialsError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new KubeCredentialsError(`cannot read token file ${path}: ${code}`, { cause: error });
    }
  }

  return {
    description: `token file ${path}`,
    get() {
      if (cached && now() - cached.checkedAt < checkMs) return Promise.resolve(cached.material);
      return (pending ??= load().finally(function settled() {
        pending = undefined;
      }));
    },
    current() {
      return cached && now() - cached.checkedAt < checkMs ? cached.material : undefined;
    },
    invalidate() {
      cached = undefined;
      return true;
    },
  };
}

/**
 * Joins a token source and a client certificate source (a kubeconfig may give both).
 */
export function combinedAuth(providers: AuthProvider[]): AuthProvider {
  if (providers.length === 1) return providers[0]!;
  return {
    description: providers.map((p) => p.description).join(" + "),
    async get(signal) {
      const parts = await Promise.all(providers.map((p) => p.get(signal)));
      return Object.assign({}, ...parts) as AuthMaterial;
    },
    current() {
      const parts: AuthMaterial[] = [];
      for (const provider of providers) {
        const part = provider.current?.();
        if (!part) return undefined;
        parts.push(part);
      }
      return Object.assign({}, ...parts) as AuthMaterial;
    },
    invalidate() {
      return providers.map((p) => p.invalidate()).some(Boolean);
    },
  };
}
