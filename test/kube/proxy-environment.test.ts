/**
 * `HTTPS_PROXY` / `NO_PROXY`, read as client-go reads them (Go's `http.ProxyFromEnvironment`):
 * the server's connections tunnel through the proxy unless `NO_PROXY` exempts it (CIDR ranges,
 * domain suffixes, ports, `*`) or it is loopback; a kubeconfig's `proxy-url` wins over the
 * environment; a SOCKS proxy is refused with the variable named and no password shown.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKubeClient } from "../../runtime/kube/client.js";
import { resolveCredentials } from "../../runtime/kube/credentials.js";
import { proxyFromEnvironment } from "../../runtime/kube/proxy.js";
import { KubeConnectionError, KubeCredentialsError } from "../../runtime/kube/errors.js";
import { sendJson, startFakeApiServer, type FakeApiServer } from "./helpers/fake-apiserver.js";
import { startConnectProxy, type ConnectProxy } from "./helpers/connect-proxy.js";
import { writeKubeconfig } from "./helpers/kubeconfig-file.js";

const PROXY = "http://proxy.corp:3128";

for (const [server, env, expected] of [
  // Which variable, by the server's scheme; upper case first; a bare host:port is http://.
  ["https://10.0.0.1:6443", { HTTPS_PROXY: PROXY }, PROXY],
  ["https://10.0.0.1:6443", { https_proxy: PROXY }, PROXY],
  ["https://10.0.0.1:6443", { HTTPS_PROXY: PROXY, https_proxy: "http://other:1" }, PROXY],
  ["https://10.0.0.1:6443", { HTTP_PROXY: PROXY }, undefined],
  ["http://10.0.0.1:8080", { HTTP_PROXY: PROXY }, PROXY],
  ["https://10.0.0.1:6443", { HTTPS_PROXY: "proxy.corp:3128" }, PROXY],
  ["https://10.0.0.1:6443", { HTTPS_PROXY: "" }, undefined],
  // Loopback and localhost are never proxied.
  ["https://127.0.0.1:6443", { HTTPS_PROXY: PROXY }, undefined],
  ["https://127.8.9.10:6443", { HTTPS_PROXY: PROXY }, undefined],
  ["https://[::1]:6443", { HTTPS_PROXY: PROXY }, undefined],
  ["https://localhost:6443", { HTTPS_PROXY: PROXY }, undefined],
  // NO_PROXY: CIDR ranges (a pod's service network), addresses, ports, `*`.
  ["https://10.96.0.1:443", { HTTPS_PROXY: PROXY, NO_PROXY: "example.com, 10.96.0.0/12" }, undefined],
  ["https://10.112.0.1:443", { HTTPS_PROXY: PROXY, NO_PROXY: "10.96.0.0/12" }, PROXY],
  ["https://[fd00::1]:443", { HTTPS_PROXY: PROXY, NO_PROXY: "fd00::/8" }, undefined],
  ["https://10.96.0.1:443", { HTTPS_PROXY: PROXY, no_proxy: "10.96.0.1" }, undefined],
  ["https://10.96.0.1:443", { HTTPS_PROXY: PROXY, NO_PROXY: "10.96.0.1:443" }, undefined],
  ["https://10.96.0.1:443", { HTTPS_PROXY: PROXY, NO_PROXY: "10.96.0.1:6443" }, PROXY],
  ["https://[fd00::1]:443", { HTTPS_PROXY: PROXY, NO_PROXY: "fd00::1" }, undefined],
  ["https://[fd00::1]:443", { HTTPS_PROXY: PROXY, NO_PROXY: "[fd00::1]:443" }, undefined],
  ["https://api.example.com", { HTTPS_PROXY: PROXY, NO_PROXY: "*" }, undefined],
  // Domain names: `a.com` is itself and its subdomains; `.a.com` and `*.a.com` subdomains only.
  ["https://api.example.com", { HTTPS_PROXY: PROXY, NO_PROXY: "example.com" }, undefined],
  ["https://example.com", { HTTPS_PROXY: PROXY, NO_PROXY: "Example.COM" }, undefined],
  ["https://badexample.com", { HTTPS_PROXY: PROXY, NO_PROXY: "example.com" }, PROXY],
  ["https://example.com", { HTTPS_PROXY: PROXY, NO_PROXY: ".example.com" }, PROXY],
  ["https://api.example.com", { HTTPS_PROXY: PROXY, NO_PROXY: ".example.com" }, undefined],
  ["https://example.com", { HTTPS_PROXY: PROXY, NO_PROXY: "*.example.com" }, PROXY],
  ["https://kubernetes.default.svc", { HTTPS_PROXY: PROXY, NO_PROXY: ".svc,.cluster.local" }, undefined],
  ["https://api.example.com:6443", { HTTPS_PROXY: PROXY, NO_PROXY: "api.example.com:6443" }, undefined],
  ["https://api.example.com:6443", { HTTPS_PROXY: PROXY, NO_PROXY: "api.example.com:443" }, PROXY],
  ["https://api.example.com", { HTTPS_PROXY: PROXY, NO_PROXY: "api.example.com:443" }, undefined],
  // A domain entry never matches an IP host.
  ["https://10.0.0.1", { HTTPS_PROXY: PROXY, NO_PROXY: "0.1" }, PROXY],
] as const) {
  test(`proxy for ${server} with ${JSON.stringify(env)}: ${expected ?? "direct"}`, () => {
    assert.equal(proxyFromEnvironment(server, env)?.url, expected);
  });
}

test("a proxy scheme podfn cannot use is refused, naming the variable and not its password; SOCKS5 is taken", () => {
  assert.throws(
    () => proxyFromEnvironment("https://10.0.0.1:6443", { HTTPS_PROXY: "socks4://alice:s3cret@proxy.corp:1080" }),
    (e: unknown) => e instanceof KubeCredentialsError && /^HTTPS_PROXY is "socks4:\/\/proxy\.corp:1080": only http:\/\/, https:\/\/ and socks5:\/\/ proxies are supported/.test(e.message),
  );
  assert.equal(proxyFromEnvironment("https://10.0.0.1:6443", { HTTPS_PROXY: "socks5h://proxy.corp:1080" })?.url, "socks5h://proxy.corp:1080");
  // One that is not a URL is ignored, as Go ignores it, with a warning that shows no password.
  for (const value of ["http://alice:s3cret@[bad", "http://alice:pa/s3cret@proxy.corp:3128/", "http://alice:s3cret@x@[bad"]) {
    const warnings: string[] = [];
    assert.equal(proxyFromEnvironment("https://10.0.0.1:6443", { HTTPS_PROXY: value }, (m) => void warnings.push(m)), undefined, value);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^HTTPS_PROXY is ".*", which is not a URL: ignored/);
    assert.ok(!warnings[0]!.includes("s3cret") && !warnings[0]!.includes("alice"), warnings[0]);
  }
  // Exempted servers never read it.
  assert.equal(proxyFromEnvironment("https://10.0.0.1:6443", { HTTPS_PROXY: "socks4://proxy.corp:1080", NO_PROXY: "10.0.0.0/8" }), undefined);
});

let api: FakeApiServer;
let proxy: ConnectProxy;
let root: string;
let refuse = false;

before(async () => {
  root = await mkdtemp(join(tmpdir(), "podfn-proxy-env-"));
  await writeFile(join(root, "token"), "sa-token");
  api = await startFakeApiServer((_req, res) => sendJson(res, 200, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "through", namespace: "golden" } }));
  await writeFile(join(root, "ca.crt"), api.caPem);
  await writeFile(join(root, "namespace"), "golden");
  // Every tunnel goes to the fake API server: its name (kubernetes.default.svc) is on its
  // certificate but not in DNS.
  proxy = await startConnectProxy({ upstream: () => ({ host: "127.0.0.1", port: Number(new URL(api.url).port) }), refuse: () => refuse });
});

after(async () => {
  proxy.close();
  await api.close();
  await rm(root, { recursive: true, force: true });
});

function proxyUrl(): string {
  return proxy.url;
}

/** In a pod whose environment names an egress proxy. */
function inPod(extra: Record<string, string>): Parameters<typeof resolveCredentials>[0] {
  return { serviceAccountDir: root, env: { KUBERNETES_SERVICE_HOST: "kubernetes.default.svc", KUBERNETES_SERVICE_PORT: new URL(api.url).port, ...extra } };
}

test("in a pod with HTTPS_PROXY, API calls tunnel through the proxy, TLS still verified against the ServiceAccount CA", async () => {
  const credentials = await resolveCredentials(inPod({ HTTPS_PROXY: proxyUrl() }));
  assert.equal(credentials.proxyUrl, proxyUrl());
  assert.equal(credentials.proxyFrom, "HTTPS_PROXY");
  const before = proxy.tunnels.length;
  const kube = createKubeClient({ credentials });
  try {
    const cm = await kube.configMaps.get("through");
    assert.equal(cm.metadata?.name, "through");
    assert.deepEqual(proxy.tunnels.slice(before), [`kubernetes.default.svc:${new URL(api.url).port}`]);
  } finally {
    await kube.close();
  }
});

test("NO_PROXY naming the server sends calls directly, as a pod's NO_PROXY=.svc does", async () => {
  const credentials = await resolveCredentials(inPod({ HTTPS_PROXY: proxyUrl(), NO_PROXY: "localhost,.svc,.cluster.local" }));
  assert.equal(credentials.proxyUrl, undefined);
});

test("a kubeconfig's proxy-url wins over HTTPS_PROXY, and NO_PROXY does not exempt from it", async () => {
  const path = await writeKubeconfig(root, { server: `https://kubernetes.default.svc:${new URL(api.url).port}`, caPem: api.caPem, proxyUrl: proxyUrl() });
  const credentials = await resolveCredentials({ kubeconfig: path, serviceAccountDir: "/nonexistent", env: { HTTPS_PROXY: "http://elsewhere:1", NO_PROXY: "*" } });
  assert.equal(credentials.proxyUrl, proxyUrl());
  assert.equal(credentials.proxyFrom, "proxy-url");
});

test("a proxy from HTTPS_PROXY that refuses the tunnel is named as such", async () => {
  const kube = createKubeClient({ credentials: await resolveCredentials(inPod({ HTTPS_PROXY: proxyUrl() })) });
  refuse = true;
  try {
    await assert.rejects(kube.configMaps.get("through"), (e: unknown) => e instanceof KubeConnectionError && /the HTTPS_PROXY proxy refused the tunnel .*407/.test(e.message));
  } finally {
    refuse = false;
    await kube.close();
  }
});
