/**
 * `podfn/testing`'s `startHarness()`: secret names are Secret names, checked before anything
 * starts (a name like `../x` would have been written outside the harness's secrets folder), and
 * a start that fails part way stops what it started (the emulated cluster's server, its clients)
 * before it rejects, so a failed `before()` leaves no server holding the process open.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHarness, until } from "../../runtime/testing/index.js";

/** The servers listening in this process (the emulated cluster's among them). */
const servers = () => process.getActiveResourcesInfo().filter((r) => r === "TCPServerWrap").length;

test("a secret name that is no Secret name is refused before the cluster starts, naming it", async () => {
  const before = servers();
  for (const name of ["../podfn-harness-escaped", "a/b", "Upper_Case", "", "."]) {
    await assert.rejects(startHarness({ secrets: { [name]: "x" } }), (e: Error & { code?: string }) => {
      assert.equal(e.code, "config_invalid");
      assert.ok(e.message.includes(`startHarness({ secrets }): ${JSON.stringify(name)} is not a Secret name`), e.message);
      return true;
    });
  }
  assert.equal(existsSync(join(tmpdir(), "podfn-harness-escaped")), false, "nothing written outside the secrets folder");
  assert.equal(servers(), before, "no server started");
});

test("a start that fails after the cluster started stops it before rejecting", async () => {
  const before = servers();
  const saved = process.env.TMPDIR;
  // The secrets folder cannot be made: the cluster is up by then.
  process.env.TMPDIR = join(tmpdir(), "podfn-no-such-folder", "deeper");
  try {
    await assert.rejects(startHarness(), { code: "ENOENT" });
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  // A closed server's handle goes at the loop's next turn.
  await until(() => servers() === before, "no server left running", 2000);
});
