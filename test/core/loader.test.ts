import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadFunctions, LoadError } from "../../runtime/loader.js";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));

async function problemsOf(dir: string): Promise<string[]> {
  const error = await loadFunctions(dir, { cwd: fixtures }).then(
    () => assert.fail("expected a LoadError"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof LoadError);
  assert.equal(error.code, "load_failed");
  return error.problems;
}

describe("loader", () => {
  test("finds modules in nested folders, skips _files and tests, resolves defaults", async () => {
    const fns = await loadFunctions("good", { cwd: fixtures });
    assert.deepEqual(fns.map((f) => f.name), ["hello", "tidy"]);
    const [hello, tidy] = fns;
    assert.deepEqual(hello!.http, { method: "GET", path: "/hello", bodyLimitBytes: 1048576, bodyTimeoutMs: 10000, auth: "none" });
    assert.equal(hello!.timeoutMs, 30000);
    assert.equal(tidy!.http, undefined);
    assert.deepEqual(
      tidy!.schedules.map((s) => [s.name, s.mode, s.concurrencyPolicy, s.input]),
      [["0", "cronjob", "Forbid", {}], ["nightly", "cronjob", "Forbid", { deep: true }]],
    );
  });

  test("only: loads the one module named like the function", async () => {
    const fns = await loadFunctions("good", { cwd: fixtures, only: "hello" });
    assert.deepEqual(fns.map((f) => f.name), ["hello"]);
  });

  test("only: another module naming the function too is refused, naming both files; modules that do not name it are not imported", async () => {
    const error = await loadFunctions("named-twice", { cwd: fixtures, only: "cleanup" }).then(
      () => assert.fail("expected a LoadError"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof LoadError);
    assert.deepEqual(error.problems, ['named-twice/older/cleanup-v1.ts: the name "cleanup" is already used by named-twice/cleanup.ts: rename one']);
    // broken.ts fails to import, and names neither function: a run of either never loads it.
    assert.deepEqual((await loadFunctions("named-twice", { cwd: fixtures, only: "report" })).map((f) => f.name), ["report"]);
  });

  test("only: an unknown name is a LoadError listing the known ones", async () => {
    await assert.rejects(loadFunctions("good", { cwd: fixtures, only: "nope" }), /no function named "nope" in good \(known: hello, tidy\)/);
    await assert.rejects(loadFunctions("good", { cwd: fixtures, only: "helo" }), /no function named "helo" in good: did you mean "hello"\? \(known: hello, tidy\)/);
    // An empty name is a name no function has, not "no filter".
    await assert.rejects(loadFunctions("good", { cwd: fixtures, only: "" }), /no function named "" in good \(known: hello, tidy\)/);
  });

  test("only: a module's file given for the function's name names the function it defines", async () => {
    for (const given of ["hello.ts", "good/hello.ts", join(fixtures, "good", "hello.ts")]) {
      await assert.rejects(loadFunctions("good", { cwd: fixtures, only: given }), (e: Error) => e.message.includes(`no function named "${given}" in good: did you mean "hello"? (give the function's name, not its file) (known: hello, tidy)`), given);
    }
  });

  test("a functions folder outside the working directory is named as given, not as ../../x", async () => {
    const missing = join(tmpdir(), "podfn-no-such-folder");
    await assert.rejects(loadFunctions(missing, { cwd: fixtures }), (e: Error) => e.message.includes(`${missing}: the functions folder does not exist`));
  });

  test("reports every problem of every file, with its path and the fix", async () => {
    const problems = await problemsOf("bad");
    const text = problems.join("\n");
    assert.match(text, /bad\/no-auth\.ts: http\.auth: is required: write auth: "none"/);
    assert.match(text, /bad\/bad-cron\.ts: schedule\.cron: /);
    assert.match(text, /bad\/not-defined\.ts: needs a default export made by defineFunction/);
    assert.match(text, /bad\/Bad_Name\.ts: name: must be a DNS label/);
    assert.match(text, /bad\/Bad_Name\.ts: http\.path: is reserved/);
    assert.match(text, /bad\/typo\.ts: definition: unknown key "timeout": did you mean "timeoutMs"\?/);
  });

  test("a module whose default export is not a function made by defineFunction is told what it exports and what to write", async () => {
    assert.deepEqual(await problemsOf("wrong-exports"), [
      "wrong-exports/bare-handler.ts: needs a default export made by defineFunction(...) (it exports a function: make it the handler, export default defineFunction({ name, http, schedule or watch, handler }))",
      "wrong-exports/helpers.ts: needs a default export made by defineFunction(...) (it exports no definition: a helper module is named _helpers.ts, or kept in a _folder, to be skipped)",
      "wrong-exports/not-called.ts: needs a default export made by defineFunction(...) (it exports defineFunction itself: call it, export default defineFunction({ name, ..., handler }))",
      "wrong-exports/plain-definition.ts: needs a default export made by defineFunction(...) (it exports an object: pass it to defineFunction, export default defineFunction({ ... }))",
    ]);
  });

  test("rejects duplicate names and routes", async () => {
    const problems = await problemsOf("dupes");
    assert.ok(problems.some((p) => /the name "same" is already used by dupes\/a\.ts/.test(p)));
    assert.ok(problems.some((p) => /the route POST \/x is already served by dupes\/a\.ts/.test(p)));
  });

  test("rejects two functions keeping one finalizer on one resource, naming both watches", async () => {
    const problems = await problemsOf("shared-finalizer");
    assert.deepEqual(problems, [
      'shared-finalizer/b.ts: watch "widgets.example.com": the finalizer "example.com/cleanup" is also kept on widgets.example.com by shared-finalizer/a.ts\'s watch "prod-widgets": each watch removes it after its own cleanup, letting an object go before the other\'s ran; give each watch a finalizer of its own',
    ]);
  });

  test("a .tsx or .jsx module is named with what to write (Node imports no JSX), where it was passed over; _helpers and tests in JSX stay skipped", async () => {
    const dir = await mkdtemp(join(tmpdir(), "podfn-jsx-"));
    try {
      const podfn = pathToFileURL(fileURLToPath(new URL("../../runtime/index.ts", import.meta.url))).href;
      await writeFile(join(dir, "ok.ts"), `import { defineFunction } from ${JSON.stringify(podfn)};\nexport default defineFunction({ name: "ok", schedule: { cron: "0 * * * *" }, handler: () => 1 });\n`);
      await mkdir(join(dir, "views"));
      await writeFile(join(dir, "views", "report.tsx"), "export default 1;\n");
      await writeFile(join(dir, "page.jsx"), "export default 1;\n");
      await writeFile(join(dir, "_layout.tsx"), "export default 1;\n");
      await writeFile(join(dir, "page.test.tsx"), "export default 1;\n");
      const error = await loadFunctions(dir).then(() => assert.fail("expected a LoadError"), (e: unknown) => e);
      assert.ok(error instanceof LoadError);
      assert.deepEqual(error.problems, [
        `${join(dir, "page.jsx")}: a JSX module is not loaded (Node imports no JSX): write the function as .js, or start the file's name with _ if it is a helper`,
        `${join(dir, "views", "report.tsx")}: a JSX module is not loaded (Node imports no JSX): write the function as .ts, or start the file's name with _ if it is a helper`,
      ]);
      // `podfn run ok` loads its own module only, as before.
      assert.deepEqual((await loadFunctions(dir, { only: "ok" })).map((f) => f.name), ["ok"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a missing folder names the option to set", async () => {
    const problems = await problemsOf("missing");
    assert.match(problems[0]!, /does not exist \(set --functions or PODFN_FUNCTIONS\)/);
  });
});
