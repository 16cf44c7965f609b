/**
 * A kubeconfig's `proxy-url`: every connection to the API server tunnels through that HTTP
 * proxy with CONNECT (TLS to the API server still verified end to end), and SOCKS proxies are
 * refused with a clear error rather than connected around.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { createKubeClient } from "../../runtime/kube/client.js";
import { loadKubeconfig } from "../../runtime/kube/kubeconfig.js";
import { KubeConnectionError, KubeCredentialsError } from "../../runtime/kube/errors.js";
import { sendJson, startFakeApiServer, type FakeApiServer } from "./helpers/fake-apiserver.js";
import { until } from "../helpers/until.js";

let api: FakeApiServer;
let proxy: Server;
let root: string;
const tunnels: string[] = [];
/** Tunnels the proxy holds open now. */
let openTunnels = 0;

/** A kubeconfig for the fake API server with `proxy-url`. */
async function kubeconfigWithProxy(proxyUrl: string): Promise<string> {
  const path = join(root, `proxy-${tunnels.length}-${Math.random().toString(36).slice(2)}.kubeconfig`);
  await writeFile(
    path,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      "current-context": "c",
      contexts: [{ name: "c", context: { cluster: "c", user: "u", namespace: "golden" } }],
      clusters: [{ name: "c", cluster: { server: api.url, "certificate-authority-data": Buffer.from(api.caPem).toString("base64"), "proxy-url": proxyUrl } }],
      users: [{ name: "u", user: { token: "t" } }],
    }),
  );
  return path;
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), "podfn-proxy-"));
  api = await startFakeApiServer((_req, res) => sendJson(res, 200, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "through", namespace: "golden" } }));
  // An HTTP proxy that only tunnels (CONNECT), recording where to.
  proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on("connect", (req, client, head) => {
    tunnels.push(req.url ?? "");
    openTunnels++;
    client.once("close", () => openTunnels--);
    const [host, port] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  proxy.listen(0, "127.0.0.1");
  await new Promise((resolve) => proxy.once("listening", resolve));
});

after(async () => {
  proxy.closeAllConnections();
  proxy.close();
  await api.close();
  await rm(root, { recursive: true, force: true });
});

test("with proxy-url, requests tunnel through the proxy to the API server", async () => {
  const path = await kubeconfigWithProxy(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`);
  const credentials = await loadKubeconfig(path, { env: {} });
  assert.equal(credentials.proxyUrl, `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`);
  const kube = createKubeClient({ credentials });
  try {
    assert.equal((await kube.configMaps.get("through")).metadata?.name, "through");
    assert.deepEqual(tunnels, [new URL(api.url).host], "one CONNECT to the API server's host:port");
    assert.equal(api.requests.at(-1)?.path, "/api/v1/namespaces/golden/configmaps/through");
  } finally {
    await kube.close();
  }
});

for (const [proxyUrl, shown, why] of [
  ["socks5://user:s3cret@127.0.0.1:1080", "socks5://127.0.0.1:1080", /only http:\/\/ and https:\/\/ proxies are supported/],
  ["socks5://alice:p@s3cret@127.0.0.1:1080", "socks5://127.0.0.1:1080", /only http:\/\/ and https:\/\/ proxies are supported/],
  ["alice:s3cret@proxy.corp:3128", "proxy.corp:3128", /only http:\/\/ and https:\/\/ proxies are supported|is not a URL/],
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

test("concurrent first requests through the proxy share one agent: close() leaves no tunnel open", async () => {
  const kube = createKubeClient({ credentials: await loadKubeconfig(await kubeconfigWithProxy(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`), { env: {} }) });
  const names = await Promise.all([kube.configMaps.get("through"), kube.configMaps.get("through"), kube.configMaps.get("through")]);
  assert.deepEqual(names.map((c) => c.metadata?.name), ["through", "through", "through"]);
  assert.ok(openTunnels > 0);
  await kube.close();
  await until(() => openTunnels === 0, "every tunnel closed after close()");
});

test("a proxy that refuses the tunnel (407) is reported as such, not as a connection failure, and not retried", async () => {
  const refusing = createServer((_req, res) => res.writeHead(405).end());
  let connects = 0;
  refusing.on("connect", (_req, client) => {
    connects++;
    client.end("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n");
  });
  refusing.listen(0, "127.0.0.1");
  await new Promise((resolve) => refusing.once("listening", resolve));
  const kube = createKubeClient({ credentials: await loadKubeconfig(await kubeconfigWithProxy(`http://127.0.0.1:${(refusing.address() as AddressInfo).port}`), { env: {} }) });
  try {
    await assert.rejects(kube.configMaps.get("through"), (e: unknown) => e instanceof KubeConnectionError && /proxy-url proxy refused the tunnel to the API server \(HTTP 407: proxy authentication required\)/.test(e.message));
    assert.equal(connects, 1);
  } finally {
    await kube.close();
    refusing.close();
  }
});
