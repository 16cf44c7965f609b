/**
 * Where a bearer token comes from, as client-go takes it: a kubeconfig's `tokenFile` wins over
 * its inline `token` (which stands in until the file is read); a re-read that fails keeps the
 * last good token instead of failing the request; an exec plugin's token and client certificate
 * are both used, a lone certificate or key refused, and the plugin runs in the process's working
 * directory; a plugin that fails is named with its exit code, its stderr passed on to the
 * process's stderr and never quoted in the error. Every token read this way is censored from log
 * lines by value.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { chmod, mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { generateKeyPairSync } from "node:crypto";
import { testCertificates } from "./helpers/fake-apiserver.js";
import { loadKubeconfig } from "../../runtime/kube/kubeconfig.js";
import { tokenFileAuth } from "../../runtime/kube/auth.js";
import { KubeCredentialsError } from "../../runtime/kube/errors.js";
import type { KubeLogger } from "../../runtime/kube/logger.js";
import { censorSecrets } from "../../runtime/secret-values.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "podfn-token-sources-"));
});
after(() => rm(dir, { recursive: true, force: true }));

function kubeconfig(user: Record<string, unknown>): string {
  return stringify({ apiVersion: "v1", kind: "Config", "current-context": "dev", contexts: [{ name: "dev", context: { cluster: "c", user: "u" } }], clusters: [{ name: "c", cluster: { server: "https://k8s.example:6443" } }], users: [{ name: "u", user }] });
}

function warnings(): KubeLogger & { lines: string[] } {
  const lines: string[] = [];
  const none = () => {};
  return { lines, debug: none, info: none, error: none, warn: (obj, msg) => void lines.push(`${msg} ${JSON.stringify(obj)}`) };
}

/** A clock the test moves. */
function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

test("a kubeconfig with token and tokenFile sends the file's token (as client-go), and the inline one only while the file cannot be read", async () => {
  const file = join(dir, "both-token");
  const path = join(dir, "both.kubeconfig");
  await writeFile(path, kubeconfig({ token: "inline-static-token-abc", tokenFile: "both-token" }));
  await writeFile(file, "file-token-from-disk-1\n");
  assert.equal((await (await loadKubeconfig(path, { env: {} })).auth.get()).token, "file-token-from-disk-1");
  await unlink(file);
  assert.equal((await (await loadKubeconfig(path, { env: {} })).auth.get()).token, "inline-static-token-abc", "the file missing: the inline token");
});

test("a token file that cannot be re-read keeps the last good token, with a warning; it is used again once it is back", async () => {
  const file = join(dir, "rotating-token");
  await writeFile(file, "good-token-000000001\n");
  const time = clock();
  const logger = warnings();
  const auth = tokenFileAuth(file, { now: time.now, logger });
  assert.equal((await auth.get()).token, "good-token-000000001");
  // A refresher writing the file in place: empty for a moment, then missing.
  await writeFile(file, "");
  time.advance(2000);
  assert.equal((await auth.get()).token, "good-token-000000001", "an empty file: the last good token");
  await unlink(file);
  assert.ok(auth.invalidate(), "after a 401: worth one retry");
  assert.equal((await auth.get()).token, "good-token-000000001", "a missing file after a 401: still the last good token");
  assert.equal(logger.lines.length, 2);
  assert.match(logger.lines[0]!, /^cannot re-read the token file; using the last token read .*is empty/);
  assert.doesNotMatch(logger.lines.join("\n"), /good-token-000000001/);
  await writeFile(file, "good-token-000000002\n");
  time.advance(2000);
  assert.equal((await auth.get()).token, "good-token-000000002", "the file back: its new token");
});

test("a token file never read is still an error: there is no good token to keep", async () => {
  const auth = tokenFileAuth(join(dir, "never-there"), {});
  await assert.rejects(auth.get(), (e: unknown) => e instanceof KubeCredentialsError && /cannot read token file .*never-there: ENOENT/.test(e.message));
});

test("a kubeconfig's inline token is censored from log lines by value", async () => {
  const path = join(dir, "inline.kubeconfig");
  await writeFile(path, kubeconfig({ token: "kubeconfig-token-value-42" }));
  await loadKubeconfig(path, { env: {} });
  assert.equal(censorSecrets('{"msg":"handler message mentioning kubeconfig-token-value-42"}'), '{"msg":"handler message mentioning [redacted]"}');
});

/** A kubeconfig whose exec plugin prints `status` and records its working directory in `cwd.txt`. */
async function execKubeconfig(name: string, status: Record<string, string>): Promise<string> {
  const plugin = join(dir, `${name}.mjs`);
  await writeFile(
    plugin,
    `import { writeFileSync } from "node:fs";
writeFileSync(${JSON.stringify(join(dir, `${name}-cwd.txt`))}, process.cwd());
process.stdout.write(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: ${JSON.stringify(status)} }));
`,
  );
  await chmod(plugin, 0o755);
  const path = join(dir, `${name}.kubeconfig`);
  await writeFile(path, kubeconfig({ exec: { apiVersion: "client.authentication.k8s.io/v1", command: process.execPath, args: [plugin] } }));
  return path;
}

test("an exec plugin giving a token and a client certificate: both are used, the token censored by value, the plugin run in the process's working directory", async () => {
  const { certPem, keyPem } = await testCertificates();
  const path = await execKubeconfig("both", { token: "exec-issued-token-0123456789", clientCertificateData: certPem, clientKeyData: keyPem });
  const creds = await loadKubeconfig(path, { env: {} });
  assert.deepEqual(await creds.auth.get(), { token: "exec-issued-token-0123456789", certPem, keyPem });
  assert.equal(censorSecrets("leak exec-issued-token-0123456789"), "leak [redacted]");
  const { readFile } = await import("node:fs/promises");
  assert.equal(await readFile(join(dir, "both-cwd.txt"), "utf8"), process.cwd(), "client-go sets no working directory");
});

test("an exec plugin giving a client key that is not its certificate's is refused as the plugin's fault, not taken for an unreachable server", async () => {
  const { certPem } = await testCertificates();
  const otherKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const creds = await loadKubeconfig(await execKubeconfig("mismatch", { clientCertificateData: certPem, clientKeyData: otherKey }), { env: {} });
  await assert.rejects(creds.auth.get(), (e: unknown) => e instanceof KubeCredentialsError && /^exec credential plugin ".*": the client key does not belong to the client certificate/.test(e.message));
});

test("an exec plugin giving a certificate without its key (or a key without its certificate) is refused, as client-go", async () => {
  for (const [name, status, only] of [
    ["cert-only", { token: "t-0123456789", clientCertificateData: "CERT PEM" }, "status.clientCertificateData"],
    ["key-only", { clientKeyData: "KEY PEM" }, "status.clientKeyData"],
  ] as const) {
    const creds = await loadKubeconfig(await execKubeconfig(name, status), { env: {} });
    await assert.rejects(creds.auth.get(), (e: unknown) => e instanceof KubeCredentialsError && e.message.includes(`returned only ${only}: a client certificate needs both it and its key`), name);
  }
});

test("an exec plugin that fails: the error names the command and exit code, never what it wrote to stderr, which goes on to the process's stderr as written (client-go)", async () => {
  const plugin = join(dir, "failing.mjs");
  await writeFile(plugin, `process.stderr.write("refresh_token=stderr-secret-0123456789\\nno newline at the end"); process.exit(1);\n`);
  const execPlugin = fileURLToPath(new URL("../../runtime/kube/exec-plugin.ts", import.meta.url));
  const script = `import { execAuth } from ${JSON.stringify(execPlugin)};
const auth = execAuth({ apiVersion: "client.authentication.k8s.io/v1", command: process.execPath, args: [${JSON.stringify(plugin)}], installHint: "install the plugin" }, { env: process.env });
try { await auth.get(); } catch (error) { process.stdout.write(error.name + ": " + error.message); }`;
  const proc = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  proc.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(proc, "exit")) as [number | null];
  assert.equal(code, 0, stderr);
  assert.equal(stdout, `KubeCredentialsError: exec credential plugin "${process.execPath}" failed: exit code 1; install the plugin`);
  assert.equal(stderr, "refresh_token=stderr-secret-0123456789\nno newline at the end\n", "the plugin's stderr, whole lines");
});
