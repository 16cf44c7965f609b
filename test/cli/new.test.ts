/**
 * `podfn new`: each kind writes a function and its tests that type-check and pass on the
 * emulated cluster as written (checked here with tsc and Node's test runner, in a folder laid out
 * as a project); an existing file is never overwritten; a bad name or kind is refused, naming it.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { main } from "../../runtime/cli.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TMP = fileURLToPath(new URL("../.tmp/", import.meta.url));
const KINDS = ["http", "schedule", "watch", "admission"] as const;
const run = promisify(execFile);
/** This process's environment without the test runner's mark, so the child runner reports to its stdout. */
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "NODE_TEST_CONTEXT"));

let dir: string;

async function cli(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { env: {}, cwd: dir, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), signal: new AbortController().signal });
  return { code, stdout, stderr };
}

describe("podfn new", () => {
  before(async () => {
    await mkdir(TMP, { recursive: true });
    dir = await mkdtemp(join(TMP, "new-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("writes a function of each kind and its tests, and says what to run next", async () => {
    for (const kind of KINDS) {
      const { code, stdout, stderr } = await cli(["new", `made-${kind}`, kind]);
      assert.equal(code, 0, stderr);
      assert.match(stdout, new RegExp(`^wrote functions/made-${kind}\\.ts and test/functions/made-${kind}\\.test\\.ts\\n`));
      assert.match(stdout, /npm run manifests/);
      assert.match(await readFile(join(dir, "functions", `made-${kind}.ts`), "utf8"), new RegExp(`name: "made-${kind}"`));
    }
    assert.match(await readFile(join(dir, "test", "functions", "made-http.test.ts"), "utf8"), /from "\.\.\/\.\.\/functions\/made-http\.js"/);
  });

  test("the written functions and tests type-check and their tests pass on the emulated cluster", { timeout: 240_000 }, async () => {
    await writeFile(join(dir, "tsconfig.json"), JSON.stringify({ extends: join(ROOT, "tsconfig.json"), files: [join(ROOT, "runtime", "vendor-types.d.ts")], include: ["functions", "test"] }));
    await run(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(dir, "tsconfig.json")], { cwd: ROOT }).catch((error: { stdout?: string }) => assert.fail(`tsc: ${error.stdout}`));
    const tests = KINDS.map((kind) => join(dir, "test", "functions", `made-${kind}.test.ts`));
    const { stdout } = await run(process.execPath, ["--conditions=source", "--import", "tsx", "--test", "--test-reporter=tap", ...tests], { cwd: ROOT, env: childEnv }).catch((error: { stdout?: string }) => assert.fail(`the written tests failed:\n${error.stdout}`));
    assert.match(stdout, /^# pass 9$/m);
    assert.match(stdout, /^# fail 0$/m);
  });

  test("never overwrites: an existing function is refused, an existing test is left as it is", async () => {
    const again = await cli(["new", "made-http"]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /functions\/made-http\.ts exists: choose another name, or delete it first/);
    await mkdir(join(dir, "test", "functions"), { recursive: true });
    await writeFile(join(dir, "test", "functions", "mine.test.ts"), "// mine\n");
    const kept = await cli(["new", "mine", "schedule"]);
    assert.equal(kept.code, 0);
    assert.match(kept.stderr, /test\/functions\/mine\.test\.ts exists: left as it is/);
    assert.equal(await readFile(join(dir, "test", "functions", "mine.test.ts"), "utf8"), "// mine\n");
    assert.ok(existsSync(join(dir, "functions", "mine.ts")));
  });

  test("a name that is no DNS label, a reserved name, a kind it does not know, or no name is refused, naming it", async () => {
    const cases: [string[], RegExp][] = [
      [["new", "Bad_Name"], /the name "Bad_Name" must be a DNS label/],
      [["new", "x".repeat(53)], /must be at most 52 characters/],
      [["new", "http"], /the name "http" is reserved/],
      [["new", "ok", "cron"], /the kind "cron" is not one of http, schedule, watch, admission/],
      [["new"], /name the function: podfn new NAME \[http\|schedule\|watch\|admission\]/],
    ];
    for (const [argv, message] of cases) {
      const { code, stderr } = await cli(argv);
      assert.equal(code, 2, argv.join(" "));
      assert.match(stderr, message);
    }
    assert.equal(existsSync(join(dir, "functions", "ok.ts")), false);
  });

  test("--help says what each kind writes", async () => {
    const { code, stdout } = await cli(["new", "--help"]);
    assert.equal(code, 0);
    for (const kind of KINDS) assert.match(stdout, new RegExp(`^ +${kind} +`, "m"));
    assert.match(stdout, /--functions/);
  });
});
