/**
 * @module scripts/build/function-files
 * What the functions' pass of the production build reads of a functions folder
 * (`readFunctionFolders`): the modules it compiles, one file each, and the other files it copies
 * beside them (`copyAssets`), read at run time through `import.meta.url` (a template, a JSON
 * document).
 */
import { copyFile, mkdir, readdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { dirname, extname, join, relative } from "node:path";

/** A module of a functions folder: JavaScript or TypeScript, ES module or CommonJS. */
const MODULE = /\.[mc]?[jt]s$/;

/** Modules not compiled: type declarations and tests. */
const NOT_COMPILED = /\.d\.[mc]?ts$|\.(test|spec)\.[mc]?[jt]s$/;

/**
 * Other files not copied: tests' (named after a test: `x.test.ts.snap`), TypeScript's own
 * (`tsconfig*.json`, `*.tsbuildinfo`), source maps (the build writes its own) and
 * `package.json` (the build writes the folder's: its modules are what it compiled them to).
 * Names starting with `.` and node_modules are skipped too.
 */
const NOT_COPIED = /\.(test|spec)\.|^tsconfig.*\.json$|\.tsbuildinfo$|\.map$|^package\.json$/;

/** A CommonJS module by its extension (.cjs, .cts): built as CommonJS whatever the folder's format. */
export const isCommonJsSource = (file) => /\.c[jt]s$/.test(file);

/** The files under `dir` (`_` folders too: the loader skips them, their modules are helpers), into `found`: modules to compile and other files to copy. */
async function listFolder(dir, found = { modules: [], assets: [] }) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") await listFolder(path, found);
    } else if (MODULE.test(entry.name)) {
      if (!NOT_COMPILED.test(entry.name)) found.modules.push(path);
    } else if (!NOT_COPIED.test(entry.name)) {
      found.assets.push(path);
    }
  }
  return found;
}

/**
 * What to build of the functions folders (output folder name under OUT to source folder):
 * `entries`, the modules to compile (`NAME/<relative path without extension>` to source), and
 * `assets`, the other files to copy (`NAME/<relative path>` to source). Two modules that would
 * compile to the same file (`x.ts` and `x.cts`) fail the build.
 */
export async function readFunctionFolders(folders) {
  const entries = {};
  const assets = {};
  for (const [name, dir] of Object.entries(folders)) {
    if (!existsSync(dir)) continue;
    const found = await listFolder(dir);
    for (const file of found.modules) {
      const rel = relative(dir, file);
      const key = join(name, rel.slice(0, -extname(rel).length));
      if (Object.hasOwn(entries, key)) throw new Error(`scripts/build.js: ${entries[key]} and ${file} would both compile to ${key}.js: rename one`);
      entries[key] = file;
    }
    for (const file of found.assets) assets[join(name, relative(dir, file))] = file;
  }
  return { entries, assets };
}

/** Copy `assets` (path under `out` to source, from `readFunctionFolders`) into `out`; resolves to the paths written, under `out`. */
export async function copyAssets(out, assets) {
  for (const [target, source] of Object.entries(assets)) {
    await mkdir(dirname(join(out, target)), { recursive: true });
    await copyFile(source, join(out, target));
  }
  return Object.keys(assets);
}
