/**
 * A kubeconfig's `proxy-url`: every connection to the API server tunnels through that HTTP
 * proxy with CONNECT (TLS to the API server still verified end to end; SOCKS5 in
 * proxy-socks.test.ts), and other schemes are refused with a clear error rather than connected around.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKubeClient } from "../../runtime/kube/client.js";
import { loadKubeconfig } from "../../runtime/kube/kubeconfig.js";
import { KubeConnectionError, KubeCredentialsError } from "../../runtime/kube/errors.js";
import { sendJson, startFakeApiServer, type FakeApiServer } from "./helpers/fake-apiserver.js";
import { startConnectProxy, type ConnectProxy } from "./helpers/connect-proxy.js";
import { writeKubeconfig } from "./helpers/kubeconfig-file.js";
import { until } from "../helpers/until.js";

let api: FakeApiServer;
let proxy: ConnectProxy;
let root: string;

/** A kubeconfig for the fake API server with `proxy-url`. */
function kubeconfigWithProxy(proxyUrl: string): Promise<string> {
  return writeKubeconfig(root, { server: api.url, caPem: api.caPem, proxyUrl });
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), "podfn-proxy-"));
  api = await startFakeApiServer((_req, res) => sendJson(res, 200, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "through", namespace: "golden" } }));
  proxy = await startConnectProxy();
});

after(async () => {
  proxy.close();
  await api.close();
  await rm(root, { recursive: true, force: true });
});

test("with proxy-url, requests tunnel through the proxy to the API server", async () => {
  const path = await kubeconfigWithProxy(proxy.url);
  const credentials = await loadKubeconfig(path, { env: {} });
  assert.equal(credentials.proxyUrl, proxy.url);
  const kube = createKubeClient({ credentials });
  try {
    assert.equal((await kube.configMaps.get("through")).metadata?.name, "through");
    assert.deepEqual(proxy.tunnels, [new URL(api.url).host], "one CONNECT to the API server's host:port");
    assert.equal(api.requests.at(-1)?.path, "/api/v1/namespaces/golden/configmaps/through");
  } finally {
    await kube.close();
  }
});

for (const [proxyUrl, shown, why] of [
  ["socks4://user:s3cret@127.0.0.1:1080", "socks4://127.0.0.1:1080", /only http:\/\/, https:\/\/ and socks5:\/\/ proxies are supported/],
  ["ftp://alice:p@s3cret@127.0.0.1:1080", "ftp://127.0.0.1:1080", /only http:\/\/, https:\/\/ and socks5:\/\/ proxies are supported/],
  ["alice:s3cret@proxy.corp:3128", "proxy.corp:3128", /only http:\/\/, https:\/\/ and socks5:\/\/ proxies are supported|is not a URL/],
  ["http://alice:s3cret@127.0.0.1:99999", "http://127.0.0.1:99999", /is not a URL such as/],
] as const) {
  test(`proxy-url ${JSON.stringify(proxyUrl.replace("s3cret", "***"))} is refused at load with a clear error that does not show the proxy's password`, async () => {
    const path = await kubeconfigWithProxy(proxyUrl);
    const error = await loadKubeconfig(path, { env: {} }).catch((e: unknown) => e);
    assert.ok(error instanceof KubeCredentialsError, String(error));
    assert.ok(error.message.includes(`proxy-url ${JSON.stringify(shown)}`), error.message);
    assert.match(error.message, why);
    assert.doesNotMatch(error.message, /s3cret/);
  });
}

for (const [login, header] of [
  ["alice:s3cret@", `Basic ${Buffer.from("alice:s3cret").toString("base64")}`],
  ["proxytoken123@", `Basic ${Buffer.from("proxytoken123:").toString("base64")}`],
  ["us%40er:p%3Ass@", `Basic ${Buffer.from("us@er:p:ss").toString("base64")}`],
  ["", undefined],
] as const) {
  test(`a proxy-url login ${JSON.stringify(login.replace("s3cret", "***"))} is sent as Go sends it: Basic whenever a user is named, with or without a password`, async () => {
    const path = await kubeconfigWithProxy(proxy.url.replace("http://", `http://${login}`));
    const kube = createKubeClient({ credentials: await loadKubeconfig(path, { env: {} }) });
    try {
      const before = proxy.logins.length;
      assert.equal((await kube.configMaps.get("through")).metadata?.name, "through");
      assert.deepEqual(proxy.logins.slice(before), [header]);
    } finally {
      await kube.close();
    }
  });
}

test("concurrent first requests through the proxy share one agent: close() leaves no tunnel open", async () => {
  const kube = createKubeClient({ credentials: await loadKubeconfig(await kubeconfigWithProxy(proxy.url), { env: {} }) });
  const names = await Promise.all([kube.configMaps.get("through"), kube.configMaps.get("through"), kube.configMaps.get("through")]);
  assert.deepEqual(names.map((c) => c.metadata?.name), ["through", "through", "through"]);
  assert.ok(proxy.open() > 0);
  await kube.close();
  await until(() => proxy.open() === 0, "every tunnel closed after close()");
});

test("a proxy that refuses the tunnel (407) is reported as such, not as a connection failure, and not retried", async () => {
  const refusing = await startConnectProxy({ refuse: () => true });
  const kube = createKubeClient({ credentials: await loadKubeconfig(await kubeconfigWithProxy(refusing.url), { env: {} }) });
  try {
    await assert.rejects(kube.configMaps.get("through"), (e: unknown) => e instanceof KubeConnectionError && /proxy-url proxy refused the tunnel to the API server \(HTTP 407: proxy authentication required\)/.test(e.message));
    assert.equal(refusing.tunnels.length, 1);
  } finally {
    await kube.close();
    refusing.close();
  }
});
