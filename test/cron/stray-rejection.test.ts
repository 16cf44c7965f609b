/**
 * `podfn run` (a CronJob's pod) with a handler that leaves a rejection nothing handles: the run
 * fails (exit 1), and the rejection is logged through the censoring logger, never printed whole
 * by Node (an axios-like error carries its request's Authorization header). A real process:
 * the test runner would take the rejection as the test's own failure.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runPodfn } from "../e2e/helpers/processes.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

test("a rejection the handler left unhandled fails the run (exit 1) and is logged censored", { timeout: 30_000 }, async () => {
  const { code, output } = await runPodfn(["run", "stray-rejection", "--functions", FIXTURES], { HOME: "/nonexistent" });
  assert.equal(code, 1, output);
  assert.ok(!output.includes("ghp_StrayRejectionToken0123456789"), output);
  const lines = output.split("\n").filter((l) => l.startsWith('{"level"')).map((l) => JSON.parse(l) as Record<string, any>);
  const stray = lines.find((l) => String(l.msg).startsWith("a promise was rejected and nothing handled it"));
  assert.ok(stray, output);
  assert.equal(stray.err.config.headers.Authorization, "[redacted]");
  assert.ok(lines.some((l) => l.msg === "the run failed: its work left a rejection or an exception nothing handled" && l.exitCode === 1), output);
});
