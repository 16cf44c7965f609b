/**
 * `podfn serve` and faults no call owns: a function's floating promise rejection is logged and
 * the server goes on answering; an exception thrown outside any call (in a timer) is logged and
 * shuts the server down gracefully (the drain, "shut down"), exiting 1 rather than dying at once.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startPodfn } from "../e2e/helpers/processes.js";
import { until } from "../helpers/until.js";

const FUNCTIONS = fileURLToPath(new URL("./fixtures/faults", import.meta.url));

let home: string;
before(async () => {
  home = await mkdtemp(join(tmpdir(), "podfn-home-"));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

const call = (url: string, kind: string) => fetch(`${url}/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind }) });

test("a floating rejection is logged with its stack and the server goes on; an uncaught throw drains, exits 1 and says why in the termination message", async () => {
  const terminationLog = join(home, "termination-log");
  await writeFile(terminationLog, "");
  const serve = startPodfn(["serve", "--port", "0", "--functions", FUNCTIONS, "--cluster", "emulated", "--termination-log", terminationLog], { HOME: home }, { cwd: home });
  let stdout = "";
  serve.child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => serve.child.once("close", resolve));
  try {
    const url = (await serve.waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/))[1]!;
    assert.equal((await call(url, "rejection")).status, 200);
    await until(() => stdout.includes("floating rejection"));
    const line = stdout.split("\n").find((l) => l.includes("floating rejection"))!;
    assert.match(JSON.parse(line).msg, /a promise was rejected and nothing handled it/);
    assert.match(JSON.parse(line).err.stack, /faults\.ts/);
    assert.equal((await fetch(`${url}/healthz`)).status, 200, "still serving");

    assert.equal((await call(url, "throw")).status, 200);
    assert.equal(await exited, 1);
    const messages = stdout.trim().split("\n").map((l) => JSON.parse(l) as { msg: string });
    const fault = messages.findIndex((m) => m.msg === "uncaught exception outside any call: shutting down gracefully");
    assert.ok(fault >= 0, stdout);
    assert.ok(messages.findIndex((m) => m.msg === "shutting down: draining calls in flight") > fault);
    assert.equal(messages.at(-1)!.msg, "shut down");
    assert.match(await readFile(terminationLog, "utf8"), /^podfn serve stopped: an exception nothing handled: /);
  } finally {
    serve.child.kill("SIGKILL");
  }
});
