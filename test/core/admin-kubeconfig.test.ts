/**
 * The local emulated cluster's admin kubeconfig: written as `admin.kubeconfig` unless the
 * cluster an existing one names still answers (then as `admin-<pid>.kubeconfig`), and a one-off
 * `podfn run` writes none (its cluster ends with it).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeLocalClusterFiles } from "../../runtime/admin-kubeconfig.js";
import { runCommand } from "../../runtime/commands/run.js";

const FIXTURES = new URL("../cron/fixtures/", import.meta.url).pathname;

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "podfn-admin-kubeconfig-"));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A kubeconfig as the emulated cluster writes it, naming `server`. */
const kubeconfigFor = (server: string) => `apiVersion: v1\nkind: Config\nclusters:\n  - name: podfn\n    cluster:\n      server: ${server}\n`;

test("with no admin.kubeconfig yet, a process writes admin.kubeconfig and ca.crt, and leaves them on release", () =>
  withDir(async (dir) => {
    const files = await writeLocalClusterFiles(join(dir, "state"), { kubeconfig: "kubeconfig of this process", caPem: "CA", server: "https://127.0.0.1:1" });
    assert.equal(files.kubeconfig, join(dir, "state", "admin.kubeconfig"));
    assert.equal(files.ca, join(dir, "state", "ca.crt"));
    assert.equal(await readFile(files.kubeconfig, "utf8"), "kubeconfig of this process");
    await files.release();
    assert.equal(existsSync(files.kubeconfig), true);
  }));

test("while the cluster admin.kubeconfig names answers, another process writes admin-<pid>.kubeconfig and ca-<pid>.crt and leaves the shared ones alone", () =>
  withDir(async (dir) => {
    const living = createServer().listen(0, "127.0.0.1");
    await once(living, "listening");
    try {
      const shared = kubeconfigFor(`https://127.0.0.1:${(living.address() as AddressInfo).port}`);
      await writeFile(join(dir, "admin.kubeconfig"), shared);
      await writeFile(join(dir, "ca.crt"), "the living cluster's CA");
      const files = await writeLocalClusterFiles(dir, { kubeconfig: "kubeconfig of this process", caPem: "CA", server: "https://127.0.0.1:1" });
      assert.equal(files.kubeconfig, join(dir, `admin-${process.pid}.kubeconfig`));
      assert.equal(files.ca, join(dir, `ca-${process.pid}.crt`));
      assert.equal(await readFile(join(dir, "admin.kubeconfig"), "utf8"), shared);
      assert.equal(await readFile(join(dir, "ca.crt"), "utf8"), "the living cluster's CA");
      await files.release();
      assert.equal(existsSync(files.kubeconfig), false);
      assert.equal(existsSync(files.ca!), false);
    } finally {
      living.close();
    }
  }));

test("an admin.kubeconfig naming a cluster that no longer answers (its process died, however) is replaced", () =>
  withDir(async (dir) => {
    const gone = createServer().listen(0, "127.0.0.1");
    await once(gone, "listening");
    const port = (gone.address() as AddressInfo).port;
    await new Promise((resolve) => gone.close(resolve));
    await writeFile(join(dir, "admin.kubeconfig"), kubeconfigFor(`https://127.0.0.1:${port}`));
    const files = await writeLocalClusterFiles(dir, { kubeconfig: "kubeconfig of this process", server: "https://127.0.0.1:1" });
    assert.equal(files.kubeconfig, join(dir, "admin.kubeconfig"));
    assert.equal(await readFile(files.kubeconfig, "utf8"), "kubeconfig of this process");
  }));

test("a cluster restarted on the same port takes admin.kubeconfig back from its dead predecessor (the address answers: it is its own)", () =>
  withDir(async (dir) => {
    const self = createServer().listen(0, "127.0.0.1");
    await once(self, "listening");
    try {
      const server = `https://127.0.0.1:${(self.address() as AddressInfo).port}`;
      await writeFile(join(dir, "admin.kubeconfig"), kubeconfigFor(server));
      const files = await writeLocalClusterFiles(dir, { kubeconfig: "the restarted cluster's kubeconfig", caPem: "new CA", server });
      assert.equal(files.kubeconfig, join(dir, "admin.kubeconfig"));
      assert.equal(await readFile(join(dir, "ca.crt"), "utf8"), "new CA");
    } finally {
      self.close();
    }
  }));

test("an admin.kubeconfig left readable by others is rewritten owner-only: it holds a live admin token", () =>
  withDir(async (dir) => {
    const state = join(dir, "state");
    await mkdir(state);
    await writeFile(join(state, "admin.kubeconfig"), kubeconfigFor("https://127.0.0.1:1"), { mode: 0o644 });
    await chmod(join(state, "admin.kubeconfig"), 0o644);
    const files = await writeLocalClusterFiles(state, { kubeconfig: "token: new", server: "https://127.0.0.1:1" });
    assert.equal((await stat(files.kubeconfig)).mode & 0o777, 0o600);
  }));

test("podfn run on the embedded emulated cluster writes no kubeconfig: its cluster ends with the run", () =>
  withDir(async (dir) => {
    // Where serve and dev would write it (run takes no --state-dir: it writes nothing there).
    const state = join(dir, ".podfn/cluster");
    await mkdir(state, { recursive: true });
    await writeFile(join(state, "admin.kubeconfig"), "a running server's kubeconfig");
    let stderr = "";
    const code = await runCommand.run({
      // A function that calls the API (one that does not runs with no cluster at all).
      argv: ["configmap-writer", "--functions", FIXTURES, "--cluster", "emulated"],
      env: { LOG_LEVEL: "info" },
      cwd: dir,
      stdout: () => {},
      stderr: (t) => void (stderr += t),
      signal: new AbortController().signal,
    });
    assert.equal(code, 0, stderr);
    assert.equal(await readFile(join(state, "admin.kubeconfig"), "utf8"), "a running server's kubeconfig");
    assert.match(stderr, /embedded emulated cluster \(it ends with this run\)/);
    assert.doesNotMatch(stderr, /inspect it with/);
  }));

test("a state folder that cannot be made (a file in the way, a path under /proc) is a configuration error naming --state-dir and why, not a bare errno", () =>
  withDir(async (dir) => {
    await writeFile(join(dir, "taken"), "a file");
    const cases: [string, RegExp][] = [
      [join(dir, "taken"), /^--state-dir .*taken: cannot write the emulated cluster's admin kubeconfig there \(a file is in the way of the folder: .*taken\)$/],
      ["/proc/podfn-no-such-folder/state", /^--state-dir \/proc\/podfn-no-such-folder\/state: cannot write the emulated cluster's admin kubeconfig there \(a folder cannot be made there: \/proc\/podfn-no-such-folder\)$/],
    ];
    for (const [stateDir, message] of cases) {
      await assert.rejects(writeLocalClusterFiles(stateDir, { kubeconfig: "k", caPem: "CA", server: "https://127.0.0.1:1" }), (error: Error & { code?: string }) => {
        assert.equal(error.code, "config_invalid");
        assert.match(error.message, message);
        return true;
      });
    }
  }));
