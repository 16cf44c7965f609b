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
    await writeFile(join(dir, "hello.ts"), hello("2"));
    await dev.waitFor(/draining calls in flight .*drainTimeoutMs=2000/);
    await dev.waitFor(/watching for changes[\s\S]*watching for changes/);
    await dev.stop();
    const drains = [...dev.output().matchAll(/draining calls in flight .*drainTimeoutMs=(\d+)/g)].map((m) => Number(m[1]));
    assert.deepEqual(drains, [2000, 10000], dev.output());
  } finally {
    await dev.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  }
});
