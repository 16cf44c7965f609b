/**
 * What a handler writes through Node's streams (`console.log`, `console.error(err)`,
 * `process.stderr.write`) reaches the JSON log as lines of its own: one JSON object per write,
 * `stream` naming the descriptor, stdout's at info and stderr's at warn, whatever the logger's
 * level, a multi-line text (a printed stack) kept in one line, in order with the log's lines.
 * Under `podfn serve` (the batched logger on stdout) and `podfn run` (a destination given, on
 * stderr) alike; `pretty` (`podfn dev`) keeps the text as written.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const LOG = fileURLToPath(new URL("../../runtime/log.ts", import.meta.url));
const STDIO = fileURLToPath(new URL("../../runtime/stdio.ts", import.meta.url));

/** Run `body` in a child with createLogger, writeStdio and watchStdioStreams imported; its exit code and output. */
async function child(body: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `import { createLogger } from ${JSON.stringify(LOG)};\nimport { watchStdioStreams, writeStdio } from ${JSON.stringify(STDIO)};\n${body}`;
  const proc = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  proc.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(proc, "exit")) as [number | null];
  return { code, stdout, stderr };
}

/** What the handler prints, between two log lines. */
const PRINTS = `log.error("first");
console.log("printed");
console.error(new Error("went wrong\\nsecond line"));
process.stderr.write("partial");
console.log("with Bearer abcdefghijklmnop in it");
log.error("last");
`;

/** Each line of `text` parsed, asserting every one is a JSON object. */
function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => {
      assert.match(line, /^\{.*\}$/, `not one JSON object: ${line}`);
      return JSON.parse(line) as Record<string, unknown>;
    });
}

function assertPrinted(lines: Record<string, unknown>[]): void {
  assert.deepEqual(
    lines.map((l) => [l.level, l.stream, l.msg]),
    [
      ["error", undefined, "first"],
      ["info", "stdout", "printed"],
      ["warn", "stderr", lines[2]!.msg],
      ["warn", "stderr", "partial"],
      ["info", "stdout", "with Bearer [redacted] in it"],
      ["error", undefined, "last"],
    ],
  );
  const stack = String(lines[2]!.msg);
  assert.match(stack, /^Error: went wrong\nsecond line\n {4}at /, "the printed stack, whole, in one line");
  for (const line of lines) assert.equal(typeof line.time, "string");
}

test("podfn serve's logger: each console write is one JSON line on stdout, a printed stack in one, even above the logger's level", async () => {
  const { code, stdout, stderr } = await child(`watchStdioStreams();\nconst log = createLogger({ level: "error" });\n${PRINTS}`);
  assert.equal(code, 0, stderr);
  assert.equal(stderr, "");
  assertPrinted(jsonLines(stdout));
});

test("podfn run's logger (a destination given, stdio taken): each console write is one JSON line where the log goes", async () => {
  const { code, stdout, stderr } = await child(`watchStdioStreams();\nconst log = createLogger({ destination: { write: (line) => writeStdio(2, line) }, takeStdio: true });\n${PRINTS}\nwriteStdio(1, "result\\n");`);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "result\n");
  assertPrinted(jsonLines(stderr));
});

test("podfn dev's pretty logger keeps what is printed as written, each on its own descriptor", async () => {
  const { code, stdout, stderr } = await child(`watchStdioStreams();\nconst log = createLogger({ pretty: true });\nconsole.log("printed");\nconsole.error("on stderr\\nsecond line");`);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "printed\n");
  assert.equal(stderr, "on stderr\nsecond line\n");
});
