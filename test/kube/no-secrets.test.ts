import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKubeClient } from "../../runtime/kube/client.js";
import { resolveCredentials } from "../../runtime/kube/credentials.js";
import { createCertificates } from "../../runtime/testing/cluster/auth/certs.js";
import type { KubeLogger } from "../../runtime/kube/logger.js";
import { fixture, sendJson, startFakeApiServer, statusBody } from "./helpers/fake-apiserver.js";

const TOKEN = "eyJhbGciOiJSUzI1NiJ9.SECRET-SA-TOKEN.signature";
const REVIEWED = "SECRET-CALLER-TOKEN-under-review";

test("no error message, error JSON, inspected error or log line contains a token", async () => {
  const logs: string[] = [];
  const logger: KubeLogger = {
    debug: (obj, msg) => void logs.push(JSON.stringify(obj) + msg),
    info: (obj, msg) => void logs.push(JSON.stringify(obj) + msg),
    warn: (obj, msg) => void logs.push(JSON.stringify(obj) + msg),
    error: (obj, msg) => void logs.push(JSON.stringify(obj) + msg),
  };
  const answers: Record<string, [number, unknown]> = {
    "/api/v1/namespaces/golden/configmaps/unauthorized": [401, fixture("bad-token").response.body],
    "/api/v1/namespaces/golden/secrets/db-password": [403, fixture("sa-get-secret").response.body],
    "/api/v1/namespaces/golden/configmaps/missing": [404, statusBody(404, "NotFound", 'configmaps "missing" not found')],
    "/api/v1/namespaces/golden/configmaps/broken": [503, statusBody(503, "ServiceUnavailable", "unavailable")],
    "/apis/authentication.k8s.io/v1/tokenreviews": [403, fixture("sa-tokenreview").response.body],
  };
  const server = await startFakeApiServer((req, res) => {
    const [status, body] = answers[req.path] ?? [500, statusBody(500, "InternalError", "nope")];
    sendJson(res, status, body, status === 503 ? { "retry-after": "1" } : {});
  });
  const dir = await mkdtemp(join(tmpdir(), "podfn-secrets-"));
  await writeFile(join(dir, "token"), TOKEN);
  const errors: unknown[] = [];
  const capture = (promise: Promise<unknown>) => promise.then(() => assert.fail("expected a failure"), (e: unknown) => void errors.push(e));

  const credentials = await resolveCredentials({ explicit: { server: server.url, tokenFile: join(dir, "token"), caPem: server.caPem, namespace: "golden" }, serviceAccountDir: dir, env: {} });
  const kube = createKubeClient({ credentials, logger, retry: { sleep: async () => {} } });
  await capture(kube.configMaps.get("unauthorized"));
  await capture(kube.secrets.get("db-password"));
  await capture(kube.configMaps.get("missing"));
  await capture(kube.configMaps.get("broken"));
  await capture(kube.configMaps.create({ metadata: { name: "x" } }));
  await capture(kube.tokenReview(REVIEWED));

  const otherCa = await createCertificates();
  const untrusting = createKubeClient({ credentials: { ...credentials, caPem: otherCa.caPem }, logger });
  await capture(untrusting.configMaps.get("x"));

  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const refused = createKubeClient({ credentials: { ...credentials, server: `https://127.0.0.1:${port}` }, logger, retry: { sleep: async () => {} } });
  await capture(refused.configMaps.create({ metadata: { name: "x" } }));

  await capture(resolveCredentials({ kubeconfig: join(dir, "missing"), serviceAccountDir: join(dir, "nope"), env: { KUBERNETES_SERVICE_HOST: "10.0.0.1" } }));

  assert.equal(errors.length, 9);
  assert.ok(logs.length > 0, "retries were logged");
  for (const error of errors) {
    for (const text of [String((error as Error).message), String((error as Error).stack), JSON.stringify(error), inspect(error, { depth: 6 })]) {
      assert.ok(!text.includes(TOKEN) && !text.includes("SECRET-SA-TOKEN"), `a token leaked into: ${text.slice(0, 300)}`);
      assert.ok(!text.includes(REVIEWED), `a reviewed token leaked into: ${text.slice(0, 300)}`);
    }
  }
  for (const line of logs) assert.ok(!line.includes("SECRET"), `a token leaked into a log line: ${line}`);

  await Promise.all([kube.close(), untrusting.close(), refused.close(), server.close()]);
  await rm(dir, { recursive: true, force: true });
});
