/**
 * What a handler prints through `console.*` or writes to `process.stdout`/`process.stderr` is log
 * output under every command that runs handlers: every secret the process holds is censored in
 * it, and it comes out in order with the log lines (serve: into the log's batch on stdout; dev:
 * each on its own stream; run: on stderr with the logs, so stdout holds the result line alone).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { startPodfn } from "../e2e/helpers/processes.js";

const FUNCTIONS = fileURLToPath(new URL("./fixtures/console-secret", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/podfn.js", import.meta.url));
const SECRET = "hunter2-TOPSECRET";
/** The numbered lines the handler prints, in its order (its `{ pw }` object is between 6 and 7). */
const NUMBERED = ["1 log.info", "2 console.log", "3 console.info", "4 console.debug", "5 console.warn", "6 console.error", "7 stdout.write", "8 stderr.write", "9 log.info"];

let home: string;
let secrets: string;
before(async () => {
  home = await mkdtemp(join(tmpdir(), "podfn-console-"));
  secrets = join(home, "secrets");
  await mkdir(secrets);
  await writeFile(join(secrets, "upstream-password"), SECRET);
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

/** The numbered lines of `output` (a JSON log line by its msg), in the order they came. */
function numbered(output: string): string[] {
  return output.split("\n").flatMap((line) => /\b(\d [a-z.]+ \[redacted\]|\d [a-z.]+ \S+)/i.exec(line)?.[1] ?? []);
}

const censored = NUMBERED.map((line) => `${line} [redacted]`);

test("podfn run: the handler's console and stream output goes to stderr, censored, in order with the log lines; stdout is the result line alone", async () => {
  const child = spawn(process.execPath, [BIN, "run", "prints-secret", "--functions", FUNCTIONS, "--secrets-dir", secrets], {
    cwd: home,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", PODFN_FROM_SOURCE: "1", HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const [code] = (await once(child, "close")) as [number | null];
  assert.equal(code, 0, stderr);
  assert.equal(stdout, '{"printed":true}\n');
  assert.ok(!stderr.includes(SECRET), stderr);
  assert.deepEqual(numbered(stderr), censored);
  assert.match(stderr, /pw: '\[redacted\]'/);
});

for (const command of ["serve", "dev"] as const) {
  test(`podfn ${command}: the handler's console and stream output, on stdout and stderr alike, is censored, in order with the log lines`, async () => {
    const server = startPodfn([command, "--port", "0", "--functions", FUNCTIONS, "--secrets-dir", secrets], { HOME: home }, { cwd: home });
    let stdout = "";
    server.child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    try {
      const url = (await server.waitFor(command === "serve" ? /"url":"(http:\/\/127\.0\.0\.1:\d+)"/ : /url=(http:\/\/127\.0\.0\.1:\d+)/))[1]!;
      const response = await fetch(`${url}/prints-secret`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      assert.deepEqual(await response.json(), { printed: true });
      await server.waitFor(/9 log\.info \[redacted\]/);
      const output = server.output();
      assert.ok(!output.includes(SECRET), output);
      assert.match(output, /pw: '\[redacted\]'/);
      if (command === "serve") {
        // All of it in the log's stream (stdout), where the log lines are, in the order written.
        assert.deepEqual(numbered(stdout), censored);
      } else {
        // Each on its own stream, in order there.
        assert.deepEqual(numbered(stdout), censored.filter((line) => /^[123479] /.test(line)));
        assert.deepEqual(numbered(output).sort(), censored);
      }
    } finally {
      assert.equal(await server.stop(), 0, server.output());
    }
  });
}
