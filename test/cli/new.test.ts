/**
 * `podfn new`: each kind writes a function and its tests that type-check and pass on the
 * emulated cluster as written (what it writes is kept in podfn-new-output/, laid out as a
 * project: npm test's tsc checks it and its runner runs its tests); an existing file is never
 * overwritten; a bad name or kind is refused, naming it.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../runtime/cli.js";

const TMP = fileURLToPath(new URL("../.tmp/", import.meta.url));
/** What `podfn new made-<kind> <kind>` writes, kept in a project's layout: npm test type-checks and runs it. */
const OUTPUT = fileURLToPath(new URL("./podfn-new-output/", import.meta.url));
const KINDS = ["http", "schedule", "watch", "admission"] as const;

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

  test("what it writes is test/cli/podfn-new-output, whose functions npm test type-checks and whose tests npm test runs on the emulated cluster", async () => {
    // Kept as files (not type-checked and run here, in a project of its own: a tsc of the whole
    // runtime and a test run of their own took 25 s): a template change shows as a diff there.
    for (const kind of KINDS) {
      for (const file of [join("functions", `made-${kind}.ts`), join("test", "functions", `made-${kind}.test.ts`)]) {
        const written = await readFile(join(dir, file), "utf8");
        const kept = join(OUTPUT, file);
        if (process.env.PODFN_UPDATE_NEW_OUTPUT === "1") await writeFile(kept, written);
        const expected = existsSync(kept) ? await readFile(kept, "utf8") : "(missing)";
        assert.equal(written, expected, `podfn new ${kind} writes another ${file}: if that is meant, run PODFN_UPDATE_NEW_OUTPUT=1 npm test -- test/cli/new.test.ts and commit test/cli/podfn-new-output`);
      }
    }
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

  test("a name another module defines under another file name is refused, naming that module, and nothing is written", async () => {
    await writeFile(join(dir, "functions", "tidy-up.ts"), 'import { defineFunction } from "podfn";\nexport default defineFunction({ name: "nightly", schedule: { cron: "0 3 * * *" }, handler: async () => ({ ok: true }) });\n');
    const taken = await cli(["new", "nightly", "schedule"]);
    assert.equal(taken.code, 2);
    assert.match(taken.stderr, /the name "nightly" is already used by functions\/tidy-up\.ts: choose another name/);
    assert.equal(existsSync(join(dir, "functions", "nightly.ts")), false);
    assert.equal(existsSync(join(dir, "test", "functions", "nightly.test.ts")), false);
    // A module that only mentions the name (a label value, say) does not take it.
    await writeFile(join(dir, "functions", "_labels.ts"), 'export const TEAM = "backups";\n');
    await writeFile(join(dir, "functions", "audit.ts"), 'import { defineFunction } from "podfn";\nexport default defineFunction({ name: "audit", schedule: { cron: "0 4 * * *" }, handler: async () => ({ team: "backups" }) });\n');
    const free = await cli(["new", "backups", "schedule"]);
    assert.equal(free.code, 0, free.stderr);
  });

  test("a name that is no DNS label, a reserved name, a kind it does not know, or no name is refused, naming it", async () => {
    const cases: [string[], RegExp][] = [
      [["new", "Bad_Name"], /the name "Bad_Name" must be a DNS label/],
      [["new", "x".repeat(53)], /must be at most 52 characters/],
      [["new", "http"], /the name "http" is reserved/],
      [["new", "ok", "cron"], /the kind "cron" is not one of http, schedule, watch, admission: did you mean "schedule"\?/],
      [["new", "ok", "CronJob"], /did you mean "schedule"\?/],
      [["new", "ok", "wacth"], /the kind "wacth" is not one of http, schedule, watch, admission: did you mean "watch"\?/],
      [["new", "ok", "webhook"], /did you mean "http"\?/],
      [["new", "ok", "banana"], /the kind "banana" is not one of http, schedule, watch, admission$/m],
      [["new", "ok", "constructor"], /the kind "constructor" is not one of http, schedule, watch, admission$/m],
      [["new", "ok", "__proto__"], /the kind "__proto__" is not one of http, schedule, watch, admission$/m],
      [["new"], /name the function: podfn new NAME \[http\|schedule\|watch\|admission\]/],
    ];
    for (const [argv, message] of cases) {
      const { code, stderr } = await cli(argv);
      assert.equal(code, 2, argv.join(" "));
      assert.match(stderr, message);
    }
    assert.equal(existsSync(join(dir, "functions", "ok.ts")), false);
  });

  test("a --functions folder that cannot be made (a file in the way) exits 2 naming --functions and why, writing no test", async () => {
    await writeFile(join(dir, "a-file"), "not a folder");
    const { code, stdout, stderr } = await cli(["new", "lost", "--functions", "a-file/nested"]);
    assert.equal(code, 2, stderr);
    assert.equal(stderr, `podfn: --functions a-file/nested: cannot write a-file/nested/lost.ts there (a file is in the way of the folder: ${join(dir, "a-file", "nested")})\n`);
    assert.equal(stdout, "");
    assert.equal(existsSync(join(dir, "test", "functions", "lost.test.ts")), false);
  });

  test("with --functions another folder, the next steps name it: npm start and npm run manifests read functions/", async () => {
    for (const kind of KINDS) {
      const { code, stdout, stderr } = await cli(["new", `elsewhere-${kind}`, kind, "--functions", "ops fns"]);
      assert.equal(code, 0, stderr);
      const next = stdout.slice(stdout.indexOf("next:"));
      assert.doesNotMatch(next, /npm start|npm run manifests/, kind);
      assert.match(next, /npx podfn manifests --functions 'ops fns' --out out\/manifests/, kind);
      assert.match(next, kind === "schedule" ? /npx podfn run elsewhere-schedule --functions 'ops fns' --dry-run/ : /npx podfn serve --functions 'ops fns'/, kind);
    }
  });

  test("a --functions folder outside any podfn project is refused up front, saying why and what to do; one inside the project is not", async () => {
    // Outside: no package.json above it names podfn or depends on it, so `import "podfn"` could not resolve.
    const outside = await mkdtemp(join(tmpdir(), "podfn-new-outside-"));
    try {
      const { code, stdout, stderr } = await cli(["new", "stray", "--functions", join(outside, "fns")]);
      assert.equal(code, 2, stderr);
      assert.equal(stdout, "");
      assert.match(stderr, new RegExp(`^podfn: --functions ${join(outside, "fns")}: not inside a podfn project \\(no package\\.json above it\\): its module imports "podfn", which Node finds only under a package\\.json named podfn or depending on it; give a folder inside the project \\(functions/ by default\\)\n$`));
      assert.equal(existsSync(join(outside, "fns", "stray.ts")), false);
      assert.equal(existsSync(join(dir, "test", "functions", "stray.test.ts")), false);
      // Another package in between (its own package.json, not depending on podfn): refused, naming it.
      await writeFile(join(outside, "package.json"), JSON.stringify({ name: "other", dependencies: { zod: "^4.0.0" } }));
      const other = await cli(["new", "stray", "--functions", join(outside, "fns")]);
      assert.equal(other.code, 2, other.stderr);
      assert.match(other.stderr, new RegExp(`not inside a podfn project \\(${join(outside, "package.json")} is "other", which does not depend on podfn\\)`));
      assert.match(other.stderr, /or add podfn to that package\.json's dependencies/);
      // A project depending on podfn: written.
      await writeFile(join(outside, "package.json"), JSON.stringify({ name: "ops-automation", devDependencies: { podfn: "^0.1.0" } }));
      const dependent = await cli(["new", "stray", "--functions", join(outside, "fns")]);
      assert.equal(dependent.code, 0, dependent.stderr);
      assert.ok(existsSync(join(outside, "fns", "stray.ts")));
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
    // Another folder inside this project (podfn's own package.json above it): written.
    const inside = await cli(["new", "inside", "--functions", "more/functions"]);
    assert.equal(inside.code, 0, inside.stderr);
    assert.ok(existsSync(join(dir, "more", "functions", "inside.ts")));
  });

  test("--help says what each kind writes", async () => {
    const { code, stdout } = await cli(["new", "--help"]);
    assert.equal(code, 0);
    for (const kind of KINDS) assert.match(stdout, new RegExp(`^ +${kind} +`, "m"));
    assert.match(stdout, /--functions/);
  });
});
