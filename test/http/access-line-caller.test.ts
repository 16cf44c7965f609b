/**
 * The access line names who called and why a call failed: the TCP peer's address
 * (`remoteAddress`, never `X-Forwarded-For`), its `userAgent`, and the podfn error `code` of an
 * error answer, on the socket fast path and the hono path alike; never the query string nor a
 * credential. A client gone before its answer still has its address logged.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { z } from "zod";
import { serveHttp } from "../../runtime/http/index.js";
import { KubeConnectionError } from "../../runtime/kube/errors.js";
import { captureLogger, deferred, fakeKube, loaded, until } from "./helpers.js";

const TOKEN = "access-line-bearer-token-1f4a";
const log = captureLogger();
const controller = new AbortController();
let url = "";
let done: Promise<void>;

before(async () => {
  const listening = deferred<string>();
  const functions = [
    loaded({ name: "hello", method: "GET", path: "/hello", input: z.object({ n: z.coerce.number().optional() }), handler: () => ({ ok: true }) }),
    loaded({ name: "locked", method: "GET", path: "/locked", auth: { type: "bearer", secret: "t", env: "ACCESS_LINE_TOKEN" }, handler: () => 1 }),
    loaded({
      name: "unreachable",
      handler: () => {
        throw new KubeConnectionError("GET https://10.0.0.1/api/v1/pods: ECONNREFUSED");
      },
    }),
    loaded({
      name: "broken",
      handler: () => {
        throw new Error("bug");
      },
    }),
  ];
  done = serveHttp(
    { functions, kube: fakeKube().kube, logger: log.logger, port: 0, host: "127.0.0.1", drainTimeoutMs: 1000, env: { ACCESS_LINE_TOKEN: TOKEN }, onListening: listening.resolve },
    controller.signal,
  );
  url = await listening.promise;
});
after(async () => {
  controller.abort("SIGTERM");
  await done;
});

/** The access line of the request sent with `X-Request-Id: id`, once written. */
async function accessLine(id: string): Promise<Record<string, unknown>> {
  await until(() => log.records().some((r) => r.msg === "request" && r.requestId === id), `the access line of ${id}`);
  return log.records().find((r) => r.msg === "request" && r.requestId === id)!;
}

describe("the access line", () => {
  test("names an IPv4 peer of a dual-stack socket (a pod's ::) by its IPv4 address, not IPv4-mapped (::ffff:127.0.0.1)", async () => {
    const dual = new AbortController();
    const listening = deferred<string>();
    // Bound to 127.0.0.1 through an IPv6 socket, as `::` takes IPv4 callers in a pod.
    const served = serveHttp(
      { functions: [loaded({ name: "hello", method: "GET", path: "/hello", handler: () => 1 })], kube: fakeKube().kube, logger: log.logger, port: 0, host: "::ffff:127.0.0.1", drainTimeoutMs: 1000, onListening: listening.resolve },
      dual.signal,
    );
    const port = new URL(await listening.promise).port;
    try {
      for (const [id, path] of [["dual-1", "/hello"], ["dual-2", "/nowhere"]]) {
        await (await fetch(`http://127.0.0.1:${port}${path}`, { headers: { "x-request-id": id! } })).arrayBuffer();
        assert.equal((await accessLine(id!)).remoteAddress, "127.0.0.1");
      }
    } finally {
      dual.abort("SIGTERM");
      await served;
    }
  });


  test("of a call on the fast path carries the peer's address and User-Agent, no code, and neither the query string nor the token", async () => {
    const response = await fetch(`${url}/hello?n=1&secret=query-secret-77`, { headers: { "x-request-id": "caller-1", "user-agent": "probe/1.0 (+ops)", "x-forwarded-for": "203.0.113.9" } });
    assert.equal(response.status, 200);
    const line = await accessLine("caller-1");
    assert.deepEqual(
      { path: line.path, status: line.status, code: line.code, remoteAddress: line.remoteAddress, userAgent: line.userAgent },
      { path: "/hello", status: 200, code: undefined, remoteAddress: "127.0.0.1", userAgent: "probe/1.0 (+ops)" },
    );
    const text = log.lines.find((l) => l.includes('"requestId":"caller-1"'))!;
    assert.doesNotMatch(text, /query-secret-77|203\.0\.113\.9/);
    assert.deepEqual(Object.keys(line).slice(3), ["method", "path", "status", "durationMs", "fn", "requestId", "remoteAddress", "userAgent", "msg"]);
  });

  test("of a failed call carries the error code the caller got", async () => {
    const cases: Array<[string, RequestInit, number, string]> = [
      ["/hello?n=x", {}, 400, "invalid_input"],
      ["/locked", {}, 401, "unauthenticated"],
      ["/locked", { headers: { authorization: "Bearer wrong-token-value" } }, 403, "forbidden"],
      ["/unreachable", { method: "POST" }, 503, "kube_unavailable"],
      ["/broken", { method: "POST" }, 500, "internal"],
      ["/nowhere", {}, 404, "not_found"],
      ["/hello", { method: "DELETE" }, 405, "method_not_allowed"],
    ];
    for (const [i, [path, init, status, code]] of cases.entries()) {
      const id = `failed-${i}`;
      const response = await fetch(`${url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), "x-request-id": id, "user-agent": "ci-check" } });
      assert.equal(response.status, status, path);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, code, path);
      const line = await accessLine(id);
      assert.deepEqual([line.status, line.code, line.remoteAddress, line.userAgent], [status, code, "127.0.0.1", "ci-check"], path);
    }
    assert.ok(!log.lines.some((l) => l.includes(TOKEN) || l.includes("wrong-token-value")), "no credential is logged");
  });

  test("of a request the hono path serves (a percent-encoded target) carries the same fields", async () => {
    const response = await fetch(`${url}/hell%6F?n=2`, { headers: { "x-request-id": "hono-1", "user-agent": "probe/2.0" } });
    assert.equal(response.status, 200);
    const line = await accessLine("hono-1");
    assert.deepEqual([line.fn, line.code, line.remoteAddress, line.userAgent], ["hello", undefined, "127.0.0.1", "probe/2.0"]);
  });

  test("of a client gone before its body arrived (499) still names the peer", async () => {
    await new Promise<void>((resolve) => {
      const socket = connect(Number(new URL(url).port), "127.0.0.1", () => {
        socket.write("POST /broken HTTP/1.1\r\nHost: localhost\r\nX-Request-Id: gone-1\r\nUser-Agent: leaver\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
        setImmediate(() => {
          socket.resetAndDestroy();
          resolve();
        });
      });
    });
    const line = await accessLine("gone-1");
    assert.deepEqual([line.status, line.code, line.remoteAddress, line.userAgent], [499, "client_closed_request", "127.0.0.1", "leaver"]);
  });
});
