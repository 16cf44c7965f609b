/**
 * `podfn run` (a CronJob's pod) with a handler that leaves a rejection nothing handles, or whose
 * callback throws: the run fails (exit 1; at once for an exception, not at its timeout), and the
 * fault is logged through the censoring logger, never printed whole by Node (an axios-like error
 * carries its request's Authorization header), even once the run has ended, from the moment its
 * guard goes. A real process: the test runner would take the fault as the test's own failure.
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
  assert.ok(!lines.some((l) => l.msg === "run succeeded"), "a failed run never says it succeeded first");
});

test("an exception thrown by a callback of the handler's work ends the run at once (exit 1), not at its timeout, logged once, censored", { timeout: 30_000 }, async () => {
  const started = performance.now();
  const { code, output } = await runPodfn(["run", "callback-throws", "--functions", FIXTURES], { HOME: "/nonexistent" });
  assert.equal(code, 1, output);
  assert.ok(performance.now() - started < 20_000, "not the handler's 60 s timeout");
  assert.ok(!output.includes("ghp_CallbackThrowsToken0123456789"), output);
  const lines = output.split("\n").filter((l) => l.startsWith('{"level"')).map((l) => JSON.parse(l) as Record<string, any>);
  // Its stack logged once, as it happened, saying the run ends (not a server's "shutting down
  // gracefully"); the run's failure line names it without repeating it.
  const whole = lines.filter((l) => l.err?.message === "callback blew up");
  assert.equal(whole.length, 1, output);
  assert.equal(whole[0]!.msg, "uncaught exception outside the handler's awaited work: the run ends, failed");
  assert.equal(whole[0]!.err.headers.Authorization, "[redacted]", output);
  assert.ok(lines.some((l) => l.exitCode === 1 && String(l.msg).includes("callback blew up") && /an exception nothing handled/.test(String(l.msg)) && l.err === undefined), output);
  assert.ok(!output.includes("shutting down gracefully"), output);
});

test("an exception thrown after the run's result (a timer of onShutdown) is logged with its stack and fails the run", { timeout: 30_000 }, async () => {
  const { code, output } = await runPodfn(["run", "throws-in-on-shutdown", "--functions", FIXTURES], { HOME: "/nonexistent" });
  assert.equal(code, 1, output);
  const lines = output.split("\n").filter((l) => l.startsWith('{"level"')).map((l) => JSON.parse(l) as Record<string, any>);
  const fault = lines.find((l) => l.err?.message === "thrown by a timer of onShutdown");
  assert.ok(fault, output);
  assert.match(String(fault.err.stack), /throws-in-on-shutdown/);
  assert.ok(lines.some((l) => l.msg === "the run failed: its work left a rejection or an exception nothing handled" && l.exitCode === 1), output);
  assert.ok(!lines.some((l) => l.msg === "run succeeded"), output);
});

test("an onShutdown that never settles is left after --drain-timeout-ms (at most 5 s): the run still exits 0, saying so (it hung until the Job's deadline)", { timeout: 30_000 }, async () => {
  const { code, output } = await runPodfn(["run", "hangs-in-on-shutdown", "--functions", FIXTURES, "--drain-timeout-ms", "300"], { HOME: "/nonexistent" });
  assert.equal(code, 0, output);
  assert.match(output, /^\{"done":true\}$/m);
  const lines = output.split("\n").filter((l) => l.startsWith('{"level"')).map((l) => JSON.parse(l) as Record<string, any>);
  assert.ok(lines.some((l) => l.msg === "onShutdown did not finish within 300 ms: exiting without waiting for it" && l.fn === "hangs-in-on-shutdown"), output);
  assert.ok(lines.some((l) => l.msg === "run succeeded"), output);
});

test("an exception thrown once the run has ended (its guard removed) is logged censored, not printed by Node, and the process exits 1", { timeout: 30_000 }, async () => {
  const { code, output } = await runPodfn(["run", "throws-after-result", "--functions", FIXTURES], { HOME: "/nonexistent" });
  assert.equal(code, 1, output);
  assert.match(output, /^\{"ok":true\}$/m);
  assert.ok(!output.includes("ghp_LateThrowToken0123456789"), output);
  assert.doesNotMatch(output, /\n\s+at /, "no stack printed by Node");
  const lines = output.split("\n").filter((l) => l.startsWith('{"level"')).map((l) => JSON.parse(l) as Record<string, any>);
  const late = lines.find((l) => l.err?.message === "thrown after the run answered");
  assert.ok(late, output);
  assert.equal(late.msg, "uncaught exception after the command ended: exit 1");
  assert.equal(late.err.headers.Authorization, "[redacted]");
});

test("an exception thrown in the first microtask after the run's guard is removed is logged censored by the after-command guard, in place before it went, and the process exits 1", { timeout: 30_000 }, async () => {
  const { code, output } = await runPodfn(["run", "throws-as-guard-removed", "--functions", FIXTURES], { HOME: "/nonexistent" });
  assert.equal(code, 1, output);
  assert.match(output, /^\{"ok":true\}$/m);
  assert.ok(!output.includes("ghp_GuardGoneToken0123456789"), output);
  assert.doesNotMatch(output, /\n\s+at /, "no stack printed by Node");
  const lines = output.split("\n").filter((l) => l.startsWith('{"level"')).map((l) => JSON.parse(l) as Record<string, any>);
  const late = lines.find((l) => l.err?.message === "thrown as the run's guard went");
  assert.ok(late, output);
  assert.equal(late.msg, "uncaught exception after the command ended: exit 1");
  assert.equal(late.err.headers.Authorization, "[redacted]");
});
