/**
 * What the transport puts on the wire: the query's defined values (and no `?` without any), the
 * headers of every request (accept, user-agent, the current token), a write's content type only
 * on that write, and a token that changed on the very next request.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { createKubeClient } from "../../runtime/kube/client.js";
import { tokenFileAuth } from "../../runtime/kube/auth.js";
import { sendJson, startFakeApiServer, type FakeApiServer, type RecordedRequest } from "./helpers/fake-apiserver.js";

const configMap: ConfigMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "golden", resourceVersion: "7" } };

let server: FakeApiServer;
const seen: RecordedRequest[] = [];
before(async () => {
  server = await startFakeApiServer((request, response) => {
    seen.push(request);
    sendJson(response, 200, request.path.endsWith("/configmaps") ? { kind: "ConfigMapList", apiVersion: "v1", metadata: {}, items: [] } : configMap);
  });
});
after(() => server.close());

test("the query's defined values are sent, and a request without any has no '?'", async () => {
  const kube = createKubeClient({ credentials: server.credentials() });
  seen.length = 0;
  await kube.configMaps.get("settings");
  await kube.configMaps.listPage({ limit: 5, labelSelector: undefined });
  assert.equal(seen[0]!.target, "/api/v1/namespaces/golden/configmaps/settings");
  assert.equal(seen[1]!.target, "/api/v1/namespaces/golden/configmaps?limit=5");
  await kube.close();
});

test("every request carries accept, user-agent and the token; a write's content type stays on that write", async () => {
  const kube = createKubeClient({ credentials: server.credentials() });
  seen.length = 0;
  await kube.configMaps.get("settings");
  await kube.configMaps.replace(configMap);
  await kube.configMaps.get("settings");
  for (const request of seen) {
    assert.equal(request.headers.accept, "application/json, */*");
    assert.equal(request.headers["user-agent"], "podfn");
    assert.equal(request.headers.authorization, "Bearer test-token");
  }
  assert.deepEqual(seen.map((r) => [r.method, r.headers["content-type"]]), [["GET", undefined], ["PUT", "application/json"], ["GET", undefined]]);
  await kube.close();
});

test("a token file that changed is sent on the next request once it is looked at", async () => {
  const dir = await mkdtemp(join(tmpdir(), "podfn-token-"));
  const path = join(dir, "token");
  await writeFile(path, "old-token");
  let now = 1_000_000;
  const kube = createKubeClient({ credentials: server.credentials(tokenFileAuth(path, { now: () => now, checkMs: 1000 })) });
  seen.length = 0;
  await kube.configMaps.get("settings");
  await writeFile(path, "new-token-longer");
  await kube.configMaps.get("settings");
  now += 1000;
  await kube.configMaps.get("settings");
  assert.deepEqual(seen.map((r) => r.headers.authorization), ["Bearer old-token", "Bearer old-token", "Bearer new-token-longer"]);
  await kube.close();
  await rm(dir, { recursive: true, force: true });
});

test("a provider that changes the token inside the material it hands out is followed", async () => {
  const material = { token: "first" };
  const kube = createKubeClient({ credentials: server.credentials({ description: "mutable", get: async () => material, current: () => material, invalidate: () => false }) });
  seen.length = 0;
  await kube.configMaps.get("settings");
  material.token = "second";
  await kube.configMaps.get("settings");
  assert.deepEqual(seen.map((r) => r.headers.authorization), ["Bearer first", "Bearer second"]);
  await kube.close();
});
