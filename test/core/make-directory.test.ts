/**
 * makeDirectory (runtime/make-directory.ts) is `mkdir -p` that settles where Node 20's recursive
 * mkdir spins forever: under /proc, through a dangling symlink.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeDirectory } from "../../runtime/make-directory.js";

async function inTemp(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "podfn-mkdir-"));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("missing parents are made, with the mode given; an existing folder is fine", () =>
  inTemp(async (dir) => {
    const deep = join(dir, "a", "b", "c");
    await makeDirectory(deep, 0o700);
    assert.ok((await stat(deep)).isDirectory());
    assert.equal((await stat(join(dir, "a"))).mode & 0o777, 0o700);
    await makeDirectory(deep);
  }));

test("a file in the way is its EEXIST or ENOTDIR, not a hang", () =>
  inTemp(async (dir) => {
    await writeFile(join(dir, "file"), "");
    await assert.rejects(makeDirectory(join(dir, "file")), { code: "EEXIST" });
    await assert.rejects(makeDirectory(join(dir, "file", "sub")), { code: "ENOTDIR" });
  }));

test("through a dangling symlink, or under /proc, it rejects with ENOENT where Node's recursive mkdir never settles", { timeout: 10_000 }, () =>
  inTemp(async (dir) => {
    await symlink(join(dir, "gone"), join(dir, "dangling"));
    await assert.rejects(makeDirectory(join(dir, "dangling", "out", "deeper")), { code: "ENOENT" });
    if (existsSync("/proc/self")) await assert.rejects(makeDirectory("/proc/podfn-nowhere/out"), { code: "ENOENT" });
  }));
