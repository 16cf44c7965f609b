/**
 * A client that closes its connection before sending its whole body is the client's doing: the
 * call is counted as a client error, the access line says 499 (as nginx logs it), no error is
 * logged, and the function never runs. Before, it was a 500 with an error-level stack: any
 * caller could inflate error alerts.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { answerClientError } from "../../runtime/http/server.js";
import { listenOn, loaded, testApp, until } from "./helpers.js";

let ran = 0;
const app = testApp([loaded({ name: "half", handler: () => ++ran })]);
let server: Awaited<ReturnType<typeof listenOn>>;
before(async () => {
  // With the server's own clientError handler, which sees a connection ended mid-body.
  server = await listenOn(app.listener, (error, socket) => answerClientError(error, socket, app.logger));
});
after(() => server.close());

/** Headers promising 100 bytes (or a chunked body), then part of it, then a reset (or the connection's end: `fin`). */
function abortMidBody(host: string, chunked: boolean, fin = false): Promise<void> {
  const part = `{"a":"${"x".repeat(40)}`;
  const framing = chunked ? `Transfer-Encoding: chunked\r\n\r\n${part.length.toString(16)}\r\n${part}\r\n` : `Content-Length: 100\r\n\r\n${part}`;
  return new Promise((resolve) => {
    const socket = connect(server.port, "127.0.0.1", () => {
      socket.write(`POST /half HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n${framing}`);
      setImmediate(() => {
        if (fin) socket.end();
        else socket.resetAndDestroy();
        resolve();
      });
    });
  });
}

for (const [path, host, chunked, fin] of [
  ["fast path", "localhost", false, false],
  ["hono path", "LOCALHOST", false, false],
  ["fast path, chunked", "localhost", true, false],
  ["hono path, chunked", "LOCALHOST", true, false],
  ["fast path, connection ended (not reset)", "localhost", false, true],
  ["hono path, connection ended (not reset)", "LOCALHOST", false, true],
  ["fast path, chunked, connection ended", "localhost", true, true],
] as const) {
  test(`${path}: a body cut short by the client is a 499 client error, not a 500 with an error log nor a call with what arrived`, async () => {
    const before = app.records().length;
    await abortMidBody(host, chunked, fin);
    await until(() => app.records().slice(before).some((r) => r.msg === "request"));
    const lines = app.records().slice(before);
    const access = lines.find((r) => r.msg === "request")!;
    assert.equal(access.status, 499, JSON.stringify(lines));
    assert.deepEqual(lines.filter((r) => r.level === "error"), []);
    // Not a request the parser refused: the client left.
    assert.deepEqual(lines.filter((r) => r.msg === "request refused by the HTTP parser"), []);
    assert.equal(ran, 0);
    assert.match(app.metrics.render(), /podfn_invocations_total\{function="half",outcome="client_error"\} [1-9]/);
    assert.doesNotMatch(app.metrics.render(), /podfn_invocations_total\{function="half",outcome="error"\} [1-9]/);
  });
}
