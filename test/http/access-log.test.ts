import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { createLogger, type Logger } from "../../runtime/log.js";
import { accessLogWriter } from "../../runtime/http/access-log.js";

/** A logger built by `make` over a destination capturing its lines. */
function capture(make: (destination: { write(line: string): void }) => Logger): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: make({ write: (line) => void lines.push(line) }), lines };
}

/** The line with its time value replaced (two writes may fall in different milliseconds). */
function timeless(line: string | undefined): string {
  assert.ok(line);
  assert.match(line, /,"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z",/);
  return line.replace(/"time":"[^"]*"/, '"time":"T"');
}

/** Counts the lines pino itself serializes for `logger` (and its children). */
function countPinoLines(logger: Logger): () => number {
  const asJson = pino.symbols.asJsonSym;
  const target = logger as unknown as Record<symbol, (...args: unknown[]) => string>;
  const original = target[asJson]!;
  let calls = 0;
  target[asJson] = function counted(this: unknown, ...args: unknown[]) {
    calls++;
    return original.apply(this, args);
  };
  return () => calls;
}

/** What pino itself writes for the same access line. */
function viaPino(logger: Logger, fields: Record<string, unknown>): void {
  logger.child({}, { redact: { paths: [] } }).info(fields, "request");
}

describe("access lines", () => {
  test("are the same lines pino writes, for a call and for a request that reached no function", () => {
    const { logger, lines } = capture((destination) => createLogger({ destination }));
    const pinoLines = countPinoLines(logger);
    const write = accessLogWriter(logger);
    write("GET", "/hello", 200, "3b241101-e2bb-4255-8caf-4136c566a962", 0.42, "hello");
    viaPino(logger, { method: "GET", path: "/hello", status: 200, durationMs: 0.42, fn: "hello", requestId: "3b241101-e2bb-4255-8caf-4136c566a962" });
    write("PUT", "/nowhere", 404, "req-1");
    viaPino(logger, { method: "PUT", path: "/nowhere", status: 404, requestId: "req-1" });
    assert.equal(lines.length, 4);
    assert.equal(pinoLines(), 2, "the writer's own lines are built without pino");
    assert.equal(timeless(lines[0]), timeless(lines[1]));
    assert.equal(timeless(lines[2]), timeless(lines[3]));
    assert.deepEqual(Object.keys(JSON.parse(lines[0]!)), ["level", "time", "pid", "method", "path", "status", "durationMs", "fn", "requestId", "msg"]);
  });

  test("with an error code, the peer's address and a User-Agent, are the same lines pino writes, in that order", () => {
    const { logger, lines } = capture((destination) => createLogger({ destination }));
    const write = accessLogWriter(logger);
    write("POST", "/deploy", 503, "r-1", 12.5, "deploy", "kube_unavailable", "10.0.3.7", "curl/8.5.0");
    viaPino(logger, { method: "POST", path: "/deploy", status: 503, code: "kube_unavailable", durationMs: 12.5, fn: "deploy", requestId: "r-1", remoteAddress: "10.0.3.7", userAgent: "curl/8.5.0" });
    write("GET", "/nowhere", 404, "r-2", undefined, undefined, "not_found", "::ffff:10.0.3.8", 'odd "agent" \u0007');
    // An IPv4 peer of a dual-stack socket is written by its IPv4 address.
    viaPino(logger, { method: "GET", path: "/nowhere", status: 404, code: "not_found", requestId: "r-2", remoteAddress: "10.0.3.8", userAgent: 'odd "agent" \u0007' });
    assert.equal(timeless(lines[0]), timeless(lines[1]));
    assert.equal(timeless(lines[2]), timeless(lines[3]));
    assert.deepEqual(Object.keys(JSON.parse(lines[0]!)), ["level", "time", "pid", "method", "path", "status", "code", "durationMs", "fn", "requestId", "remoteAddress", "userAgent", "msg"]);
  });

  test("censor a secret held from the User-Agent and the code, also once the same value was logged before it was known", async () => {
    const { rememberSecret } = await import("../../runtime/secret-values.js");
    const secret = "agent-secret-value-93d1";
    const { logger, lines } = capture((destination) => createLogger({ destination }));
    const write = accessLogWriter(logger);
    write("GET", "/a", 403, "r-1", 1, "f", `code-${secret}`, "10.0.0.1", `agent ${secret}`);
    rememberSecret(secret);
    write("GET", "/a", 403, "r-2", 1, "f", `code-${secret}`, "10.0.0.1", `agent ${secret}`);
    assert.deepEqual([JSON.parse(lines[1]!).code, JSON.parse(lines[1]!).userAgent], ["code-[redacted]", "agent [redacted]"]);
  });

  test("escape quotes, backslashes and control characters as JSON does", () => {
    const { logger, lines } = capture((destination) => createLogger({ destination }));
    accessLogWriter(logger)("GET", '/a"b\\c', 500, 'id "x" \\ \u0001', Number.NaN, "f\u2028n");
    viaPino(logger, { method: "GET", path: '/a"b\\c', status: 500, durationMs: Number.NaN, fn: "f\u2028n", requestId: 'id "x" \\ \u0001' });
    assert.equal(timeless(lines[0]), timeless(lines[1]));
    assert.equal(JSON.parse(lines[0]!).requestId, 'id "x" \\ \u0001');
  });

  test("carry the logger's base fields and bindings", () => {
    const { logger, lines } = capture((destination) => createLogger({ destination, base: { pid: 7, app: "demo" } }).child({ component: "http" }));
    accessLogWriter(logger)("POST", "/echo", 201, "r", 1.5, "echo");
    viaPino(logger, { method: "POST", path: "/echo", status: 201, durationMs: 1.5, fn: "echo", requestId: "r" });
    assert.equal(timeless(lines[0]), timeless(lines[1]));
    assert.equal(JSON.parse(lines[0]!).component, "http");
  });

  test("follow the logger's level, also when it changes", () => {
    const { logger, lines } = capture((destination) => createLogger({ destination, level: "warn" }));
    const write = accessLogWriter(logger);
    write("GET", "/hello", 200, "r", 1, "hello");
    assert.equal(lines.length, 0);
    logger.level = "info";
    write("GET", "/hello", 200, "r", 1, "hello");
    assert.equal(lines.length, 1);
  });

  test("go through pino when the logger shapes its lines itself (a mixin)", () => {
    const { logger, lines } = capture((destination) => pino({ mixin: () => ({ zone: "eu" }) }, destination));
    accessLogWriter(logger)("GET", "/hello", 200, "r", 1, "hello");
    viaPino(logger, { method: "GET", path: "/hello", status: 200, durationMs: 1, fn: "hello", requestId: "r" });
    assert.equal(JSON.parse(lines[0]!).zone, "eu");
    assert.equal(lines[0]!.replace(/"time":\d+/, ""), lines[1]!.replace(/"time":\d+/, ""));
  });

  test("on the batching destination, keep their place among other lines, in every process end", async () => {
    // Access lines are recorded and made in bulk (runtime/log-batch.ts `GatheringDestination`): other
    // lines, a full record (256), the exit and the event loop running dry must not reorder or lose any.
    const runtime = (file: string) => JSON.stringify(fileURLToPath(new URL(`../../runtime/${file}`, import.meta.url)));
    const script = (exit: string) => `
import { createLogger } from ${runtime("log.ts")};
import { accessLogWriter } from ${runtime("http/access-log.ts")};
const logger = createLogger({ destination: 1 });
const access = accessLogWriter(logger);
const child = logger.child({ component: "x" });
const childAccess = accessLogWriter(child);
for (let i = 0; i < 700; i++) {
  if (i % 97 === 0) logger.info({ i }, "other");
  else if (i % 5 === 0) childAccess("POST", "/c", 201, "id-" + i, 0.5, "c");
  else access("GET", "/p", 200, "id-" + i, 1.25, "p");
}
${exit}`;
    for (const exit of ["process.exit(3);", ""]) {
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script(exit)], { timeout: 30_000 }, (error, out) => {
          if (error && (error as { code?: unknown }).code !== 3) reject(error);
          else resolve(out);
        }),
      );
      const lines = stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
      assert.deepEqual(
        lines.map((line) => (line.msg === "other" ? line.i : Number(String(line.requestId).slice(3)))),
        Array.from({ length: 700 }, (_, i) => i),
        exit || "loop ran dry",
      );
      assert.equal(lines.find((line) => line.requestId === "id-5")?.component, "x", "a child logger's lines carry its bindings");
      assert.equal(lines.find((line) => line.requestId === "id-1")?.component, undefined);
    }
  });

  test("on the batching destination, reach the file within the batch's delay without another line", async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-access-"));
    const file = join(dir, "log");
    const handle = await open(file, "w");
    try {
      const logger = createLogger({ destination: handle.fd as 1 });
      accessLogWriter(logger)("GET", "/alone", 200, "only-one", 1, "f");
      // Poll for the line (written FLUSH_EVERY_MS after it was recorded); fail after 10 s.
      const deadline = Date.now() + 10_000;
      let text = "";
      while (!text.includes('"requestId":"only-one"')) {
        assert.ok(Date.now() < deadline, "the recorded line was never written");
        await new Promise((resolve) => setTimeout(resolve, 20));
        text = await readFile(file, "utf8");
      }
      assert.equal(JSON.parse(text.trim()).path, "/alone");
    } finally {
      await handle.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("on the batching destination, secrets held are censored from every part a caller or the process chooses, also one remembered after a path was logged", async () => {
    const { rememberSecret } = await import("../../runtime/secret-values.js");
    const early = "access-secret-early-5f1e";
    const late = "access-secret-late-8c2a";
    rememberSecret(early);
    const dir = await mkdtemp(join(tmpdir(), "podfn-access-"));
    const file = join(dir, "log");
    const handle = await open(file, "w");
    try {
      const logger = createLogger({ destination: handle.fd as 1 });
      const access = accessLogWriter(logger);
      const child = accessLogWriter(logger.child({ component: `c-${early}` }));
      const laterChild = accessLogWriter(logger.child({ component: `c-${late}` }));
      access("GET", `/p/${early}`, 200, `id-${early}`, 1, "f");
      access(early.toUpperCase(), "/plain", 200, "id-2", 1, early);
      child("GET", "/c", 200, "id-3", 1, "f");
      access("GET", `/q/${late}`, 200, "id-4", 1, "f");
      laterChild("GET", "/d", 200, "id-4b", 1, "f");
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
      // The same path again once its secret is known: its cached text must not be reused.
      rememberSecret(late);
      access("GET", `/q/${late}`, 200, "id-5", 1, "f");
      access("GET", "/r", 200, `id-${late}`, 1, late);
      laterChild("GET", "/d", 200, "id-6", 1, "f");
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
      const lines = (await readFile(file, "utf8")).trim().split("\n").map((line) => JSON.parse(line) as Record<string, string>);
      assert.deepEqual(
        lines.map((l) => [l.method, l.path, l.requestId, l.fn, l.component]),
        [
          ["GET", "/p/[redacted]", "id-[redacted]", "f", undefined],
          [early.toUpperCase(), "/plain", "id-2", "[redacted]", undefined],
          ["GET", "/c", "id-3", "f", "c-[redacted]"],
          ["GET", `/q/${late}`, "id-4", "f", undefined],
          ["GET", "/d", "id-4b", "f", `c-${late}`],
          ["GET", "/q/[redacted]", "id-5", "f", undefined],
          ["GET", "/r", "id-[redacted]", "[redacted]", undefined],
          ["GET", "/d", "id-6", "f", "c-[redacted]"],
        ],
      );
    } finally {
      await handle.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
