import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { createKubeClient } from "../../runtime/kube/client.js";
import { KubeApiError, KubeConnectionError, KubeTooManyRequestsError } from "../../runtime/kube/errors.js";
import { staticAuth } from "../../runtime/kube/auth.js";
import { recordingSleep, sendJson, startFakeApiServer, statusBody } from "./helpers/fake-apiserver.js";
import type { FakeApiServer, Handler } from "./helpers/fake-apiserver.js";
import { until } from "../helpers/until.js";

const configMap: ConfigMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "golden", resourceVersion: "7" } };

describe("transport retries", () => {
  let handler: Handler = () => {};
  let server: FakeApiServer;
  before(async () => {
    server = await startFakeApiServer((req, res) => handler(req, res));
  });
  after(() => server.close());

  function client() {
    const recorder = recordingSleep();
    const kube = createKubeClient({ credentials: server.credentials(), retry: { sleep: recorder.sleep, random: () => 0.5 } });
    return { kube, sleeps: recorder.sleeps };
  }

  /** Answers the given responses in turn, then the last one forever. */
  function sequence(...answers: [number, unknown, Record<string, string>?][]): { calls: () => number } {
    let calls = 0;
    handler = (_req, res) => {
      const [status, body, headers] = answers[Math.min(calls, answers.length - 1)]!;
      calls++;
      sendJson(res, status, body, headers);
    };
    return { calls: () => calls };
  }

  test("a 429 is retried after the Retry-After the server asked for", async () => {
    const { kube, sleeps } = client();
    const answers = sequence([429, statusBody(429, "TooManyRequests", "slow down"), { "retry-after": "2" }], [200, configMap]);
    const got = await kube.configMaps.get("settings");
    assert.equal(got.metadata?.name, "settings");
    assert.equal(answers.calls(), 2);
    assert.deepEqual(sleeps, [2000]);
    await kube.close();
  });

  test("a failure without Retry-After (a read's 500) is retried 3 times, not the 10 a Retry-After gets", async () => {
    const { kube, sleeps } = client();
    const failing = sequence([500, statusBody(500, "InternalError", "boom")]);
    await assert.rejects(kube.configMaps.get("settings"), KubeApiError);
    assert.equal(failing.calls(), 4);
    assert.equal(sleeps.length, 3);
    await kube.close();
  });

  test("a read whose answer is cut off mid-body is asked for again (a list page too); a write's is not", async () => {
    const { kube, sleeps } = client();
    let calls = 0;
    handler = (req, res) => {
      calls++;
      const list = { apiVersion: "v1", kind: "ConfigMapList", metadata: { resourceVersion: "7" }, items: [configMap] };
      const text = JSON.stringify(req.method === "GET" && req.path.endsWith("/configmaps") ? list : configMap);
      if (calls === 1 || req.method === "DELETE") {
        // The head and half the body, then the connection is reset.
        res.writeHead(200, { "content-type": "application/json", "content-length": String(text.length) });
        res.write(text.slice(0, 10));
        setImmediate(() => res.socket?.destroy());
        return;
      }
      sendJson(res, 200, JSON.parse(text));
    };
    const names: string[] = [];
    for await (const cm of kube.configMaps.list()) names.push(cm.metadata!.name!);
    assert.deepEqual(names, ["settings"]);
    assert.equal(calls, 2);
    assert.equal(sleeps.length, 1);
    calls = 1;
    await assert.rejects(kube.configMaps.delete("settings"), KubeConnectionError);
    assert.equal(calls, 2, "a delete cut off mid-answer may have been applied: not sent again");
    await kube.close();
  });

  test("a Retry-After longer than the cap waits only the cap", async () => {
    const recorder = recordingSleep();
    const kube = createKubeClient({ credentials: server.credentials(), retry: { sleep: recorder.sleep, maxRetryAfterMs: 5000 } });
    sequence([429, statusBody(429, "TooManyRequests", "slow down"), { "retry-after": "3600" }], [200, configMap]);
    await kube.configMaps.get("settings");
    assert.deepEqual(recorder.sleeps, [5000]);
    await kube.close();
  });

  test("a 503 on a read is retried (honouring Retry-After) and then succeeds", async () => {
    const { kube, sleeps } = client();
    const answers = sequence([503, statusBody(503, "ServiceUnavailable", "etcd leader changed"), { "retry-after": "1" }], [503, statusBody(503, "ServiceUnavailable", "still")], [200, configMap]);
    const got = await kube.configMaps.get("settings");
    assert.equal(got.metadata?.resourceVersion, "7");
    assert.equal(answers.calls(), 3);
    assert.equal(sleeps[0], 1000);
    assert.equal(sleeps.length, 2);
    await kube.close();
  });

  test("a Retry-After on a 500 or a 504 of a read is waited for too (client-go's checkWait: 429 and any 5xx)", async () => {
    const { kube, sleeps } = client();
    sequence([500, statusBody(500, "InternalError", "etcd leader changed"), { "retry-after": "7" }], [504, statusBody(504, "Timeout", "slow"), { "retry-after": "3" }], [200, configMap]);
    await kube.configMaps.get("settings");
    assert.deepEqual(sleeps, [7000, 3000]);
    await kube.close();
  });

  test("an error answer that is JSON but not a Status keeps its body as the message", async () => {
    const { kube } = client();
    sequence([400, { message: "webhook said no" }]);
    await assert.rejects(kube.configMaps.create({ metadata: { name: "x" } }), (e: unknown) => e instanceof KubeApiError && e.statusCode === 400 && e.message.includes('{"message":"webhook said no"}') && !e.message.includes("no body"));
    await kube.close();
  });

  test("a 2xx answer that is not JSON (an auth proxy's login page) is an error for typed calls, text for logs and raw requests", async () => {
    const { kube } = client();
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>Please log in</html>");
    };
    await assert.rejects(kube.configMaps.get("settings"), (e: unknown) => e instanceof KubeConnectionError && /answered text\/html, not JSON/.test(e.message));
    await assert.rejects(kube.configMaps.listPage(), (e: unknown) => e instanceof KubeConnectionError);
    assert.equal(await kube.pods.logs("p"), "<html>Please log in</html>");
    assert.equal(await kube.request({ method: "GET", path: "/healthz" }), "<html>Please log in</html>");
    await kube.close();
  });

  test("backoff without Retry-After is exponential with full jitter", async () => {
    const { kube, sleeps } = client();
    const answers = sequence([500, statusBody(500, "InternalError", "boom")]);
    await assert.rejects(kube.configMaps.get("settings"), (error: unknown) => error instanceof KubeApiError && error.code === "kube_internal_error");
    assert.equal(answers.calls(), 4, "one attempt and three retries");
    // random() = 0.5 of ceilings 200, 400, 800
    assert.deepEqual(sleeps, [100, 200, 400]);
    await kube.close();
  });

  test("writes are not retried on 500", async () => {
    const { kube, sleeps } = client();
    const answers = sequence([500, statusBody(500, "InternalError", "boom")], [201, configMap]);
    await assert.rejects(kube.configMaps.create(configMap), (error: unknown) => error instanceof KubeApiError && error.statusCode === 500);
    assert.equal(answers.calls(), 1);
    assert.deepEqual(sleeps, []);
    await kube.close();
  });

  test("writes are not retried on 503 either (the server may have applied them)", async () => {
    const { kube } = client();
    const answers = sequence([503, statusBody(503, "ServiceUnavailable", "busy")], [200, configMap]);
    await assert.rejects(kube.configMaps.patch("settings", { data: { a: "b" } }), KubeApiError);
    assert.equal(answers.calls(), 1);
    await kube.close();
  });

  test("a write's 5xx that carries Retry-After is retried after it, as client-go's checkWait does", async () => {
    const { kube, sleeps } = client();
    const answers = sequence([503, statusBody(503, "ServiceUnavailable", "shutting down"), { "retry-after": "1" }], [201, configMap]);
    const created = await kube.configMaps.create(configMap);
    assert.equal(created.metadata?.name, "settings");
    assert.equal(answers.calls(), 2);
    assert.deepEqual(sleeps, [1000]);
    await kube.close();
  });

  test("a write's 429 with Retry-After is retried (API Priority and Fairness did not apply it); without one it is the answer, as client-go's checkWait has it", async () => {
    const { kube } = client();
    let answers = sequence([429, statusBody(429, "TooManyRequests", "slow down"), { "retry-after": "1" }], [201, configMap]);
    const created = await kube.configMaps.create(configMap);
    assert.equal(created.metadata?.name, "settings");
    assert.equal(answers.calls(), 2);
    // An eviction a PodDisruptionBudget blocks: 429, no Retry-After. Sent once, thrown at once.
    answers = sequence([429, statusBody(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.")], [201, {}]);
    await assert.rejects(kube.pods.evict("web-1"), KubeTooManyRequestsError);
    assert.equal(answers.calls(), 1);
    // A read's is retried still: it changes nothing.
    answers = sequence([429, statusBody(429, "TooManyRequests", "slow down")], [200, configMap]);
    assert.equal((await kube.configMaps.get("settings")).metadata?.name, "settings");
    assert.equal(answers.calls(), 2);
    await kube.close();
  });

  test("retries are bounded: a 429 is waited for 10 times (client-go's maxRetries), then thrown with its Retry-After", async () => {
    const { kube, sleeps } = client();
    const answers = sequence([429, statusBody(429, "TooManyRequests", "slow down"), { "retry-after": "1" }]);
    await assert.rejects(kube.configMaps.get("settings"), (error: unknown) => error instanceof KubeTooManyRequestsError && error.retryAfterSeconds === 1);
    assert.equal(answers.calls(), 11);
    assert.deepEqual(sleeps, Array(10).fill(1000));
    await kube.close();
  });

  test("retries: 0 turns retries off", async () => {
    const kube = createKubeClient({ credentials: server.credentials(), retry: { retries: 0 } });
    const answers = sequence([503, statusBody(503, "ServiceUnavailable", "busy")]);
    await assert.rejects(kube.configMaps.get("settings"), KubeApiError);
    assert.equal(answers.calls(), 1);
    await kube.close();
  });

  test("an aborted signal stops a request waiting between retries", async () => {
    const controller = new AbortController();
    const kube = createKubeClient({
      credentials: server.credentials(),
      retry: {
        sleep: async (_ms, signal) => {
          controller.abort(new Error("caller gave up"));
          signal?.throwIfAborted();
        },
      },
    });
    const answers = sequence([503, statusBody(503, "ServiceUnavailable", "busy")]);
    await assert.rejects(kube.configMaps.get("settings", { signal: controller.signal }), /caller gave up/);
    assert.equal(answers.calls(), 1);
    await kube.close();
  });
});

describe("connection errors", () => {
  async function closedPort(): Promise<number> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return port;
  }

  test("a refused connection is a KubeConnectionError, retried even for a write", async () => {
    const port = await closedPort();
    const recorder = recordingSleep();
    const kube = createKubeClient({
      credentials: { server: `https://127.0.0.1:${port}`, namespace: "golden", auth: staticAuth({ token: "t" }, "test"), source: "test" },
      retry: { sleep: recorder.sleep },
    });
    await assert.rejects(kube.configMaps.create(configMap), (error: unknown) => error instanceof KubeConnectionError && error.code === "kube_connection" && /ECONNREFUSED/.test(error.message));
    assert.equal(recorder.sleeps.length, 3);
    await kube.close();
  });

  test("error messages name the server URL with its path prefix once", async () => {
    const port = await closedPort();
    const kube = createKubeClient({
      credentials: { server: `https://127.0.0.1:${port}/k8s`, namespace: "golden", auth: staticAuth({ token: "t" }, "test"), source: "test" },
      retry: { retries: 0 },
    });
    await assert.rejects(kube.configMaps.get("settings"), (error: unknown) => error instanceof KubeConnectionError && error.message.startsWith(`GET https://127.0.0.1:${port}/k8s/api/v1/namespaces/golden/configmaps/settings: connection failed`));
    await kube.close();
    const server = await startFakeApiServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write("{", () => res.socket?.destroy());
    });
    const reading = createKubeClient({ credentials: { ...server.credentials(), server: `${server.url}/k8s` }, retry: { retries: 0 } });
    await assert.rejects(reading.configMaps.get("settings"), (error: unknown) => error instanceof KubeConnectionError && error.message.startsWith(`GET ${server.url}/k8s/api/v1/namespaces/golden/configmaps/settings: connection failed while reading`));
    await reading.close();
    await server.close();
  });

  test("a connection reset after the request was sent is retried for reads only", async () => {
    let calls = 0;
    const server = await startFakeApiServer((_req, res) => {
      calls++;
      res.socket?.destroy();
    });
    const recorder = recordingSleep();
    const kube = createKubeClient({ credentials: server.credentials(), retry: { sleep: recorder.sleep } });
    await assert.rejects(kube.configMaps.get("settings"), KubeConnectionError);
    assert.equal(calls, 4);
    calls = 0;
    await assert.rejects(kube.configMaps.create(configMap), KubeConnectionError);
    assert.equal(calls, 1, "a write that may have been applied is not repeated");
    await kube.close();
    await server.close();
  });
});

describe("connection pool", () => {
  test("opens at most `connections` connections to the server; more requests wait for one", async () => {
    const sockets = new Set<unknown>();
    const held: (() => void)[] = [];
    const server = await startFakeApiServer((_req, res) => {
      sockets.add(res.socket);
      held.push(() => sendJson(res, 200, { kind: "ConfigMap", apiVersion: "v1", metadata: { name: "settings" } }));
    });
    const kube = createKubeClient({ credentials: server.credentials(), connections: 2 });
    const calls = Promise.all(Array.from({ length: 5 }, () => kube.configMaps.get("settings")));
    let answered = 0;
    while (answered < 5) {
      await until(() => held.length > 0, "a request at the server");
      assert.ok(sockets.size <= 2, `${sockets.size} connections open`);
      held.shift()!();
      answered++;
    }
    assert.equal((await calls).length, 5);
    assert.equal(sockets.size, 2);
    await kube.close();
    await server.close();
  });
});

