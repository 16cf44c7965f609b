/**
 * A request Node's HTTP parser refuses never reaches the app: without a `clientError` handler
 * Node answers a bare 400/431 (no JSON body, no X-Request-Id). The server answers it as the
 * status contract says, `{error: {code, message, requestId}}` with `Connection: close`, logs
 * it without the request's bytes, and closes the connection. So is a request whose `Expect`
 * header Node would refuse itself (a bare 417).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { serveHttp } from "../../runtime/http/index.js";
import { answerClientError } from "../../runtime/http/server.js";
import { captureLogger, deferred, fakeKube, loaded, until } from "./helpers.js";

interface Raw {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Send `bytes` on a fresh connection; what comes back until the server closes it. */
function raw(port: number, bytes: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    // The server may reset a connection it closes with bytes still unread: what came back counts.
    socket.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" ? undefined : reject(error)));
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("latin1");
      const [head = "", body = ""] = text.split("\r\n\r\n");
      const [statusLine = "", ...lines] = head.split("\r\n");
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]));
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body });
    });
    // Written, not ended: a half-closed connection has its answer dropped by Node.
    socket.write(Buffer.from(bytes, "latin1"));
  });
}

const CASES: Array<{ name: string; bytes: string; status: number; code: string; logged?: false; message?: RegExp }> = [
  // Let through to the app, answered as an empty or bad Host is (not logged: no request was read).
  { name: "no Host on HTTP/1.1", bytes: "POST /echo HTTP/1.1\r\nContent-Length: 0\r\n\r\n", status: 400, code: "bad_request", logged: false },
  { name: "two Content-Length", bytes: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x", status: 400, code: "bad_request" },
  { name: "Transfer-Encoding and Content-Length", bytes: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", status: 400, code: "bad_request" },
  { name: "a bad chunk size", bytes: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", status: 400, code: "bad_request" },
  { name: "a control byte in a header", bytes: "POST /echo HTTP/1.1\r\nHost: x\r\nX-Foo: a\x01b\r\nContent-Length: 0\r\n\r\n", status: 400, code: "bad_request" },
  { name: "a 20 KB header", bytes: `POST /echo HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\nContent-Length: 0\r\n\r\n`, status: 431, code: "headers_too_large" },
  { name: "a 100 KB target", bytes: `GET /echo?q=${"a".repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, status: 414, code: "uri_too_long" },
  { name: "a 10 KB target under 10 KB of headers", bytes: `GET /echo?q=${"a".repeat(10_000)} HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(10_000)}\r\n\r\n`, status: 431, code: "headers_too_large" },
  { name: "not HTTP at all", bytes: "hello there\r\n\r\n", status: 400, code: "bad_request" },
  // Node's parser takes these versions and would answer them as 1.1; Go's server answers 505.
  { name: "a request line of HTTP/2.0", bytes: "GET /peek HTTP/2.0\r\nHost: x\r\n\r\n", status: 505, code: "http_version_not_supported", message: /^the request cannot be served: HTTP\/2\.0 is not supported; this server speaks HTTP\/1\.1$/ },
  { name: "a request line of HTTP/0.9", bytes: "GET /peek HTTP/0.9\r\nHost: x\r\n\r\n", status: 505, code: "http_version_not_supported" },
  // An HTTP/2 client with prior knowledge (h2c: curl --http2-prior-knowledge, a proxy told the port speaks HTTP/2): said so, not llhttp's "Pause on PRI/Upgrade".
  { name: "HTTP/2's connection preface", bytes: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", status: 400, code: "bad_request", message: /^the request cannot be read: it is HTTP\/2's connection preface \(h2c with prior knowledge\); this server speaks HTTP\/1\.1 only/ },
  // Node answers these itself, bare, unless the server takes `checkExpectation`.
  { name: "an Expect other than 100-continue", bytes: "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: something\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", status: 417, code: "expectation_failed" },
];

describe("requests Node's HTTP parser refuses", () => {
  let port: number;
  let stop: () => void;
  let done: Promise<void>;
  const log = captureLogger();
  let peeked = 0;

  before(async () => {
    const listening = deferred<string>();
    const controller = new AbortController();
    const functions = [
      loaded({ name: "echo", handler: ({ input }) => input }),
      loaded({ name: "later", handler: async ({ input }) => new Promise((resolve) => setTimeout(() => resolve(input), 50)) }),
      loaded({ name: "peek", method: "GET", handler: () => (peeked++, { ok: true }) }),
    ];
    done = serveHttp({ functions, kube: fakeKube().kube, logger: log.logger, port: 0, host: "127.0.0.1", drainTimeoutMs: 1000, onListening: listening.resolve }, controller.signal);
    port = Number(new URL(await listening.promise).port);
    stop = () => controller.abort("SIGTERM");
  });

  after(async () => {
    stop();
    await done;
  });

  for (const c of CASES) {
    test(`${c.name}: ${c.status} ${c.code} as JSON with a fresh request id, Connection: close`, { timeout: 10_000 }, async () => {
      const answer = await raw(port, c.bytes);
      assert.equal(answer.status, c.status);
      assert.match(answer.headers["content-type"] ?? "", /^application\/json/);
      assert.equal(answer.headers.connection, "close");
      const requestId = answer.headers["x-request-id"]!;
      assert.match(requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(Number(answer.headers["content-length"]), Buffer.byteLength(answer.body));
      const body = JSON.parse(answer.body) as { error: { code: string; message: string; requestId: string } };
      assert.equal(body.error.code, c.code);
      assert.equal(body.error.requestId, requestId);
      assert.equal(typeof body.error.message, "string");
      if (c.message) assert.match(body.error.message, c.message);
      const lines = log.lines.filter((line) => line.includes(requestId));
      if (c.logged !== false) assert.ok(lines.length >= 1, "the refusal is logged with its request id");
      for (const line of lines) {
        assert.ok(!line.includes("aaaaaaaa") && !line.includes("\\u0001") && !line.includes("rawPacket"), "never the request's bytes");
        assert.notEqual(JSON.parse(line).level, "error", "the caller's fault, not the server's");
      }
    });
  }

  test("a body the parser refuses mid-way (a bad second chunk): the client and the access line both say 400, under the request's own id", { timeout: 10_000 }, async () => {
    const answer = await raw(port, "POST /echo HTTP/1.1\r\nHost: x\r\nX-Request-Id: mid-body-1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\nzz\r\n");
    assert.equal(answer.status, 400);
    assert.equal(answer.headers["x-request-id"], "mid-body-1");
    await until(() => log.records().some((r) => r.msg === "request" && r.requestId === "mid-body-1"));
    const access = log.records().find((r) => r.msg === "request" && r.requestId === "mid-body-1")!;
    assert.equal(access.status, 400);
  });

  test("a body the parser refuses mid-way on a request hono serves (a percent-encoded target): the access line says 400 too, not 499", { timeout: 10_000 }, async () => {
    const answer = await raw(port, "POST /echo?x=%20 HTTP/1.1\r\nHost: x\r\nX-Request-Id: mid-body-3\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\nzz\r\n");
    assert.equal(answer.status, 400);
    assert.equal(answer.headers["x-request-id"], "mid-body-3");
    await until(() => log.records().some((r) => r.msg === "request" && r.requestId === "mid-body-3"));
    assert.equal(log.records().find((r) => r.msg === "request" && r.requestId === "mid-body-3")!.status, 400);
  });

  for (const [name, query] of [["on the socket path", ""], ["on a request hono serves", "?x=%20"]] as const) {
    test(`a Transfer-Encoding not ending in chunked is 400 and one with a coding before chunked (gzip, chunked) 501, before the body is read or the function runs, ${name}`, { timeout: 10_000 }, async () => {
      const before = peeked;
      const unframed = await raw(port, `GET /peek${query} HTTP/1.1\r\nHost: x\r\nX-Request-Id: te-1\r\nTransfer-Encoding: gzip\r\n\r\n`);
      assert.equal(unframed.status, 400);
      assert.equal(unframed.headers.connection, "close");
      assert.equal(JSON.parse(unframed.body.slice(0, Number(unframed.headers["content-length"]))).error.code, "bad_request");
      assert.equal(unframed.headers["x-request-id"], "te-1");
      assert.equal(peeked, before, "the function did not run");
      const gzipped = await raw(port, `POST /echo${query} HTTP/1.1\r\nHost: x\r\nX-Request-Id: te-2\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\n\x1f\x8b\x08\r\n0\r\n\r\n`);
      assert.equal(gzipped.status, 501);
      const body = JSON.parse(gzipped.body.slice(0, Number(gzipped.headers["content-length"])));
      assert.equal(body.error.code, "not_implemented");
      assert.match(body.error.message, /Transfer-Encoding "gzip, chunked" is not supported/);
      assert.ok(!gzipped.body.includes("\x1f"), "the body is not echoed");
    });
  }

  test("a refusal mid-body that is not a 400 (chunk extensions too large: 413) is recorded as answered", { timeout: 10_000 }, async () => {
    const answer = await raw(port, `POST /echo HTTP/1.1\r\nHost: x\r\nX-Request-Id: mid-body-2\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n1;${"e".repeat(20_000)}\r\n`);
    assert.equal(answer.status, 413);
    await until(() => log.records().some((r) => r.msg === "request" && r.requestId === "mid-body-2"));
    assert.equal(log.records().find((r) => r.msg === "request" && r.requestId === "mid-body-2")!.status, 413);
  });

  test("refused bytes pipelined after a whole request still being answered: that request keeps its answer and id; the refusal follows with a fresh id", { timeout: 10_000 }, async () => {
    const first = 'POST /later HTTP/1.1\r\nHost: x\r\nX-Request-Id: first-post\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"a":1}';
    const answer = await raw(port, `${first}GET /echo HTTP/1.1\r\nHost: x\r\nX-Bad: a\x01b\r\n\r\n`);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers["x-request-id"], "first-post");
    const after = answer.body.slice(Number(answer.headers["content-length"]));
    assert.ok(after.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer.body);
    const refusalId = /x-request-id: ([^\r]+)/.exec(after)?.[1];
    assert.ok(refusalId && refusalId !== "first-post");
    await until(() => log.records().some((r) => r.msg === "request" && r.requestId === "first-post"));
    assert.equal(log.records().find((r) => r.msg === "request" && r.requestId === "first-post")!.status, 200);
    assert.ok(log.records().some((r) => r.msg === "request refused by the HTTP parser" && r.requestId === refusalId));
  });

  test("a CONNECT gets 501 not_implemented as JSON with the caller's request id, logged; Node alone closed it without a word", { timeout: 10_000 }, async () => {
    const answer = await raw(port, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nX-Request-Id: tunnel-1\r\n\r\n");
    assert.equal(answer.status, 501);
    assert.equal(answer.headers["x-request-id"], "tunnel-1");
    assert.equal(answer.headers.connection, "close");
    assert.equal(JSON.parse(answer.body).error.code, "not_implemented");
    assert.ok(log.records().some((r) => r.requestId === "tunnel-1" && r.status === 501 && r.level === "info"));
  });

  test("a CONNECT pipelined after a request still being answered waits for that answer", { timeout: 10_000 }, async () => {
    const first = 'POST /later HTTP/1.1\r\nHost: x\r\nX-Request-Id: before-connect\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"a":1}';
    const answer = await raw(port, `${first}CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n`);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers["x-request-id"], "before-connect");
    assert.ok(answer.body.slice(Number(answer.headers["content-length"])).startsWith("HTTP/1.1 501 "), answer.body);
  });

  test("a CONNECT whose client resets the connection ends that connection only (no uncaught ECONNRESET)", { timeout: 10_000 }, async () => {
    await new Promise<void>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.on("error", () => undefined);
      socket.on("close", () => resolve());
      socket.write("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", () => setTimeout(() => socket.resetAndDestroy(), 5));
    });
    const res = await fetch(`http://127.0.0.1:${port}/echo`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    assert.equal(res.status, 200);
  });

  test("nothing was logged as the server's failure, and the server keeps serving", async () => {
    assert.deepEqual(log.records().filter((r) => r.level === "error" || r.level === "fatal"), []);
    const res = await fetch(`http://127.0.0.1:${port}/echo`, { method: "POST", body: '{"a":1}', headers: { "content-type": "application/json" } });
    assert.equal(res.status, 200);
  });
});

test("a request whose headers do not arrive in time: 408 request_timeout as JSON", { timeout: 10_000 }, async () => {
  const log = captureLogger();
  const server = createServer({ headersTimeout: 100, requestTimeout: 200, connectionsCheckingInterval: 20 }, () => assert.fail("no request reaches the listener"));
  server.on("clientError", (error: Error, socket) => answerClientError(error, socket, log.logger));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      let text = "";
      socket.setEncoding("latin1");
      socket.on("data", (chunk: string) => (text += chunk));
      socket.on("error", reject);
      socket.on("close", () => resolve(text));
      // Headers begun, never finished: only the server's deadline ends this.
      socket.write("GET /slow HTTP/1.1\r\nHost: x\r\n");
    });
    assert.match(answer, /^HTTP\/1\.1 408 /);
    assert.match(answer, /"code":"request_timeout"/);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
