/**
 * `podfn serve` with a mistake in its configuration says what to change, once, and exits 2:
 * no stack trace in its log line, and a host it cannot listen on is named as the --host option.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runPodfn } from "../e2e/helpers/processes.js";

const FUNCTIONS = fileURLToPath(new URL("../../functions", import.meta.url));

test("a functions folder that is not there: exit 2, one plain log line and message, no stack", async () => {
  const home = await mkdtemp(join(tmpdir(), "podfn-serve-config-"));
  try {
    const { code, output } = await runPodfn(["serve", "--functions", "nope", "--port", "0"], { HOME: home }, { cwd: home });
    assert.equal(code, 2);
    assert.match(output, /"code":"load_failed","msg":"podfn serve failed: cannot load functions/);
    assert.match(output, /^podfn: cannot load functions:\n {2}- nope: the functions folder does not exist \(set --functions or PODFN_FUNCTIONS\)$/m);
    assert.doesNotMatch(output, /"stack"|\n\s+at /);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test("a --host that names no address: exit 2, naming --host", async () => {
  const home = await mkdtemp(join(tmpdir(), "podfn-serve-config-"));
  try {
    const { code, output } = await runPodfn(["serve", "--functions", FUNCTIONS, "--host", "no-such-host.invalid", "--port", "0", "--cluster", "emulated"], { HOME: home }, { cwd: home });
    assert.equal(code, 2);
    assert.match(output, /podfn: --host \/ HOST no-such-host\.invalid could not be resolved to an address \((ENOTFOUND|EAI_AGAIN)\)/);
    assert.doesNotMatch(output, /"stack"/);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
