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

/** Resolves once `stream` has carried `marker`. */
function seen(stream: NodeJS.ReadableStream, marker: string): Promise<void> {
  return new Promise((resolve) => {
    let text = "";
    stream.on("data", function onData(chunk: Buffer) {
      text += chunk.toString();
      if (text.includes(marker)) {
        stream.off("data", onData);
        resolve();
      }
    });
  });
}

/** Run a child that imports writeStdio and runs `body`; resolves to its exit code and output. */
async function child(body: string, readStdout = true): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  const script = `import { writeStdio } from ${JSON.stringify(STDIO)};\n${body}`;
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

test("after a console.log that the stream still holds, writeStdio's line comes last", async () => {
  // 420 KB of console.log cannot fit in a pipe nobody reads: the stream queues the rest.
  const script = `import { watchStdioStreams, writeStdio } from ${JSON.stringify(STDIO)};
watchStdioStreams();
for (let i = 0; i < 2000; i++) console.log(String(i).padStart(209, "."));
writeStdio(1, "RESULT\\n");
process.stderr.write(process.stdout.writableLength > 0 ? "queued\\n" : "not queued\\n");
`;
  const proc = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  proc.stdout.pause();
  const chunks: Buffer[] = [];
  proc.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  proc.stdout.pause();
  let stderr = "";
  proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  // Read only once the child has written everything (it reports whether its stream was holding output).
  await seen(proc.stderr, "queued");
  proc.stdout.resume();
  const [code] = (await once(proc, "exit")) as [number | null];
  assert.equal(code, 0, stderr);
  assert.match(stderr, /^queued/m);
  const lines = Buffer.concat(chunks).toString().trimEnd().split("\n");
  assert.equal(lines.length, 2001);
  assert.equal(lines.at(-1), "RESULT");
});
