/**
 * The loader imports a folder's modules together; when some fail (a throw at import, of an
 * Error or of null or undefined, a syntax error, a missing package), `podfn list` still names
 * each failing file with its error and checks the others.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { main } from "../../runtime/cli.js";
import { runPodfn } from "../e2e/helpers/processes.js";

const PODFN = pathToFileURL(new URL("../../runtime/index.ts", import.meta.url).pathname).href;
let dir: string;

const fn = (name: string) => `import { defineFunction } from ${JSON.stringify(PODFN)};
export default defineFunction({ name: "${name}", http: { method: "GET", auth: "none" }, handler: () => ({}) });
`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "podfn-load-"));
  await writeFile(join(dir, "good.mjs"), fn("good"));
  await writeFile(join(dir, "also-good.mjs"), fn("also-good"));
  await writeFile(join(dir, "throws.mjs"), `throw new Error("boom at import");\n`);
  await writeFile(join(dir, "throws-null.mjs"), `throw null;\n`);
  await writeFile(join(dir, "throws-undefined.mjs"), `throw undefined;\n`);
  await writeFile(join(dir, "syntax.mjs"), `export default {\n`);
  await writeFile(join(dir, "typed.ts"), `const n: number = 1;\nexport default { a: n; };\n`);
  await writeFile(join(dir, "missing.mjs"), `import "podfn-no-such-package";\n${fn("missing")}`);
  await writeFile(join(dir, "unnamed.mjs"), fn("Not A Name"));
  // CommonJS modules: one failing inside a shared module graph would also raise an unhandled
  // rejection on Node 20 and end the process, so they are imported one by one.
  await mkdir(join(dir, "cjs"));
  await writeFile(join(dir, "cjs/package.json"), "{}\n");
  await writeFile(join(dir, "cjs/bad.js"), `require("podfn-no-such-package");\n`);
  await writeFile(join(dir, "cjs/plain.js"), `module.exports = { answer: 42 };\n`);
  await writeFile(join(dir, "cjs/null.js"), `throw null;\n`);
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function list(folder: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(["list", "--functions", folder], { env: {}, cwd: dir, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), signal: new AbortController().signal });
  return { code, stdout, stderr };
}

test("every module that fails to import is named with its error; the others are still checked", async () => {
  const { code, stderr } = await list(".");
  assert.equal(code, 2);
  assert.match(stderr, /throws\.mjs: the module failed to import: boom at import/);
  // A module may throw no value at all: named like the others, not a crash of the loader.
  assert.match(stderr, /throws-null\.mjs: the module failed to import: it threw null\n/);
  assert.match(stderr, /throws-undefined\.mjs: the module failed to import: it threw undefined\n/);
  assert.match(stderr, /syntax\.mjs: the module failed to import: /);
  // A TypeScript syntax error says where it is, whichever way the module failed to transform.
  assert.match(stderr, /typed\.ts: the module failed to import: .*(typed\.ts:2:\d+|line 2, column \d+).*Expected "\}" but found ";"/);
  assert.match(stderr, /missing\.mjs: the module failed to import: .*podfn-no-such-package/);
  assert.match(stderr, /unnamed\.mjs: name: must be a DNS label/);
  assert.doesNotMatch(stderr, /good\.mjs/);
});

test("a CommonJS module that fails to import is named like any other, and the process carries on", async () => {
  const { code, stderr } = await list("cjs");
  assert.equal(code, 2);
  assert.match(stderr, /bad\.js: the module failed to import: .*podfn-no-such-package/);
  assert.match(stderr, /plain\.js: needs a default export made by defineFunction/);
  assert.match(stderr, /null\.js: the module failed to import: it threw null\n/);
});

test("through the podfn executable too, a TypeScript syntax error names its line", async () => {
  const broken = join(dir, "broken-ts");
  await mkdir(broken);
  await writeFile(join(broken, "typed.ts"), `const n: number = 1;\nexport default { a: n; };\n`);
  const { code, output } = await runPodfn(["list", "--functions", broken], {});
  assert.equal(code, 2);
  assert.match(output, /typed\.ts: the module failed to import: .*(typed\.ts:2:\d+|line 2, column \d+).*Expected "\}" but found ";"/);
});

test("through the podfn executable, TypeScript in a CommonJS folder outside the project is compiled, and a missing podfn says where functions belong", async () => {
  const outside = join(dir, "outside");
  await mkdir(outside);
  await writeFile(join(outside, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
  // No "type": "module": the module is required, and compiled by tsx's CommonJS hook.
  await writeFile(join(outside, "typed.ts"), `const greeting: string = "hi";\nexport default { name: "typed", handler: () => greeting };\n`);
  await writeFile(join(outside, "imports.ts"), `import { defineFunction } from "podfn";\nexport default defineFunction({ name: "imports", handler: () => 1 });\n`);
  const { code, output } = await runPodfn(["list", "--functions", outside], {});
  assert.equal(code, 2);
  assert.match(output, /typed\.ts: needs a default export made by defineFunction/);
  assert.match(output, /imports\.ts: the module failed to import: Cannot find module 'podfn'.* \(functions import podfn from the project they live in/);
});

test("through the podfn executable, an ES module whose CommonJS dependency throws as it loads is named, and the process exits 2 with no stack (run, list)", async () => {
  const folder = join(dir, "cjs-dependency");
  await mkdir(join(folder, "node_modules/throwy"), { recursive: true });
  await writeFile(join(folder, "node_modules/throwy/package.json"), `${JSON.stringify({ name: "throwy", main: "index.js" })}\n`);
  await writeFile(join(folder, "node_modules/throwy/index.js"), `throw new Error("THROWY needs its env var");\n`);
  await writeFile(join(folder, "_helper.cjs"), `throw new Error("helper boom");\n`);
  const scheduled = (name: string, imported: string) => `import ${JSON.stringify(imported)};
import { defineFunction } from ${JSON.stringify(PODFN)};
export default defineFunction({ name: "${name}", schedule: { cron: "0 3 * * *" }, handler: () => 1 });
`;
  await writeFile(join(folder, "a.mjs"), scheduled("a", "throwy"));
  await writeFile(join(folder, "b.mjs"), scheduled("b", "./_helper.cjs"));
  for (const args of [["run", "a"], ["list"]]) {
    const { code, output } = await runPodfn([...args, "--functions", folder], {});
    assert.equal(code, 2, `${args.join(" ")}: ${output}`);
    assert.match(output, /a\.mjs: the module failed to import: THROWY needs its env var/, args.join(" "));
    assert.doesNotMatch(output, /^\s+at /m, `${args.join(" ")}: no stack`);
    assert.doesNotMatch(output, /nothing handled it/, args.join(" "));
  }
});

test("through the podfn executable, a module whose top-level await nothing settles is named, exit 2, where the process ended with exit 0 having done nothing (run, list)", async () => {
  const folder = join(dir, "never-settles");
  await mkdir(folder);
  await writeFile(join(folder, "stuck.mjs"), `await new Promise(() => {});\n${fn("stuck")}`);
  await writeFile(join(folder, "fine.mjs"), fn("fine"));
  for (const args of [["list"], ["run", "stuck"], ["run", "fine"]]) {
    const { code, output } = await runPodfn([...args, "--functions", folder], {});
    if (args[1] === "fine") {
      // Its own module is the only one a run imports: the stuck neighbour is not.
      assert.equal(code, 0, output);
      continue;
    }
    assert.equal(code, 2, `${args.join(" ")}: ${output}`);
    assert.match(output, /stuck\.mjs: the module never finished importing: its top-level await waits on a promise nothing settles/, args.join(" "));
    assert.doesNotMatch(output, /fine\.mjs/, args.join(" "));
  }
});
