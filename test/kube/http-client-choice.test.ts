/**
 * Which HTTP client carries the API requests (kube/http-client-choice.ts): Node's own HTTPS
 * client while a client is quiet, undici's pool once it is busy; and that both read the same to
 * the caller — answers (repeated headers, bodies, UTF-8) and failures (the timeouts, a
 * connection closed mid-answer, a refused connection, an aborted request, close()).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer as createTcpServer, type AddressInfo, type Socket } from "node:net";
import type { IncomingMessage } from "node:http";
import { BUSY_REQUESTS, BUSY_WINDOW_MS, BusyMeter } from "../../runtime/kube/http-client-choice.js";
import { Transport } from "../../runtime/kube/transport.js";
import type { HttpClientChoice } from "../../runtime/kube/http-client-choice.js";
import { KubeClientClosedError, KubeConnectionError } from "../../runtime/kube/errors.js";
import { ConfigError } from "../../runtime/errors.js";
import { readLines } from "../../runtime/kube/lines.js";
import { sendJson, startFakeApiServer, type FakeApiServer, type Handler } from "./helpers/fake-apiserver.js";
import { startConnectProxy } from "./helpers/connect-proxy.js";
import { NodeHttpsPool } from "../../runtime/kube/node-https-pool.js";
import { until } from "../helpers/until.js";

const CLIENTS: Exclude<HttpClientChoice, "auto">[] = ["node", "undici"];

/** Timeouts short enough for a test of them to end quickly. */
const SHORT = { headersMs: 300, bodyMs: 300 };

/**
 * A transport to `server` on one client, without retries (unless given). Its timeouts are
 * generous unless given (`SHORT` for a test of them): a first request's TLS handshake on a
 * loaded machine can take longer than a timeout test's 300 ms.
 */
function transportTo(server: FakeApiServer, httpClient: HttpClientChoice, timeouts = { headersMs: 10_000, bodyMs: 10_000 }, retries = 0): Transport {
  return new Transport({ credentials: server.credentials(), httpClient, timeouts, retry: { retries, sleep: async () => {} } });
}

async function withServer(handler: Handler, body: (server: FakeApiServer) => Promise<void>): Promise<void> {
  const server = await startFakeApiServer(handler);
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

describe("BusyMeter", () => {
  test(`busy once more than ${BUSY_REQUESTS} requests start within ${BUSY_WINDOW_MS} ms, and for good`, () => {
    let now = 0;
    const meter = new BusyMeter(() => now);
    for (let i = 0; i < BUSY_REQUESTS; i++) assert.equal(meter.started(), false, `start ${i + 1}`);
    now = BUSY_WINDOW_MS - 1;
    assert.equal(meter.started(), true);
    now += 3_600_000;
    assert.equal(meter.started(), true, "a busy client stays busy");
  });

  test("requests spread wider than the window never make a client busy", () => {
    let now = 0;
    const meter = new BusyMeter(() => now);
    for (let i = 0; i < 10 * BUSY_REQUESTS; i++) {
      now += BUSY_WINDOW_MS / BUSY_REQUESTS + 1;
      assert.equal(meter.started(), false);
    }
    assert.equal(meter.busy, false);
  });
});

describe("auto", () => {
  test("a quiet client uses Node's HTTPS client, a burst of requests moves it to undici, and every answer is right", async () => {
    let n = 0;
    await withServer((_req, res) => sendJson(res, 200, { n: ++n }), async (server) => {
      const transport = transportTo(server, "auto");
      assert.equal(transport.httpClient, undefined, "no client before the first request");
      assert.deepEqual(await transport.request({ method: "GET", path: "/a" }), { n: 1 });
      assert.equal(transport.httpClient, "node");
      const answers = await Promise.all(Array.from({ length: 3 * BUSY_REQUESTS }, () => transport.request<{ n: number }>({ method: "GET", path: "/b" })));
      assert.equal(new Set(answers.map((a) => a.n)).size, 3 * BUSY_REQUESTS, "every request answered once");
      assert.equal(transport.httpClient, "undici");
      await transport.request({ method: "GET", path: "/c" });
      assert.equal(transport.httpClient, "undici");
      await transport.close();
    });
  });
});

describe("auto, streams", () => {
  test("streams are not counted: a client starting many watches at once stays on Node's HTTPS client", async () => {
    await withServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"type":"BOOKMARK","object":{}}\n');
    }, async (server) => {
      const transport = transportTo(server, "auto");
      const streams = await Promise.all(Array.from({ length: BUSY_REQUESTS + 4 }, () => transport.stream({ method: "GET", path: "/watch" })));
      assert.equal(transport.httpClient, "node");
      for (const { body } of streams) body.on("error", () => {}).destroy();
      await transport.close();
    });
  });
});

test("an httpClient that is not one of the choices is refused, naming them", async () => {
  await withServer((_req, res) => sendJson(res, 200, {}), async (server) => {
    assert.throws(() => transportTo(server, "Node" as HttpClientChoice), (error: unknown) => error instanceof ConfigError && error.message === 'httpClient "Node" is not one of "auto", "undici", "node"');
  });
});

describe("a proxy", () => {
  for (const httpClient of ["auto", "node"] as const) {
    test(`carries every request through undici's tunnel, even with httpClient "${httpClient}"`, async () => {
      const proxy = await startConnectProxy();
      try {
        await withServer((_req, res) => sendJson(res, 200, { ok: true }), async (server) => {
          const transport = new Transport({ credentials: { ...server.credentials(), proxyUrl: proxy.url }, httpClient });
          assert.deepEqual(await transport.request({ method: "GET", path: "/x" }), { ok: true });
          assert.equal(transport.httpClient, "undici");
          assert.equal(proxy.tunnels.length, 1, "the request went through the proxy");
          await transport.close();
        });
      } finally {
        proxy.close();
      }
    });
  }
});

describe("NodeHttpsPool", () => {
  test("keeps a connection for the next request, and closes it once idle for idleMs (before a server that closes idle connections unannounced does)", async () => {
    await withServer((_req, res) => sendJson(res, 200, { ok: true }), async (server) => {
      const pool = new NodeHttpsPool(server.url, { ca: server.caPem }, 4, 200);
      const first = await pool.request({ method: "GET", path: "/x", headers: {} });
      const socket = (first.body as unknown as IncomingMessage).socket!;
      await first.body.text();
      const second = await pool.request({ method: "GET", path: "/y", headers: {} });
      assert.equal((second.body as unknown as IncomingMessage).socket, socket, "the connection is reused");
      await second.body.text();
      await until(() => socket.destroyed, "the idle connection to close", 5000);
      await pool.close();
    });
  });
});

for (const httpClient of CLIENTS) {
  describe(`over ${httpClient === "node" ? "Node's HTTPS client" : "undici's pool"}`, () => {
    test("a write carries its body and length; a repeated response header arrives as a list; UTF-8 survives", async () => {
      await withServer((req, res) => {
        res.setHeader("warning", ['299 - "first"', '299 - "second"']);
        sendJson(res, 201, { echoed: req.body ? JSON.parse(req.body) : null, length: req.headers["content-length"] });
      }, async (server) => {
        const transport = transportTo(server, httpClient);
        const body = { name: "größe-✓" };
        assert.deepEqual(await transport.request({ method: "POST", path: "/x", body }), { echoed: body, length: String(Buffer.byteLength(JSON.stringify(body))) });
        const streamed = await transport.stream({ method: "GET", path: "/x" });
        assert.deepEqual(streamed.headers.warning, ['299 - "first"', '299 - "second"']);
        await streamed.body.text();
        assert.equal(transport.httpClient, httpClient);
        await transport.close();
      });
    });

    test("no response headers within headersMs: UND_ERR_HEADERS_TIMEOUT", async () => {
      await withServer(() => new Promise(() => {}), async (server) => {
        const transport = transportTo(server, httpClient, SHORT);
        await assert.rejects(transport.request({ method: "GET", path: "/slow" }), (error: unknown) => error instanceof KubeConnectionError && /connection failed \(UND_ERR_HEADERS_TIMEOUT\)/.test(error.message));
        await transport.close();
      });
    });

    test("a body that stops arriving for bodyMs: UND_ERR_BODY_TIMEOUT", async () => {
      await withServer((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"items": [');
      }, async (server) => {
        const transport = transportTo(server, httpClient, SHORT);
        await assert.rejects(transport.request({ method: "GET", path: "/stalls" }), (error: unknown) => error instanceof KubeConnectionError && /while reading the answer \(UND_ERR_BODY_TIMEOUT\)/.test(error.message));
        await transport.close();
      });
    });

    test("a connection closed mid-answer: UND_ERR_SOCKET", async () => {
      await withServer((_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        res.write('{"items": [', () => res.socket?.destroy());
      }, async (server) => {
        const transport = transportTo(server, httpClient);
        await assert.rejects(transport.request({ method: "GET", path: "/cut" }), (error: unknown) => error instanceof KubeConnectionError && /while reading the answer \(UND_ERR_SOCKET\)/.test(error.message));
        await transport.close();
      });
    });

    test("a server that accepts TCP but never answers TLS: UND_ERR_CONNECT_TIMEOUT, and the request is tried again", async () => {
      const sockets = new Set<Socket>();
      const silent = createTcpServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
      const server = await startFakeApiServer(() => {});
      try {
        const url = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
        const transport = new Transport({ credentials: { ...server.credentials(), server: url }, httpClient, timeouts: { connectMs: 200 }, retry: { retries: 1, sleep: async () => {} } });
        await assert.rejects(transport.request({ method: "POST", path: "/x", body: {} }), (error: unknown) => error instanceof KubeConnectionError && /connection failed \(UND_ERR_CONNECT_TIMEOUT\)/.test(error.message));
        assert.equal(sockets.size, 2, "a connection that never carried the request is retried even for a write");
        await transport.close();
      } finally {
        for (const socket of sockets) socket.destroy();
        silent.close();
        await server.close();
      }
    });

    test("a server that closes the connection during the TLS handshake: ECONNRESET", async () => {
      const closing = createTcpServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => closing.listen(0, "127.0.0.1", resolve));
      const server = await startFakeApiServer(() => {});
      try {
        const url = `https://127.0.0.1:${(closing.address() as AddressInfo).port}`;
        const transport = new Transport({ credentials: { ...server.credentials(), server: url }, httpClient, retry: { retries: 0 } });
        await assert.rejects(transport.request({ method: "GET", path: "/x" }), (error: unknown) => error instanceof KubeConnectionError && /connection failed \(ECONNRESET\)/.test(error.message));
        await transport.close();
      } finally {
        closing.close();
        await server.close();
      }
    });

    test("a refused connection: ECONNREFUSED", async () => {
      const server = await startFakeApiServer(() => {});
      const url = server.url;
      await server.close();
      const transport = new Transport({ credentials: { ...server.credentials(), server: url }, httpClient, retry: { retries: 0 } });
      await assert.rejects(transport.request({ method: "GET", path: "/x" }), (error: unknown) => error instanceof KubeConnectionError && /connection failed \(ECONNREFUSED\)/.test(error.message));
      await transport.close();
    });

    test("an aborted request rejects with the signal's reason", async () => {
      await withServer(() => new Promise(() => {}), async (server) => {
        const transport = transportTo(server, httpClient, { headersMs: 0, bodyMs: 0 });
        const controller = new AbortController();
        const reason = new Error("caller gave up");
        const pending = transport.request({ method: "GET", path: "/never", signal: controller.signal });
        setImmediate(() => controller.abort(reason));
        await assert.rejects(pending, (error: unknown) => error === reason);
        await transport.close();
      });
    });

    test("the server closing the connection before answering: UND_ERR_SOCKET", async () => {
      await withServer((_req, res) => void res.socket?.destroy(), async (server) => {
        const transport = transportTo(server, httpClient);
        await assert.rejects(transport.request({ method: "POST", path: "/x", body: {} }), (error: unknown) => error instanceof KubeConnectionError && /connection failed \(UND_ERR_SOCKET\)/.test(error.message));
        await transport.close();
      });
    });

    test("a first request still getting its connections when close() is called is never sent: KubeClientClosedError", async () => {
      await withServer((_req, res) => sendJson(res, 200, { ok: true }), async (server) => {
        const transport = transportTo(server, httpClient);
        const late = transport.request({ method: "POST", path: "/late", body: {} });
        const rejected = assert.rejects(late, KubeClientClosedError);
        await transport.close();
        await rejected;
        assert.deepEqual(server.requests, []);
      });
    });

    test("a token that cannot be sent as a header fails the request, and close() still returns", async () => {
      await withServer((_req, res) => sendJson(res, 200, { ok: true }), async (server) => {
        const transport = new Transport({ credentials: server.credentials("abc\ndef"), httpClient, retry: { retries: 1, sleep: async () => {} } });
        await assert.rejects(transport.request({ method: "GET", path: "/x" }), (error: unknown) => error instanceof KubeConnectionError && /connection failed \(UND_ERR_INVALID_ARG\)/.test(error.message) && !error.message.includes("abc"));
        await transport.close();
        assert.equal(server.requests.length, 0);
      });
    });

    test("close() ends an open stream with KubeClientClosedError and returns", async () => {
      await withServer((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"type":"ADDED","object":{}}\n');
      }, async (server) => {
        const transport = transportTo(server, httpClient);
        const { body } = await transport.stream({ method: "GET", path: "/watch" });
        const lines: string[] = [];
        const reading = (async () => {
          for await (const line of readLines(body)) lines.push(line);
        })();
        const ended = assert.rejects(reading, KubeClientClosedError);
        await transport.close();
        await ended;
        await assert.rejects(transport.request({ method: "GET", path: "/after" }), KubeClientClosedError);
      });
    });
  });
}
