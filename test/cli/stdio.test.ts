/**
 * `writeStdio` (runtime/stdio.ts) delivers every byte in order to a pipe, also when the pipe is
 * non-blocking and fills up (the rest goes through Node's stream), keeps its output behind what a
 * `console.log` left queued in the stream, and a reader that went away ends the output without
 * an error.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const STDIO = fileURLToPath(new URL("../../runtime/stdio.ts", import.meta.url));

/** Run a child that imports writeStdio and runs `body`; resolves to its exit code and output. */
async function child(body: string, readStdout = true): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  const script = `import { watchStdioStreams, writeStdio } from ${JSON.stringify(STDIO)};\n${body}`;
  const proc = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  const out: Buffer[] = [];
  let stderr = "";
  if (readStdout) proc.stdout.on("data", (chunk: Buffer) => out.push(chunk));
  else proc.stdout.destroy();
  proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(proc, "exit")) as [number | null];
  return { code, stdout: Buffer.concat(out), stderr };
}

test("lines reach a pipe whole and in order, on stdout and stderr", async () => {
  const { code, stdout, stderr } = await child(`for (let i = 0; i < 1000; i++) { writeStdio(1, "out " + i + "\\n"); writeStdio(2, "err " + i + "\\n"); }`);
  assert.equal(code, 0, stderr);
  assert.equal(stdout.toString(), Array.from({ length: 1000 }, (_, i) => `out ${i}\n`).join(""));
  assert.equal(stderr, Array.from({ length: 1000 }, (_, i) => `err ${i}\n`).join(""));
});

test("a non-blocking pipe that fills up still gets every byte, in order", async () => {
  // Touching process.stdout makes the pipe non-blocking (libuv); 8 MB cannot fit in its buffer.
  const { code, stdout, stderr } = await child(`process.stdout; for (let i = 0; i < 512; i++) writeStdio(1, String(i % 10).repeat(16384));`);
  assert.equal(code, 0, stderr);
  assert.equal(stdout.length, 512 * 16384);
  for (let i = 0; i < 512; i++) assert.equal(stdout[i * 16384], 48 + (i % 10), `block ${i}`);
});

test("a reader that went away ends the output quietly", async () => {
  const { code, stderr } = await child(`for (let i = 0; i < 2000; i++) writeStdio(1, "x".repeat(4096));`, false);
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
});

test("a reader that went away ends the output quietly also once it goes through the stream (podfn run's logger makes process.stdout)", async () => {
  // A reader that takes a little and leaves (\`podfn run NAME | head -c 100\` of a large result).
  const script = `watchStdioStreams(); process.stdout; for (let i = 0; i < 512; i++) writeStdio(1, "x".repeat(16384));`;
  const proc = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", `import { watchStdioStreams, writeStdio } from ${JSON.stringify(STDIO)};\n${script}`], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  proc.stdout.once("data", () => proc.stdout.destroy());
  proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(proc, "exit")) as [number | null];
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
});

test("once something has made process.stdout (a console.log), writeStdio writes through that stream, behind what it holds", async () => {
  // The stream's write is recorded: a line written past it (straight to fd 1) would not be.
  const script = `watchStdioStreams();
writeStdio(1, "before\\n");
const stream = process.stdout;
const seen = [];
stream.write = (chunk) => (seen.push(String(chunk)), true);
writeStdio(1, "after\\n");
process.stderr.write(JSON.stringify(seen) + "\\n");
`;
  const { code, stdout, stderr } = await child(script);
  assert.equal(code, 0, stderr);
  assert.equal(stdout.toString(), "before\n");
  assert.deepEqual(JSON.parse(stderr), ["after\n"]);
});

test("a console.log between log lines of the batched logger (podfn serve's) comes out where it was written, not ahead of lines still gathered", async () => {
  const LOG = fileURLToPath(new URL("../../runtime/log.ts", import.meta.url));
  const script = `import { createLogger } from ${JSON.stringify(LOG)};
watchStdioStreams();
const log = createLogger();
log.info("first");
console.log("second (console)");
log.info("third");
process.stdout.write("fourth (stream)\\n", () => {
  log.info("fifth");
  console.log("sixth (console)");
});
`;
  const { code, stdout, stderr } = await child(script);
  assert.equal(code, 0, stderr);
  const lines = stdout.toString().trimEnd().split("\n").map((line) => (line.startsWith("{") ? (JSON.parse(line) as { msg: string }).msg : line));
  assert.deepEqual(lines, ["first", "second (console)", "third", "fourth (stream)", "fifth", "sixth (console)"]);
});

test("a route takes what anything writes through the streams (a console.log, a console.error), never the CLI's own writeStdio output", async () => {
  const script = `import { routeStdio } from ${JSON.stringify(STDIO)};
watchStdioStreams();
const taken = [];
const route = { write: (text) => void taken.push(text) };
routeStdio(1, route);
routeStdio(2, route);
console.log("handler out");
console.error("handler err");
process.stdout.write("stream out\\n");
writeStdio(1, "own out\\n");
writeStdio(2, JSON.stringify(taken) + "\\n");
`;
  const { code, stdout, stderr } = await child(script);
  assert.equal(code, 0, stderr);
  assert.equal(stdout.toString(), "own out\n");
  assert.deepEqual(JSON.parse(stderr), ["handler out\n", "handler err\n", "stream out\n"]);
});

test("whenStdioFlushed waits for output a slow reader has not taken yet", async () => {
  // 420 KB of console.log into a pipe nobody reads yet; the child then asks to exit when flushed.
  const script = `watchStdioStreams();
for (let i = 0; i < 2000; i++) console.log(String(i).padStart(209, "."));
process.stderr.write("exiting\\n");
whenStdioFlushed(() => process.exit(0));
`;
  const proc = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", `import { watchStdioStreams, whenStdioFlushed } from ${JSON.stringify(STDIO)};\n${script}`], { stdio: ["ignore", "pipe", "pipe"] });
  const chunks: Buffer[] = [];
  proc.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  proc.stdout.pause();
  let stderr = "";
  // Read stdout only once the child has decided to exit.
  await new Promise<void>((resolve) =>
    proc.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes("exiting")) resolve();
    }),
  );
  proc.stdout.resume();
  const [code] = (await once(proc, "exit")) as [number | null];
  assert.equal(code, 0, stderr);
  assert.equal(Buffer.concat(chunks).toString().trimEnd().split("\n").length, 2000);
});
