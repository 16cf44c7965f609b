/**
 * The image holds only the packages the built code loads at run time: scripts/build/image-packages.js lists
 * undici and the functions' own package imports (not builtins, not what it bundles), and
 * scripts/image-modules.js gathers them with their dependencies as package-lock.json locates
 * them (nested first, then hoisted), refusing a devDependency or a package the lock lacks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error: plain JavaScript build scripts, no declarations
import { closure } from "../../scripts/image-modules.js";
// @ts-expect-error: plain JavaScript build scripts, no declarations
import { buildPodfn, EXTERNAL, LOADED_AT_RUN_TIME } from "../../scripts/build.js";
import { readdir } from "node:fs/promises";

const LOCK = {
  packages: {
    "": { dependencies: { a: "1", d: "1" } },
    "node_modules/a": { dependencies: { b: "1", c: "1" }, optionalDependencies: { gone: "1" } },
    "node_modules/a/node_modules/b": { dependencies: { c: "1" } },
    "node_modules/b": {},
    "node_modules/c": { peerDependencies: { a: "1" } },
    "node_modules/d": {},
    "node_modules/tool": { dev: true },
  },
};

test("the closure follows dependencies as Node resolves them: nested first, then hoisted; peers; a missing optional is skipped", () => {
  assert.deepEqual(closure(LOCK, ["a"]), ["node_modules/a", "node_modules/a/node_modules/b", "node_modules/c"]);
  assert.deepEqual(closure(LOCK, ["d"]), ["node_modules/d"]);
});

test("a devDependency or a package the lock file lacks is refused, naming it", () => {
  assert.throws(() => closure(LOCK, ["tool"]), /loads "tool", a devDependency the image does not install: move it to dependencies/);
  assert.throws(() => closure(LOCK, ["nowhere"]), /loads "nowhere", which package-lock.json does not have/);
});

test("the build lists undici and the packages the functions import, not builtins or what it bundles", { timeout: 120_000 }, async () => {
  const root = await mkdtemp(join(tmpdir(), "podfn-image-packages-"));
  try {
    const fns = join(root, "functions");
    await mkdir(fns);
    await writeFile(
      join(fns, "uses-yaml.ts"),
      ['import { readFileSync } from "node:fs";', 'import { parse } from "yaml";', 'import { z } from "zod";', 'import { defineFunction } from "podfn";', "export default defineFunction({ name: \"uses-yaml\", input: z.object({}), schedule: { cron: \"@daily\" }, handler: () => parse(String(readFileSync.length)) });", ""].join("\n"),
    );
    const out = join(root, "dist");
    await buildPodfn({ out, functions: { functions: fns } });
    assert.deepEqual(JSON.parse(await readFile(join(out, "image-packages.json"), "utf8")), { packages: ["cron-parser", "undici", "yaml"] });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

/** Every TypeScript file under `dir`. */
async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(path)));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

test("every package the runtime loads by a call esbuild cannot follow is one the image gets", async () => {
  const runtime = new URL("../../runtime/", import.meta.url).pathname;
  const loaded = new Set<string>();
  for (const file of await sources(runtime)) {
    // The emulator and the dev-time loader's optional esbuild never run in the image's functions.
    if (file.includes("/testing/")) continue;
    const text = await readFile(file, "utf8");
    for (const [, name] of text.matchAll(/(?:createRequire\(import\.meta\.url\)|importModule)\("([^"./][^"]*)"\)/g)) {
      if (name!.startsWith("node:")) continue;
      loaded.add(name!.startsWith("@") ? name!.split("/").slice(0, 2).join("/") : name!.split("/")[0]!);
    }
  }
  loaded.delete("esbuild"); // only to locate a syntax error in a TypeScript function, which the image has none of
  assert.ok(loaded.has("cron-parser") && loaded.has("undici"), [...loaded].join(", "));
  for (const name of loaded) assert.ok([...EXTERNAL, ...LOADED_AT_RUN_TIME].includes(name), `runtime loads "${name}" at run time: add it to LOADED_AT_RUN_TIME in scripts/build/image-packages.js`);
});
