import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile, mkdtemp, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRunCommand, runCommand } from "../../runtime/commands/run.js";
import type { CommandIO } from "../../runtime/commands/types.js";
import { fakeKube, type FakeKubeOptions } from "./fake-kube.js";
import { state as waiting } from "./fixtures/wait-for-signal.js";
import { state as ignoring } from "./fixtures/ignores-signal.js";
import { state as slowCleanup } from "./fixtures/slow-cleanup.js";
import { state as slowCheck } from "./fixtures/slow-input-check.js";

const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  logs: Record<string, unknown>[];
  fake: ReturnType<typeof fakeKube>;
}

async function run(argv: string[], options: FakeKubeOptions & { signal?: AbortSignal; cwd?: string } = {}): Promise<Outcome> {
  const fake = fakeKube(options);
  let stdout = "";
  let stderr = "";
  const io: CommandIO = {
    argv: [...argv, "--functions", FIXTURES],
    env: { LOG_LEVEL: "info" },
    cwd: options.cwd ?? process.cwd(),
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    signal: options.signal ?? new AbortController().signal,
  };
  const command = createRunCommand({ connect: async () => ({ kube: fake.kube, emulated: true, close: fake.kube.close }) });
  const code = await command.run(io);
  const logs = stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, stdout, stderr, logs, fake };
}

test("exit 0: the result is one JSON line on stdout and the logs are JSON on stderr", async () => {
  const out = await run(["echo", "--input", '{"who":"ann","count":2}']);
  assert.equal(out.code, 0);
  assert.equal(out.stdout, '{"hello":"ann","count":2,"trigger":{"type":"run"},"dryRun":false}\n');
  assert.ok(out.logs.some((l) => l.msg === "run succeeded" && l.exitCode === 0 && l.outcome === "succeeded" && typeof l.durationMs === "number"));
  assert.equal(out.fake.closed, true);
});

test("--schedule runs as that schedule: its input is the default and the trigger names it", async () => {
  const out = await run(["echo", "--schedule", "hourly"]);
  assert.equal(out.code, 0);
  assert.deepEqual(JSON.parse(out.stdout), { hello: "schedule", count: null, trigger: { type: "schedule", schedule: "hourly" }, dryRun: false });
  const overridden = await run(["echo", "--schedule", "hourly", "--input", '{"who":"flag"}']);
  assert.equal(JSON.parse(overridden.stdout).hello, "flag");
});

test("--input-file reads the input from a file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "podfn-run-"));
  try {
    await writeFile(join(dir, "in.json"), '{"who":"file"}');
    const out = await run(["echo", "--input-file", "in.json"], { cwd: dir });
    assert.equal(out.code, 0);
    assert.equal(JSON.parse(out.stdout).hello, "file");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("--dry-run: the handler sees dryRun and its writes go out as dry runs", async () => {
  const out = await run(["echo", "--dry-run", "--input", '{"write":true}']);
  assert.equal(out.code, 0);
  assert.equal(JSON.parse(out.stdout).dryRun, true);
  assert.deepEqual(out.fake.calls, [{ verb: "create", name: "echo", dryRun: true }]);
});

test("exit 1: the handler threw; nothing on stdout, the error logged with its stack", async () => {
  const out = await run(["fail"]);
  assert.equal(out.code, 1);
  assert.equal(out.stdout, "");
  const line = out.logs.find((l) => l.exitCode === 1 && String(l.msg).includes("boom"));
  assert.match(String((line?.err as { stack?: string } | undefined)?.stack), /Error: boom\n\s+at .*fail\.ts/, "the stack names the handler's file");
});

test("exit 1: a handler rejecting without a value (Promise.reject()) failed; it is not a success", async () => {
  const out = await run(["rejects-empty"]);
  assert.equal(out.code, 1);
  assert.equal(out.stdout, "");
  assert.ok(out.logs.some((l) => l.level === "error" && l.exitCode === 1 && l.msg === "the handler failed: it threw undefined (throw an Error to say why)"), JSON.stringify(out.logs));
});

test("exit 1: a result JSON cannot hold is a failure, not an empty success", async () => {
  const out = await run(["returns-function"]);
  assert.equal(out.code, 1);
  assert.equal(out.stdout, "");
  assert.ok(out.logs.some((l) => l.exitCode === 1 && l.code === "invalid_output" && /cannot be written as JSON \(a function\)/.test(String(l.msg))));
});

test("exit 1: a result JSON would write as {} (a Map, a Set) is a failure, as over HTTP, not a success that lost it", async () => {
  const map = await run(["returns-map"]);
  assert.equal(map.code, 1);
  assert.equal(map.stdout, "");
  assert.ok(map.logs.some((l) => l.exitCode === 1 && l.code === "invalid_output" && String(l.msg).includes("the result is a Map: send Object.fromEntries(map)")), JSON.stringify(map.logs));
  const set = await run(["returns-map", "--input", '{"set":true}']);
  assert.equal(set.code, 1);
  assert.ok(set.logs.some((l) => l.code === "invalid_output" && String(l.msg).includes("a Set")));
});

test("exit 1: a reply with a status >= 400 is a failure; below 400 its body is the result", async () => {
  assert.equal((await run(["replies", "--input", '{"status":409}'])).code, 1);
  const ok = await run(["replies", "--input", '{"status":202}']);
  assert.equal(ok.code, 0);
  assert.equal(ok.stdout, '{"status":202}\n');
  for (const status of ["99", "600", "200.5"]) {
    const bad = await run(["replies", "--input", `{"status":${status}}`]);
    if (status === "200.5") {
      assert.equal(bad.code, 2, "the fixture's schema refuses a fraction");
      continue;
    }
    assert.equal(bad.code, 1, status);
    assert.ok(bad.logs.some((l) => l.code === "invalid_reply" && String(l.msg).includes(`got ${status}`)), bad.stderr);
  }
});

test("input the schema refuses is refused before the cluster is connected (no emulated cluster started for it)", async () => {
  let connected = 0;
  const fake = fakeKube({});
  let stderr = "";
  const command = createRunCommand({
    connect: async () => {
      connected++;
      return { kube: fake.kube, emulated: true, close: fake.kube.close };
    },
  });
  const code = await command.run({ argv: ["echo", "--input", '{"count":"two"}', "--functions", FIXTURES], env: {}, cwd: process.cwd(), stdout: () => {}, stderr: (t) => void (stderr += t), signal: new AbortController().signal });
  assert.equal(code, 2);
  assert.equal(connected, 0);
  assert.match(stderr, /invalid input: count: /);
});

test("the input is parsed once per run: a transform runs once, and a schedule's input is copied before it", async () => {
  const given = await run(["mutating-input", "--input", '{"tags":[]}']);
  assert.equal(given.code, 0, given.stderr);
  assert.deepEqual(JSON.parse(given.stdout).tags, ["x"], "the transform ran once on the given input");
  const scheduled = await run(["mutating-input", "--schedule", "tagged"]);
  assert.deepEqual(JSON.parse(scheduled.stdout).tags, ["s", "x"]);
  const again = await run(["mutating-input", "--schedule", "tagged"]);
  assert.deepEqual(JSON.parse(again.stdout).tags, ["s", "x"], "the definition's own input was not changed by the run before");
});

test("exit 2: each kind of bad input or configuration names the field, flag or file", async () => {
  const cases: [string[], RegExp][] = [
    [["echo", "--input", '{"count":"two"}'], /count: /],
    [["echo", "--input", "{not json"], /--input: not valid JSON/],
    [["echo", "--input-file", "/nonexistent/in.json"], /--input-file \/nonexistent\/in.json: cannot read the file \(ENOENT\)/],
    [["echo", "--schedule", "nightly"], /--schedule: echo has no schedule named "nightly" \(its schedules: "hourly"\)/],
    [["no-such-function"], /no function named "no-such-function"/],
    [["echo", "--input", "{}", "--input-file", "x.json"], /--input and --input-file/],
    [["echo", "--drain-timeout-ms", "soon"], /--drain-timeout-ms/],
    [[], /give exactly one function name/],
    // An empty name (`podfn run "$FN"` with FN unset) names no function: it does not run the first one.
    [[""], /give exactly one function name/],
  ];
  for (const [argv, pattern] of cases) {
    const out = await run(argv);
    assert.equal(out.code, 2, argv.join(" "));
    const messages = [...out.logs.map((l) => String(l.msg)), ...out.stderr.split("\n").filter((l) => !l.startsWith("{"))].join("\n");
    assert.match(messages, pattern, argv.join(" "));
    assert.equal(out.stdout, "");
  }
});

test("exit 2: input that is not JSON is refused without its text: a file or flag holding a credential does not put it in the log", async () => {
  const dir = await mkdtemp(join(tmpdir(), "podfn-run-input-"));
  try {
    await writeFile(join(dir, "in.json"), '{"password": hunter2-not-json}');
    for (const argv of [["echo", "--input", "hunter2-not-json"], ["echo", "--input", '{"token": hunter2-not-json}'], ["echo", "--input-file", join(dir, "in.json")]]) {
      const out = await run(argv);
      assert.equal(out.code, 2, argv.join(" "));
      assert.match(out.stderr, /: not valid JSON: Unexpected token 'h'/, argv.join(" "));
      assert.doesNotMatch(out.stderr, /hunter2|password|token"/, argv.join(" "));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("exit 3: a 403 names the missing permission in the permissions form", async () => {
  const out = await run(["echo", "--input", '{"write":true}'], { forbidCreateAs: "system:serviceaccount:default:podfn-echo", namespace: "default" });
  assert.equal(out.code, 3);
  const line = out.logs.find((l) => l.exitCode === 3);
  assert.equal(line?.outcome, "forbidden");
  assert.match(String(line?.msg), /missing permission: \{ apiGroups: \[""\], resources: \["configmaps"\], verbs: \["create"\] \}/);
});

test("exit 4: the handler ran past its timeoutMs", async () => {
  const out = await run(["slow"]);
  assert.equal(out.code, 4);
  assert.ok(out.logs.some((l) => l.exitCode === 4 && String(l.msg).includes("did not finish within 20 ms")));
});

test("exit 4: a handler past its timeoutMs gets --drain-timeout-ms to clean up before the run ends (it was cut off at once)", async () => {
  slowCleanup.cleanedUp = false;
  const out = await run(["slow-cleanup"]);
  assert.equal(out.code, 4);
  assert.equal(slowCleanup.cleanedUp, true);
  slowCleanup.cleanedUp = false;
  const cut = await run(["slow-cleanup", "--drain-timeout-ms", "0"]);
  assert.equal(cut.code, 4);
  assert.equal(slowCleanup.cleanedUp, false);
  assert.ok(cut.logs.some((l) => /timed-out handler did not stop within the drain timeout/.test(String(l.msg))));
});

for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
  test(`exit ${code} on ${signal}: the handler's signal is aborted and it cleans up first`, async () => {
    Object.assign(waiting, { started: false, cleanedUp: false, reason: undefined });
    const controller = new AbortController();
    const pending = run(["wait-for-signal"], { signal: controller.signal });
    const deadline = Date.now() + 5000;
    while (!waiting.started && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    assert.equal(waiting.started, true);
    controller.abort(signal);
    const out = await pending;
    assert.equal(out.code, code);
    assert.equal(waiting.cleanedUp, true);
    assert.equal((waiting.reason as DOMException).name, "AbortError");
    assert.equal(out.stdout, "");
    const outcome = out.logs.find((l) => l.exitCode === code);
    assert.equal(outcome?.handler, "stopped", "it settled failing with its signal's reason");
    assert.equal(outcome?.outcome, "aborted");
    assert.equal(outcome?.err, undefined, "the abort itself is not logged as the handler's error");
  });
}

test("a stop signal before the handler starts (a slow start-up) exits 143 without starting it", async () => {
  Object.assign(waiting, { started: false, cleanedUp: false, reason: undefined });
  const controller = new AbortController();
  controller.abort("SIGTERM");
  const out = await run(["wait-for-signal"], { signal: controller.signal });
  assert.equal(out.code, 143);
  assert.equal(waiting.started, false, "the handler was not started");
  assert.ok(out.logs.some((l) => l.exitCode === 143 && /before wait-for-signal started/.test(String(l.msg))));
});

test("a stop signal while an asynchronous input check runs exits 143 at once, neither connecting nor starting the handler", async () => {
  Object.assign(slowCheck, { checking: false, handled: false });
  let connected = 0;
  const fake = fakeKube({});
  let stderr = "";
  const controller = new AbortController();
  const command = createRunCommand({
    connect: async () => {
      connected++;
      return { kube: fake.kube, emulated: true, close: fake.kube.close };
    },
  });
  const pending = command.run({ argv: ["slow-input-check", "--functions", FIXTURES], env: {}, cwd: process.cwd(), stdout: () => {}, stderr: (t) => void (stderr += t), signal: controller.signal });
  const deadline = Date.now() + 5000;
  while (!slowCheck.checking && Date.now() < deadline) await new Promise((r) => setImmediate(r));
  assert.equal(slowCheck.checking, true);
  controller.abort("SIGTERM");
  // The check never settles unless released: the run must not wait for it.
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([pending, new Promise((resolve) => (timer = setTimeout(resolve, 5000, "still running")))]);
  clearTimeout(timer);
  slowCheck.release(true);
  assert.equal(code, 143, stderr);
  assert.equal(connected, 0);
  assert.equal(slowCheck.handled, false);
  assert.match(stderr, /terminated \(SIGTERM\) before slow-input-check started/);
});

test("a handler that ignores the signal is abandoned after --drain-timeout-ms", async () => {
  ignoring.started = false;
  const controller = new AbortController();
  const pending = run(["ignores-signal", "--drain-timeout-ms", "0"], { signal: controller.signal });
  const deadline = Date.now() + 5000;
  while (!ignoring.started && Date.now() < deadline) await new Promise((r) => setImmediate(r));
  controller.abort("SIGTERM");
  const out = await pending;
  ignoring.release();
  assert.equal(out.code, 143);
  assert.ok(out.logs.some((l) => /did not stop within the drain timeout/.test(String(l.msg))));
  assert.equal(out.logs.find((l) => l.exitCode === 143)?.handler, "abandoned");
});

test("a handler that ignores SIGTERM but finishes within the drain is logged as completed, its result dropped (exit 143)", async () => {
  ignoring.started = false;
  const controller = new AbortController();
  const pending = run(["ignores-signal", "--drain-timeout-ms", "10000"], { signal: controller.signal });
  const deadline = Date.now() + 5000;
  while (!ignoring.started && Date.now() < deadline) await new Promise((r) => setImmediate(r));
  controller.abort("SIGTERM");
  // Released once the stop has been taken (the run waits for the drain by then).
  await new Promise((r) => setImmediate(r));
  ignoring.release();
  const out = await pending;
  assert.equal(out.code, 143);
  assert.equal(out.stdout, "");
  assert.equal(out.logs.find((l) => l.exitCode === 143)?.handler, "completed");
});

test("in a pod without a token, a function whose handler calls no API runs offline, whatever the Deployment does for it (Lease, TokenReview)", async () => {
  let stdout = "";
  let stderr = "";
  const io: CommandIO = {
    argv: ["tick-and-serve", "--schedule", "hourly", "--functions", FIXTURES],
    env: { KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443", PODFN_SERVICEACCOUNT_DIR: "/nonexistent/podfn-sa", HOME: "/nonexistent/podfn-home" },
    cwd: process.cwd(),
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    signal: new AbortController().signal,
  };
  assert.equal(await runCommand.run(io), 0, stderr);
  assert.deepEqual(JSON.parse(stdout), { ticked: true });
});

test("in a pod generated without a token (no declared permissions), the function runs offline", async () => {
  let stdout = "";
  const io: CommandIO = {
    argv: ["echo", "--functions", FIXTURES],
    // In a pod whose token is not mounted: connectCluster itself decides to run offline.
    env: { KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443", PODFN_NAMESPACE: "ops", PODFN_SERVICEACCOUNT_DIR: "/nonexistent/podfn-sa", HOME: "/nonexistent/podfn-home" },
    cwd: process.cwd(),
    stdout: (t) => void (stdout += t),
    stderr: () => {},
    signal: new AbortController().signal,
  };
  assert.equal(await runCommand.run(io), 0);
  assert.equal(JSON.parse(stdout).hello, "world");
  let stderr = "";
  const writes = await runCommand.run({ ...io, argv: ["echo", "--input", '{"write":true}', "--functions", FIXTURES], stderr: (t) => void (stderr += t) });
  assert.equal(writes, 1);
  assert.match(stderr, /declares no permissions, so its pod has no ServiceAccount token/);
  const withPermissions = await runCommand.run({ ...io, argv: ["configmap-writer", "--functions", FIXTURES] });
  assert.equal(withPermissions, 2, "a function that needs the API still fails without credentials");
});

test("a function only its watches call runs once with a warning saying so; others run without it", async () => {
  const out = await run(["watch-only"]);
  assert.equal(out.code, 0);
  assert.equal(out.stdout, '{"trigger":"run"}\n');
  assert.ok(out.logs.some((l) => l.level === "warn" && String(l.msg).startsWith("watch-only is called by its watches only")), out.stderr);
  const echo = await run(["echo"]);
  assert.ok(!echo.logs.some((l) => l.level === "warn"), echo.stderr);
});

test("the run's outcome line carries the run's requestId, the one its handler's lines carry", async () => {
  for (const argv of [["echo"], ["fail"]]) {
    const out = await run(argv);
    const outcome = out.logs.find((l) => l.exitCode !== undefined);
    assert.match(String(outcome?.requestId), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, argv[0]);
  }
});

test("a declared Secret is read from --secrets-dir; on the emulated cluster the default is .podfn/secrets; a missing one is exit 2 naming the file", async () => {
  const cwd = await mkdtemp(join(tmpdir(), "podfn-run-secret-"));
  try {
    await writeFile(join(cwd, "deploy-key"), "a-deploy-key-0123456789\n");
    const given = await run(["reads-secret", "--schedule", "0", "--secrets-dir", cwd], { cwd });
    assert.equal(given.code, 0, given.stderr);
    assert.deepEqual(JSON.parse(given.stdout), { length: "a-deploy-key-0123456789".length });
    const local = await run(["reads-secret", "--schedule", "0"], { cwd });
    assert.equal(local.code, 2, local.stderr);
    assert.ok(local.logs.some((l) => l.outcome === "invalid input" && String(l.msg).includes(`secret "deploy-key" is missing: no such file (${join(cwd, ".podfn/secrets/deploy-key")})`)), local.stderr);
    assert.ok(!local.stderr.includes("a-deploy-key-0123456789"));
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
});

test("a declared Secret the handler put in its result is censored from the result printed on stdout", async () => {
  const cwd = await mkdtemp(join(tmpdir(), "podfn-run-secret-"));
  try {
    await writeFile(join(cwd, "deploy-key"), "a-deploy-key-0123456789\n");
    const out = await run(["leaks-secret", "--schedule", "0", "--secrets-dir", cwd], { cwd });
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), { key: "[redacted]", length: "a-deploy-key-0123456789".length });
    assert.ok(!`${out.stdout}${out.stderr}`.includes("a-deploy-key-0123456789"));
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
});

test("a stop signal is logged as it arrives, naming the run, how long it ran and the drain it gets: a kubelet's SIGKILL after the grace period leaves that line", async () => {
  ignoring.started = false;
  const controller = new AbortController();
  let stderr = "";
  const fake = fakeKube({});
  const command = createRunCommand({ connect: async () => ({ kube: fake.kube, emulated: true, close: fake.kube.close }) });
  const pending = command.run({
    argv: ["ignores-signal", "--drain-timeout-ms", "20000", "--functions", FIXTURES],
    env: { LOG_LEVEL: "info" },
    cwd: process.cwd(),
    stdout: () => {},
    stderr: (t) => void (stderr += t),
    signal: controller.signal,
  });
  let deadline = Date.now() + 5000;
  while (!ignoring.started && Date.now() < deadline) await new Promise((r) => setImmediate(r));
  assert.equal(ignoring.started, true);
  controller.abort("SIGTERM");
  const lines = () => stderr.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
  deadline = Date.now() + 5000;
  while (!lines().some((l) => l.signal === "SIGTERM") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  // The handler still runs (it ignores its signal): the line came at the signal, not at the end.
  const received = lines().find((l) => l.signal === "SIGTERM");
  ignoring.release();
  const code = await pending;
  assert.equal(code, 143);
  assert.ok(received, stderr);
  assert.equal(received.fn, "ignores-signal");
  assert.equal(received.drainTimeoutMs, 20000);
  assert.equal(typeof received.runningMs, "number");
  assert.match(String(received.msg), /received SIGTERM while ignores-signal ran .*up to 20000 ms to stop/);
  const outcome = lines().find((l) => l.exitCode === 143);
  assert.equal(received.requestId, outcome?.requestId, "the run's id, as its other lines carry it");
});

test("a failed run writes why to --termination-log (the pod's termination message), exit code included; a successful run leaves it as it was", async () => {
  const dir = await mkdtemp(join(tmpdir(), "podfn-run-termination-"));
  try {
    const path = join(dir, "termination-log");
    await writeFile(path, "");
    const failed = await run(["fail", "--termination-log", path]);
    assert.equal(failed.code, 1);
    assert.equal(readFileSync(path, "utf8"), "fail: the handler failed: boom (exit 1)");
    const invalid = await run(["echo", "--input", '{"count":"two"}', "--termination-log", path]);
    assert.equal(invalid.code, 2);
    assert.match(readFileSync(path, "utf8"), /^echo: .*count: .* \(exit 2\)$/s);
    await writeFile(path, "");
    const ok = await run(["echo", "--termination-log", path]);
    assert.equal(ok.code, 0);
    assert.equal(readFileSync(path, "utf8"), "");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
