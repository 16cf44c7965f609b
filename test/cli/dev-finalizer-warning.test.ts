/**
 * `podfn dev` against a real cluster (here the emulator, reached through a kubeconfig with
 * `--cluster real`) warns about each watch that keeps a finalizer: once the developer's process
 * stops, deleting an object it marked waits. On the embedded emulated cluster it says nothing.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startCluster, type Cluster } from "../../runtime/testing/index.js";
import { startPodfn } from "../e2e/helpers/processes.js";

// The functions live inside the package (git-ignored) so `import "podfn"` resolves as in a user's project.
const TMP = fileURLToPath(new URL("../.tmp/", import.meta.url));
const WATCH = `import { defineFunction } from "podfn";
export default defineFunction({ name: "cleanup", watch: { resource: "configmaps", finalizer: "ops.example.com/cleanup" }, handler() {} });
`;

let cluster: Cluster;
let home: string;
let dir: string;

before(async () => {
  await mkdir(TMP, { recursive: true });
  dir = await mkdtemp(join(TMP, "dev-finalizer-"));
  await writeFile(join(dir, "cleanup.ts"), WATCH);
  home = await mkdtemp(join(tmpdir(), "podfn-home-"));
  cluster = await startCluster();
  await writeFile(join(home, "kubeconfig"), cluster.kubeconfig(), { mode: 0o600 });
});

after(async () => {
  await cluster?.stop();
  await rm(dir, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

const WARNING = /WARN +cleanup's watch configmaps keeps the finalizer ops\.example\.com\/cleanup on the objects it sees in this cluster: once this process stops, deleting one waits/;

test("podfn dev on a real cluster warns about a watch's finalizer", async () => {
  const dev = startPodfn(["dev", "--port", "0", "--functions", dir, "--cluster", "real", "--kubeconfig", join(home, "kubeconfig"), "--namespace", "default"], { HOME: home }, { cwd: home });
  try {
    await dev.waitFor(WARNING);
  } finally {
    await dev.stop();
  }
});

test("podfn dev on the embedded emulated cluster does not", async () => {
  const dev = startPodfn(["dev", "--port", "0", "--functions", dir, "--cluster", "emulated"], { HOME: home }, { cwd: home });
  try {
    await dev.waitFor(/watching configmaps for cleanup/);
    assert.doesNotMatch(dev.output(), /keeps the finalizer/);
  } finally {
    await dev.stop();
  }
});
