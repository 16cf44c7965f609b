/**
 * SOCKS5 proxies (`socks5://`, `socks5h://`, with or without a user and password), from a
 * kubeconfig's `proxy-url` or `HTTPS_PROXY`, as kubectl uses them to reach a private cluster
 * through a bastion: the client opens a SOCKS5 tunnel to the API server, TLS to the API server
 * is still verified end to end, and a refused login is a connection error naming no password.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { createKubeClient } from "../../runtime/kube/client.js";
import { resolveCredentials } from "../../runtime/kube/credentials.js";
import { loadKubeconfig } from "../../runtime/kube/kubeconfig.js";
import { KubeConnectionError } from "../../runtime/kube/errors.js";
import { sendJson, startFakeApiServer, type FakeApiServer } from "./helpers/fake-apiserver.js";
import { startSocks5Proxy, type Socks5Proxy } from "./helpers/socks5-proxy.js";

let api: FakeApiServer;
let open: Socks5Proxy;
let guarded: Socks5Proxy;
let root: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), "podfn-socks-"));
  api = await startFakeApiServer((_req, res) => sendJson(res, 200, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "through", namespace: "golden" } }));
  // Every tunnel goes to the fake API server (kubernetes.default.svc is on its certificate, not in DNS).
  const upstream = () => ({ host: "127.0.0.1", port: Number(new URL(api.url).port) });
  open = await startSocks5Proxy({ upstream });
  guarded = await startSocks5Proxy({ upstream, auth: { username: "alice", password: "s3cret" } });
  await writeFile(join(root, "token"), "sa-token");
  await writeFile(join(root, "ca.crt"), api.caPem);
  await writeFile(join(root, "namespace"), "golden");
});

after(async () => {
  open.close();
  guarded.close();
  await api.close();
  await rm(root, { recursive: true, force: true });
});

async function kubeconfigWithProxy(proxyUrl: string): Promise<string> {
  const path = join(root, `socks-${Math.random().toString(36).slice(2)}.kubeconfig`);
  await writeFile(
    path,
    stringify({
      apiVersion: "v1",
      kind: "Config",
      "current-context": "c",
      contexts: [{ name: "c", context: { cluster: "c", user: "u", namespace: "golden" } }],
      clusters: [{ name: "c", cluster: { server: `https://kubernetes.default.svc:${new URL(api.url).port}`, "certificate-authority-data": Buffer.from(api.caPem).toString("base64"), "proxy-url": proxyUrl } }],
      users: [{ name: "u", user: { token: "t" } }],
    }),
  );
  return path;
}

for (const [label, proxyUrl] of [
  ["socks5://", () => open.url],
  ["socks5h:// with a user and password", () => guarded.url.replace("socks5://", "socks5h://alice:s3cret@")],
] as const) {
  test(`a kubeconfig's ${label} proxy-url: requests tunnel through the SOCKS5 proxy, TLS verified end to end`, async () => {
    const proxy = label.startsWith("socks5h") ? guarded : open;
    const before = proxy.tunnels.length;
    const kube = createKubeClient({ credentials: await loadKubeconfig(await kubeconfigWithProxy(proxyUrl()), { env: {} }) });
    try {
      assert.equal((await kube.configMaps.get("through")).metadata?.name, "through");
      assert.deepEqual(proxy.tunnels.slice(before), [`kubernetes.default.svc:${new URL(api.url).port}`], "the proxy resolves the API server's name");
    } finally {
      await kube.close();
    }
  });
}

test("in a pod with HTTPS_PROXY=socks5://..., API calls tunnel through it", async () => {
  const credentials = await resolveCredentials({ serviceAccountDir: root, env: { KUBERNETES_SERVICE_HOST: "kubernetes.default.svc", KUBERNETES_SERVICE_PORT: new URL(api.url).port, HTTPS_PROXY: open.url } });
  assert.equal(credentials.proxyFrom, "HTTPS_PROXY");
  const kube = createKubeClient({ credentials });
  try {
    assert.equal((await kube.configMaps.get("through")).metadata?.name, "through");
  } finally {
    await kube.close();
  }
});

test("a SOCKS5 proxy that refuses the login: a connection error that names no password", async () => {
  const kube = createKubeClient({ credentials: await loadKubeconfig(await kubeconfigWithProxy(guarded.url.replace("socks5://", "socks5://alice:wrong-pass@")), { env: {} }) });
  try {
    await assert.rejects(kube.configMaps.get("through"), (e: unknown) => e instanceof KubeConnectionError && !e.message.includes("wrong-pass"));
  } finally {
    await kube.close();
  }
});
