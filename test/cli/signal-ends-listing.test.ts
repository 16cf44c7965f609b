/**
 * `podfn list` and `podfn manifests` have nothing to wind down: the first SIGINT or SIGTERM ends
 * them (130/143), even while a module is still importing. Commands that wind down (serve, run)
 * get the signal as their abort signal instead (their own tests).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPodfn } from "../e2e/helpers/processes.js";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "podfn-slow-"));
  // Says it is importing, then takes a minute: the signal must not wait for it.
  await writeFile(join(dir, "slow.mjs"), `process.stderr.write("importing slow\\n");\nawait new Promise((resolve) => setTimeout(resolve, 60_000));\nexport default {};\n`);
});
after(() => rm(dir, { recursive: true, force: true }));

for (const [command, signal, code] of [["list", "SIGINT", 130], ["manifests", "SIGTERM", 143]] as const) {
  test(`podfn ${command} ends at the first ${signal} (${code})`, { timeout: 20_000 }, async () => {
    const p = startPodfn([command, "--functions", dir, ...(command === "manifests" ? ["--out", join(dir, "out")] : [])], { HOME: dir });
    await p.waitFor(/importing slow/);
    const exited = new Promise<number | null>((resolve) => p.child.once("exit", (c) => resolve(c)));
    p.child.kill(signal);
    assert.equal(await exited, code);
  });
}
