/**
 * SOCKS5 proxies (`socks5://`, `socks5h://`, with or without a user and password), from a
 * kubeconfig's `proxy-url` or `HTTPS_PROXY`, as kubectl uses them to reach a private cluster
 * through a bastion: the client opens a SOCKS5 tunnel per connection (within its connect
 * timeout and its connection limit), names the API server to the proxy (an IPv6 address as
 * one), and verifies TLS to the API server end to end; a percent-encoded login is decoded; a
 * refused login or a silent proxy is a connection error naming the proxy, and `close()` never
 * waits on a tunnel.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKubeClient } from "../../runtime/kube/client.js";
import { resolveCredentials } from "../../runtime/kube/credentials.js";
import { loadKubeconfig } from "../../runtime/kube/kubeconfig.js";
import { KubeConnectionError, KubeCredentialsError, KubeTlsError } from "../../runtime/kube/errors.js";
import { staticAuth } from "../../runtime/kube/auth.js";
import { generateKeyPairSync } from "node:crypto";
import { sendJson, startFakeApiServer, type FakeApiServer } from "./helpers/fake-apiserver.js";
import { startSocks5Proxy, type Socks5Proxy } from "./helpers/socks5-proxy.js";
import { writeKubeconfig } from "./helpers/kubeconfig-file.js";

const PASSWORD = "p@ss/w:rd";
let api: FakeApiServer;
let open: Socks5Proxy;
let guarded: Socks5Proxy;
let silent: Server;
/** Speaks SOCKS5 up to the CONNECT, then answers it with a malformed reply. */
let garbled: Server;
const silentSockets = new Set<Socket>();
let root: string;
let port: number;

before(async () => {
  root = await mkdtemp(join(tmpdir(), "podfn-socks-"));
  api = await startFakeApiServer((_req, res) => sendJson(res, 200, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "through", namespace: "golden" } }));
  port = Number(new URL(api.url).port);
  // Every tunnel goes to the fake API server (kubernetes.default.svc is on its certificate, not in DNS).
  const upstream = () => ({ host: "127.0.0.1", port });
  open = await startSocks5Proxy({ upstream });
  guarded = await startSocks5Proxy({ upstream, auth: { username: "alice@corp", password: PASSWORD } });
  // A proxy that accepts connections and never says a word.
  silent = createServer((socket) => void silentSockets.add(socket));
  silent.listen(0, "127.0.0.1");
  await new Promise((resolve) => silent.once("listening", resolve));
  garbled = createServer((socket) => {
    silentSockets.add(socket);
    let step = 0;
    socket.on("data", () => void socket.write(Buffer.from(step++ === 0 ? [5, 0] : [0, 0, 0, 1, 127, 0, 0, 1, 0, 0])));
  });
  garbled.listen(0, "127.0.0.1");
  await new Promise((resolve) => garbled.once("listening", resolve));
  await writeFile(join(root, "token"), "sa-token");
  await writeFile(join(root, "ca.crt"), api.caPem);
  await writeFile(join(root, "namespace"), "golden");
});

after(async () => {
  open.close();
  guarded.close();
  for (const socket of silentSockets) socket.destroy();
  silent.close();
  garbled.close();
  await api.close();
  await rm(root, { recursive: true, force: true });
});

const viaSocks = (proxyUrl: string, extra: { server?: string; tlsServerName?: string } = {}) =>
  writeKubeconfig(root, { server: extra.server ?? `https://kubernetes.default.svc:${port}`, caPem: api.caPem, proxyUrl, ...(extra.tlsServerName ? { tlsServerName: extra.tlsServerName } : {}) });

for (const [label, proxy, proxyUrl] of [
  ["socks5://", () => open, () => open.url],
  ["socks5h:// with a percent-encoded user and password", () => guarded, () => guarded.url.replace("socks5://", `socks5h://${encodeURIComponent("alice@corp")}:${encodeURIComponent(PASSWORD)}@`)],
] as const) {
  test(`a kubeconfig's ${label} proxy-url: requests tunnel through the SOCKS5 proxy, which resolves the API server's name`, async () => {
    const before = proxy().tunnels.length;
    const kube = createKubeClient({ credentials: await loadKubeconfig(await viaSocks(proxyUrl()), { env: {} }) });
    try {
      assert.equal((await kube.configMaps.get("through")).metadata?.name, "through");
      assert.deepEqual(proxy().tunnels.slice(before), [`kubernetes.default.svc:${port}`]);
    } finally {
      await kube.close();
    }
  });
}

test("an IPv6 API server is named to the proxy as an IPv6 address; TLS checks the configured server name", async () => {
  const before = open.tunnels.length;
  const kube = createKubeClient({ credentials: await loadKubeconfig(await viaSocks(open.url, { server: `https://[fd00::1]:${port}`, tlsServerName: "localhost" }), { env: {} }) });
  try {
    assert.equal((await kube.configMaps.get("through")).metadata?.name, "through");
    assert.deepEqual(open.tunnels.slice(before), [`fd00:0000:0000:0000:0000:0000:0000:0001:${port}`]);
  } finally {
    await kube.close();
  }
});

test("an IPv4-mapped IPv6 server (a URL writes ::ffff:7f00:1) is named to the proxy as IPv4, as Go sends it", async () => {
  const before = open.tunnels.length;
  const kube = createKubeClient({ credentials: await loadKubeconfig(await viaSocks(open.url, { server: `https://[::ffff:127.0.0.1]:${port}`, tlsServerName: "localhost" }), { env: {} }) });
  try {
    assert.equal((await kube.configMaps.get("through")).metadata?.name, "through");
    assert.deepEqual(open.tunnels.slice(before), [`127.0.0.1:${port}`]);
  } finally {
    await kube.close();
  }
});

test("TLS through the tunnel is verified: a server name the certificate does not carry is a KubeTlsError", async () => {
  const kube = createKubeClient({ credentials: await loadKubeconfig(await viaSocks(open.url, { tlsServerName: "someone-else.example" }), { env: {} }) });
  try {
    await assert.rejects(kube.configMaps.get("through"), KubeTlsError);
  } finally {
    await kube.close();
  }
});

test("in a pod with HTTPS_PROXY=socks5://..., API calls tunnel through it", async () => {
  const credentials = await resolveCredentials({ serviceAccountDir: root, env: { KUBERNETES_SERVICE_HOST: "kubernetes.default.svc", KUBERNETES_SERVICE_PORT: String(port), HTTPS_PROXY: open.url } });
  const kube = createKubeClient({ credentials });
  try {
    assert.equal((await kube.configMaps.get("through")).metadata?.name, "through");
  } finally {
    await kube.close();
  }
});

test("the connection limit holds through the proxy: 20 concurrent calls over 2 tunnels", async () => {
  const before = open.tunnels.length;
  const kube = createKubeClient({ credentials: await loadKubeconfig(await viaSocks(open.url), { env: {} }), connections: 2 });
  try {
    await Promise.all(Array.from({ length: 20 }, () => kube.configMaps.get("through")));
    assert.ok(open.tunnels.length - before <= 2, `${open.tunnels.length - before} tunnels`);
  } finally {
    await kube.close();
  }
});

test("a refused login is a connection error naming the proxy", async () => {
  const before = guarded.tunnels.length;
  const kube = createKubeClient({ credentials: await loadKubeconfig(await viaSocks(guarded.url.replace("socks5://", "socks5://alice%40corp:wrong@")), { env: {} }) });
  try {
    await assert.rejects(kube.configMaps.get("through"), (e: unknown) => e instanceof KubeConnectionError && /no tunnel through the proxy-url proxy: the SOCKS5 proxy refused the login$/.test(e.message));
    assert.equal(guarded.tunnels.length, before, "no tunnel opened");
  } finally {
    await kube.close();
  }
});

test("a proxy that never answers fails the call within the connect timeout, and close() does not wait for it", async () => {
  const url = `socks5://127.0.0.1:${(silent.address() as { port: number }).port}`;
  const kube = createKubeClient({ credentials: await loadKubeconfig(await viaSocks(url), { env: {} }), timeouts: { connectMs: 200 }, retry: { retries: 0 } });
  // Bounded: a hang would never settle.
  const outcome = await Promise.race([kube.configMaps.get("through").then(() => "answered", (e: Error) => e.message), new Promise((resolve) => setTimeout(resolve, 10_000, "still pending"))]);
  assert.match(String(outcome), /no tunnel through the proxy-url proxy: the SOCKS5 proxy did not open the tunnel within 200 ms$/);
  const closed = await Promise.race([kube.close().then(() => "closed"), new Promise((resolve) => setTimeout(resolve, 10_000, "still closing"))]);
  assert.equal(closed, "closed");
});

test("a login SOCKS5 cannot carry (over 255 bytes, a bad escape, a password without a user) is refused at load, naming neither", async () => {
  for (const login of [`alice:${"x".repeat(300)}`, "al%ZZice:pw", ":only-a-password"]) {
    const error = await loadKubeconfig(await viaSocks(open.url.replace("socks5://", `socks5://${login}@`)), { env: {} }).catch((e: unknown) => e);
    assert.ok(error instanceof KubeCredentialsError, String(error));
    assert.match(error.message, /which cannot be used: (a SOCKS5 user and password are at most 255 bytes each|its user or password has a bad percent-escape|it has a password but no user)/);
    assert.doesNotMatch(error.message, /xxxx|ZZ|only-a-password/);
  }
});

test("a bad client certificate and key through a tunnel is the request's error, not a crash of the process", async () => {
  const { certPem } = await (await import("./helpers/fake-apiserver.js")).testCertificates();
  const otherKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const credentials = { ...api.credentials(staticAuth({ certPem, keyPem: otherKey }, "mismatched pair")), server: `https://kubernetes.default.svc:${port}`, proxyUrl: open.url, proxyFrom: "proxy-url" };
  const kube = createKubeClient({ credentials, retry: { retries: 0 } });
  // Bounded: without the fix the request's connection never settles.
  const outcome = await Promise.race([kube.configMaps.get("through").then(() => "answered", (e: unknown) => (e instanceof KubeConnectionError ? "connection error" : String(e))), new Promise((resolve) => setTimeout(resolve, 10_000, "still pending"))]);
  assert.equal(outcome, "connection error");
  await Promise.race([kube.close(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
});

test("an unreachable proxy, a malformed reply and a name over 255 bytes are errors that name the proxy", async () => {
  const unused = createServer();
  unused.listen(0, "127.0.0.1");
  await new Promise((resolve) => unused.once("listening", resolve));
  const closedPort = (unused.address() as { port: number }).port;
  unused.close();
  const cases: [string, string, RegExp][] = [
    [`socks5://127.0.0.1:${closedPort}`, `https://kubernetes.default.svc:${port}`, /no tunnel through the proxy-url proxy: the SOCKS5 proxy could not be reached \(ECONNREFUSED\)$/],
    [`socks5://127.0.0.1:${(garbled.address() as { port: number }).port}`, `https://kubernetes.default.svc:${port}`, /no tunnel through the proxy-url proxy: the SOCKS5 proxy's reply is malformed$/],
    [open.url, `https://${"a".repeat(250)}.example:${port}`, /no tunnel through the proxy-url proxy: the API server's name is over the 255 bytes SOCKS5 can carry$/],
  ];
  for (const [proxyUrl, server, expected] of cases) {
    const kube = createKubeClient({ credentials: await loadKubeconfig(await viaSocks(proxyUrl, { server, tlsServerName: "localhost" }), { env: {} }), retry: { retries: 0 } });
    try {
      await assert.rejects(kube.configMaps.get("through"), (e: unknown) => e instanceof KubeConnectionError && expected.test(e.message), String(expected));
    } finally {
      await kube.close();
    }
  }
});
