/**
 * `podfn serve` stopped while its log reader lags (a node's log agent under load): every line,
 * down to "shut down", is written before the process exits. Lines go out in large asynchronous
 * batches (runtime/log-batch.ts), and an exit would cut a batch still in its write.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startPodfn } from "../e2e/helpers/processes.js";

const FUNCTIONS = fileURLToPath(new URL("./fixtures/chatty", import.meta.url));
const LINES = 4000;

let home: string;
before(async () => {
  home = await mkdtemp(join(tmpdir(), "podfn-home-"));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

test("SIGTERM while the log reader lags: every line is written before podfn serve exits", async () => {
  const serve = startPodfn(["serve", "--port", "0", "--functions", FUNCTIONS], { HOME: home }, { cwd: home });
  // Log lines only (stdout): stderr could carry a Node warning.
  let stdout = "";
  serve.child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  const url = (await serve.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/))[1]!;
  // From here the reader looks away: ~1 MB of lines fill the pipe and leave a batch in its write.
  serve.child.stdout!.pause();
  const response = await fetch(`${url}/chatty`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ lines: LINES }) });
  assert.deepEqual(await response.json(), { logged: LINES });
  // "close": exited, and all its output read.
  const closed = new Promise<number | null>((resolve) => serve.child.once("close", resolve));
  serve.child.kill("SIGTERM");
  // Long enough for the shutdown to be over (it takes milliseconds) before the reader is back,
  // well within the 2 s the last lines are given.
  await new Promise((resolve) => setTimeout(resolve, 500));
  serve.child.stdout!.resume();
  assert.equal(await closed, 0);
  const lines = stdout.trim().split("\n").map((line) => JSON.parse(line) as { msg: string; i?: number });
  assert.deepEqual(lines.filter((line) => line.msg === "chatty line").map((line) => line.i), Array.from({ length: LINES }, (_, i) => i));
  assert.equal(lines.at(-1)!.msg, "shut down");
});
