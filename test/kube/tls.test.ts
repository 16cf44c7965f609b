import { test } from "node:test";
import assert from "node:assert/strict";
import { createCertificates } from "../../runtime/testing/cluster/auth/certs.js";
import { createKubeClient } from "../../runtime/kube/client.js";
import { KubeCredentialsError, KubeTlsError } from "../../runtime/kube/errors.js";
import { staticAuth } from "../../runtime/kube/auth.js";
import { clientCertificateAuth } from "../../runtime/kube/client-certificate.js";
import { generateKeyPairSync } from "node:crypto";
import { recordingSleep, sendJson, startFakeApiServer } from "./helpers/fake-apiserver.js";

test("a server whose certificate another CA signed is rejected, not retried, and never sees the token", async () => {
  const server = await startFakeApiServer((_req, res) => sendJson(res, 200, { kind: "ConfigMapList", metadata: {}, items: [] }));
  const otherCa = await createCertificates();
  const recorder = recordingSleep();
  const kube = createKubeClient({
    credentials: { ...server.credentials("secret-token-value"), caPem: otherCa.caPem },
    retry: { sleep: recorder.sleep },
  });
  await assert.rejects(kube.configMaps.listPage(), (error: unknown) => {
    assert.ok(error instanceof KubeTlsError);
    assert.equal(error.code, "kube_tls");
    assert.match(error.message, /certificate is not trusted by the configured CA/);
    assert.doesNotMatch(error.message, /secret-token-value/);
    return true;
  });
  assert.deepEqual(recorder.sleeps, [], "a TLS failure is not retried");
  assert.equal(server.requests.length, 0);
  await kube.close();
  await server.close();
});

test("the right CA is accepted and the bearer token and JSON Accept header are sent", async () => {
  const server = await startFakeApiServer((_req, res) => sendJson(res, 200, { kind: "ConfigMapList", metadata: {}, items: [] }));
  const kube = createKubeClient({ credentials: server.credentials("tok") });
  await kube.configMaps.listPage();
  assert.equal(server.requests[0]?.headers.authorization, "Bearer tok");
  assert.match(String(server.requests[0]?.headers.accept), /application\/json/);
  assert.equal(server.requests[0]?.headers.connection, "keep-alive");
  const view = kube.with({ namespace: "other" });
  await view.configMaps.listPage();
  await kube.close();
  await assert.rejects(view.configMaps.listPage(), "a view shares the root client's pool, closed with it");
  await server.close();
});

test("a plain http server URL is refused", () => {
  assert.throws(
    () => createKubeClient({ credentials: { server: "http://127.0.0.1:8080", namespace: "x", auth: staticAuth({}, "none"), source: "test" } }),
    KubeCredentialsError,
  );
});

test("a client key that is not its certificate's is a credentials error at the first request: not retried, no connection made", async () => {
  const server = await startFakeApiServer((_req, res) => sendJson(res, 200, { kind: "ConfigMapList", metadata: {}, items: [] }));
  const { certPem } = await createCertificates();
  const otherKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const recorder = recordingSleep();
  const kube = createKubeClient({ credentials: server.credentials(clientCertificateAuth(certPem, otherKey, "explicit client certificate")), retry: { sleep: recorder.sleep } });
  for (let i = 0; i < 2; i++) {
    await assert.rejects(kube.configMaps.listPage(), (error: unknown) => error instanceof KubeCredentialsError && /^explicit client certificate: the client key does not belong to the client certificate/.test(error.message));
  }
  assert.deepEqual(recorder.sleeps, [], "not retried");
  assert.equal(server.requests.length, 0);
  await kube.close();
  await server.close();
});
