/**
 * The local emulated cluster's admin kubeconfig: written as `admin.kubeconfig` unless another
 * living podfn process holds that name (then as `admin-<pid>.kubeconfig`), and a one-off
 * `podfn run` writes none (its cluster ends with it).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeAdminKubeconfig } from "../../runtime/admin-kubeconfig.js";
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

test("the first process takes admin.kubeconfig, records itself, and gives the name up on release", () =>
  withDir(async (dir) => {
    const admin = await writeAdminKubeconfig(join(dir, "state"), "kubeconfig of this process");
    assert.equal(admin.path, join(dir, "state", "admin.kubeconfig"));
    assert.equal(await readFile(admin.path, "utf8"), "kubeconfig of this process");
    assert.equal((await readFile(join(dir, "state", "admin.kubeconfig.pid"), "utf8")).trim(), String(process.pid));
    await admin.release();
    assert.equal(existsSync(join(dir, "state", "admin.kubeconfig.pid")), false);
  }));

test("while another living process holds admin.kubeconfig, a second one writes admin-<pid>.kubeconfig and leaves it alone", () =>
  withDir(async (dir) => {
    await writeFile(join(dir, "admin.kubeconfig"), "the other process's cluster");
    // The test runner's parent: a process that certainly lives.
    await writeFile(join(dir, "admin.kubeconfig.pid"), `${process.ppid}\n`);
    const admin = await writeAdminKubeconfig(dir, "kubeconfig of this process");
    assert.equal(admin.path, join(dir, `admin-${process.pid}.kubeconfig`));
    assert.equal(await readFile(join(dir, "admin.kubeconfig"), "utf8"), "the other process's cluster");
    await admin.release();
    assert.equal(existsSync(admin.path), false);
    assert.equal((await readFile(join(dir, "admin.kubeconfig.pid"), "utf8")).trim(), String(process.ppid));
  }));

test("a holder that has exited leaves the name to the next process", () =>
  withDir(async (dir) => {
    const exited = spawnSync(process.execPath, ["-e", ""]).pid!;
    await writeFile(join(dir, "admin.kubeconfig"), "a stopped cluster");
    await writeFile(join(dir, "admin.kubeconfig.pid"), `${exited}\n`);
    const admin = await writeAdminKubeconfig(dir, "kubeconfig of this process");
    assert.equal(admin.path, join(dir, "admin.kubeconfig"));
    assert.equal(await readFile(admin.path, "utf8"), "kubeconfig of this process");
    await admin.release();
  }));

test("podfn run on the embedded emulated cluster writes no kubeconfig: its cluster ends with the run", () =>
  withDir(async (dir) => {
    const state = join(dir, "state");
    await mkdir(state);
    await writeFile(join(state, "admin.kubeconfig"), "a running server's kubeconfig");
    let stderr = "";
    const code = await runCommand.run({
      argv: ["echo", "--functions", FIXTURES, "--cluster", "emulated", "--state-dir", state],
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
