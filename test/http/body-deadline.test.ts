import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BodyDeadlines } from "../../runtime/http/body-deadline.js";
import { listenOn, loaded, postJson, req, testApp } from "./helpers.js";

// A caller has `http.bodyTimeoutMs` to send its body: one that declares a body and stalls is
// answered 408. On a route whose caller is known only from its body (HMAC) or never (`none`)
// the body is received before the call is admitted, so stalled uploads hold no `--max-inflight`
// slot, and at most `maxInflight` bodies are received per route.

const TIMEOUT = { timeout: 20_000 };

describe("BodyDeadlines", () => {
  test("expires the reads still in progress at their deadline, oldest first, and never one that ended", TIMEOUT, async () => {
    // The deadline timer is unref'd (it never keeps a process alive): hold the loop open meanwhile.
    const hold = setInterval(() => {}, 1000);
    const deadlines = new BodyDeadlines(30);
    const expired: string[] = [];
    let allExpired!: () => void;
    const done = new Promise<void>((resolve) => (allExpired = resolve));
    const expire = (name: string) => () => {
      expired.push(name);
      if (expired.length === 2) allExpired();
    };
    const first = deadlines.start(expire("first"));
    const ended = deadlines.start(expire("ended"));
    const last = deadlines.start(expire("last"));
    deadlines.end(ended);
    deadlines.end(ended);
    await done;
    assert.deepEqual(expired, ["first", "last"]);
    assert.equal(first.linked || last.linked || ended.linked, false);
    // A read started after the list emptied gets a timer of its own.
    await new Promise<void>((resolve) => deadlines.start(resolve));
    clearInterval(hold);
  });
});

describe("a body that does not arrive in time", () => {
  const secretsDir = mkdtempSync(join(tmpdir(), "podfn-body-deadline-"));
  writeFileSync(join(secretsDir, "hook-key"), "k3y\n");
  const app = testApp(
    [
      // Long enough that the checks made while a body stalls finish before its deadline on a loaded machine.
      loaded({ name: "hook", auth: { type: "hmac", secret: "hook-key" }, bodyTimeoutMs: 1000, handler: () => ({ ok: true }) }),
      loaded({ name: "open", bodyTimeoutMs: 1000, handler: () => ({ ok: true }) }),
      loaded({ name: "status", method: "GET", handler: () => ({ ok: true }) }),
    ],
    { secretsDir, maxInflight: 1 },
  );
  let server: Awaited<ReturnType<typeof listenOn>>;
  let port: number;
  before(async () => {
    server = await listenOn(app.listener);
    port = server.port;
  });
  after(() => {
    rmSync(secretsDir, { recursive: true, force: true });
    return server.close();
  });

  /** Sends a request declaring 10 body bytes, sends 2, and resolves with what comes back once the server closes. */
  function stall(path: string): { answered: Promise<string> } {
    const socket = connect(port, "127.0.0.1");
    socket.write(`POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 10\r\nx-request-id: stalled\r\n\r\n{"`);
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (text += chunk));
    return { answered: new Promise((resolve, reject) => socket.on("close", () => resolve(text)).on("error", reject)) };
  }

  test("a stalled upload holds no call slot: other callers are served; it gets a 408 at its deadline and the connection closes", TIMEOUT, async () => {
    for (const path of ["/hook", "/open"]) {
      const { answered } = stall(path);
      // Received before admission (poll until the server is waiting for the rest of it).
      while (app.receiving() === 0) await new Promise((resolve) => setImmediate(resolve));
      assert.equal(app.drain.inflight, 0, `${path}: no slot is held while the body arrives`);
      assert.equal((await app.fetch(req("/status"))).status, 200, `${path}: another route's caller is served (the one slot is free)`);
      // One body at a time per route here (maxInflight 1): a second upload to the same route waits its turn.
      assert.equal((await app.fetch(postJson(path, {}))).status, 429, `${path}: a second upload to the same route`);
      const text = await answered;
      assert.match(text, /^HTTP\/1\.1 408 Request Timeout\r\n/, path);
      assert.match(text, /\r\nconnection: close\r\n/i);
      assert.match(text, /\r\nx-request-id: stalled\r\n/i);
      const body = JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)) as { error: { code: string; message: string; requestId: string } };
      assert.deepEqual(body, { error: { code: "request_timeout", message: "the body did not arrive within 1000 ms", requestId: "stalled" } });
      assert.equal(app.receiving(), 0);
      assert.equal((await app.fetch(postJson("/open", {}))).status, 200, `${path}: received again`);
    }
    const logged = app.records().filter((r) => r.requestId === "stalled" && r.msg === "request");
    assert.deepEqual(logged.map((r) => r.status), [408, 408]);
    assert.match(app.metrics.render(), /^podfn_http_bodies_receiving 0$/m);
  });

  test("through fetch too: a body stream that stalls is a 408", TIMEOUT, async () => {
    const body = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(new TextEncoder().encode('{"a":')) });
    const res = await app.fetch(req("/open", { method: "POST", body, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit));
    assert.equal(res.status, 408);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "request_timeout");
    assert.equal(app.drain.inflight, 0);
  });

  test("a body that arrives in time is read whole, however it is split", TIMEOUT, async () => {
    const socket = connect(port, "127.0.0.1");
    const body = '{"n": 12}';
    socket.write(`POST /open HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body.slice(0, 3)}`);
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (text += chunk));
    // The rest once the server is waiting for it (the body counted as being received), well within the deadline.
    while (app.receiving() === 0) await new Promise((resolve) => setImmediate(resolve));
    socket.write(body.slice(3));
    await new Promise((resolve) => socket.on("close", resolve));
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n/);
  });
});
