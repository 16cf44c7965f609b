/**
 * A handler that throws something that cannot be inspected or logged (a Proxy whose traps throw,
 * an Error with a getter that throws, HttpError details whose toJSON throws) still gets the
 * contract's JSON 500 with a request id and a log line, identical on the fast path and the hono
 * path; an endpoint fault on the fast path is answered as hono's onError answers it.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { HttpError } from "../../runtime/errors.js";
import { requestListener } from "../../runtime/http/listener.js";
import { listenOn, loaded, testApp } from "./helpers.js";

const hostile = new Proxy(
  {},
  {
    getPrototypeOf() {
      throw new Error("no prototype for you");
    },
    get() {
      throw new Error("no property for you");
    },
    ownKeys() {
      throw new Error("no keys for you");
    },
  },
);
const withThrowingGetter = Object.defineProperty(new Error("getter"), "boom", {
  enumerable: true,
  get() {
    throw new Error("getter threw");
  },
});
const THROWN: Record<string, () => unknown> = {
  proxy: () => hostile,
  getter: () => withThrowingGetter,
  details: () =>
    new HttpError(409, "conflict", "details that cannot be sent", {
      details: {
        toJSON() {
          throw null;
        },
      },
    }),
};

const app = testApp(
  Object.entries(THROWN).map(([name, thrown]) =>
    loaded({
      name,
      handler: () => {
        throw thrown();
      },
    }),
  ),
);
let server: Awaited<ReturnType<typeof listenOn>>;
before(async () => {
  server = await listenOn(app.listener);
});
after(() => server.close());

/** POST over the socket; `Host: LOCALHOST` is not taken verbatim, so hono serves it. */
function post(path: string, host: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: server.port, path, method: "POST", headers: { host, "content-type": "application/json", "x-request-id": "given-id" } }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end("{}");
  });
}

for (const name of Object.keys(THROWN)) {
  test(`a handler throwing ${name}: JSON 500 with the request id and a log line, the same on both paths`, async () => {
    const fast = await post(`/${name}`, "localhost");
    const viaHono = await post(`/${name}`, "LOCALHOST");
    for (const answer of [fast, viaHono]) {
      assert.equal(answer.status, 500, answer.body);
      assert.equal(answer.headers["x-request-id"], "given-id");
      assert.deepEqual(JSON.parse(answer.body), { error: { code: "internal", message: "internal error", requestId: "given-id" } });
    }
    // Both paths answered alike.
    assert.equal(fast.body, viaHono.body);
    const logged = app.records().filter((r) => r.fn === name && r.level === "error");
    assert.equal(logged.length, 2, JSON.stringify(app.records()));
  });
}

test("an endpoint that throws on the fast path is answered by the fault handler, not a bare 500", async () => {
  const faults: unknown[] = [];
  const endpoint = () => {
    throw new Error("endpoint bug");
  };
  const listener = requestListener(new Map([["/x", new Map([["POST", endpoint]])]]), () => assert.fail("fallback"), (error, _incoming, outgoing) => {
    faults.push(error);
    outgoing.writeHead(500, { "content-type": "application/json" }).end('{"fault":true}');
  });
  const local = await listenOn(listener);
  try {
    const response = await fetch(`http://127.0.0.1:${local.port}/x`, { method: "POST", body: "{}" });
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), { fault: true });
    assert.equal((faults[0] as Error).message, "endpoint bug");
  } finally {
    await local.close();
  }
});

test("what can be read of an Error with a throwing getter (its message and stack) is still logged", async () => {
  await post("/getter", "localhost");
  const line = app.records().find((r) => r.fn === "getter" && r.level === "error") as { err?: { message?: string; stack?: string } };
  assert.equal(line.err?.message, "getter");
  assert.match(line.err?.stack ?? "", /uninspectable-errors\.test\.ts/);
});
