/**
 * A result JSON cannot hold is a bug of the function, answered 500 with the request id and
 * logged, whatever makes it so: a BigInt or a cycle (JSON.stringify throws) as much as a
 * function, a symbol or a toJSON giving undefined (JSON.stringify gives undefined, which was
 * sent as `200 application/json` with an empty body), or a value JSON sends as `{}` or as its
 * internals (a fetch Response, a stream, a Map, a Set, an Error: the caller got 200 `{}`).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { reply } from "../../runtime/function.js";
import { listenOn, loaded, postJson, testApp, until } from "./helpers.js";

const results: Record<string, () => unknown> = {
  "a function": () => () => 1,
  "a symbol": () => Symbol("s"),
  "a toJSON giving undefined": () => ({ toJSON: () => undefined }),
  "a BigInt": () => 1n,
  "reply() with a function body": () => reply(202, () => 1),
  "reply() with a symbol body and a content type": () => reply(200, Symbol("s"), { "content-type": "application/json" }),
  "a fetch Response": () => new Response("hi", { status: 201 }),
  "a Node stream": () => Readable.from(["a", "b"]),
  "a web ReadableStream": () => new ReadableStream(),
  "a Map": () => new Map([["a", 1]]),
  "a Set": () => new Set([1]),
  "an Error": () => new Error("returned, not thrown"),
  "reply() with a Map body": () => reply(201, new Map([["a", 1]])),
};

const functions = () =>
  Object.entries(results).flatMap(([name, make], i) => [
    loaded({ name: `r${i}`, handler: () => make() }),
    loaded({ name: `r${i}-async`, handler: async () => make() }),
  ]);

describe("a result JSON cannot hold", () => {
  let app: ReturnType<typeof testApp>;
  let server: Awaited<ReturnType<typeof listenOn>>;
  before(async () => {
    app = testApp(functions());
    server = await listenOn(app.listener);
  });
  after(() => server.close());

  Object.keys(results).forEach((name, i) => {
    for (const path of [`/r${i}`, `/r${i}-async`]) {
      test(`${name}${path.endsWith("async") ? " (async)" : ""}: 500 internal with the request id, through fetch and on the socket`, async () => {
        const id = `unserializable-${path.slice(1)}`;
        const viaFetch = await app.fetch(postJson(path, {}, { "x-request-id": `${id}-fetch` }));
        const viaSocket = await fetch(`http://127.0.0.1:${server.port}${path}`, { method: "POST", body: "{}", headers: { "content-type": "application/json", "x-request-id": `${id}-socket` } });
        for (const [res, rid] of [[viaFetch, `${id}-fetch`], [viaSocket, `${id}-socket`]] as const) {
          assert.equal(res.status, 500);
          assert.equal(res.headers.get("x-request-id"), rid);
          assert.deepEqual(await res.json(), { error: { code: "internal", message: "internal error", requestId: rid } });
          await until(() => app.lines.some((line) => line.includes(`"requestId":"${rid}"`) && line.includes("call failed") && line.includes('"level":"error"')), `the failure of ${rid} logged`);
          if (/Response|stream|Map|Set|Error/.test(name)) assert.ok(app.lines.some((line) => line.includes(`"requestId":"${rid}"`) && line.includes("JSON would send {}")), "the log says what it was");
        }
      });
    }
  });
});
