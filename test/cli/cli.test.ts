import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../runtime/cli.js";

const fixtures = fileURLToPath(new URL("../core/fixtures/", import.meta.url));

async function cli(argv: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    env,
    cwd: fixtures,
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

describe("podfn CLI", () => {
  test("--help lists every command and exits 0", async () => {
    const { code, stdout } = await cli(["--help"]);
    assert.equal(code, 0);
    for (const name of ["serve", "dev", "run", "list", "manifests", "cluster"]) assert.match(stdout, new RegExp(`^  ${name} `, "m"));
  });

  test("help COMMAND prints that command's --help; help with a command it does not know exits 2 naming it", async () => {
    const viaHelp = await cli(["help", "run"]);
    const viaFlag = await cli(["run", "--help"]);
    assert.equal(viaHelp.code, 0);
    assert.equal(viaHelp.stdout, viaFlag.stdout);
    const unknown = await cli(["help", "rnu"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^podfn: unknown command "rnu": did you mean "run"\?\n\nUsage: podfn <command>/);
  });

  test("no command prints usage and exits 2", async () => {
    const { code, stderr } = await cli([]);
    assert.equal(code, 2);
    assert.match(stderr, /Usage: podfn <command>/);
  });

  test("an unknown command prints usage and exits 2", async () => {
    for (const name of ["srve", "constructor", "toString"]) {
      const { code, stderr } = await cli([name]);
      assert.equal(code, 2, name);
      assert.match(stderr, new RegExp(`unknown command "${name}"[\\s\\S]*Usage: podfn`));
    }
  });

  test("an unknown command close to one names the one meant", async () => {
    const { code, stderr } = await cli(["mainfests", "--out", "x"]);
    assert.equal(code, 2);
    assert.match(stderr, /^podfn: unknown command "mainfests": did you mean "manifests"\?\n\nUsage: podfn/);
    assert.match((await cli(["deploy"])).stderr, /^podfn: unknown command "deploy"\n\n/);
  });

  for (const name of ["serve", "dev", "run", "list", "manifests", "cluster"]) {
    test(`${name} --help documents its options and exits 0`, async () => {
      const { code, stdout } = await cli([name, "--help"]);
      assert.equal(code, 0);
      assert.match(stdout, new RegExp(`Usage: podfn ${name}`));
      assert.match(stdout, /--help/);
    });
  }

  test("run --help gives every exit code, an eviction a PodDisruptionBudget refuses for now among exit 5's causes", async () => {
    const { stdout } = await cli(["run", "--help"]);
    for (const code of ["0", "1", "2", "3", "4", "5"]) assert.match(stdout, new RegExp(`^  ${code} +\\S`, "m"), code);
    assert.match(stdout, /^  130 +SIGINT, 143 SIGTERM/m);
    assert.match(stdout, /^  5 [\s\S]*refused\s+an eviction for now \(a PodDisruptionBudget allows no disruption\)[\s\S]*^  130/m);
  });

  test("manifests --help names every kind of file it writes", async () => {
    const { stdout } = await cli(["manifests", "--help"]);
    for (const file of ["http.yaml", "workload-<name>.yaml", "cronjob-<function>.yaml", "admission.yaml", "admission-<name>.yaml", "Kustomization"]) assert.ok(stdout.includes(file), file);
  });

  test("an empty functions folder: list says so, manifests refuses (exit 2) and writes nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-empty-"));
    try {
      const listed = await cli(["list", "--functions", dir]);
      assert.equal(listed.code, 0);
      assert.match(listed.stderr, new RegExp(`podfn list: no functions in ${dir}`));
      const out = join(dir, "out");
      const manifests = await cli(["manifests", "--functions", dir, "--out", out, "--image", "x"]);
      assert.equal(manifests.code, 2);
      assert.match(manifests.stderr, /no functions there, so nothing to deploy/);
      await assert.rejects(readdir(out), "no folder written");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("an unknown flag exits 2 naming it", async () => {
    const { code, stderr } = await cli(["list", "--jsn"]);
    assert.equal(code, 2);
    assert.match(stderr, /unknown option --jsn: did you mean --json\?/);
  });

  test("a value that starts with a dash is explained, with the spelling that gives it", async () => {
    const { code, stderr } = await cli(["serve", "--port", "-1"]);
    assert.equal(code, 2);
    assert.match(stderr, /--port needs a value, and "-1" looks like an option \(write --port=-1 to give it anyway\)/);
  });

  test("list prints a table of name, route, auth, schedules, watches and permissions (admission only where a function is a webhook: test/admission)", async () => {
    const { code, stdout } = await cli(["list", "--functions", "good"]);
    assert.equal(code, 0, stdout);
    const lines = stdout.trim().split("\n");
    assert.match(lines[0]!, /^NAME +ROUTE +AUTH +SCHEDULES +WATCHES +PERMISSIONS$/);
    assert.match(lines[1]!, /^hello +GET \/hello +none +- +- +-$/);
    assert.match(lines[2]!, /^tidy +- +- +0 \* \* \* \*; 30 2 \* \* \* Europe\/Paris +- +list,delete batch\/jobs$/);
  });

  test("list shows a watch's rights and declared ones on the same resource as one rule", async () => {
    const { code, stdout } = await cli(["list", "--functions", fileURLToPath(new URL("./fixtures/watch-and-patch", import.meta.url))]);
    assert.equal(code, 0, stdout);
    assert.match(stdout.trim().split("\n")[1]!, / patch,list,watch core\/namespaces$/);
  });

  test("list marks an async route, and --json says which routes are", async () => {
    const dir = fileURLToPath(new URL("./fixtures/async-route", import.meta.url));
    const table = await cli(["list", "--functions", dir]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout.trim().split("\n")[1]!, /^sync-mirror +POST \/sync-mirror \(async\) +none /);
    const json = await cli(["list", "--json", "--functions", dir]);
    assert.deepEqual((JSON.parse(json.stdout) as { http: { async: boolean } }[]).map((f) => f.http.async), [true]);
    const plain = await cli(["list", "--json"], { PODFN_FUNCTIONS: "good" });
    assert.deepEqual((JSON.parse(plain.stdout) as { http: { async: boolean } | null }[]).map((f) => f.http?.async ?? null), [false, null]);
  });

  test("list --json prints the same for tooling", async () => {
    const { code, stdout } = await cli(["list", "--json"], { PODFN_FUNCTIONS: "good" });
    assert.equal(code, 0);
    const parsed = JSON.parse(stdout) as { name: string; http: { method: string; path: string } | null; schedules: unknown[]; env: string[] }[];
    assert.deepEqual(parsed.map((f) => [f.name, f.http?.path ?? null, f.schedules.length]), [["hello", "/hello", 0], ["tidy", null, 2]]);
    assert.deepEqual(parsed.map((f) => f.env), [[], []], "the configuration variables each declares (env)");
    const rights = JSON.parse(stdout) as { name: string; permissions: unknown[]; servingPermissions: unknown[] }[];
    const tidy = rights.find((f) => f.name === "tidy")!;
    assert.ok(tidy.permissions.length > 0);
    assert.deepEqual(tidy.servingPermissions, [], "a function only CronJobs run: the HTTP workload is granted nothing for it");
  });

  test("list --json gives a watch's rights in servingPermissions, beside the declared permissions", async () => {
    const watchFixture = fileURLToPath(new URL("./fixtures/watch", import.meta.url));
    const { code, stdout } = await cli(["list", "--json", "--functions", watchFixture]);
    assert.equal(code, 0);
    const [fn] = JSON.parse(stdout) as { permissions: unknown[]; servingPermissions: { resources: string[]; verbs: string[] }[]; watches: { retries: number }[] }[];
    assert.deepEqual(fn!.permissions, []);
    assert.ok(fn!.servingPermissions.some((rule) => rule.verbs.includes("watch") && rule.verbs.includes("list")), JSON.stringify(fn!.servingPermissions));
    assert.equal(fn!.watches[0]!.retries, 3);
  });

  test("an argument a command does not take exits 2 naming it, before anything is done", async () => {
    for (const argv of [["manifests", "myout"], ["list", "x"], ["cluster", "x"], ["serve", "x"]]) {
      const { code, stderr } = await cli(argv);
      assert.equal(code, 2, argv.join(" "));
      assert.equal(stderr, `podfn ${argv[0]}: unexpected argument ${JSON.stringify(argv[1])}: options are written --name value (see podfn ${argv[0]} --help)\n`);
    }
  });

  test("manifests --out where a file stands in the way exits 2 naming --out, not 1 with an errno", async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-out-"));
    try {
      await writeFile(join(dir, "taken"), "");
      const { code, stderr } = await cli(["manifests", "--functions", "good", "--out", join(dir, "taken")]);
      assert.equal(code, 2);
      assert.equal(stderr, `podfn: --out ${join(dir, "taken")}: cannot write the manifests there (a file is in the way of the folder: ${join(dir, "taken")})\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("manifests --cpu-limit none and --memory-limit size the workloads; a value that is not a quantity, or a request above its limit, exits 2 naming the flag", async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-out-"));
    try {
      const ok = await cli(["manifests", "--functions", "good", "--out", dir, "--image", "x:1", "--cpu-limit", "none", "--memory-limit", "1Gi", "--memory-request", "128Mi"]);
      assert.equal(ok.code, 0, ok.stderr);
      const written = await readFile(join(dir, (await readdir(dir)).find((f) => f !== "Kustomization")!), "utf8");
      assert.match(written, /\n( +)resources:\n\1  limits:\n\1    memory: 1Gi\n\1  requests:\n\1    cpu: 50m\n\1    memory: 128Mi\n/);
      const bad = await cli(["manifests", "--functions", "good", "--out", dir, "--memory-limit", "1GB"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--memory-limit: must be a Kubernetes quantity, such as 2 \(cores\) or 1Gi, or none for no limit/);
      const above = await cli(["manifests", "--functions", "good", "--out", dir, "--cpu-request", "2"]);
      assert.equal(above.code, 2);
      assert.equal(above.stderr, "podfn: --cpu-request 2 is more than the default cpu limit 1: Kubernetes refuses a request above its limit; raise --cpu-limit or lower --cpu-request\n");
      // Equal amounts in other units are not above (700m was 0.7000000000000001 cores).
      const equal = await cli(["manifests", "--functions", "good", "--out", dir, "--image", "x:1", "--cpu-request", "700m", "--cpu-limit", "0.7"]);
      assert.equal(equal.code, 0, equal.stderr);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("manifests --out under /proc or a dangling link exits 2 naming --out (Node's recursive mkdir spun forever there)", { timeout: 20_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-out-"));
    try {
      await symlink(join(dir, "gone"), join(dir, "dangling"));
      const targets = [join(dir, "dangling", "out"), ...(existsSync("/proc/self") ? ["/proc/podfn-nowhere/out"] : [])];
      for (const out of targets) {
        const { code, stderr } = await cli(["manifests", "--functions", "good", "--out", out]);
        assert.equal(code, 2, out);
        assert.match(stderr, /^podfn: --out .+: cannot write the manifests there \(a folder cannot be made there: .+\)\n$/, out);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a failure written to stderr has its credentials censored as the log has them (a module quoting its configuration as it fails to import)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-fails-"));
    try {
      await writeFile(join(dir, "cache.mjs"), 'throw new Error("cannot reach redis://default:R3disPassw0rd-abc@redis.internal:6379 with Bearer abcdefgh12345678");\nexport default {};\n');
      const { code, stderr } = await cli(["list", "--functions", dir]);
      assert.equal(code, 2);
      assert.ok(!stderr.includes("R3disPassw0rd-abc") && !stderr.includes("abcdefgh12345678"), stderr);
      assert.match(stderr, /redis:\/\/\[redacted\]@redis\.internal:6379 with Bearer \[redacted\]/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("list with invalid modules exits 2 listing every problem", async () => {
    const { code, stderr } = await cli(["list", "--functions", "bad"]);
    assert.equal(code, 2);
    assert.match(stderr, /no-auth\.ts: http\.auth: is required/);
    assert.match(stderr, /bad-cron\.ts: schedule\.cron/);
  });
});
