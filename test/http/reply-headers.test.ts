import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { z } from "zod";
import { reply } from "../../runtime/function.js";
import { listenOn, loaded, postJson, testApp, until } from "./helpers.js";

/**
 * The server frames every answer itself (Content-Length, chunking) and owns the connection: a
 * reply() header that says otherwise (a Transfer-Encoding next to the length Node adds, a
 * Content-Length that cuts the body and desyncs keep-alive, Connection: upgrade) is a bug of
 * the function, refused like a header HTTP does not allow: 500 with the request id, logged,
 * on the socket and through fetch alike. A Content-Length that is the body's, and
 * `Connection: close`, are what a handler may well send: accepted.
 */

const FRAMING: Array<[string, string]> = [
  ["Content-Length", "2"],
  ["content-length", "abc"],
  ["Transfer-Encoding", "chunked"],
  ["Connection", "upgrade"],
  ["connection", "close, upgrade"],
  ["KEEP-ALIVE", "timeout=5"],
  ["Upgrade", "websocket"],
  ["TE", "trailers"],
  ["Trailer", "x-sum"],
  ["Proxy-Connection", "keep-alive"],
];

const functions = () => [
  loaded({
    name: "framed",
    input: z.object({ name: z.string(), value: z.string(), async: z.boolean().optional() }),
    handler: ({ input }) => {
      const answer = reply(200, "hello", { "content-type": "text/plain", [input.name]: input.value });
      return input.async ? Promise.resolve(answer) : answer;
    },
  }),
  loaded({ name: "plain", handler: () => reply(201, "made", { "Content-Type": "text/plain", "Cache-Control": "no-store" }) }),
];

/** Raw bytes to the server and everything it sends back until it closes or `done(text)` holds. */
function exchange(port: number, bytes: string, done: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      text += chunk;
      if (done(text)) socket.destroy(), resolve(text);
    });
    socket.on("close", () => resolve(text));
    socket.on("error", reject);
    socket.write(bytes);
  });
}

describe("reply() headers that frame the message or manage the connection", () => {
  let app: ReturnType<typeof testApp>;
  let server: Awaited<ReturnType<typeof listenOn>>;
  before(async () => {
    app = testApp(functions());
    server = await listenOn(app.listener);
  });
  after(() => server.close());

  for (const [name, value] of FRAMING) {
    for (const async of [false, true]) {
      test(`${name}: ${value}${async ? " (async handler)" : ""} is a 500 with the request id, through fetch and on the socket`, async () => {
        const body = { name, value, async };
        const viaFetch = await app.fetch(postJson("/framed", body, { "x-request-id": "rid-fetch" }));
        const viaSocket = await fetch(`http://127.0.0.1:${server.port}/framed`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", "x-request-id": "rid-socket" } });
        for (const [res, id] of [[viaFetch, "rid-fetch"], [viaSocket, "rid-socket"]] as const) {
          assert.equal(res.status, 500);
          assert.equal(res.headers.get("x-request-id"), id);
          assert.deepEqual(await res.json(), { error: { code: "internal", message: "internal error", requestId: id } });
          assert.equal(res.headers.get("transfer-encoding") === "chunked" && res.headers.get("content-length") !== null, false);
        }
        await until(() => app.lines.filter((line) => line.includes("rid-socket") && line.includes("call failed")).length > 0, "the socket call's failure logged");
        const failures = app.lines.filter((line) => line.includes('"requestId":"rid-') && line.includes("call failed")).slice(-2);
        for (const line of failures) assert.match(line, new RegExp(`reply\\(\\) header \\\\"${name}\\\\"`, "i"));
        app.lines.length = 0;
      });
    }
  }

  test("a refused Content-Length does not desync a keep-alive connection", async () => {
    const request = (body: string) => `POST /framed HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const first = JSON.stringify({ name: "content-length", value: "2" });
    const second = JSON.stringify({ name: "x-fine", value: "yes" });
    const text = await exchange(server.port, request(first) + request(second), (t) => t.includes("hello"));
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    assert.deepEqual(statuses, ["500", "200"]);
    assert.ok(text.endsWith("\r\n\r\nhello"), "the second answer is whole and last");
  });

  test("a Content-Length that is the body's and Connection: close are accepted: the length is the server's, the connection closes after the answer", async () => {
    for (const [name, value] of [["Content-Length", "5"], ["connection", "close"], ["Connection", "keep-alive"]] as const) {
      const res = await fetch(`http://127.0.0.1:${server.port}/framed`, { method: "POST", body: JSON.stringify({ name, value }), headers: { "content-type": "application/json" } });
      assert.equal(res.status, 200, `${name}: ${value}`);
      assert.equal(await res.text(), "hello");
      assert.equal(res.headers.get("content-length"), "5");
      assert.equal(res.headers.get("connection"), value === "close" ? "close" : "keep-alive");
    }
    const text = await exchange(server.port, `POST /framed HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 37\r\n\r\n${JSON.stringify({ name: "connection", value: "close" })}`, () => false);
    assert.match(text, /^HTTP\/1\.1 200 /);
    assert.ok(text.endsWith("hello"), "answered, then the server closed the connection");
  });

  test("other headers of a reply() are still sent, names in any case", async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/plain`, { method: "POST" });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.equal(await res.text(), "made");
  });
});
