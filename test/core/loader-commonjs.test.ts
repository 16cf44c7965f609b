/**
 * CommonJS function modules (what `npm run build` compiles functions to) are `require`d, and
 * seen as `import()` would show them: `module.exports` as the default export, or, for a module
 * compiled from an ES module (`__esModule`, as esbuild and tsc mark it), its `default` export.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadFunctions, LoadError } from "../../runtime/loader.js";

let dir: string;
/** A definition as defineFunction makes it (the brand is a registered symbol). */
const definition = (name: string) => `{ name: ${JSON.stringify(name)}, schedule: { cron: "0 3 * * *" }, handler: () => ({ from: ${JSON.stringify(name)} }), [Symbol.for("podfn.function")]: true }`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "podfn-cjs-"));
  await writeFile(join(dir, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
  await writeFile(join(dir, "plain.js"), `module.exports = ${definition("plain")};\n`);
  await writeFile(join(dir, "compiled.js"), `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.default = ${definition("compiled")};\nexports.helper = 1;\n`);
  await writeFile(join(dir, "_shared.js"), `module.exports = { n: 0 };\n`);
  await writeFile(join(dir, "counter.js"), `const shared = require("./_shared.js");\nshared.n += 1;\nmodule.exports = ${definition("counter")};\n`);
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("CommonJS modules load: module.exports as the default export, or the default of an __esModule", async () => {
  const fns = await loadFunctions(dir);
  assert.deepEqual(fns.map((f) => f.name), ["compiled", "counter", "plain"]);
  for (const fn of fns) assert.deepEqual(await fn.definition.handler({} as never), { from: fn.name });
});

test("a compiled module without a default export is named, with the hint about named exports", async () => {
  const other = await mkdtemp(join(tmpdir(), "podfn-cjs-named-"));
  try {
    await writeFile(join(other, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
    await writeFile(join(other, "named.js"), `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.fn = ${definition("named")};\n`);
    await assert.rejects(loadFunctions(other), (e: unknown) => e instanceof LoadError && /named\.js: needs a default export made by defineFunction\(\.\.\.\) \(found a named export/.test(e.message));
  } finally {
    await rm(other, { recursive: true, force: true });
  }
});

test("a fresh load (podfn dev's reload) reads CommonJS modules and their helpers again; a plain load keeps Node's copies", async () => {
  const folder = await mkdtemp(join(tmpdir(), "podfn-cjs-reload-"));
  try {
    await writeFile(join(folder, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
    const write = async (greeting: string, version: string) => {
      await writeFile(join(folder, "_greet.js"), `module.exports = ${JSON.stringify(greeting)};\n`);
      await writeFile(join(folder, "hello.js"), `const greeting = require("./_greet.js");\nmodule.exports = { name: "hello", schedule: { cron: "0 3 * * *" }, handler: () => [greeting, ${JSON.stringify(version)}], [Symbol.for("podfn.function")]: true };\n`);
    };
    const answer = async (fresh?: string) => {
      const [fn] = await loadFunctions(folder, fresh ? { fresh } : {});
      return fn!.definition.handler({} as never);
    };
    await write("hello", "v1");
    assert.deepEqual(await answer(), ["hello", "v1"]);
    await write("bonjour", "v2");
    assert.deepEqual(await answer(), ["hello", "v1"]);
    assert.deepEqual(await answer("2"), ["bonjour", "v2"]);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test(".cjs and .cts function files load as CommonJS in an ES module folder; .d.mts and .d.cts declarations are skipped", async () => {
  const folder = await mkdtemp(join(tmpdir(), "podfn-cjs-ext-"));
  try {
    await writeFile(join(folder, "package.json"), `${JSON.stringify({ type: "module" })}\n`);
    await writeFile(join(folder, "legacy.cjs"), `module.exports = ${definition("legacy")};\n`);
    await writeFile(join(folder, "typed.cts"), `const fn: unknown = ${definition("typed")};\nmodule.exports = fn;\n`);
    await writeFile(join(folder, "types.d.mts"), `export type A = string;\n`);
    await writeFile(join(folder, "types.d.cts"), `export type B = string;\n`);
    const fns = await loadFunctions(folder);
    assert.deepEqual(fns.map((f) => f.name), ["legacy", "typed"]);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
