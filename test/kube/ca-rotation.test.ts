/**
 * A cluster CA rotation: the kubelet swaps the pod's `ca.crt` for a bundle of the old and new
 * CAs, then the API server serves a certificate of the new CA. The client reads the file again
 * after the certificate failure and connects; a CA file that did not change leaves the failure a
 * `KubeTlsError`, tried once.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { mkdtemp, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCertificates, type ClusterCertificates } from "../../runtime/testing/cluster/auth/certs.js";
import { createKubeClient } from "../../runtime/kube/client.js";
import { resolveCredentials } from "../../runtime/kube/credentials.js";
import { KubeTlsError } from "../../runtime/kube/errors.js";
import { staticAuth, type Credentials } from "../../runtime/kube/auth.js";

describe("cluster CA rotation", () => {
  let oldPki: ClusterCertificates;
  let newPki: ClusterCertificates;
  let server: Server;
  let url: string;
  let dir: string;
  const caFile = () => join(dir, "ca.crt");

  /** Writes the CA file as the kubelet does: a new file renamed over the old. */
  async function project(pem: string): Promise<void> {
    await writeFile(join(dir, "ca.crt.tmp"), pem);
    await rename(join(dir, "ca.crt.tmp"), caFile());
  }

  function serveWith(pki: ClusterCertificates): void {
    server.setSecureContext({ cert: pki.certPem, key: pki.keyPem });
    server.closeAllConnections();
  }

  before(async () => {
    [oldPki, newPki] = await Promise.all([createCertificates(), createCertificates()]);
    dir = await mkdtemp(join(tmpdir(), "podfn-ca-"));
    server = createServer({ cert: oldPki.certPem, key: oldPki.keyPem }, (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ kind: "ConfigMap", apiVersion: "v1", metadata: { name: "x" } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  const credentials = (): Credentials => ({ server: url, namespace: "default", caPem: oldPki.caPem, caFile: caFile(), auth: staticAuth({ token: "t" }, "test token"), source: "test" });

  for (const httpClient of ["node", "undici"] as const) {
    test(`${httpClient}: after the file holds the new CA and the server presents a certificate of it, the next call connects`, async () => {
      serveWith(oldPki);
      await project(oldPki.caPem);
      const lines: string[] = [];
      const note = (_obj: object, msg: string) => void lines.push(msg);
      const kube = createKubeClient({ credentials: credentials(), httpClient, logger: { debug: note, info: note, warn: note, error: note } });
      try {
        assert.equal((await kube.configMaps.get("x")).metadata?.name, "x");
        await project(oldPki.caPem + newPki.caPem);
        serveWith(newPki);
        assert.equal((await kube.configMaps.get("x")).metadata?.name, "x");
        assert.ok(lines.includes("kube cluster CA changed: new connections trust the new file"), lines.join("\n"));
      } finally {
        await kube.close();
      }
    });
  }

  test("a certificate the unchanged CA file does not trust stays a KubeTlsError", async () => {
    await project(oldPki.caPem);
    serveWith(newPki);
    const kube = createKubeClient({ credentials: credentials() });
    try {
      await assert.rejects(kube.configMaps.get("x"), KubeTlsError);
    } finally {
      await kube.close();
    }
  });

  test("a bundle caught half-written keeps the CA known so far; the whole one is taken", async () => {
    const { CaFile } = await import("../../runtime/kube/ca-file.js");
    await project(oldPki.caPem);
    const ca = new CaFile(caFile(), oldPki.caPem, { debug() {}, info() {}, warn() {}, error() {} });
    const bundle = oldPki.caPem + newPki.caPem;
    await project(bundle.slice(0, oldPki.caPem.length + 40));
    assert.equal(ca.reread(), false);
    assert.equal(ca.pem, oldPki.caPem);
    await project(bundle);
    assert.equal(ca.reread(), true);
    assert.equal(ca.pem, bundle);
    // Text after the last certificate (a comment) is no half-written bundle.
    await project(`${oldPki.caPem}# rotated\n`);
    assert.equal(ca.reread(), true);
  });

  test("in-cluster credentials name the ServiceAccount folder's ca.crt as the CA file", async () => {
    const sa = join(dir, "sa");
    await mkdir(sa);
    await writeFile(join(sa, "token"), "token-value-123");
    await writeFile(join(sa, "ca.crt"), oldPki.caPem);
    const found = await resolveCredentials({ env: { KUBERNETES_SERVICE_HOST: "127.0.0.1" }, serviceAccountDir: sa });
    assert.equal(found.caFile, join(sa, "ca.crt"));
  });

  test("a kubeconfig's certificate-authority file is the CA file (certificate-authority-data is none)", async () => {
    await writeFile(join(dir, "ca-for-kubeconfig.crt"), oldPki.caPem);
    const kubeconfig = (cluster: string) => `apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]\nclusters: [{name: k, cluster: {server: "${url}", ${cluster}}}]\nusers: [{name: u, user: {token: abc}}]\n`;
    await writeFile(join(dir, "file.kubeconfig"), kubeconfig("certificate-authority: ca-for-kubeconfig.crt"));
    await writeFile(join(dir, "data.kubeconfig"), kubeconfig(`certificate-authority-data: ${Buffer.from(oldPki.caPem).toString("base64")}`));
    const fromFile = await resolveCredentials({ kubeconfig: join(dir, "file.kubeconfig"), env: {}, serviceAccountDir: "/nonexistent" });
    assert.equal(fromFile.caFile, join(dir, "ca-for-kubeconfig.crt"));
    const fromData = await resolveCredentials({ kubeconfig: join(dir, "data.kubeconfig"), env: {}, serviceAccountDir: "/nonexistent" });
    assert.equal(fromData.caFile, undefined);
  });
});
