import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { deferred, loaded, req, testApp, until } from "./helpers.js";

// A call with a body is read into one promise and finished (let go of, counted, logged) in that
// promise's reaction, one step before the listener writes it (runtime/http/route.ts `withBody`):
// every way such a call ends must finish it exactly once, over a socket and through `fetch`,
// nothing may be thrown back into the request's events, and the handler keeps the async
// context the request arrived in.

const TIMEOUT = { timeout: 20_000 };
const secretsDir = mkdtempSync(join(tmpdir(), "podfn-body-read-"));
writeFileSync(join(secretsDir, "hook-key"), "k3y\n");
const als = new AsyncLocalStorage<string>();
const gate = deferred();
const app = testApp(
  [
    loaded({ name: "sync", input: z.object({ n: z.number() }), handler: ({ input }) => ({ n: input.n + 1 }) }),
    loaded({ name: "async", input: z.object({ n: z.number() }), handler: async ({ input }) => ({ n: input.n + 2 }) }),
    loaded({
      name: "throws",
      handler: () => {
        throw new Error("boom");
      },
    }),
    loaded({
      name: "rejects",
      handler: async () => {
        throw new Error("boom");
      },
    }),
    loaded({ name: "held", handler: () => gate.promise }),
    loaded({ name: "small", bodyLimitBytes: 16, handler: () => ({ ran: true }) }),
    loaded({ name: "guarded", auth: { type: "bearer", secret: "body-read", env: "BODY_READ_TOKEN" }, handler: async () => ({ ok: true }) }),
    loaded({ name: "hook", auth: { type: "hmac", secret: "hook-key" }, handler: async () => ({ ok: true }) }),
    loaded({ name: "context", handler: () => ({ store: als.getStore() ?? null }) }),
    loaded({ name: "context-guarded", auth: { type: "bearer", secret: "body-read", env: "BODY_READ_TOKEN" }, handler: () => ({ store: als.getStore() ?? null }) }),
  ],
  { env: { BODY_READ_TOKEN: "s3cret" }, secretsDir },
);
/** Requests the server has seen, newest last. */
const arrived: IncomingMessage[] = [];
let server: Server;
let port: number;

before(async () => {
  // Each request arrives in an async context of its own, as a tracing library would set it.
  server = createServer((incoming, outgoing) => {
    arrived.push(incoming);
    als.run(`request ${incoming.url}`, () => app.listener(incoming, outgoing));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => {
  // A failing case can leave a call held or a connection open: neither may keep the run alive.
  gate.resolve();
  server.closeAllConnections();
  rmSync(secretsDir, { recursive: true, force: true });
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

interface Sent {
  status: number;
  requestId: string;
  body: string;
}

/** A POST over the socket; `chunked` sends the body in two writes without a Content-Length. */
function post(path: string, body: string, headers: Record<string, string> = {}, chunked = false): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const all = { "content-type": "application/json", ...headers, ...(chunked ? { "transfer-encoding": "chunked" } : {}) };
    const request = httpRequest({ port, host: "127.0.0.1", path, method: "POST", headers: all }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, requestId: String(res.headers["x-request-id"]), body: text }));
    });
    request.setTimeout(5000, () => request.destroy(new Error(`no answer to POST ${path} within 5 s`)));
    request.on("error", reject);
    if (chunked) {
      request.write(body.slice(0, 4));
      setImmediate(() => request.end(body.slice(4)));
    } else request.end(body);
  });
}

/** The same POST through the app's `fetch` (the WHATWG path hono serves). */
async function fetchPost(path: string, body: string, headers: Record<string, string> = {}): Promise<Sent> {
  const response = await app.fetch(req(path, { method: "POST", body, headers: { "content-type": "application/json", ...headers } }));
  return { status: response.status, requestId: response.headers.get("x-request-id")!, body: await response.text() };
}

/** The access lines of one request id. */
function accessLines(requestId: string) {
  return app.records().filter((r) => r.msg === "request" && r.requestId === requestId);
}

const signature = (body: string) => `sha256=${createHmac("sha256", "k3y").update(body).digest("hex")}`;
const overLimit = JSON.stringify({ pad: "x".repeat(64) });
const cases: Array<{ name: string; path: string; body: string; headers?: Record<string, string>; chunked?: boolean; status: number; answer?: string }> = [
  { name: "a synchronous handler", path: "/sync", body: '{"n":1}', status: 200, answer: '{"n":2}' },
  { name: "a chunked body", path: "/sync", body: '{"n":10}', chunked: true, status: 200, answer: '{"n":11}' },
  { name: "an asynchronous handler", path: "/async", body: '{"n":1}', status: 200, answer: '{"n":3}' },
  { name: "a handler that throws", path: "/throws", body: "{}", status: 500 },
  { name: "a handler that rejects", path: "/rejects", body: "{}", status: 500 },
  { name: "invalid JSON", path: "/sync", body: '{"n":', status: 400 },
  { name: "input the schema refuses", path: "/sync", body: '{"n":"one"}', status: 400 },
  { name: "an unsupported content type", path: "/sync", body: "n=1", headers: { "content-type": "text/plain" }, status: 415 },
  { name: "a declared length over the limit", path: "/small", body: overLimit, status: 413 },
  { name: "a streamed body over the limit", path: "/small", body: overLimit, chunked: true, status: 413 },
  { name: "caller auth on the headers, allowed", path: "/guarded", body: "{}", headers: { authorization: "Bearer s3cret" }, status: 200, answer: '{"ok":true}' },
  { name: "caller auth on the headers, refused", path: "/guarded", body: "{}", status: 401 },
  { name: "a signed body, allowed", path: "/hook", body: '{"a":1}', headers: { "x-hub-signature-256": signature('{"a":1}') }, status: 200, answer: '{"ok":true}' },
  { name: "a signed body, wrong signature", path: "/hook", body: '{"a":1}', headers: { "x-hub-signature-256": signature('{"a":2}') }, status: 403 },
];

for (const [via, send] of [
  ["over the socket", post],
  ["through fetch", fetchPost],
] as const) {
  describe(`a call with a body is finished once, whatever ends it (${via})`, TIMEOUT, () => {
    for (const c of cases) {
      if (c.chunked && send === fetchPost) continue;
      test(`${c.name}: ${c.status}, one access line, nothing left in flight`, async () => {
        const res = await send(c.path, c.body, c.headers, c.chunked);
        assert.equal(res.status, c.status, res.body);
        if (c.answer) assert.equal(res.body, c.answer);
        if (c.status === 500) assert.equal((JSON.parse(res.body) as { error: { requestId: string } }).error.requestId, res.requestId);
        const lines = accessLines(res.requestId);
        assert.equal(lines.length, 1);
        assert.equal(lines[0]!.status, c.status);
        assert.equal(app.drain.inflight, 0);
      });
    }
  });
}

describe("the handler runs in the request's async context", TIMEOUT, () => {
  test("without caller auth and with auth on the headers", async () => {
    assert.equal((await post("/context", "{}")).body, '{"store":"request /context"}');
    const guarded = await post("/context-guarded", "{}", { authorization: "Bearer s3cret" });
    assert.equal(guarded.body, '{"store":"request /context-guarded"}');
  });
});

describe("a client that goes away", TIMEOUT, () => {
  test("mid-body: the call is let go of without running the handler, and the server serves on", async () => {
    const mark = app.records().length;
    const request = httpRequest({ port, host: "127.0.0.1", path: "/held", method: "POST", headers: { "content-type": "application/json", "content-length": "100" } });
    request.on("error", () => {});
    request.write('{"n":');
    // Received before admission: no call is in flight while its body arrives.
    await until(() => app.receiving() === 1);
    assert.equal(app.drain.inflight, 0);
    request.destroy();
    await until(() => app.receiving() === 0);
    const lines = app.records().slice(mark).filter((r) => r.msg === "request" && r.path === "/held");
    assert.equal(lines.length, 1);
    // The client's doing (499, as nginx logs it), not a server error.
    assert.equal(lines[0]!.status, 499);
    assert.equal((await post("/sync", '{"n":41}')).body, '{"n":42}');
  });

  test("while the handler runs: the call stays in flight until the handler ends, then is finished once", async () => {
    const mark = app.records().length;
    const request = httpRequest({ port, host: "127.0.0.1", path: "/held", method: "POST", headers: { "content-type": "application/json" } });
    request.on("error", () => {});
    request.end("{}");
    await until(() => app.drain.inflight === 1);
    const incoming = arrived.at(-1)!;
    request.destroy();
    await until(() => incoming.socket?.destroyed !== false, "the server to see the client go");
    assert.equal(app.drain.inflight, 1);
    gate.resolve();
    await until(() => app.drain.inflight === 0);
    const lines = app.records().slice(mark).filter((r) => r.msg === "request" && r.path === "/held");
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.status, 204);
    assert.equal((await post("/held", "{}")).status, 204);
  });
});
