import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Agent, request as httpRequest } from "node:http";
import { z } from "zod";
import { HttpError } from "../../runtime/errors.js";
import { reply } from "../../runtime/function.js";
import { serveHttp, type HttpApp } from "../../runtime/http/index.js";
import { captureLogger, deferred, fakeKube, loaded, testApp } from "./helpers.js";

// The socket serves routed requests without hono (runtime/http/listener.ts): every answer must
// be the one the app's fetch gives for the same request.

const env = { PARITY_TOKEN: "s3cret", UTF8_TOKEN: "clé-🔑-token" };
const functions = () => [
  loaded({
    name: "echo",
    input: z.object({ n: z.number().optional() }),
    handler: ({ input, trigger, dryRun }) => ({ input, dryRun, trigger: trigger.type === "http" ? { method: trigger.method, path: trigger.path, custom: trigger.headers.get("x-custom") } : null }),
  }),
  loaded({
    name: "query",
    method: "GET",
    input: z.object({ n: z.coerce.number().optional(), tags: z.array(z.string()).optional() }),
    handler: ({ input, dryRun }) => ({ input, dryRun }),
  }),
  loaded({ name: "nothing", method: "GET", handler: () => undefined }),
  loaded({ name: "teapot", method: "GET", handler: () => reply(418, "short and stout", { "Content-Type": "text/plain", "X-Extra": "1" }) }),
  loaded({ name: "guarded", method: "GET", auth: { type: "bearer", secret: "parity", env: "PARITY_TOKEN" }, handler: () => ({ ok: true }) }),
  loaded({ name: "guarded-utf8", method: "GET", auth: { type: "bearer", secret: "utf8", env: "UTF8_TOKEN" }, handler: () => ({ ok: true }) }),
  loaded({ name: "slow", method: "GET", handler: async () => ({ later: true }) }),
  // A header value built from input with a CR/LF: a 500 with the request id, the server stays up.
  loaded({ name: "crlf", method: "GET", handler: () => reply(200, "x", { "content-type": "text/plain", "x-bad": "a\r\nset-cookie: evil=1" }) }),
  loaded({ name: "crlf-async", method: "GET", handler: async () => reply(200, "x", { "content-type": "text/plain", "x-bad": "a\r\nb" }) }),
  // A framing header of the server's own: refused like a header HTTP does not allow.
  loaded({ name: "framing", method: "GET", handler: () => reply(200, "hello", { "content-type": "text/plain", "Transfer-Encoding": "chunked" }) }),
  loaded({ name: "function-result", method: "GET", handler: () => () => 1 }),
  loaded({ name: "bigint-async", method: "GET", handler: async () => ({ n: 1n }) }),
  loaded({ name: "details-bigint", method: "GET", handler: () => { throw new HttpError(409, "conflict", "busy", { details: { n: 1n } }); } }),
  loaded({ name: "reset", method: "GET", handler: () => reply(205, { cleared: true }) }),
  loaded({ name: "tree", input: z.object({ tree: Tree.optional() }), handler: () => ({ ok: true }) }),
];

interface TreeNode {
  children: TreeNode[];
}
const Tree: z.ZodType<TreeNode> = z.lazy(() => z.object({ children: z.array(Tree) }));

interface Seen {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

const HEADERS = ["content-type", "content-length", "x-request-id", "allow", "www-authenticate", "x-podfn-dry-run", "x-extra", "retry-after"];

async function seen(response: Response, method: string): Promise<Seen> {
  const body = await response.text();
  const headers: Record<string, string | undefined> = {};
  for (const name of HEADERS) headers[name] = response.headers.get(name) ?? undefined;
  // fetch's Response leaves content-length to the server; only the socket sets it.
  if (headers["content-length"] !== undefined) assert.equal(Number(headers["content-length"]), method === "HEAD" ? Number(headers["content-length"]) : Buffer.byteLength(body));
  delete headers["content-length"];
  return { status: response.status, headers, body };
}

const cases: Array<{ name: string; path: string; init?: RequestInit }> = [
  { name: "GET with a query (repeated keys, coercion)", path: "/query?n=2&tags=a&tags=b" },
  { name: "GET dry run from the query", path: "/query?dryRun=1&n=1" },
  { name: "GET dry run from the header", path: "/query", init: { headers: { "x-podfn-dry-run": "true" } } },
  { name: "GET dry run from a percent-encoded query key", path: "/query?dry%52un=true&n=1" },
  { name: "GET dry run from a header sent twice (a list)", path: "/query", init: { headers: { "x-podfn-dry-run": "true, 1" } } },
  { name: "GET with a dryRun value neither true nor false", path: "/query?dryRun=yes" },
  { name: "GET with invalid input", path: "/query?n=abc" },
  { name: "GET with query keys a plain object inherits (constructor, toString)", path: "/query?constructor=x&toString=1&toString=2&n=4" },
  { name: "an HttpError whose details JSON cannot hold", path: "/details-bigint" },
  { name: "reply(205) with a body (HTTP allows none)", path: "/reset" },
  { name: "GET answering 204", path: "/nothing" },
  { name: "GET answering reply() with its own headers", path: "/teapot" },
  { name: "GET of an async handler", path: "/slow" },
  { name: "HEAD of a GET function", path: "/query?n=1", init: { method: "HEAD" } },
  { name: "reply() with a header value HTTP refuses (500, server stays up)", path: "/crlf" },
  { name: "an async reply() with a header value HTTP refuses", path: "/crlf-async" },
  { name: "an async result JSON cannot serialize", path: "/bigint-async" },
  { name: "a result JSON.stringify gives nothing for (a function)", path: "/function-result" },
  { name: "reply() with a framing header (Transfer-Encoding)", path: "/framing" },
  { name: "a percent-encoded path", path: "/quer%79?n=3" },
  { name: "a method the path does not serve", path: "/query", init: { method: "DELETE" } },
  { name: "a path no function serves", path: "/nowhere" },
  { name: "bearer auth without a token", path: "/guarded" },
  { name: "bearer auth with a wrong token", path: "/guarded", init: { headers: { authorization: "Bearer nope" } } },
  { name: "bearer auth with the token", path: "/guarded", init: { headers: { authorization: "bearer  s3cret " } } },
  // A header value is bytes: the client sends the token's UTF-8 bytes, one character each here.
  { name: "bearer auth with a non-ASCII token sent as UTF-8", path: "/guarded-utf8", init: { headers: { authorization: Buffer.from("Bearer clé-🔑-token").toString("latin1") } } },
  { name: "POST JSON with a header the handler reads", path: "/echo", init: { method: "POST", body: '{"n":5}', headers: { "content-type": "application/json", "x-custom": "hi" } } },
  { name: "POST without a body", path: "/echo", init: { method: "POST" } },
  { name: "POST a JSON null body (refused as zod refuses it)", path: "/echo", init: { method: "POST", body: "null", headers: { "content-type": "application/json" } } },
  { name: "POST invalid JSON", path: "/echo", init: { method: "POST", body: "{", headers: { "content-type": "application/json" } } },
  { name: "POST of another content type", path: "/echo", init: { method: "POST", body: "x", headers: { "content-type": "text/plain" } } },
  { name: "POST failing the schema", path: "/echo", init: { method: "POST", body: '{"n":"x"}', headers: { "content-type": "application/vnd.api+json; charset=utf-8" } } },
  { name: "POST nested too deeply for a recursive schema", path: "/tree", init: { method: "POST", body: `{"tree":${'{"children":['.repeat(5000)}${"]}".repeat(5000)}}`, headers: { "content-type": "application/json" } } },
  { name: "a caller's request id with a quote", path: "/query", init: { headers: { "x-request-id": 'abc"def' } } },
  { name: "a caller's request id that is not printable", path: "/query", init: { headers: { "x-request-id": "x".repeat(200) } } },
];

describe("socket and fetch answer alike", () => {
  let app: ReturnType<typeof testApp> & HttpApp;
  let url: string;
  let stop: () => void;
  let done: Promise<void>;
  const socketLog = captureLogger();

  before(async () => {
    app = testApp(functions(), { env });
    const listening = deferred<string>();
    const controller = new AbortController();
    done = serveHttp({ functions: functions(), env, kube: fakeKube().kube, logger: socketLog.logger, port: 0, host: "127.0.0.1", drainTimeoutMs: 1000, onListening: listening.resolve }, controller.signal);
    url = await listening.promise;
    stop = () => controller.abort("SIGTERM");
  });

  after(async () => {
    stop();
    await done;
  });

  for (const c of cases) {
    test(c.name, async () => {
      const method = c.init?.method ?? "GET";
      // A fixed request id (unless the case sets one) so both answers can be compared whole.
      const headers = { "x-request-id": `parity-${c.name.length}`, ...(c.init?.headers as Record<string, string> | undefined) };
      const init = { ...c.init, headers };
      const fromSocket = await seen(await fetch(`${url}${c.path}`, init), method);
      const fromFetch = await seen(await app.fetch(new Request(`http://podfn.test${c.path}`, init)), method);
      const generated = (s: Seen) => (s.headers["x-request-id"] === headers["x-request-id"] ? s : { ...s, headers: { ...s.headers, "x-request-id": "generated" }, body: s.body.replaceAll(s.headers["x-request-id"]!, "generated") });
      assert.deepEqual(generated(fromSocket), generated(fromFetch));
      const lastLine = (lines: string[]) => {
        const line = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
        return { method: line.method, path: line.path, status: line.status, fn: line.fn, msg: line.msg, requestId: line.requestId === headers["x-request-id"] ? "given" : "generated" };
      };
      assert.deepEqual(lastLine(socketLog.lines), lastLine(app.lines));
    });
  }

  test("a reply() header HTTP refuses answers 500 with the request id, is logged without its value, and the server keeps serving", async () => {
    for (const path of ["/crlf", "/crlf-async", "/bigint-async"]) {
      const response = await fetch(`${url}${path}`);
      assert.equal(response.status, 500);
      const body = (await response.json()) as { error: { code: string; requestId: string } };
      assert.equal(body.error.code, "internal");
      assert.equal(body.error.requestId, response.headers.get("x-request-id"));
      assert.equal(response.headers.get("set-cookie"), null);
    }
    assert.equal((await fetch(`${url}/slow`)).status, 200);
    const failures = socketLog.lines.filter((line) => line.includes("x-bad"));
    assert.ok(failures.length >= 2, "the failed calls are logged, naming the header");
    for (const line of failures) assert.ok(!line.includes("evil"), "the header's value never reaches the log");
  });

  test("a refused POST whose body was never read still leaves the connection usable", async () => {
    const { hostname, port } = new URL(url);
    const statuses = await new Promise<number[]>((resolve, reject) => {
      const got: number[] = [];
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const send = (path: string, headers: Record<string, string>, body: string) =>
        new Promise<void>((ok, fail) => {
          const req = httpRequest({ hostname, port, path, method: "POST", headers, agent }, (res) => {
            got.push(res.statusCode!);
            res.resume();
            res.on("end", ok);
          });
          req.on("error", fail);
          req.end(body);
        });
      send("/echo", { "content-type": "text/plain" }, "x".repeat(50_000))
        .then(() => send("/echo", { "content-type": "application/json" }, '{"n":1}'))
        .then(() => {
          agent.destroy();
          resolve(got);
        }, reject);
    });
    assert.deepEqual(statuses, [415, 200]);
  });
});
