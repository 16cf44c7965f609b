/**
 * `podfn serve` with a mistake in its configuration says what to change, once, and exits 2:
 * no stack trace in its log line, a host it cannot listen on is named as the --host option, and
 * caller-auth secrets missing on a laptop's real cluster are all named, with how to provide them;
 * the failure is the last line, not a "shut down".
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runPodfn } from "../e2e/helpers/processes.js";
import { startCluster } from "../../runtime/testing/index.js";

/** Two routes with caller-auth secrets (a bearer token, an HMAC key) and one without: not the examples, which a project deletes. */
const FUNCTIONS = fileURLToPath(new URL("./fixtures/caller-auth", import.meta.url));

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

test("a serve that fails writes why to --termination-log, the pod's termination message, with the error's code", async () => {
  const home = await mkdtemp(join(tmpdir(), "podfn-serve-config-"));
  try {
    const path = join(home, "termination-log");
    await writeFile(path, "");
    const { code } = await runPodfn(["serve", "--functions", "nope", "--port", "0", "--termination-log", path], { HOME: home }, { cwd: home });
    assert.equal(code, 2);
    assert.equal(await readFile(path, "utf8"), "podfn serve failed: cannot load functions:\n  - nope: the functions folder does not exist (set --functions or PODFN_FUNCTIONS) [load_failed]");
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
    // The failure is the last word: no "shut down" as if the server had served and stopped.
    assert.doesNotMatch(output, /"msg":"shut down"/);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test("a kubeconfig that is not valid YAML: exit 2 from serve as from run, one plain line, no stack and none of the file's text", async () => {
  const home = await mkdtemp(join(tmpdir(), "podfn-serve-config-"));
  try {
    const kubeconfig = join(home, "bad.kubeconfig");
    await writeFile(kubeconfig, "apiVersion: v1\nkind: Config\nusers:\n  - user: {token: s3cr3t-in-a-broken-file\n");
    for (const argv of [["serve", "--functions", FUNCTIONS, "--port", "0"], ["run", "bearer", "--functions", FUNCTIONS]]) {
      const { code, output } = await runPodfn([...argv, "--kubeconfig", kubeconfig], { HOME: home }, { cwd: home });
      assert.equal(code, 2, `${argv[0]}: ${output}`);
      assert.match(output, /bad\.kubeconfig: not valid YAML: [^\n]*at line \d+, column \d+(?!:)/);
      assert.doesNotMatch(output, /"stack"|\n\s+at |s3cr3t/);
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test("podfn run with input its schema refuses: exit 2, the field named, no stack", async () => {
  const home = await mkdtemp(join(tmpdir(), "podfn-serve-config-"));
  try {
    const { code, output } = await runPodfn(["run", "bearer", "--functions", FUNCTIONS, "--input", '{"labelSelector":5}', "--cluster", "emulated"], { HOME: home }, { cwd: home });
    assert.equal(code, 2, output);
    assert.match(output, /"code":"invalid_input"/);
    assert.match(output, /labelSelector/);
    assert.doesNotMatch(output, /"stack"|\n\s+at /);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

/**
 * `podfn serve` as on a laptop whose kubeconfig names a cluster (an emulated one here): the
 * caller-auth secrets are looked for where a pod mounts them. Resolves to its exit and output.
 */
async function serveWithKubeconfig(functions: string): Promise<{ code: number | null; output: string }> {
  const home = await mkdtemp(join(tmpdir(), "podfn-serve-config-"));
  const cluster = await startCluster();
  try {
    const kubeconfig = join(home, "kubeconfig");
    await writeFile(kubeconfig, cluster.kubeconfig(), { mode: 0o600 });
    return await runPodfn(["serve", "--functions", functions, "--port", "0", "--kubeconfig", kubeconfig], { HOME: home }, { cwd: home });
  } finally {
    await cluster.stop();
    await rm(home, { recursive: true, force: true });
  }
}

test("serve on a real cluster outside a pod without its caller-auth secrets: exit 2, every missing secret named, and how to provide them", async () => {
  const { code, output } = await serveWithKubeconfig(FUNCTIONS);
  assert.equal(code, 2, output);
  const message = output.slice(output.indexOf("podfn: caller-auth secrets are missing:"));
  for (const [fn, secret] of [["bearer", "api-token"], ["signed", "webhook-secret"]]) {
    assert.match(message, new RegExp(`\\n  - ${fn}: caller auth secret "${secret}" is missing: no such file \\(/var/run/secrets/podfn/${secret}\\)`), output);
  }
  assert.doesNotMatch(message, /\n  - open:/, "a route without caller auth needs no secret");
  assert.match(message, /Outside a pod, give a folder holding one file per secret: --secrets-dir DIR .*--cluster emulated\./, output);
  assert.doesNotMatch(output, /"stack"|\n\s+at /);
});

test("a bearer secret read from a variable that is unset: exit 2 naming the variable, without the hint about secret files", async () => {
  const { code, output } = await serveWithKubeconfig(fileURLToPath(new URL("./fixtures/env-secret", import.meta.url)));
  assert.equal(code, 2, output);
  assert.match(output, /podfn: env-token: caller auth secret "env-token" is missing: the variable is unset or empty \(env:ENV_TOKEN\)/);
  assert.doesNotMatch(output, /--secrets-dir DIR/);
});

test("a functions folder with no functions in it is served with a warning naming it (only the operations paths answer)", async () => {
  const home = await mkdtemp(join(tmpdir(), "podfn-serve-config-"));
  try {
    // The bad host ends the run once the functions are loaded and the warning given.
    const { output } = await runPodfn(["serve", "--functions", home, "--host", "no-such-host.invalid", "--port", "0", "--cluster", "emulated"], { HOME: home }, { cwd: home });
    assert.match(output, new RegExp(`"level":"warn".*"msg":"no functions to serve in ${home}: only /healthz, /readyz and /metrics answer`));
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
