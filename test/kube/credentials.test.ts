import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { generateKeyPairSync } from "node:crypto";
import { testCertificates } from "./helpers/fake-apiserver.js";
import { resolveCredentials } from "../../runtime/kube/credentials.js";
import { loadKubeconfig } from "../../runtime/kube/kubeconfig.js";
import { KubeCredentialsError, NoCredentialsError } from "../../runtime/kube/errors.js";
import type { KubeLogger } from "../../runtime/kube/logger.js";

const b64 = (text: string): string => Buffer.from(text).toString("base64");
const CA = "-----BEGIN CERTIFICATE-----\nTESTCA\n-----END CERTIFICATE-----\n";

function kubeconfig(user: Record<string, unknown>, cluster: Record<string, unknown> = { server: "https://k8s.example:6443", "certificate-authority-data": b64(CA) }, namespace?: string): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    "current-context": "dev",
    contexts: [{ name: "other", context: { cluster: "c", user: "u" } }, { name: "dev", context: { cluster: "c", user: "u", ...(namespace ? { namespace } : {}) } }],
    clusters: [{ name: "c", cluster }],
    users: [{ name: "u", user }],
  });
}

function recordingLogger(): KubeLogger & { lines: { level: string; obj: object; msg: string }[] } {
  const lines: { level: string; obj: object; msg: string }[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, obj, msg });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

describe("credentials", () => {
  let root: string;
  let saDir: string;
  let home: string;
  let kubeconfigPath: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "podfn-creds-"));
    saDir = join(root, "sa");
    home = join(root, "home");
    await mkdir(saDir);
    await mkdir(join(home, ".kube"), { recursive: true });
    await writeFile(join(saDir, "token"), "sa-token\n");
    await writeFile(join(saDir, "ca.crt"), CA);
    await writeFile(join(saDir, "namespace"), "golden");
    await writeFile(join(home, ".kube", "config"), kubeconfig({ token: "home-token" }, undefined, "home-ns"));
    kubeconfigPath = join(root, "explicit.kubeconfig");
    await writeFile(kubeconfigPath, kubeconfig({ token: "kubeconfig-token" }, undefined, "team-a"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  const inClusterEnv = () => ({ KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443", HOME: home });

  describe("precedence: explicit > kubeconfig > in-cluster > ~/.kube/config", () => {
    test("explicit options win over everything", async () => {
      const creds = await resolveCredentials({ explicit: { server: "https://explicit:6443", token: "explicit-token", caPem: CA }, kubeconfig: kubeconfigPath, serviceAccountDir: saDir, env: inClusterEnv() });
      assert.equal(creds.server, "https://explicit:6443");
      assert.equal((await creds.auth.get()).token, "explicit-token");
      assert.equal(creds.namespace, "default");
    });

    test("without options: the process's environment and its KUBECONFIG are the defaults; a caller giving env gives kubeconfig too", async () => {
      const saved = process.env.KUBECONFIG;
      process.env.KUBECONFIG = kubeconfigPath;
      try {
        const creds = await resolveCredentials();
        assert.equal(creds.namespace, "team-a");
        assert.equal((await creds.auth.get()).token, "kubeconfig-token");
        await assert.rejects(resolveCredentials({ env: {} }), NoCredentialsError);
      } finally {
        if (saved === undefined) delete process.env.KUBECONFIG;
        else process.env.KUBECONFIG = saved;
      }
    });

    test("the kubeconfig option wins over in-cluster", async () => {
      const creds = await resolveCredentials({ kubeconfig: kubeconfigPath, serviceAccountDir: saDir, env: inClusterEnv() });
      assert.equal(creds.server, "https://k8s.example:6443");
      assert.equal(creds.namespace, "team-a");
      assert.equal(creds.caPem, CA);
      assert.equal((await creds.auth.get()).token, "kubeconfig-token");
    });

    test("in-cluster wins over ~/.kube/config, and a missing kubeconfig falls through", async () => {
      const creds = await resolveCredentials({ kubeconfig: join(root, "missing"), serviceAccountDir: saDir, env: inClusterEnv() });
      assert.equal(creds.server, "https://10.96.0.1:443");
      assert.equal(creds.namespace, "golden");
      assert.equal(creds.caPem, CA);
      assert.equal((await creds.auth.get()).token, "sa-token");
      assert.match(creds.source, /in-cluster/);
    });

    test("a named kubeconfig that is missing never falls back to ~/.kube/config (as client-go): a mistyped KUBECONFIG reaches no other cluster", async () => {
      const error = await resolveCredentials({ kubeconfig: join(root, "staging-typo.yaml"), serviceAccountDir: join(root, "no-sa"), env: { HOME: home } }).catch((e: unknown) => e);
      assert.ok(error instanceof NoCredentialsError, String(error));
      assert.match(error.message, /staging-typo\.yaml: not found/);
      assert.match(error.message, /~\/\.kube\/config: not read: a kubeconfig was named \(--kubeconfig \/ KUBECONFIG\)/);
      // Without one named, the same HOME's kubeconfig is used.
      assert.equal((await resolveCredentials({ serviceAccountDir: join(root, "no-sa"), env: { HOME: home } })).namespace, "home-ns");
    });

    test("~/.kube/config is the last resort", async () => {
      const creds = await resolveCredentials({ serviceAccountDir: saDir, env: { HOME: home } });
      assert.equal(creds.namespace, "home-ns");
      assert.equal((await creds.auth.get()).token, "home-token");
    });

    test("nothing found: NoCredentialsError names everything tried", async () => {
      const error = await resolveCredentials({ kubeconfig: join(root, "nope.yaml"), serviceAccountDir: join(root, "no-sa"), env: { KUBERNETES_SERVICE_HOST: "10.0.0.1", HOME: join(root, "nohome") } }).catch((e: unknown) => e);
      assert.ok(error instanceof NoCredentialsError);
      assert.equal(error.code, "kube_no_credentials");
      assert.equal(error.tried.length, 3);
      assert.match(error.message, /nope\.yaml: not found/);
      assert.match(error.message, /in-cluster .*no-sa.*token/);
      assert.match(error.message, /~\/\.kube\/config: not read: a kubeconfig was named/);
    });

    test("without KUBERNETES_SERVICE_HOST or HOME, the message says so", async () => {
      const error = await resolveCredentials({ serviceAccountDir: saDir, env: {} }).catch((e: unknown) => e);
      assert.ok(error instanceof NoCredentialsError);
      assert.match(error.message, /KUBERNETES_SERVICE_HOST is not set/);
      assert.match(error.message, /HOME is not set/);
    });

    test("an invalid kubeconfig is an error, not a silent fall-back", async () => {
      const bad = join(root, "bad.kubeconfig");
      await writeFile(bad, "current-context: nowhere\ncontexts: []\n");
      await assert.rejects(resolveCredentials({ kubeconfig: bad, serviceAccountDir: saDir, env: inClusterEnv() }), (e: unknown) => e instanceof KubeCredentialsError && /nowhere/.test(e.message));
    });

    for (const [field, user, cluster] of [
      ["certificate-authority", { token: "t" }, { server: "https://prod:6443", "certificate-authority": "gone-ca.crt" }],
      ["client-certificate", { "client-certificate": "gone.crt", "client-key-data": b64("KEY") }, undefined],
      ["client-key", { "client-certificate-data": b64("CERT"), "client-key": "gone.key" }, undefined],
    ] as const) {
      test(`a kubeconfig whose ${field} file is missing is an error, not a fall-back to another cluster`, async () => {
        const path = join(root, `missing-${field}.kubeconfig`);
        await writeFile(path, kubeconfig(user, cluster));
        const error = await resolveCredentials({ kubeconfig: path, serviceAccountDir: saDir, env: inClusterEnv() }).catch((e: unknown) => e);
        assert.ok(error instanceof KubeCredentialsError, String(error));
        assert.equal(error.code, "kube_credentials");
        assert.match(error.message, new RegExp(`unable to read ${field} .*gone.*: no such file`));
      });
    }
  });

  describe("a KUBECONFIG list, merged as kubectl merges it", () => {
    test("the first current-context set wins, each name's first definition wins, relative paths resolve against the file holding them, missing files are skipped", async () => {
      const a = join(root, "merge-a");
      const b = join(root, "merge-b");
      await mkdir(a, { recursive: true });
      await mkdir(join(b, "certs"), { recursive: true });
      await writeFile(join(b, "certs", "ca.pem"), CA);
      await writeFile(join(a, "token"), "token-from-a");
      // a: the current context and the user (a relative token file); b: the context's cluster (a relative CA) and a shadowed user.
      await writeFile(join(a, "config"), stringify({ "current-context": "prod", contexts: [{ name: "prod", context: { cluster: "prod-cluster", user: "me", namespace: "apps" } }], users: [{ name: "me", user: { tokenFile: "token" } }] }));
      await writeFile(join(b, "config"), stringify({ "current-context": "other", contexts: [{ name: "prod", context: { cluster: "wrong", user: "wrong" } }], clusters: [{ name: "prod-cluster", cluster: { server: "https://prod.example:6443", "certificate-authority": "certs/ca.pem" } }], users: [{ name: "me", user: { token: "token-from-b" } }] }));
      const creds = await resolveCredentials({ kubeconfig: `${join(root, "merge-missing")}:${join(a, "config")}:${join(b, "config")}`, serviceAccountDir: saDir, env: {} });
      assert.equal(creds.server, "https://prod.example:6443");
      assert.equal(creds.caPem, CA, "the CA path resolved against b's folder");
      assert.equal(creds.namespace, "apps");
      assert.equal((await creds.auth.get()).token, "token-from-a", "a's user, its token file resolved against a's folder");
    });

    test("a file of the list that is there but cannot be read, or is not a kubeconfig, stops with an error naming it (no fall-through to another cluster)", async () => {
      const dir = join(root, "merge-dir");
      await mkdir(dir, { recursive: true });
      const scalar = join(root, "merge-scalar.yaml");
      await writeFile(scalar, "just a string\n");
      for (const [first, why] of [[dir, /merge-dir: cannot be read: is a directory/], [scalar, /merge-scalar\.yaml: not a kubeconfig/]] as const) {
        const error = await resolveCredentials({ kubeconfig: `${first}:${kubeconfigPath}`, serviceAccountDir: saDir, env: inClusterEnv() }).catch((e: unknown) => e);
        assert.ok(error instanceof KubeCredentialsError, String(error));
        assert.match(error.message, why);
      }
    });

    test("a list of files that all are missing falls through to the next source, naming the list", async () => {
      const error = await resolveCredentials({ kubeconfig: `${join(root, "nope-1")}:${join(root, "nope-2")}`, serviceAccountDir: join(root, "no-sa"), env: {} }).catch((e: unknown) => e);
      assert.ok(error instanceof NoCredentialsError);
      assert.match(error.message, /nope-1:.*nope-2: not found/);
    });
  });

  test("in-cluster with an IPv6 service host brackets it", async () => {
    const creds = await resolveCredentials({ serviceAccountDir: saDir, env: { KUBERNETES_SERVICE_HOST: "fd00:10:96::1", KUBERNETES_SERVICE_PORT: "443" } });
    assert.equal(creds.server, "https://[fd00:10:96::1]:443");
  });

  describe("kubeconfig users", () => {
    test("tokenFile and certificate-authority resolve against the kubeconfig's folder", async () => {
      const dir = join(root, "relative");
      await mkdir(join(dir, "secrets"), { recursive: true });
      await writeFile(join(dir, "secrets", "token"), "file-token");
      await writeFile(join(dir, "ca.pem"), CA);
      const path = join(dir, "config");
      await writeFile(path, kubeconfig({ tokenFile: "secrets/token" }, { server: "https://k8s:6443/", "certificate-authority": "ca.pem" }));
      const creds = await loadKubeconfig(path, { env: {} });
      assert.equal(creds.server, "https://k8s:6443");
      assert.equal(creds.caPem, CA);
      assert.equal((await creds.auth.get()).token, "file-token");
      assert.equal(creds.namespace, "default");
    });

    test("client-certificate-data and client-key-data", async () => {
      const { certPem, keyPem } = await testCertificates();
      const path = join(root, "cert.kubeconfig");
      await writeFile(path, kubeconfig({ "client-certificate-data": b64(certPem), "client-key-data": b64(keyPem) }));
      const creds = await loadKubeconfig(path, { env: {} });
      assert.deepEqual(await creds.auth.get(), { certPem, keyPem });
      assert.deepEqual(creds.auth.current?.(), { certPem, keyPem });
    });

    test("a client key that is not its certificate's, or a certificate or key that cannot be read, is a credentials error naming the kubeconfig's user (as client-go's tls.X509KeyPair), never the key", async () => {
      const { certPem, keyPem } = await testCertificates();
      const otherKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      const cases: [string, string, string, RegExp][] = [
        ["mismatch", certPem, otherKey, /: user "u": the client key does not belong to the client certificate/],
        ["bad-cert", "CERT PEM", keyPem, /: user "u": the client certificate cannot be read as a PEM certificate \(ERR_/],
        ["bad-key", certPem, "KEY PEM", /: user "u": the client key cannot be read as an unencrypted PEM private key \(ERR_/],
      ];
      for (const [name, cert, key, expected] of cases) {
        const path = join(root, `${name}.kubeconfig`);
        await writeFile(path, kubeconfig({ "client-certificate-data": b64(cert), "client-key-data": b64(key) }));
        const creds = await loadKubeconfig(path, { env: {} });
        for (const attempt of [() => creds.auth.get(), async () => creds.auth.current?.()]) {
          await assert.rejects(attempt(), (e: unknown) => e instanceof KubeCredentialsError && e.message.startsWith(path) && expected.test(e.message) && !e.message.includes("PRIVATE KEY"), name);
        }
      }
    });

    test("a context other than current-context can be chosen", async () => {
      const creds = await loadKubeconfig(kubeconfigPath, { env: {}, context: "other" });
      assert.equal(creds.namespace, "default");
      assert.match(creds.source, /context other/);
    });

    test("insecure-skip-tls-verify only when the kubeconfig says so, with a warning", async () => {
      const path = join(root, "insecure.kubeconfig");
      await writeFile(path, kubeconfig({ token: "t" }, { server: "https://k8s:6443", "insecure-skip-tls-verify": true }));
      const logger = recordingLogger();
      const creds = await loadKubeconfig(path, { env: {}, logger });
      assert.equal(creds.insecureSkipTlsVerify, true);
      assert.equal(logger.lines.length, 1);
      assert.equal(logger.lines[0]?.level, "warn");
      assert.match(logger.lines[0]!.msg, /NOT verified/);

      const quiet = recordingLogger();
      const safe = await loadKubeconfig(kubeconfigPath, { env: {}, logger: quiet });
      assert.equal(safe.insecureSkipTlsVerify, undefined);
      assert.equal(quiet.lines.length, 0);
    });
  });

  describe("exec credential plugin", () => {
    let dir: string;
    let counter: string;
    before(async () => {
      dir = join(root, "exec");
      await mkdir(dir);
      counter = join(dir, "runs.log");
      const plugin = join(dir, "plugin.mjs");
      await writeFile(
        plugin,
        `#!/usr/bin/env node
import { appendFileSync, readFileSync } from "node:fs";
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);
let runs = 0;
try { runs = readFileSync(process.env.COUNTER_FILE, "utf8").split("\\n").filter(Boolean).length; } catch {}
appendFileSync(process.env.COUNTER_FILE, JSON.stringify({ args: process.argv.slice(2), kind: info.kind, interactive: info.spec.interactive }) + "\\n");
const status = { token: "exec-token-" + (runs + 1) };
if (process.env.EXPIRES) status.expirationTimestamp = process.env.EXPIRES;
process.stdout.write(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status }));
`,
      );
      await chmod(plugin, 0o755);
    });

    test("runs the plugin, caches the token until expirationTimestamp, then runs it again", async () => {
      const path = join(dir, "config");
      const expires = "2030-01-01T00:00:00Z";
      await writeFile(
        path,
        kubeconfig({
          exec: { apiVersion: "client.authentication.k8s.io/v1", command: "./plugin.mjs", args: ["get-token", "--cluster", "dev"], env: [{ name: "EXPIRES", value: expires }, { name: "COUNTER_FILE", value: counter }] },
        }),
      );
      let now = Date.parse("2029-12-31T23:00:00Z");
      const creds = await loadKubeconfig(path, { env: { PATH: process.env.PATH }, now: () => now });
      assert.equal((await creds.auth.get()).token, "exec-token-1");
      now += 30 * 60_000;
      assert.equal((await creds.auth.get()).token, "exec-token-1", "cached before expiry");
      now = Date.parse(expires) + 1000;
      assert.equal((await creds.auth.get()).token, "exec-token-2", "run again after expiry");
      const runs = (await readFile(counter, "utf8")).trim().split("\n").map((line) => JSON.parse(line) as { args: string[]; kind: string; interactive: boolean });
      assert.equal(runs.length, 2);
      assert.deepEqual(runs[0], { args: ["get-token", "--cluster", "dev"], kind: "ExecCredential", interactive: false });
    });

    test("without expirationTimestamp the token is kept until a 401 invalidates it", async () => {
      await rm(counter, { force: true });
      const path = join(dir, "config-noexp");
      await writeFile(path, kubeconfig({ exec: { apiVersion: "client.authentication.k8s.io/v1", command: process.execPath, args: [join(dir, "plugin.mjs")], env: [{ name: "COUNTER_FILE", value: counter }] } }));
      const creds = await loadKubeconfig(path, { env: {} });
      assert.equal((await creds.auth.get()).token, "exec-token-1");
      assert.equal((await creds.auth.get()).token, "exec-token-1");
      assert.equal(creds.auth.invalidate(), true);
      assert.equal((await creds.auth.get()).token, "exec-token-2");
    });

    test("a caller whose signal aborts stops waiting for a slow plugin; the one run goes on for the others", { timeout: 20_000 }, async () => {
      await rm(counter, { force: true });
      const release = join(dir, "release-slow");
      const slow = join(dir, "slow.mjs");
      // Answers once the test lets it (the release file exists), as a slow SSO helper would.
      await writeFile(slow, `import { existsSync, appendFileSync } from "node:fs";
appendFileSync(process.env.COUNTER_FILE, "run\\n");
const timer = setInterval(() => {
  if (!existsSync(${JSON.stringify(release)})) return;
  clearInterval(timer);
  process.stdout.write(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token: "slow-token" } }));
}, 20);
`);
      const path = join(dir, "config-slow");
      await writeFile(path, kubeconfig({ exec: { apiVersion: "client.authentication.k8s.io/v1", command: process.execPath, args: [slow], env: [{ name: "COUNTER_FILE", value: counter }] } }));
      const creds = await loadKubeconfig(path, { env: {} });
      const patient = creds.auth.get();
      const controller = new AbortController();
      const hasty = creds.auth.get(controller.signal);
      const reason = new Error("the call's time is up");
      controller.abort(reason);
      await assert.rejects(hasty, (e: unknown) => e === reason);
      await writeFile(release, "");
      assert.equal((await patient).token, "slow-token");
      assert.equal((await readFile(counter, "utf8")).trim().split("\n").length, 1, "one run for both");
      assert.equal((await creds.auth.get(AbortSignal.abort(reason))).token, "slow-token", "a cached token needs no wait: given whatever the signal");
    });

    test("a failing plugin is a KubeCredentialsError with its install hint", async () => {
      const path = join(dir, "config-missing");
      await writeFile(path, kubeconfig({ exec: { apiVersion: "client.authentication.k8s.io/v1", command: "podfn-no-such-plugin", installHint: "install it from example.com" } }));
      const creds = await loadKubeconfig(path, { env: { PATH: process.env.PATH } });
      await assert.rejects(creds.auth.get(), (e: unknown) => e instanceof KubeCredentialsError && /command not found; install it from example.com/.test(e.message));
    });

    test("a plugin that reads its stdin gets end-of-file at once, not a pipe left open until the timeout", async () => {
      const plugin = join(dir, "reads-stdin.mjs");
      await writeFile(plugin, `let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => process.stdout.write(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token: "read-" + input.length } })));
`);
      const path = join(dir, "config-stdin");
      await writeFile(path, kubeconfig({ exec: { apiVersion: "client.authentication.k8s.io/v1", command: process.execPath, args: [plugin] } }));
      const creds = await loadKubeconfig(path, { env: {} });
      assert.equal((await creds.auth.get()).token, "read-0");
    });

    test("interactiveMode Always is refused: podfn never has a terminal to give the plugin", async () => {
      const path = join(dir, "config-interactive");
      await writeFile(path, kubeconfig({ exec: { apiVersion: "client.authentication.k8s.io/v1", command: "login-helper", interactiveMode: "Always" } }));
      await assert.rejects(loadKubeconfig(path, { env: {} }), (e: unknown) => e instanceof KubeCredentialsError && /interactiveMode Always/.test(e.message));
    });

    test("provideClusterInfo sends the cluster's server, CA, TLS server name and exec extension", async () => {
      const plugin = join(dir, "echo-info.mjs");
      await writeFile(plugin, `process.stdout.write(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token: Buffer.from(process.env.KUBERNETES_EXEC_INFO).toString("base64") } }));
`);
      const path = join(dir, "config-info");
      const cluster = {
        server: "https://k8s.example:6443",
        "certificate-authority-data": b64(CA),
        "tls-server-name": "api.internal",
        extensions: [{ name: "client.authentication.k8s.io/exec", extension: { audience: "podfn" } }],
      };
      await writeFile(path, kubeconfig({ exec: { apiVersion: "client.authentication.k8s.io/v1", command: process.execPath, args: [plugin], provideClusterInfo: true } }, cluster));
      const creds = await loadKubeconfig(path, { env: {} });
      const info = JSON.parse(Buffer.from((await creds.auth.get()).token!, "base64").toString("utf8"));
      assert.deepEqual(info.spec.cluster, { server: "https://k8s.example:6443", "tls-server-name": "api.internal", "certificate-authority-data": b64(CA), "insecure-skip-tls-verify": false, config: { audience: "podfn" } });
      assert.equal(info.spec.interactive, false);
    });
  });
});
