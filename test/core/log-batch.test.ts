/**
 * The logger's batching destination (runtime/log-batch.ts) reuses a buffer once the stream has
 * written it: whatever the pace, every line must reach the file whole and in order, and a
 * steadily busy logger must not allocate a buffer per batch.
 */
// own process: measures the process's buffers, and turns on --expose-gc (scripts/run-tests.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createLogger, type Logger } from "../../runtime/log.js";

/** A logger writing to a fresh file; `done` flushes it and returns the file's lines. */
async function fileLogger(): Promise<{ logger: Logger; done: () => Promise<string[]> }> {
  const dir = await mkdtemp(join(tmpdir(), "podfn-log-batch-"));
  const file = join(dir, "log");
  const handle = await open(file, "w");
  const logger = createLogger({ destination: handle.fd as 1, base: {} });
  return {
    logger,
    async done() {
      await new Promise<void>((resolve, reject) => logger.flush((error) => (error ? reject(error) : resolve())));
      const text = await readFile(file, "utf8");
      await handle.close();
      await rm(dir, { recursive: true, force: true });
      return text.split("\n").slice(0, -1);
    },
  };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

test("every line reaches the file whole and in order, in bursts and paced, while written buffers are reused", async () => {
  const { logger, done } = await fileLogger();
  let n = 0;
  // Lines of varying length (some longer than a page) so batches end at different places.
  const line = () => logger.info({ n: n++, pad: "x".repeat((n * 7919) % 5000) }, "line");
  for (let burst = 0; burst < 3; burst++) for (let i = 0; i < 3000; i++) line();
  for (let round = 0; round < 300; round++) {
    for (let i = 0; i < 40; i++) line();
    await turn();
  }
  const lines = await done();
  assert.equal(lines.length, n);
  lines.forEach((text, i) => {
    const parsed = JSON.parse(text) as { n: number; pad: string };
    assert.equal(parsed.n, i);
    assert.equal(parsed.pad.length, ((i + 1) * 7919) % 5000);
  });
});

test("a steadily busy logger reuses the buffers the stream has written instead of allocating one per batch", async () => {
  const { logger, done } = await fileLogger();
  const allocUnsafe = Buffer.allocUnsafe;
  let large = 0;
  Buffer.allocUnsafe = (size: number) => {
    if (size >= 64 * 1024) large++;
    return allocUnsafe(size);
  };
  try {
    // ~75 MB of lines, each round more than a batch; a round starts once the last is written
    // (the flush), so which buffers are free does not depend on the machine's speed.
    const pad = "y".repeat(200);
    for (let round = 0; round < 300; round++) {
      for (let i = 0; i < 1000; i++) logger.info({ round, i, pad }, "busy");
      await new Promise<void>((resolve, reject) => logger.flush((error) => (error ? reject(error) : resolve())));
    }
  } finally {
    Buffer.allocUnsafe = allocUnsafe;
  }
  const lines = await done();
  assert.equal(lines.length, 300_000);
  // ~300 batches were written; the first buffer and one more served them all.
  assert.ok(large <= 2, `${large} large buffers allocated`);
});

test("with a slow reader on a pipe, lines longer than a buffer among many batches all arrive whole and in order", async () => {
  // A reader that keeps pausing makes writes stay in flight while the next batches are handed:
  // a buffer reused before its write ends would show here as broken or repeated lines.
  const log = JSON.stringify(fileURLToPath(new URL("../../runtime/log.ts", import.meta.url)));
  const script = `
import { createLogger } from ${log};
const logger = createLogger({ destination: 1, base: {} });
const big = "b".repeat(100_000);
let n = 0;
for (let round = 0; round < 120; round++) {
  for (let i = 0; i < 400; i++) logger.info({ n: n++, pad: "p".repeat(150) }, "line");
  if (round % 10 === 3) logger.info({ n: n++, big }, "big");
  await new Promise((resolve) => setImmediate(resolve));
}
logger.flush(() => process.exit(0));
`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const chunks: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => {
    chunks.push(chunk);
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 10);
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  assert.equal(code, 0);
  const lines = Buffer.concat(chunks).toString("utf8").trim().split("\n");
  const numbers = lines.map((line) => (JSON.parse(line) as { n: number }).n);
  assert.deepEqual(numbers, Array.from({ length: 120 * 400 + 12 }, (_, i) => i));
  for (const line of lines) {
    const parsed = JSON.parse(line) as { msg: string; big?: string; pad?: string };
    if (parsed.msg === "big") assert.equal(parsed.big, "b".repeat(100_000));
    else assert.equal(parsed.pad, "p".repeat(150));
  }
});

test("a flush asked after a fatal line (written synchronously while a write was in flight) still calls back", async () => {
  const { logger, done } = await fileLogger();
  for (let i = 0; i < 2000; i++) logger.info({ i, pad: "z".repeat(200) }, "before");
  // The batch above went to an asynchronous write; fatal writes synchronously meanwhile.
  logger.fatal("stop");
  const called = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 10_000);
    logger.flush(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  assert.ok(called, "flush never called back");
  // Every line is there; whether "stop" lands before the end of the write that was in flight is
  // up to the file system (sonic-boom's synchronous write does not wait for it).
  const lines = (await done()).map((line) => JSON.parse(line) as { msg: string; i?: number });
  assert.equal(lines.length, 2001);
  assert.equal(lines.filter((line) => line.msg === "stop").length, 1);
  assert.deepEqual(lines.filter((line) => line.msg === "before").map((line) => line.i).sort((a, b) => a! - b!), Array.from({ length: 2000 }, (_, i) => i));
});

test("loggers that are dropped take their buffers with them; one that never writes holds none", async () => {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  const before = process.memoryUsage().arrayBuffers;
  // A test harness makes a silent logger per harness; a batch keeps a 256 KiB buffer once it writes.
  for (let i = 0; i < 200; i++) createLogger({ level: "silent" }).info("never written");
  const dir = await mkdtemp(join(tmpdir(), "podfn-log-batch-"));
  const handle = await open(join(dir, "log"), "w");
  for (let i = 0; i < 40; i++) {
    const logger = createLogger({ destination: handle.fd as 1, base: {} });
    logger.info({ i }, "one line");
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
  }
  // Collection runs finalizers on later turns, and a buffer is let go once its write (on the
  // thread pool, slow on a loaded machine) is done: look again until nothing more goes, for up
  // to 5 s.
  let grown = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 200 && grown > 8 * 1024 * 1024; round++) {
    gc();
    await (round < 20 ? turn() : new Promise<void>((resolve) => setTimeout(resolve, 25)));
    grown = process.memoryUsage().arrayBuffers - before;
  }
  assert.ok(grown < 8 * 1024 * 1024, `${(grown / 1048576).toFixed(1)} MB of buffers still held by 240 dropped loggers (40 of which wrote)`);
  assert.equal((await readFile(join(dir, "log"), "utf8")).trim().split("\n").length, 40);
  await handle.close();
  await rm(dir, { recursive: true, force: true });
});

test("a secret the process holds is censored on the batched file path too (serve's logger)", async () => {
  const { rememberSecret } = await import("../../runtime/secret-values.js");
  const held = "batched-secret-value-3e2d1c";
  rememberSecret(held);
  const { logger, done } = await fileLogger();
  logger.info(`a line with ${held} in it`);
  const lines = await done();
  assert.deepEqual(lines.map((text) => (JSON.parse(text) as { msg: string }).msg), ["a line with [redacted] in it"]);
});
