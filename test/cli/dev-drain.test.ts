/**
 * `podfn dev` drains calls in flight for at most 2 s when it reloads (a swap of servers), but
 * for `--drain-timeout-ms` on a stop signal, as `serve` does: the option is not capped.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startPodfn } from "../e2e/helpers/processes.js";

// Inside the package (git-ignored) so `import "podfn"` resolves as in a user's project.
const TMP = fileURLToPath(new URL("../.tmp/", import.meta.url));

const hello = (version: string) => `import { defineFunction } from "podfn";
export default defineFunction({ name: "hello", http: { method: "GET", auth: "none" }, handler: () => ({ version: ${version} }) });
`;

test("a reload drains for at most 2 s; SIGTERM drains for --drain-timeout-ms", async () => {
  await mkdir(TMP, { recursive: true });
  const dir = await mkdtemp(join(TMP, "dev-drain-"));
  const home = await mkdtemp(join(tmpdir(), "podfn-home-"));
  await writeFile(join(dir, "hello.ts"), hello("1"));
  const dev = startPodfn(["dev", "--port", "0", "--functions", dir, "--drain-timeout-ms", "10000"], { HOME: home }, { cwd: home });
  try {
    await dev.waitFor(/watching for changes/);
    // The folder's watch is set up asynchronously (Node's recursive fs.watch on Linux): an edit
    // made at once can go unseen, so the edit is made again until it reloads.
    const deadline = Date.now() + 30_000;
    for (let version = 2; !/draining calls in flight .*drainTimeoutMs=2000/.test(dev.output()); version++) {
      assert.ok(Date.now() < deadline, `no reload within 30 s:\n${dev.output()}`);
      await writeFile(join(dir, "hello.ts"), hello(String(version)));
      const waitUntil = Date.now() + 1000;
      while (Date.now() < waitUntil && !/draining calls in flight/.test(dev.output())) await new Promise((r) => setTimeout(r, 25));
    }
    await dev.waitFor(/draining calls in flight[\s\S]*watching for changes/);
    await dev.stop();
    const drains = [...dev.output().matchAll(/draining calls in flight .*drainTimeoutMs=(\d+)/g)].map((m) => Number(m[1]));
    // One reload or more (an edit made again may reload twice), then the stop.
    assert.deepEqual(drains.slice(0, -1).filter((ms) => ms !== 2000), [], dev.output());
    assert.ok(drains.length >= 2, dev.output());
    assert.equal(drains.at(-1), 10000, dev.output());
  } finally {
    await dev.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  }
});
