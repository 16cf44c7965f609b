/**
 * `podfn dev`'s watch of the functions folder (FolderChanges): a watcher that fails reading a
 * folder removed under it (Node's recursive watcher on Linux: its scandir's ENOENT) is no
 * failure of the watch — the folder is watched again once it is there, and that counts as a
 * change; another watcher error (the watch limit) is told, and the running version stays.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FSWatcher } from "node:fs";
import { FolderChanges } from "../../runtime/commands/dev-changes.js";
import type { Logger } from "../../runtime/log.js";

/** Watchers handed out, newest last; each can be made to fail. */
function fakeWatchers() {
  const made: (EventEmitter & { closed: boolean })[] = [];
  const watchFolder = () => {
    const w = Object.assign(new EventEmitter(), { closed: false, close() { w.closed = true; } });
    made.push(w);
    return w as unknown as FSWatcher;
  };
  return { made, watchFolder };
}

function recordingLogger() {
  const errors: string[] = [];
  const logger = { error: (_: unknown, msg: string) => errors.push(msg), warn() {}, info() {}, debug() {} } as unknown as Logger;
  return { errors, logger };
}

/** Resolves once `changes` saw a change after `since`, or rejects after `ms`. */
async function changed(changes: FolderChanges, since: number, ms: number): Promise<void> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), ms);
  await changes.after(since, deadline.signal);
  clearTimeout(timer);
  if (deadline.signal.aborted) throw new Error(`no change within ${ms} ms`);
}

test("a watcher failing on a folder removed under it (ENOENT) watches again once the folder is there, counted as a change", async () => {
  const dir = await mkdtemp(join(tmpdir(), "podfn-dev-changes-"));
  const { made, watchFolder } = fakeWatchers();
  const { errors, logger } = recordingLogger();
  const changes = new FolderChanges(dir, logger, watchFolder);
  try {
    assert.equal(made.length, 1);
    made[0]!.emit("error", Object.assign(new Error(`ENOENT: no such file or directory, scandir '${dir}/gone'`), { code: "ENOENT" }));
    await changed(changes, 0, 5000);
    assert.ok(made.length >= 2 && !made.at(-1)!.closed, "a new watcher, open");
    assert.ok(made[0]!.closed, "the failed one closed");
    assert.deepEqual(errors, [], "no failure told");
  } finally {
    changes.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test("another watcher error (the watch limit) is told, and no new watcher is made", async () => {
  const dir = await mkdtemp(join(tmpdir(), "podfn-dev-changes-"));
  const { made, watchFolder } = fakeWatchers();
  const { errors, logger } = recordingLogger();
  const changes = new FolderChanges(dir, logger, watchFolder);
  try {
    made[0]!.emit("error", Object.assign(new Error("ENOSPC: System limit for number of file watchers reached"), { code: "ENOSPC" }));
    assert.deepEqual(errors, ["cannot watch the functions folder any more: the running version stays; restart podfn dev"]);
    assert.ok(made[0]!.closed);
    assert.equal(made.length, 1);
  } finally {
    changes.close();
    await rm(dir, { recursive: true, force: true });
  }
});
