/**
 * What the Kubernetes client logs during a call (a retry, the server's Warning, a list's expired
 * continue token) carries the call's function and request id, as the handler's own lines and
 * the access line do: a log search by request id finds why a call was slow; so do those of its
 * caller's TokenReview. The client's lines outside any call carry neither.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { createKubeClient } from "../../runtime/kube/client.js";
import { createHttpApp } from "../../runtime/http/app.js";
import { captureLogger, loaded, postJson } from "./helpers.js";
import { recordingSleep, sendJson, startFakeApiServer, statusBody } from "../kube/helpers/fake-apiserver.js";
import type { FakeApiServer } from "../kube/helpers/fake-apiserver.js";
import type { LoadedFunction } from "../../runtime/function.js";
import type { KubeClient } from "../../runtime/kube/api.js";

const configMap: ConfigMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "golden" } };

let server: FakeApiServer;
let attempts = 0;
let reviews = 0;
before(async () => {
  // A read of the ConfigMap fails with a 500 every other attempt (retried), then answers with a
  // Warning; the list's second page has an expired continue token.
  server = await startFakeApiServer((req, res) => {
    if (req.path.endsWith("/configmaps") && req.query.get("continue") === "page-2") {
      // As 1.32 answers a compacted continue token: a 410 carrying a token that goes on at the latest version.
      return sendJson(res, 410, { ...statusBody(410, "Expired", "The provided continue parameter is too old"), metadata: { continue: "page-3" } });
    }
    if (req.path.endsWith("/configmaps")) {
      const last = req.query.get("continue") === "page-3";
      return sendJson(res, 200, { kind: "ConfigMapList", apiVersion: "v1", metadata: last ? {} : { continue: "page-2" }, items: [configMap] });
    }
    if (req.path.endsWith("/tokenreviews")) {
      // Fails once (retried), then authenticates the caller.
      return reviews++ === 0
        ? sendJson(res, 500, statusBody(500, "InternalError", "try again"))
        : sendJson(res, 201, { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", status: { authenticated: true, user: { username: "system:serviceaccount:ci:deployer" } } });
    }
    return attempts++ % 2 === 0 ? sendJson(res, 500, statusBody(500, "InternalError", "try again")) : sendJson(res, 200, configMap, { warning: `299 - "unknown field \\"dta\\" ${attempts}"` });
  });
});
after(() => server.close());

/**
 * `use` with an HTTP app serving `fn`, a client of the fake API server whose retries do not wait
 * (closed after), and the log both write to.
 */
async function withApp(fn: LoadedFunction, use: (app: ReturnType<typeof createHttpApp>, log: ReturnType<typeof captureLogger>, kube: KubeClient) => Promise<void>): Promise<void> {
  const log = captureLogger();
  const kube = createKubeClient({ credentials: server.credentials(), logger: log.logger, retry: { sleep: recordingSleep().sleep, random: () => 0.5 } });
  try {
    await use(createHttpApp({ functions: [fn], kube, logger: log.logger, secretsDir: "/nonexistent" }), log, kube);
  } finally {
    await kube.close();
  }
}

test("a call's kube retries and server warnings are logged with its fn and requestId; the client's own lines outside a call without them", async () => {
  const reads = loaded({
    name: "reads",
    handler: async ({ kube }) => {
      await kube.configMaps.get("settings");
      await kube.request({ method: "GET", path: "/api/v1/namespaces/golden/configmaps/settings" });
      return "read";
    },
  });
  await withApp(reads, async (app, log, kube) => {
    const res = await app.fetch(postJson("/reads", {}, { "x-request-id": "call-1" }));
    assert.equal(res.status, 200, await res.clone().text());

    // The client itself, outside any call.
    await kube.configMaps.get("settings");

    const records = log.records();
    const retries = records.filter((r) => r.msg === "kube request failed; retrying");
    const warnings = records.filter((r) => typeof r.msg === "string" && r.msg.startsWith("kube server warning"));
    assert.equal(retries.length, 3, JSON.stringify(records));
    assert.equal(warnings.length, 3, JSON.stringify(records));
    for (const line of [...retries.slice(0, 2), ...warnings.slice(0, 2)]) {
      assert.equal(line.requestId, "call-1", JSON.stringify(line));
      assert.equal(line.fn, "reads", JSON.stringify(line));
    }
    for (const line of [retries[2]!, warnings[2]!]) {
      assert.equal(line.requestId, undefined, JSON.stringify(line));
      assert.equal(line.fn, undefined, JSON.stringify(line));
    }
  });
});

test("a list's expired continue token, read on in a call, is logged with the call's requestId", async () => {
  const lists = loaded({
    name: "lists",
    handler: async ({ kube }) => {
      let n = 0;
      for await (const _ of kube.configMaps.list()) n++;
      return n;
    },
  });
  await withApp(lists, async (app, log) => {
    const res = await app.fetch(postJson("/lists", {}, { "x-request-id": "call-2" }));
    assert.equal(res.status, 200, await res.clone().text());
    const expired = log.records().filter((r) => typeof r.msg === "string" && r.msg.startsWith("the list's continue token expired"));
    assert.ok(expired.length >= 1, JSON.stringify(log.records()));
    assert.equal(expired[0]!.requestId, "call-2");
    assert.equal(expired[0]!.fn, "lists");
  });
});

test("a TokenReview's retries, checking a serviceAccount caller, are logged with the call's fn and requestId", async () => {
  const deploys = loaded({ name: "deploys", auth: { type: "serviceAccount", allow: ["system:serviceaccount:ci:deployer"] }, handler: () => "ok" });
  await withApp(deploys, async (app, log) => {
    const res = await app.fetch(postJson("/deploys", {}, { "x-request-id": "call-3", authorization: "Bearer caller-token" }));
    assert.equal(res.status, 200, await res.clone().text());
    const retries = log.records().filter((r) => r.msg === "kube request failed; retrying");
    assert.equal(retries.length, 1, JSON.stringify(log.records()));
    assert.equal(retries[0]!.requestId, "call-3", JSON.stringify(retries[0]));
    assert.equal(retries[0]!.fn, "deploys", JSON.stringify(retries[0]));
    assert.doesNotMatch(JSON.stringify(log.records()), /caller-token/);
  });
});
