/**
 * The client's connections over their life: a client certificate an exec plugin renews is
 * presented on new connections (the retry after a 401 included), `close()` ends streams at once
 * instead of waiting for the server to end them, streams never hold the connections calls wait
 * for, and a followed log whose connection drops ends with a typed error naming the request.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { createKubeClient } from "../../runtime/kube/client.js";
import type { AuthProvider } from "../../runtime/kube/auth.js";
import { KubeClientClosedError, KubeConnectionError } from "../../runtime/kube/errors.js";
import { createCertificates } from "../../runtime/testing/cluster/auth/certs.js";
import { sendJson, startFakeApiServer, statusBody, testCertificates } from "./helpers/fake-apiserver.js";
import type { FakeApiServer, Handler } from "./helpers/fake-apiserver.js";
import { sleep } from "../../runtime/kube/retry.js";
import { until } from "../helpers/until.js";

describe("client certificate rotation", () => {
  test("a certificate renewed after a 401 is presented on a new connection, and the retry succeeds", async () => {
    const pki = await testCertificates();
    // Two client certificates (any certificate will do: the server below accepts every one and tells them apart).
    const [old, renewed] = await Promise.all([createCertificates(), createCertificates()]);
    const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint256;
    const presented: string[] = [];
    let connections = 0;
    const server = createServer({ cert: pki.certPem, key: pki.keyPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
      const seen = (req.socket as TLSSocket).getPeerCertificate().fingerprint256;
      presented.push(seen);
      if (seen !== fingerprint(renewed.certPem)) return sendJson(res, 401, statusBody(401, "Unauthorized", "Unauthorized"));
      sendJson(res, 200, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "golden" } });
    });
    server.on("secureConnection", () => connections++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    let material = old;
    const auth: AuthProvider = {
      description: "a client certificate renewed on a 401",
      async get() {
        return { certPem: material.certPem, keyPem: material.keyPem };
      },
      invalidate() {
        material = renewed;
        return true;
      },
    };
    // One connection at most: the old one is free when the retry goes out, so only a new pool gives a new connection.
    const kube = createKubeClient({ connections: 1, credentials: { server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, namespace: "golden", caPem: pki.caPem, auth, source: "test" } });
    try {
      const got = await kube.configMaps.get("x");
      assert.equal(got.metadata?.name, "x");
      assert.deepEqual(presented, [fingerprint(old.certPem), fingerprint(renewed.certPem)]);
      assert.equal(connections, 2, "the retry opened a connection with the renewed certificate");
      await kube.configMaps.get("x");
      assert.equal(presented.at(-1), fingerprint(renewed.certPem), "later requests present the renewed certificate");
    } finally {
      await kube.close();
      server.closeAllConnections();
      server.close();
    }
  });
});

describe("streams and close()", () => {
  let handler: Handler = () => {};
  let server: FakeApiServer;
  before(async () => {
    server = await startFakeApiServer((req, res) => handler(req, res));
  });
  after(() => server.close());

  /** Answers watches and followed logs with one line, then keeps the stream open. */
  const openStreams: Handler = (req, res) => {
    res.writeHead(200, { "content-type": req.path.endsWith("/log") ? "text/plain" : "application/json", "transfer-encoding": "chunked" });
    res.write(req.path.endsWith("/log") ? "first line\n" : `${JSON.stringify({ type: "ADDED", object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", resourceVersion: "2" } } })}\n`);
  };

  test("close() ends a running watch and a followed log at once; later requests fail with KubeClientClosedError", { timeout: 20_000 }, async () => {
    handler = openStreams;
    const kube = createKubeClient({ credentials: server.credentials() });
    const watch = kube.configMaps.watch({ resourceVersion: "1", timeoutSeconds: 300 })[Symbol.asyncIterator]();
    const logs = kube.pods.streamLogs("web-0")[Symbol.asyncIterator]();
    assert.equal((await watch.next()).value?.object.metadata?.name, "a");
    assert.equal((await logs.next()).value, "first line");
    const watchEnds = assert.rejects(watch.next(), (e: unknown) => e instanceof KubeClientClosedError && e.code === "kube_client_closed");
    const logsEnd = assert.rejects(logs.next(), (e: unknown) => e instanceof KubeClientClosedError);
    // Both streams stay open on the server (timeoutSeconds 300): close() must not wait for them.
    await kube.close();
    await watchEnds;
    await logsEnd;
    await assert.rejects(kube.configMaps.get("a"), (e: unknown) => e instanceof KubeClientClosedError);
  });

  test("a watch answered only after close() is ended too, and close() does not wait for it", { timeout: 20_000 }, async () => {
    let answer: (() => void) | undefined;
    handler = (req, res) => {
      answer = () => openStreams(req, res);
    };
    const kube = createKubeClient({ credentials: server.credentials() });
    const watchEnds = assert.rejects(kube.configMaps.watch({ resourceVersion: "1" })[Symbol.asyncIterator]().next(), (e: unknown) => e instanceof KubeClientClosedError);
    await until(() => answer !== undefined);
    const closed = kube.close();
    answer!();
    await closed;
    await watchEnds;
  });

  test("a watch waiting out an outage ends when the client is closed, not after its wait", { timeout: 20_000 }, async () => {
    let watches = 0;
    handler = (req, res) => {
      if (req.query.get("watch") !== "1") return sendJson(res, 200, { kind: "ConfigMapList", apiVersion: "v1", metadata: { resourceVersion: "5" }, items: [] });
      watches++;
      sendJson(res, 503, statusBody(503, "ServiceUnavailable", "the server is restarting"));
    };
    // Waits of a minute each: only close() can end them within the test's time.
    const kube = createKubeClient({ credentials: server.credentials(), retry: { sleep: (ms, signal) => sleep(60_000 + ms, signal) } });
    const watchEnds = assert.rejects(kube.configMaps.watch()[Symbol.asyncIterator]().next(), (e: unknown) => e instanceof KubeClientClosedError);
    await until(() => watches >= 1);
    await kube.close();
    await watchEnds;
  });

  test("streams take none of the connections calls need: with `connections: 1`, two followed logs and a watch open, calls are answered, on both HTTP clients", { timeout: 20_000 }, async () => {
    handler = (req, res) => (req.path.endsWith("/log") || req.query.get("watch") === "1" ? openStreams(req, res) : sendJson(res, 200, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: req.path.split("/").at(-1) } }));
    for (const httpClient of ["node", "undici"] as const) {
      const kube = createKubeClient({ credentials: server.credentials(), connections: 1, httpClient });
      try {
        const streams = [kube.pods.streamLogs("web-0")[Symbol.asyncIterator](), kube.pods.streamLogs("web-1")[Symbol.asyncIterator]()];
        for (const logs of streams) assert.equal((await logs.next()).value, "first line", httpClient);
        const watch = kube.configMaps.watch({ resourceVersion: "1", timeoutSeconds: 300 })[Symbol.asyncIterator]();
        assert.equal((await watch.next()).value?.object.metadata?.name, "a", httpClient);
        const answers = await Promise.all([kube.configMaps.get("one"), kube.configMaps.get("two")]);
        assert.deepEqual(answers.map((c) => c.metadata?.name), ["one", "two"], httpClient);
      } finally {
        await kube.close();
      }
    }
  });

  test("a call waiting for the connection an answer's body still holds ends when its signal aborts, on both HTTP clients", { timeout: 20_000 }, async () => {
    let finish: (() => void) | undefined;
    handler = (req, res) => {
      if (!req.path.endsWith("/slow")) return sendJson(res, 200, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: req.path.split("/").at(-1) } });
      // The head and half the body now; the rest when the test says.
      const body = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "slow" } });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.write(body.slice(0, 10));
      finish = () => res.end(body.slice(10));
    };
    for (const httpClient of ["node", "undici"] as const) {
      finish = undefined;
      const kube = createKubeClient({ credentials: server.credentials(), connections: 1, httpClient });
      try {
        const slow = kube.configMaps.get("slow");
        await until(() => finish !== undefined);
        const reason = new Error("the call's time is up");
        const controller = new AbortController();
        const waiting = kube.configMaps.get("queued", { signal: controller.signal });
        controller.abort(reason);
        await assert.rejects(waiting, (e: unknown) => e === reason, httpClient);
        finish!();
        assert.equal((await slow).metadata?.name, "slow", httpClient);
        assert.equal((await kube.configMaps.get("next")).metadata?.name, "next", httpClient);
      } finally {
        await kube.close();
      }
    }
  });

  test("a followed log whose connection drops ends with a KubeConnectionError naming the log", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain", "transfer-encoding": "chunked" });
      res.write("only line\n", () => res.socket?.destroy());
    };
    const kube = createKubeClient({ credentials: server.credentials() });
    const lines: string[] = [];
    try {
      await assert.rejects(
        (async () => {
          for await (const line of kube.pods.streamLogs("web-0")) lines.push(line);
        })(),
        (e: unknown) => e instanceof KubeConnectionError && e.code === "kube_connection" && /GET .*\/namespaces\/golden\/pods\/web-0\/log: connection failed/.test(e.message),
      );
      assert.deepEqual(lines, ["only line"]);
    } finally {
      await kube.close();
    }
  });
});
