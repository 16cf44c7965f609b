/**
 * @module kube/exec-plugin
 * kubeconfig `exec` credential plugins (`client.authentication.k8s.io/v1`, and `v1beta1`):
 * runs the command with its args and env plus `KUBERNETES_EXEC_INFO`, reads the ExecCredential
 * it prints, and caches the token and/or client certificate until `expirationTimestamp` (or,
 * without one, until a 401 invalidates it); a token is censored from logs by value. It runs in
 * the process's working directory, as client-go runs it. What it writes to stderr goes on to the
 * process's stderr as written (whole lines, never inside a log line), as client-go passes it on,
 * and never into an error: a plugin may print a token there. A failure names the command and its
 * exit code only. `node:child_process` is imported with the first
 * run: most processes (in a pod, with a ServiceAccount token) never load it.
 */
import { KubeCredentialsError } from "./errors.js";
import type { AuthMaterial, AuthProvider } from "./auth.js";
import { rememberSecret } from "../secret-values.js";
import { untilAborted } from "../signals.js";
import { checkClientCertificate } from "./client-certificate.js";
import { forwardStdioLines } from "../stdio.js";

/** A kubeconfig user's `exec` section. */
export interface ExecConfig {
  apiVersion: string;
  command: string;
  args?: string[];
  env?: { name: string; value: string }[] | null;
  provideClusterInfo?: boolean;
  /** `Never`, `IfAvailable` or `Always`; podfn never has a terminal, so `Always` is refused. */
  interactiveMode?: string;
  installHint?: string;
}

export interface ExecAuthOptions {
  /** Environment the plugin inherits (plus its own `env` entries). */
  env: Readonly<Record<string, string | undefined>>;
  /** Working directory of the plugin. Default: the process's (as client-go: a relative `command` is resolved against the kubeconfig's folder by the caller). */
  cwd?: string;
  /** The cluster, sent in `KUBERNETES_EXEC_INFO` when `provideClusterInfo` is set. */
  cluster?: Record<string, unknown>;
  /** Largest run time of the plugin, in ms. Default: `60000`. */
  timeoutMs?: number;
  /** Clock, in ms since the epoch. Default: `Date.now`. */
  now?: () => number;
}

const API_VERSIONS = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"];

interface ExecStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

async function run(exec: ExecConfig, options: ExecAuthOptions): Promise<string> {
  const { execFile } = await import("node:child_process");
  const info = { apiVersion: exec.apiVersion, kind: "ExecCredential", spec: { interactive: false, ...(exec.provideClusterInfo && options.cluster ? { cluster: options.cluster } : {}) } };
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;
  for (const entry of exec.env ?? []) env[entry.name] = entry.value;
  env.KUBERNETES_EXEC_INFO = JSON.stringify(info);
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = execFile(
      exec.command,
      exec.args ?? [],
      { env, cwd: options.cwd, timeout: timeoutMs, maxBuffer: 1 << 20 },
      function done(error, stdout) {
        if (!error) return resolve(stdout);
        const why =
          (error as NodeJS.ErrnoException).code === "ENOENT" ? "command not found"
          : error.killed ? `it did not finish within ${timeoutMs} ms (a plugin waiting for input? podfn gives it none)`
          : `exit code ${String(error.code ?? error.signal ?? "?")}`;
        const hint = exec.installHint ? `; ${exec.installHint.trim()}` : "";
        // Its stderr is not quoted: it went to the process's stderr, and may hold a token.
        reject(new KubeCredentialsError(`exec credential plugin "${exec.command}" failed: ${why}${hint}`));
      },
    );
    if (child.stderr) forwardStdioLines(2, child.stderr);
    // Not interactive: the plugin reads end-of-file at once rather than waiting for input, as client-go gives it no stdin.
    child.stdin?.end();
  });
}

function parse(exec: ExecConfig, stdout: string): ExecStatus {
  let credential: { apiVersion?: string; kind?: string; status?: ExecStatus };
  try {
    credential = JSON.parse(stdout) as typeof credential;
  } catch {
    throw new KubeCredentialsError(`exec credential plugin "${exec.command}" printed no ExecCredential JSON`);
  }
  if (credential.kind !== "ExecCredential" || credential.apiVersion !== exec.apiVersion) {
    throw new KubeCredentialsError(`exec credential plugin "${exec.command}" printed kind ${String(credential.kind)} ${String(credential.apiVersion)}; expected ExecCredential ${exec.apiVersion}`);
  }
  const status = credential.status ?? {};
  // client-go's refreshCredsLocked: a token, a certificate with its key, or both.
  if (!status.token && !status.clientCertificateData && !status.clientKeyData) {
    throw new KubeCredentialsError(`exec credential plugin "${exec.command}" returned neither status.token nor status.clientCertificateData with clientKeyData`);
  }
  if (!status.clientCertificateData !== !status.clientKeyData) {
    throw new KubeCredentialsError(`exec credential plugin "${exec.command}" returned only ${status.clientCertificateData ? "status.clientCertificateData" : "status.clientKeyData"}: a client certificate needs both it and its key`);
  }
  return status;
}

/**
 * An `AuthProvider` running an exec credential plugin when it has no unexpired credential.
 * Concurrent callers share one run.
 *
 * @example
 * const auth = execAuth({ apiVersion: "client.authentication.k8s.io/v1", command: "aws", args: ["eks", "get-token"] }, { env: process.env });
 */
export function execAuth(exec: ExecConfig, options: ExecAuthOptions): AuthProvider {
  if (!API_VERSIONS.includes(exec.apiVersion)) {
    throw new KubeCredentialsError(`exec credential plugin apiVersion ${JSON.stringify(exec.apiVersion)} is not supported; use ${API_VERSIONS.join(" or ")}`);
  }
  if (exec.interactiveMode === "Always") {
    throw new KubeCredentialsError(`exec credential plugin "${exec.command}" has interactiveMode Always: it needs a terminal, which podfn never gives it; use a plugin (or plugin option) that runs without one`);
  }
  const now = options.now ?? Date.now;
  let cached: { material: AuthMaterial; expiresAt: number } | undefined;
  let pending: Promise<AuthMaterial> | undefined;

  // One run serves every waiting request, so no single caller's signal may cancel it; `timeoutMs` bounds it.
  async function refresh(): Promise<AuthMaterial> {
    const status = parse(exec, await run(exec, options));
    // A certificate and key that do not belong together are the plugin's fault, not the server's.
    if (status.clientCertificateData) checkClientCertificate(status.clientCertificateData, status.clientKeyData!, `exec credential plugin "${exec.command}"`);
    // Both when it gives both (a bearer token over a mutual-TLS connection), as client-go.
    const material: AuthMaterial = {
      ...(status.token ? { token: status.token } : {}),
      ...(status.clientCertificateData ? { certPem: status.clientCertificateData, keyPem: status.clientKeyData } : {}),
    };
    if (status.token) rememberSecret(status.token, exec);
    const expiresAt = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : Infinity;
    cached = { material, expiresAt: Number.isNaN(expiresAt) ? Infinity : expiresAt };
    return material;
  }

  return {
    description: `exec credential plugin ${exec.command}`,
    async get(signal) {
      if (cached && now() < cached.expiresAt) return cached.material;
      pending ??= refresh().finally(function settled() {
        pending = undefined;
      });
      if (signal === undefined) return pending;
      // The run goes on for the other callers; this caller stops waiting when its signal aborts.
      return untilAborted(pending, signal);
    },
    invalidate() {
      cached = undefined;
      return true;
    },
  };
}
