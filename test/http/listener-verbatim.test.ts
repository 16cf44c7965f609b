/**
 * The listener's fast path (runtime/http/listener.ts) takes a request only when its Host and
 * target are ones @hono/node-server would use verbatim; the last accepted pair is remembered so
 * repeats skip the checks. Only an identical string may skip them: an empty Host, or any other
 * odd one, still goes to the fallback, before and after accepted requests.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { requestListener } from "../../runtime/http/listener.js";
import type { Answer } from "../../runtime/http/exchange.js";

function fakeOutgoing(): ServerResponse {
  return { destroyed: false, _contentLength: null, _hasBody: true, useChunkedEncodingByDefault: true, _removedContLen: false, writeHead() {}, end() {}, once() {} } as unknown as ServerResponse;
}

test("an empty or odd Host, or an odd target, goes to the fallback whatever was accepted before", () => {
  const taken: string[] = [];
  const answer: Answer = { status: 200, headers: {}, body: "ok" };
  const routes = new Map([["/hello", new Map([["GET", () => (taken.push("endpoint"), answer)]])]]);
  const listener = requestListener(routes, () => void taken.push("fallback"));
  const call = (host: string | undefined, url = "/hello") =>
    listener({ url, method: "GET", httpVersionMajor: 1, headers: host === undefined ? {} : { host }, rawHeaders: [], readableEnded: true } as unknown as IncomingMessage, fakeOutgoing());
  call("");
  call("127.0.0.1:8080");
  call("127.0.0.1:8080");
  call("");
  call("bad host");
  call(undefined);
  call("127.0.0.1:8080", "/hello#frag");
  call("127.0.0.1:8080", "/./hello");
  call("127.0.0.1:8080", "/hello");
  assert.deepEqual(taken, ["fallback", "endpoint", "endpoint", "fallback", "fallback", "fallback", "fallback", "fallback", "endpoint"]);
});
