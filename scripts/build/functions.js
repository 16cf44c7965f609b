/**
 * @module scripts/build/functions
 * The functions' pass of the production build: each module of a functions folder compiled to its
 * own CommonJS file (a folder using top-level await: ES modules, but for its CommonJS modules,
 * .cts and .cjs, which stay CommonJS), whose `import "podfn"` (and `"podfn/testing"`) becomes a
 * `require` of the runtime's entry and whose `import "zod"` one of `runtime/shared-zod.js`
 * (`SHARED`). What each import becomes is scripts/build/function-imports.js.
 *
 * Functions keep their relative path: `functions/ops/x.ts` becomes `OUT/functions/ops/x.js`,
 * where `podfn serve --functions dist/functions` finds it (a CommonJS module in a folder built as
 * ES modules: `x.cjs`); it imports the runtime entries under `OUT/runtime/` by relative URL, so a
 * built functions folder stays next to its `OUT`. Relative imports between modules of a
 * functions folder stay imports (`_helpers` are compiled too; the loader skips them); code
 * outside the folders is bundled into the function that imports it. The folder's other files
 * (not tests, not TypeScript's) are copied to the same relative path, so that a function reading
 * one through `import.meta.url` finds it. A function built apart (with its own zod) still works:
 * the runtime recognises schemas by zod's interface, not by class.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { randomUUID } from "node:crypto";
import { build, formatMessages } from "esbuild";
import { ROOT, relativeUrl } from "./layout.js";
import { copyAssets, isCommonJsSource, readFunctionFolders } from "./function-files.js";
import { perFileFunctions } from "./function-imports.js";
import { leaveToNode, leftToNode } from "./glob-imports.js";

export { SHARED } from "./function-imports.js";

/**
 * `import.meta.url` for a function compiled to CommonJS: the file's own URL, as the runtime's
 * `URL_BANNER` (scripts/build/runtime.js), made only when the function reads it (most never do).
 */
const FUNCTION_BANNER = '"use strict"; var __podfnMeta = { get url() { return require("node:url").pathToFileURL(__filename).href; } };';

/** A warning of esbuild's about `import.meta` in CommonJS output: it has more than url, dirname and filename. */
const isImportMetaWarning = (w) => w.text.includes("import.meta");

/**
 * Output paths under OUT of the modules of `entries` (real source path → `NAME/rel.js`, or
 * `.cjs` for a CommonJS module when the folder is built as ES modules); esbuild resolves to real
 * paths.
 */
function outputPaths(entries, format) {
  return new Map(Object.entries(entries).map(([target, source]) => [realpathSync(source), `${target}${format === "esm" && isCommonJsSource(source) ? ".cjs" : ".js"}`]));
}

/** `entries` whose source is (`commonJs` true) or is not a CommonJS module. */
const pick = (entries, commonJs) => Object.fromEntries(Object.entries(entries).filter(([, source]) => isCommonJsSource(source) === commonJs));

/**
 * Compile the functions of `folders` (output folder name under `out` to source folder) into
 * `out`. Resolves to undefined when the folders hold no module, else to the files written
 * (`files`) and what `writeImagePackages` reads of the build (`metafile`, `placeholder`).
 */
export async function compileFunctionFolders(out, folders) {
  const { entries, assets } = await readFunctionFolders(folders);
  if (Object.keys(entries).length === 0) return undefined;
  const placeholder = `podfn-${randomUUID()}:`;
  // CommonJS, unless something has no CommonJS form: then the functions are ES modules, as written.
  let reason;
  let passes;
  const esmOnly = new Set();
  // Template-literal import()s of the folders' modules left to Node, found by the first pass.
  const globs = new Map();
  const options = { folders, out, placeholder, globs };
  try {
    const all = await buildFunctions({ ...options, entries, format: "cjs", sources: outputPaths(entries, "cjs"), esmOnly });
    if (all.warnings.some(isImportMetaWarning)) reason = "`import.meta` beyond url, dirname and filename";
    else if (esmOnly.size > 0) reason = `ES-module-only packages (${[...esmOnly].join(", ")})`;
    // The CommonJS pass is silent (its import.meta warning only means: build as ES modules); say the rest.
    else for (const message of await formatMessages(all.warnings, { kind: "warning" })) process.stderr.write(message);
    passes = [all];
  } catch (error) {
    if (!error.errors?.some((e) => /top-level await/i.test(e.text))) throw error;
    reason = "top-level await";
  }
  const format = reason === undefined ? "cjs" : "esm";
  if (format === "esm") {
    const commonJsKept = Object.keys(pick(entries, true)).length > 0 ? ", their CommonJS modules (.cts, .cjs) as CommonJS" : "";
    process.stderr.write(`podfn: functions built as ES modules (they use ${reason})${commonJsKept}; CommonJS ones start faster\n`);
    passes = await buildEsModuleFolders(entries, options, reason);
  }
  for (const file of passes.flatMap((pass) => pass.outputFiles)) {
    const text = /\.c?js$/.test(file.path) ? file.text.replace(new RegExp(`(["'])${placeholder}([^"']+)\\1`, "g"), (_, quote, target) => JSON.stringify(relativeUrl(dirname(file.path), join(out, target)))) : file.text;
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, text);
  }
  // Each folder says what its modules are, whatever package it ends up in.
  const types = Object.keys(folders).map((name) => join(name, "package.json"));
  for (const path of types) await writeFile(join(out, path), `${JSON.stringify({ type: format === "cjs" ? "commonjs" : "module" })}\n`);
  const metafile = { inputs: Object.assign({}, ...passes.map((p) => p.metafile.inputs)), outputs: Object.assign({}, ...passes.map((p) => p.metafile.outputs)) };
  return { files: [...Object.keys(metafile.outputs), ...types, ...(await copyAssets(out, assets))], metafile, placeholder };
}

/**
 * The functions folders built as ES modules (because of `reason`): their ES modules in one pass,
 * their CommonJS modules (.cts, .cjs: `__dirname`, `require`) in another, as CommonJS files
 * named `.cjs`. A CommonJS module that cannot stay CommonJS (it uses top-level await or
 * `import.meta`, or imports an ES module) fails the build.
 */
async function buildEsModuleFolders(entries, options, reason) {
  const sources = outputPaths(entries, "esm");
  const passes = [];
  const esModules = pick(entries, false);
  if (Object.keys(esModules).length > 0) passes.push(await buildFunctions({ ...options, entries: esModules, format: "esm", sources }));
  const commonJsModules = pick(entries, true);
  if (Object.keys(commonJsModules).length > 0) {
    const commonJs = await buildFunctions({ ...options, entries: commonJsModules, format: "cjs", sources, commonJs: { reason } });
    const meta = commonJs.warnings.find(isImportMetaWarning);
    if (meta) throw new Error(`scripts/build.js: ${meta.location?.file}: a CommonJS module (.cts, .cjs) stays CommonJS, and has no \`import.meta\` but url, dirname and filename: ${meta.text}`);
    passes.push(commonJs);
  }
  return passes;
}

/**
 * Compile modules of the functions folders (`entries`), one file each, as CommonJS (`format`
 * "cjs": the loader `require`s them, without Node's ES module loader; `esmOnly` collects imported
 * packages that have no CommonJS form; `commonJs`: a folder's CommonJS modules, the rest of it
 * being ES modules, written as `.cjs`) or as ES modules (what top-level await, `import.meta`
 * beyond url/dirname/filename or such a package needs). In CommonJS, `import.meta.url`,
 * `.dirname` and `.filename` keep their meaning. A template-literal `import()` of the folder's
 * modules that matches no file on disk (scripts/build/glob-imports.js) is added to `globs` and
 * the modules compiled again, leaving it to Node.
 */
async function buildFunctions(options) {
  for (;;) {
    let result;
    let failure;
    try {
      result = await esbuildFunctions(options);
    } catch (error) {
      failure = error;
    }
    if (!leftToNode((result ?? failure).warnings ?? [], options.folders, options.sources, options.globs)) {
      if (failure) throw failure;
      return result;
    }
  }
}

/** One esbuild pass of `buildFunctions`. */
function esbuildFunctions({ entries, out, placeholder, format, sources, esmOnly, commonJs, globs }) {
  const cjs = format === "cjs";
  return build({
    absWorkingDir: ROOT,
    entryPoints: entries,
    outdir: out,
    ...(commonJs ? { outExtension: { ".js": ".cjs" } } : {}),
    bundle: true,
    format,
    platform: "node",
    target: "node20",
    plugins: [leaveToNode(globs), perFileFunctions({ sources, placeholder, esmOnly, commonJs })],
    ...(cjs
      ? { banner: { js: FUNCTION_BANNER }, define: { "import.meta.url": "__podfnMeta.url", "import.meta.dirname": "__dirname", "import.meta.filename": "__filename" } }
      : {}),
    sourcemap: "linked",
    metafile: true,
    write: false,
    logLevel: cjs && !commonJs ? "silent" : "warning",
  });
}
