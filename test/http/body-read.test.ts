import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { deferred, loaded, testApp, until } from "./helpers.js";

// A call with a body is finished (let go of, counted, logged) from the request's own `end`
// event, not a promise step later (runtime/http/route.ts `withBody`): every way a call ends
// must still finish it exactly once, and nothing may be thrown back into the request's events.

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
  ],
  { env: { BODY_READ_TOKEN: "s3cret" } },
);
let server: Server;
let port: number;

before(async () => {
  server = createServer(app.listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => {
  // A failing case can leave a call held or a connection open: neither may keep the run alive.
  gate.resolve();
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

function post(path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; requestId: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ port, host: "127.0.0.1", path, method: "POST", headers: { "content-type": "application/json", ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, requestId: String(res.headers["x-request-id"]), body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The access lines of one request id. */
function accessLines(requestId: string) {
  return app.records().filter((r) => r.msg === "request" && r.requestId === requestId);
}

describe("a call with a body is finished once, whatever ends it", () => {
  const cases = [
    { name: "a synchronous handler", path: "/sync", body: '{"n":1}', status: 200, answer: '{"n":2}' },
    { name: "an asynchronous handler", path: "/async", body: '{"n":1}', status: 200, answer: '{"n":3}' },
    { name: "a handler that throws", path: "/throws", body: "{}", status: 500 },
    { name: "a handler that rejects", path: "/rejects", body: "{}", status: 500 },
    { name: "invalid JSON", path: "/sync", body: '{"n":', status: 400 },
    { name: "input the schema refuses", path: "/sync", body: '{"n":"one"}', status: 400 },
    { name: "a body over the limit", path: "/small", body: JSON.stringify({ pad: "x".repeat(64) }), status: 413 },
    { name: "caller auth on the headers, allowed", path: "/guarded", body: "{}", headers: { authorization: "Bearer s3cret" }, status: 200, answer: '{"ok":true}' },
    { name: "caller auth on the headers, refused", path: "/guarded", body: "{}", status: 401 },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.status}, one access line, nothing left in flight`, async () => {
      const res = await post(c.path, c.body, c.headers);
      assert.equal(res.status, c.status);
      if (c.answer) assert.equal(res.body, c.answer);
      if (c.status === 500) assert.equal((JSON.parse(res.body) as { error: { requestId: string } }).error.requestId, res.requestId);
      const lines = accessLines(res.requestId);
      assert.equal(lines.length, 1);
      assert.equal(lines[0]!.status, c.status);
      assert.equal(app.drain.inflight, 0);
    });
  }
});

describe("a client that goes away", () => {
  test("mid-body: the call is let go of without running the handler, and the server serves on", async () => {
    const before = app.records().length;
    const req = httpRequest({ port, host: "127.0.0.1", path: "/held", method: "POST", headers: { "content-type": "application/json", "content-length": "100" } });
    req.on("error", () => {});
    req.write('{"n":');
    await until(() => app.drain.inflight === 1);
    req.destroy();
    await until(() => app.drain.inflight === 0);
    const lines = app.records().slice(before).filter((r) => r.msg === "request" && r.path === "/held");
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.status, 500);
    assert.equal((await post("/sync", '{"n":41}')).body, '{"n":42}');
  });

  test("while the handler runs: the call finishes when the handler does", async () => {
    const req = httpRequest({ port, host: "127.0.0.1", path: "/held", method: "POST", headers: { "content-type": "application/json" } });
    req.on("error", () => {});
    req.end("{}");
    await until(() => app.drain.inflight === 1);
    req.destroy();
    gate.resolve();
    await until(() => app.drain.inflight === 0);
    assert.equal((await post("/held", "{}")).status, 204);
  });
});
