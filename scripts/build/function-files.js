/**
 * @module scripts/build/function-files
 * What the functions' pass of the production build reads of a functions folder: the modules it
 * compiles, one file each (`functionEntries`).
 */
import { readdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { extname, join, relative } from "node:path";

/** A module of a functions folder: JavaScript or TypeScript, ES module or CommonJS. */
const MODULE = /\.[mc]?[jt]s$/;

/** A CommonJS module by its extension (.cjs, .cts): built as CommonJS whatever the folder's format. */
export const isCommonJsSource = (file) => /\.c[jt]s$/.test(file);

/** Modules under `dir` to compile, one file each: `_` helpers too (the loader skips them); no `.` names, tests, declarations. */
async function listModules(dir, out = []) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") await listModules(path, out);
    } else if (MODULE.test(entry.name) && !/\.d\.[mc]?ts$/.test(entry.name) && !/\.(test|spec)\.[mc]?[jt]s$/.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

/**
 * Entry points of the functions folders (output folder name under OUT to source folder):
 * `NAME/<relative path without extension>` to source. Two modules that would compile to the same
 * file (`x.ts` and `x.cts`) fail the build.
 */
export async function functionEntries(folders) {
  const entries = {};
  for (const [name, dir] of Object.entries(folders)) {
    if (!existsSync(dir)) continue;
    for (const file of await listModules(dir)) {
      const rel = relative(dir, file);
      const key = join(name, rel.slice(0, -extname(rel).length));
      if (Object.hasOwn(entries, key)) throw new Error(`scripts/build.js: ${entries[key]} and ${file} would both compile to ${key}.js: rename one`);
      entries[key] = file;
    }
  }
  return entries;
}
