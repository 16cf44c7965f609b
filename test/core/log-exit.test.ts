import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

// Lines to a file descriptor are batched (runtime/log.ts); the lines still gathered when the
// process exits must be written before it is gone, not handed to an asynchronous write that
// the exit cuts short.

const LOG = fileURLToPath(new URL("../../runtime/log.ts", import.meta.url));
const script = (exit: string) => `
import { createLogger } from ${JSON.stringify(LOG)};
const log = createLogger({ destination: 1 });
for (let i = 0; i < 50; i++) log.info({ i }, "line");
${exit}
`;

function run(exit: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script(exit)], { timeout: 30_000 }, (error, stdout) => {
      if (error && (error as { code?: unknown }).code !== 3) reject(error);
      else resolve(stdout);
    });
  });
}

for (const [how, exit] of [
  ["process.exit()", "process.exit(3);"],
  ["the event loop running dry", ""],
] as const) {
  test(`every line logged before ${how} is written`, async () => {
    // Several processes: a lost asynchronous write is a race, so one run could pass by luck.
    for (let round = 0; round < 4; round++) {
      const lines = (await run(exit)).trim().split("\n").map((line) => (JSON.parse(line) as { i: number }).i);
      assert.deepEqual(lines, Array.from({ length: 50 }, (_, i) => i), `round ${round}`);
    }
  });
}

/** Runs `body` after 3,000 lines (~700 KB: more than a pipe holds) in a child whose stdout is not read until `reader` says. */
function slowReaderChild(body: string) {
  const script = `
import { createLogger, flushLogger } from ${JSON.stringify(LOG)};
const logger = createLogger({ destination: 1, base: {} });
for (let i = 0; i < 3000; i++) logger.info({ i, pad: "p".repeat(200) }, "line");
process.stderr.write("logged\\n");
${body}
`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.pause();
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString("utf8")));
  const logged = new Promise<void>((resolve) => child.stderr.once("data", () => resolve()));
  const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
  return { child, logged, closed, errors: () => errors };
}

test("a process that awaits flushLogger before exiting loses no line, however slowly the pipe is read", async (t) => {
  const { child, logged, closed } = slowReaderChild("await flushLogger(logger); process.exit(3);");
  t.after(() => child.kill("SIGKILL"));
  await logged;
  // The pipe is full and a batch is in a write: a reader that looks away for a while.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const chunks: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  child.stdout.resume();
  assert.equal(await closed, 3);
  const numbers = Buffer.concat(chunks).toString("utf8").trim().split("\n").map((line) => (JSON.parse(line) as { i: number }).i);
  assert.deepEqual(numbers, Array.from({ length: 3000 }, (_, i) => i));
});

test("flushLogger does not wait out its timeout when the reader is gone (EPIPE), then or later", { timeout: 30_000 }, async (t) => {
  // A timeout far beyond the test's: only the stream's error (then its broken state) can end each wait.
  const { child, logged, closed, errors } = slowReaderChild(`
await flushLogger(logger, 600_000);
process.stderr.write("flushed\\n");
logger.info("after the reader left");
await flushLogger(logger, 600_000);
process.stderr.write("flushed again\\n");
process.exit(3);`);
  t.after(() => child.kill("SIGKILL"));
  await logged;
  child.stdout.destroy();
  assert.equal(await closed, 3);
  assert.match(errors(), /flushed\nflushed again\n/);
});

test("any other write error during a flush ends the process, as it does without one, and the exit does not hang", { skip: !existsSync("/dev/full") && "no /dev/full", timeout: 30_000 }, async (t) => {
  // /dev/full answers every write with ENOSPC: pino leaves such errors to the process. At the
  // exit, pino's own flushSync would then retry the failed write forever (sonic-boom 4).
  const script = `
import { openSync, writeSync } from "node:fs";
import { createLogger } from ${JSON.stringify(LOG)};
const logger = createLogger({ destination: openSync("/dev/full", "w"), base: {} });
for (let i = 0; i < 10; i++) logger.info({ i }, "line");
logger.flush((error) => writeSync(2, "flush called back with " + error?.code + "\\n"));
setTimeout(() => writeSync(2, "still running\\n"), 1000);
`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "ignore", "pipe"] });
  t.after(() => child.kill("SIGKILL"));
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString("utf8")));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  assert.notEqual(code, 0);
  assert.match(errors, /flush called back with ENOSPC/);
  assert.match(errors, /ENOSPC/);
  assert.doesNotMatch(errors, /still running/);
});
