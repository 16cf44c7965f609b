/**
 * @module scripts/build/functions
 * The functions' pass of the production build: each module of a functions folder compiled to its
 * own CommonJS file (a folder using top-level await: ES modules), whose `import "podfn"` (and
 * `"podfn/testing"`) becomes a `require` of the runtime's entry and whose `import "zod"` one of
 * `runtime/shared-zod.js` (`SHARED`).
 *
 * Functions keep their relative path: `functions/ops/x.ts` becomes `OUT/functions/ops/x.js`,
 * where `podfn serve --functions dist/functions` finds it; it imports the runtime entries under
 * `OUT/runtime/` by relative URL, so a built functions folder stays next to its `OUT`. Relative
 * imports between modules of a functions folder stay imports (`_helpers` are compiled too; the
 * loader skips them); code outside the folders is bundled into the function that imports it.
 * A function built apart (with its own zod) still works: the runtime recognises schemas by
 * zod's interface, not by class.
 */
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { existsSync, realpathSync } from "node:fs";
import { dirname, extname, isAbsolute, join, relative } from "node:path";
import { randomUUID } from "node:crypto";
import { build, formatMessages } from "esbuild";
import { ROOT, relativeUrl } from "./layout.js";

/**
 * What a function's `import "podfn"`, `"podfn/testing"` and `"zod"` become: the runtime entry
 * each is served by (output path under OUT, without `.js`). Written as a placeholder specifier
 * during the functions' build and replaced by the relative URL from each output file.
 */
export const SHARED = { podfn: "runtime/index", "podfn/testing": "runtime/testing/index", zod: "runtime/shared-zod" };

/**
 * `import.meta.url` for a function compiled to CommonJS: the file's own URL, as the runtime's
 * `URL_BANNER` (scripts/build/runtime.js), made only when the function reads it (most never do).
 */
const FUNCTION_BANNER = '"use strict"; var __podfnMeta = { get url() { return require("node:url").pathToFileURL(__filename).href; } };';

/**
 * An esbuild plugin compiling each module of the functions folders to its own file. Imports it
 * leaves to Node are written as `PLACEHOLDER<output path under OUT>` (`placeholder` is unique
 * to the build, so no string of the user's can look like one) and made relative URLs from each
 * output file afterwards: `podfn`, `podfn/testing` and `zod` become the runtime's entries
 * (`SHARED`); a module of a functions folder (`sources`: source path to output path), whoever
 * imports it, stays one compiled file; code outside the folders is bundled into its importer,
 * and packages are left to Node's resolution.
 */
function perFileFunctions(sources, placeholder, esmOnly) {
  return {
    name: "podfn-functions",
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === "entry-point" || args.pluginData === placeholder) return undefined;
        if (Object.hasOwn(SHARED, args.path)) return { path: `${placeholder}${SHARED[args.path]}`, external: true };
        if (!args.path.startsWith(".") && !args.path.startsWith("/")) {
          if (esmOnly && !(await requirable(b, args, placeholder))) esmOnly.add(args.path);
          return { external: true };
        }
        const resolved = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: placeholder });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        const target = sources.get(resolved.path);
        return target === undefined ? resolved : { path: `${placeholder}${target}`, external: true };
      });
    },
  };
}

/**
 * Whether a package a function imports can be `require`d by a CommonJS build of it on every Node
 * podfn supports (a builtin, or a package whose `require` entry is CommonJS): `require()` of an
 * ES module needs Node 20.19 and warns there.
 */
async function requirable(b, args, placeholder) {
  const resolved = await b.resolve(args.path, { kind: "require-call", resolveDir: args.resolveDir, importer: args.importer, pluginData: placeholder });
  if (resolved.errors.length > 0) return false;
  if (resolved.external || !isAbsolute(resolved.path)) return true;
  return !(await isEsModuleFile(resolved.path));
}

/** Whether Node loads `file` as an ES module: `.mjs`, or `.js` under a package.json saying `module`. */
async function isEsModuleFile(file) {
  if (file.endsWith(".mjs")) return true;
  if (file.endsWith(".cjs") || !file.endsWith(".js")) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    try {
      return JSON.parse(await readFile(join(dir, "package.json"), "utf8")).type === "module";
    } catch {
      if (dirname(dir) === dir) return false;
    }
  }
}

/** Modules under `dir` to compile, one file each: `_` helpers too (the loader skips them); no `.` names, tests, declarations. */
async function listModules(dir, out = []) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") await listModules(path, out);
    } else if (/\.[mc]?[jt]s$/.test(entry.name) && !/\.d\.[mc]?ts$/.test(entry.name) && !/\.(test|spec)\.[mc]?[jt]s$/.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

/** Entry points of the functions folders: `NAME/<relative path without extension>` to source. */
async function functionEntries(folders) {
  const entries = {};
  for (const [name, dir] of Object.entries(folders)) {
    if (!existsSync(dir)) continue;
    for (const file of await listModules(dir)) {
      const rel = relative(dir, file);
      entries[join(name, rel.slice(0, -extname(rel).length))] = file;
    }
  }
  return entries;
}

/**
 * Compile the functions of `folders` (output folder name under `out` to source folder) into
 * `out`. Resolves to undefined when the folders hold no module, else to the files written
 * (`files`) and what `writeImagePackages` reads of the build (`metafile`, `placeholder`).
 */
export async function compileFunctionFolders(out, folders) {
  const entries = await functionEntries(folders);
  if (Object.keys(entries).length === 0) return undefined;
  const placeholder = `podfn-${randomUUID()}:`;
  // esbuild resolves to real paths: key the folder modules the same way.
  const sources = new Map(Object.entries(entries).map(([target, source]) => [realpathSync(source), target]));
  // CommonJS, unless something has no CommonJS form: then the functions are ES modules, as written.
  let fns;
  let format = "cjs";
  let reason;
  const esmOnly = new Set();
  try {
    fns = await buildFunctions(entries, out, sources, placeholder, format, esmOnly);
    if (fns.warnings.some((w) => w.text.includes("import.meta"))) reason = "`import.meta` beyond url, dirname and filename";
    else if (esmOnly.size > 0) reason = `ES-module-only packages (${[...esmOnly].join(", ")})`;
  } catch (error) {
    if (!error.errors?.some((e) => /top-level await/i.test(e.text))) throw error;
    reason = "top-level await";
  }
  if (reason !== undefined) {
    format = "esm";
    fns = await buildFunctions(entries, out, sources, placeholder, format);
    process.stderr.write(`podfn: functions built as ES modules (they use ${reason}); CommonJS ones start faster\n`);
  } else {
    // The CommonJS pass is silent (its import.meta warning only means: build as ES modules); say the rest.
    for (const message of await formatMessages(fns.warnings, { kind: "warning" })) process.stderr.write(message);
  }
  for (const file of fns.outputFiles) {
    const text = file.path.endsWith(".js") ? file.text.replace(new RegExp(`(["'])${placeholder}([^"']+)\\1`, "g"), (_, quote, target) => JSON.stringify(relativeUrl(dirname(file.path), join(out, `${target}.js`)))) : file.text;
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, text);
  }
  // Each folder says what its modules are, whatever package it ends up in.
  const types = Object.keys(folders).map((name) => join(name, "package.json"));
  for (const path of types) await writeFile(join(out, path), `${JSON.stringify({ type: format === "cjs" ? "commonjs" : "module" })}\n`);
  return { files: [...Object.keys(fns.metafile.outputs), ...types], metafile: fns.metafile, placeholder };
}

/**
 * Compile the functions folders' modules, one file each, as CommonJS (`format` "cjs": the
 * loader `require`s them, without Node's ES module loader; `esmOnly` collects imported packages
 * that have no CommonJS form) or as ES modules (what top-level await, `import.meta` beyond
 * url/dirname/filename or such a package needs). In CommonJS, `import.meta.url`, `.dirname` and
 * `.filename` keep their meaning.
 */
function buildFunctions(entries, out, sources, placeholder, format, esmOnly) {
  const cjs = format === "cjs";
  return build({
    absWorkingDir: ROOT,
    entryPoints: entries,
    outdir: out,
    bundle: true,
    format,
    platform: "node",
    target: "node20",
    plugins: [perFileFunctions(sources, placeholder, esmOnly)],
    ...(cjs
      ? { banner: { js: FUNCTION_BANNER }, define: { "import.meta.url": "__podfnMeta.url", "import.meta.dirname": "__dirname", "import.meta.filename": "__filename" } }
      : {}),
    sourcemap: "linked",
    metafile: true,
    write: false,
    logLevel: cjs ? "silent" : "warning",
  });
}
