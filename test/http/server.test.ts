import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Agent, request as httpRequest } from "node:http";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { serveHttp, type HttpServerOptions } from "../../runtime/http/index.js";
import { captureLogger, deferred, fakeKube, loaded, until } from "./helpers.js";

/** Start serveHttp on a random port; returns its URL, the abort controller and the promise. */
async function start(options: Partial<HttpServerOptions> & Pick<HttpServerOptions, "functions">) {
  const controller = new AbortController();
  const listening = deferred<string>();
  const log = captureLogger();
  const done = serveHttp(
    { kube: fakeKube().kube, logger: log.logger, port: 0, host: "127.0.0.1", drainTimeoutMs: 5000, onListening: listening.resolve, ...options },
    controller.signal,
  );
  const url = await Promise.race([listening.promise, done.then(() => Promise.reject(new Error("server stopped")))]);
  return { url, stop: () => controller.abort("SIGTERM"), done, log };
}

/** Writes `head` on a fresh connection to `url`; resolves to all it read once it closes (or, closed by us, once `endAt` matches). */
async function rawExchange(url: string, head: string, endAt?: RegExp): Promise<string> {
  const { connect } = await import("node:net");
  return new Promise<string>((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), "127.0.0.1");
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
      if (endAt?.test(text)) socket.end();
    });
    socket.on("close", () => resolve(text));
    socket.on("error", reject);
    socket.write(head);
  });
}

const post = (url: string, body: unknown = {}, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", ...headers } });

describe("HTTP server", () => {
  test("onFirstAnswer is told once, when the first request has been answered (the serve command then starts its schedules)", async () => {
    let told = 0;
    let running = false;
    const gate = deferred<void>();
    const slow = loaded({
      name: "slow",
      handler: async () => {
        running = true;
        await gate.promise;
        return "done";
      },
    });
    const server = await start({ functions: [slow], onFirstAnswer: () => void told++ });
    try {
      const first = post(`${server.url}/slow`);
      await until(() => running, "the first request's call");
      assert.equal(told, 0, "not while the first request runs");
      gate.resolve();
      assert.equal((await first).status, 200);
      await until(() => told === 1, "the first answer told");
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
      assert.equal(told, 1, "once");
    } finally {
      server.stop();
      await server.done;
    }
  });

  test("413 for a large chunked body, answered while the client is still sending (never buffered whole)", async () => {
    let ran = 0;
    const server = await start({ functions: [loaded({ name: "small", bodyLimitBytes: 64 * 1024, handler: () => ++ran })] });
    try {
      const { hostname, port } = new URL(server.url);
      const chunk = Buffer.alloc(16 * 1024, "a");
      let sent = 0;
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ hostname, port, path: "/small", method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } });
        req.on("response", (res) => {
          resolve(res.statusCode!);
          res.resume();
          req.destroy();
        });
        req.on("error", (error) => (sent > 0 ? undefined : reject(error)));
        // An endless body: only the server's early answer ends this request.
        const pump = () => {
          while (!req.destroyed && req.write(chunk)) sent += chunk.length;
          if (!req.destroyed) req.once("drain", pump);
        };
        pump();
      });
      assert.equal(status, 413);
      assert.equal(ran, 0);
      // Declared Content-Length over the limit: refused before reading.
      const declared = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ hostname, port, path: "/small", method: "POST", headers: { "content-type": "application/json", "content-length": String(100 * 1024 * 1024) } });
        req.on("response", (res) => {
          resolve(res.statusCode!);
          res.resume();
          req.destroy();
        });
        req.on("error", reject);
        req.write(chunk);
      });
      assert.equal(declared, 413);
      // Still serving.
      assert.equal((await post(`${server.url}/small`)).status, 200);
    } finally {
      server.stop();
      await server.done;
    }
  });

  test("429 with Retry-After when maxInflight calls are running", async () => {
    const gate = deferred();
    let entered = 0;
    const fn = loaded({
      name: "hold",
      handler: async () => {
        entered++;
        await gate.promise;
        return { done: true };
      },
    });
    const server = await start({ functions: [fn], maxInflight: 2 });
    try {
      const first = [post(`${server.url}/hold`), post(`${server.url}/hold`)];
      await until(() => entered === 2);
      const refused = await post(`${server.url}/hold`);
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get("retry-after"), "1");
      gate.resolve();
      assert.deepEqual((await Promise.all(first)).map((r) => r.status), [200, 200]);
    } finally {
      server.stop();
      await server.done;
    }
  });

  test("graceful drain: readiness fails, new calls get 503, the call in flight finishes, hooks run, then it resolves", async () => {
    const gate = deferred();
    let started = false;
    const order: string[] = [];
    const fn = loaded({
      name: "slow",
      input: z.object({}),
      handler: async (ctx) => {
        started = true;
        await gate.promise;
        order.push("handler done");
        return { aborted: ctx.signal.aborted };
      },
    });
    const server = await start({ functions: [fn], onShutdown: [() => void order.push("hook")] });
    const inflight = post(`${server.url}/slow`);
    await until(() => started);
    server.stop();
    let resolved = false;
    void server.done.then(() => (resolved = true));

    await until(() => server.log.records().some((r) => r.msg === "shutting down: draining calls in flight"));
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 503);
    const refused = await post(`${server.url}/slow`);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get("connection"), "close");
    assert.equal(resolved, false);

    gate.resolve();
    const finished = await inflight;
    assert.equal(finished.status, 200);
    assert.equal(finished.headers.get("connection"), "close");
    assert.deepEqual(await finished.json(), { aborted: false });
    await server.done;
    assert.deepEqual(order, ["handler done", "hook"]);
  });

  test("graceful drain: a body still being uploaded when shutdown begins is received and its call runs, whatever the route's auth", async () => {
    const dir = mkdtempSync(join(tmpdir(), "podfn-drain-"));
    writeFileSync(join(dir, "deploy-token"), "s3cret-token\n");
    writeFileSync(join(dir, "webhook-key"), "hmac-key\n");
    try {
      const body = JSON.stringify({ name: "slow upload" });
      const signature = `sha256=${createHmac("sha256", "hmac-key").update(body).digest("hex")}`;
      const cases = [
        { auth: "none" as const, headers: "" },
        { auth: { type: "hmac" as const, secret: "webhook-key" }, headers: `x-hub-signature-256: ${signature}\r\n` },
        { auth: { type: "bearer" as const, secret: "deploy-token" }, headers: "authorization: Bearer s3cret-token\r\n" },
      ];
      for (const { auth, headers } of cases) {
        const kind = typeof auth === "string" ? auth : auth.type;
        const fn = loaded({ name: "upload", auth, input: z.object({ name: z.string() }), handler: ({ input }) => ({ got: input.name }) });
        const server = await start({ functions: [fn], secretsDir: dir });
        const { connect } = await import("node:net");
        const socket = connect(Number(new URL(server.url).port), "127.0.0.1");
        let text = "";
        socket.setEncoding("utf8");
        socket.on("data", (chunk: string) => void (text += chunk));
        const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
        socket.write(`POST /upload HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n${headers}\r\n${body.slice(0, 5)}`);
        // The request is in: its body is being received (before admission) or its call admitted.
        await until(async () => /podfn_http_bodies_receiving 1|podfn_invocations_in_flight 1/.test(await (await fetch(`${server.url}/metrics`)).text()), `${kind}: the upload under way`);
        server.stop();
        await until(() => server.log.records().some((r) => r.msg === "shutting down: draining calls in flight"), `${kind}: the drain`);
        socket.write(body.slice(5));
        await closed;
        assert.match(text, /^HTTP\/1.1 200 /, `${kind}: ${text}`);
        assert.match(text, /\{"got":"slow upload"\}/, kind);
        await server.done;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("shutdown delay: after SIGTERM readiness fails but calls are still served, then the drain begins and it resolves", async () => {
    const fn = loaded({ name: "quick", input: z.object({}), handler: () => ({ served: true }) });
    const server = await start({ functions: [fn], shutdownDelayMs: 5000 });
    server.stop();
    let resolved = false;
    void server.done.then(() => (resolved = true));
    await until(() => server.log.records().some((r) => r.msg === "shutting down: still serving while endpoints drop this pod"));
    assert.equal((await fetch(`${server.url}/readyz`)).status, 503);
    // A Service or load balancer that has not yet dropped the pod still gets answers.
    const served = await post(`${server.url}/quick`);
    assert.equal(served.status, 200);
    assert.deepEqual(await served.json(), { served: true });
    assert.equal(resolved, false);
    assert.equal(server.log.records().some((r) => r.msg === "shutting down: draining calls in flight"), false);
    await server.done;
    const messages = server.log.records().map((r) => r.msg);
    assert.ok(messages.indexOf("shutting down: draining calls in flight") > messages.indexOf("shutting down: still serving while endpoints drop this pod"));
  });

  test("past drainTimeoutMs the calls' signals abort, they answer 503 and the server still stops", async () => {
    let signal: AbortSignal | undefined;
    const fn = loaded({
      name: "stubborn",
      handler: (ctx) =>
        new Promise((_, reject) => {
          signal = ctx.signal;
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
        }),
    });
    const server = await start({ functions: [fn], drainTimeoutMs: 20 });
    const inflight = post(`${server.url}/stubborn`);
    await until(() => signal !== undefined);
    server.stop();
    const res = await inflight;
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "shutting_down");
    assert.equal(signal!.aborted, true);
    await server.done;
  });

  test("a handler ignoring its aborted signal still gets its caller a 503 (logged), a grace after the drain deadline, before the server closes", async () => {
    let running = false;
    const never = deferred<void>();
    const fn = loaded({
      name: "deaf",
      handler: async () => {
        running = true;
        await never.promise;
        return "late";
      },
    });
    const server = await start({ functions: [fn], drainTimeoutMs: 20 });
    const inflight = post(`${server.url}/deaf`, {}, { "x-request-id": "deaf-1" });
    await until(() => running, "the call");
    server.stop();
    const res = await inflight;
    assert.equal(res.status, 503);
    assert.deepEqual(((await res.json()) as { error: { code: string; requestId: string } }).error, { code: "shutting_down", message: "the server is shutting down: retry", requestId: "deaf-1" });
    await server.done;
    const records = server.log.records();
    assert.ok(records.some((r) => r.msg === "call aborted by shutdown" && r.requestId === "deaf-1"), "the call's failure is logged");
    assert.ok(records.some((r) => r.requestId === "deaf-1" && r.status === 503), "an access line");
    never.resolve();
  });

  test("a caller whose TokenReview is still awaited at the drain deadline gets a 503 (logged), and the review is aborted", { timeout: 10_000 }, async () => {
    let reviewSignal: AbortSignal | undefined;
    const kube = fakeKube().kube;
    (kube as unknown as { tokenReview: (t: string, a?: string[], o?: { signal?: AbortSignal }) => Promise<never> }).tokenReview = (_token, _audiences, options) =>
      new Promise((_, reject) => {
        reviewSignal = options?.signal;
        options?.signal?.addEventListener("abort", () => reject(options.signal!.reason));
      });
    const fn = loaded({ name: "guarded", auth: { type: "serviceAccount", allow: ["system:serviceaccount:ci:*"] }, handler: () => "ran" });
    const server = await start({ functions: [fn], drainTimeoutMs: 20, kube });
    const inflight = post(`${server.url}/guarded`, {}, { authorization: "Bearer some-token-value", "x-request-id": "hung-sa" });
    await until(() => reviewSignal !== undefined, "the TokenReview");
    server.stop();
    const res = await inflight;
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "shutting_down");
    assert.equal(reviewSignal!.aborted, true);
    await server.done;
    const records = server.log.records();
    assert.ok(records.some((r) => r.msg === "caller auth aborted by shutdown" && r.requestId === "hung-sa"));
    assert.ok(records.some((r) => r.requestId === "hung-sa" && r.status === 503), "an access line");
  });

  test("rejects when the port is taken", async () => {
    const first = await start({ functions: [] });
    try {
      const { port } = new URL(first.url);
      const controller = new AbortController();
      await assert.rejects(
        serveHttp({ functions: [], kube: fakeKube().kube, logger: captureLogger().logger, port: Number(port), host: "127.0.0.1", drainTimeoutMs: 10 }, controller.signal),
        /EADDRINUSE/,
      );
    } finally {
      first.stop();
      await first.done;
    }
  });
});

describe("Expect: 100-continue", () => {
  /** Sends a POST that expects 100-continue, its body only after a 100; resolves to what came back and whether the server closed the connection. */
  async function expecting(url: string, headers: string, body: string, target = "/echo"): Promise<{ text: string; closed: boolean }> {
    const { connect } = await import("node:net");
    const { port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), "127.0.0.1");
      let text = "";
      let sent = false;
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        text += chunk;
        if (!sent && text.startsWith("HTTP/1.1 100 Continue\r\n\r\n")) {
          sent = true;
          socket.write(body);
        }
      });
      socket.on("end", () => resolve({ text, closed: true }));
      socket.on("error", reject);
      socket.write(`POST ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n${headers}\r\n`);
      // A keep-alive connection stays open after a good answer: end it once that answer is in.
      const poll = setInterval(() => {
        if (/\r\n\r\n\{"ok":true\}$/.test(text)) {
          clearInterval(poll);
          resolve({ text, closed: false });
          socket.end();
        }
      }, 5);
      socket.on("close", () => clearInterval(poll));
    });
  }

  test("a request the route refuses first is answered without 100 Continue, and its connection closed; an accepted one gets 100, then its answer", async () => {
    const echo = loaded({ name: "echo", auth: { type: "bearer", secret: "t" }, input: z.object({ ok: z.boolean() }), handler: ({ input }) => input });
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join(tmpdir(), "podfn-continue-"));
    await writeFile(join(dir, "t"), "a-long-enough-token\n");
    const server = await start({ functions: [echo], secretsDir: dir });
    try {
      const refused = await expecting(server.url, "", '{"ok":true}');
      assert.match(refused.text, /^HTTP\/1\.1 401 /, refused.text);
      assert.doesNotMatch(refused.text, /100 Continue/);
      assert.match(refused.text, /\r\nConnection: close\r\n/i);
      assert.equal(refused.closed, true);
      const accepted = await expecting(server.url, "Authorization: Bearer a-long-enough-token\r\n", '{"ok":true}');
      assert.match(accepted.text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /, accepted.text);
      // A target the fast path does not take (served through hono) is told to go on the same way.
      const throughHono = await expecting(server.url, "Authorization: Bearer a-long-enough-token\r\n", '{"ok":true}', "/echo?x=|");
      assert.match(throughHono.text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /, throughHono.text);
    } finally {
      server.stop();
      await server.done;
    }
  });
});

test("a request with two Host lines is a 400 naming it, its connection closed; one Host is served", async () => {
  const hello = loaded({ name: "hello", method: "GET", handler: () => "hi" });
  const server = await start({ functions: [hello] });
  // A kept-alive answer ends at its body; a closed connection ends the exchange by itself.
  const raw = (head: string) => rawExchange(server.url, head, /\r\n\r\n"hi"$/);
  try {
    for (const target of ["/hello", "/hel%6Co"]) {
      const twice = await raw(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nhost: evil.example\r\n\r\n`);
      assert.match(twice, /^HTTP\/1\.1 400 /, target);
      assert.match(twice, /\r\nconnection: close\r\n/i);
      assert.match(twice, /"code":"bad_request","message":"the request cannot be read: it has more than one Host header"/);
      // Its access line, as any refusal's, under the id it was answered with.
      const requestId = /\r\nx-request-id: ([0-9a-f-]{36})\r\n/i.exec(twice)![1];
      const lineOf = () => server.log.records().find((r) => r.msg === "request" && r.requestId === requestId);
      await until(() => lineOf() !== undefined);
      const line = lineOf()!;
      assert.deepEqual([line.method, line.path, line.status, line.code], ["GET", target, 400, "bad_request"], target);
    }
    assert.match(await raw("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), /^HTTP\/1\.1 200 [\s\S]*"hi"$/);
  } finally {
    server.stop();
    await server.done;
  }
});

test("OPTIONS * is a 204 whose Allow lists the methods the server's paths take; * with another method is a 400 naming it", async () => {
  const hello = loaded({ name: "hello", method: "GET", handler: () => "hi" });
  const post = loaded({ name: "post", method: "POST", handler: () => "ok" });
  const server = await start({ functions: [hello, post] });
  const raw = (head: string) => rawExchange(server.url, head);
  try {
    const options = await raw("OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    assert.match(options, /^HTTP\/1\.1 204 /);
    assert.match(options, /\r\nallow: GET, POST, HEAD\r\n/i);
    assert.match(options, /\r\nx-request-id: [0-9a-f-]{36}\r\n/i);
    const named = await raw("OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: asked-1\r\nConnection: close\r\n\r\n");
    assert.match(named, /\r\nx-request-id: asked-1\r\n/i, "the caller's id, as every other answer carries it");
    const get = await raw("GET * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    assert.match(get, /^HTTP\/1\.1 400 /);
    assert.match(get, /\r\nconnection: close\r\n/i);
    assert.match(get, /"code":"bad_request","message":"the request cannot be read: the target \* is for OPTIONS only, not GET"/);
    // Each has its access line.
    for (const [answer, method, status] of [[options, "OPTIONS", 204], [get, "GET", 400]] as const) {
      const requestId = /\r\nx-request-id: ([0-9a-f-]{36})\r\n/i.exec(answer)![1];
      const lineOf = () => server.log.records().find((r) => r.msg === "request" && r.requestId === requestId);
      await until(() => lineOf() !== undefined);
      const line = lineOf()!;
      assert.deepEqual([line.method, line.path, line.status], [method, "*", status]);
    }
  } finally {
    server.stop();
    await server.done;
  }
});

test("an idle connection is kept 65 s by default (longer than a proxy's 60 s), or as keepAliveTimeoutMs says; Node's own was 5 s", async () => {
  const hello = loaded({ name: "hello", method: "GET", handler: () => "hi" });
  for (const [options, seconds] of [[{}, 65], [{ keepAliveTimeoutMs: 620_000 }, 620]] as const) {
    const server = await start({ functions: [hello], ...options });
    try {
      const keepAlive = await new Promise<string | undefined>((resolve, reject) => {
        const agent = new Agent({ keepAlive: true });
        httpRequest(`${server.url}/hello`, { agent }, (res) => {
          res.resume();
          res.on("end", () => (agent.destroy(), resolve(String(res.headers["keep-alive"]))));
        })
          .on("error", reject)
          .end();
      });
      assert.equal(keepAlive, `timeout=${seconds}`);
    } finally {
      server.stop();
      await server.done;
    }
  }
});

test("with adminPort, /healthz, /readyz and /metrics answer there only (404 beside the functions), /readyz failing there from the shutdown's first step", async () => {
  const hello = loaded({ name: "hello", method: "GET", handler: () => "hi" });
  const server = await start({ functions: [hello], adminPort: 0, shutdownDelayMs: 300 });
  let stopped = false;
  try {
    const line = server.log.records().find((r) => r.msg === "operations listening (/healthz, /readyz, /metrics)");
    const admin = String(line?.url);
    assert.match(admin, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(admin, server.url);
    for (const path of ["/healthz", "/readyz", "/metrics"]) {
      assert.equal((await fetch(`${admin}${path}`)).status, 200, path);
      assert.equal((await fetch(`${admin}${path}`, { method: "HEAD" })).status, 200, `HEAD ${path}`);
      const beside = await fetch(`${server.url}${path}`);
      assert.equal(beside.status, 404, path);
    }
    assert.match(await (await fetch(`${admin}/metrics`)).text(), /^podfn_invocations_total\{function="hello",outcome="success"\} 0$/m);
    assert.equal((await fetch(`${server.url}/hello`)).status, 200);
    const other = await fetch(`${admin}/hello`, { headers: { "x-request-id": "probe-404" } });
    assert.equal(other.status, 404);
    assert.deepEqual([((await other.json()) as { error: { code: string; requestId: string } }).error.code, other.headers.get("x-request-id")], ["not_found", "probe-404"]);
    const refused = await fetch(`${admin}/readyz`, { method: "POST", headers: { "x-request-id": "probe-405" } });
    assert.equal(refused.status, 405);
    assert.equal(((await refused.json()) as { error: { requestId: string } }).error.requestId, "probe-405", "the caller's id, as on the functions' port");
    server.stop();
    stopped = true;
    // During the shutdown delay the functions are still served, and the admin port says not ready.
    await until(async () => (await fetch(`${admin}/readyz`)).status === 503);
    assert.equal((await fetch(`${server.url}/hello`)).status, 200);
  } finally {
    if (!stopped) server.stop();
    await server.done;
  }
});

test("adminPort equal to port is refused before listening, naming both", async () => {
  const hello = loaded({ name: "hello", method: "GET", handler: () => "hi" });
  await assert.rejects(
    serveHttp({ functions: [hello], kube: fakeKube().kube, logger: captureLogger().logger, port: 18_999, host: "127.0.0.1", drainTimeoutMs: 100, adminPort: 18_999 }, new AbortController().signal),
    /--admin-port 18999 is --port too/,
  );
});
