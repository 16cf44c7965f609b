import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { listenOn, loaded, testApp } from "./helpers.js";

// Every response carries X-Request-Id, the ones no function answers included: /metrics, and a
// request @hono/node-server cannot turn into a `Request` (a bad Host), which gets a JSON 400
// naming what is wrong instead of an empty one.

const app = testApp([loaded({ name: "hello", method: "GET", handler: () => ({ hi: true }) })]);
let server: Awaited<ReturnType<typeof listenOn>>;
let port: number;
before(async () => {
  server = await listenOn(app.listener);
  port = server.port;
});
after(() => server.close());

/** One raw request (connection closed after it); the response's head and body. */
function raw(head: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("close", () => {
      const end = text.indexOf("\r\n\r\n");
      resolve({ status: Number(text.slice(9, 12)), headers: text.slice(0, end), body: text.slice(end + 4) });
    });
    socket.on("error", reject);
    // Not `end()`: a client that half-closes at once may be hung up on before its answer.
    socket.write(`${head}\r\nconnection: close\r\n\r\n`);
  });
}

test("a Host the adapter cannot use is a JSON 400 with a request id, and the server keeps serving", { timeout: 20_000 }, async () => {
  for (const host of ["", "a b", "x:abc"]) {
    const res = await raw(`GET /hello HTTP/1.1\r\nhost: ${host}`);
    assert.equal(res.status, 400, JSON.stringify(host));
    const id = /\r\nx-request-id: ([0-9a-f-]{36})\r\n/i.exec(res.headers)?.[1];
    assert.ok(id, `${JSON.stringify(host)}: ${res.headers}`);
    const body = JSON.parse(res.body.replace(/^[0-9a-f]+\r\n|\r\n0\r\n\r\n$/g, "")) as { error: { code: string; message: string; requestId: string } };
    assert.equal(body.error.code, "bad_request");
    assert.match(body.error.message, /^the request cannot be read: (Missing host header|Invalid URL|Invalid host header)$/);
    assert.equal(body.error.requestId, id);
    const logged = app.lines.find((line) => line.includes(`"requestId":"${id}"`));
    assert.ok(logged?.includes('"msg":"request refused: it cannot be read"') && logged.includes('"status":400'), `${JSON.stringify(host)}: the refusal is logged`);
  }
  assert.equal((await raw("GET /hello HTTP/1.1\r\nhost: podfn.test")).status, 200);
});

test("/metrics carries X-Request-Id, the caller's when given", async () => {
  const given = await raw("GET /metrics HTTP/1.1\r\nhost: x\r\nx-request-id: scrape-1");
  assert.equal(given.status, 200);
  assert.match(given.headers, /\r\nx-request-id: scrape-1\r\n/i);
  const res = await app.fetch(new Request("http://podfn.test/metrics"));
  assert.match(res.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
});
