#!/usr/bin/env node
/**
 * @module scripts/build
 * The production build (`npm run build`, the container image, the benchmarks), in two esbuild
 * passes. The runtime: its entry points (`runtime/cli.ts`, the `podfn` entry `runtime/index.ts`,
 * `podfn/testing` and `runtime/shared-zod.ts`) bundled, zod and the other dependencies included,
 * into one CommonJS script, `OUT/runtime/podfn.cjs`, loaded by `OUT/runtime/load.cjs`
 * (`scripts/bundle-loader.cjs`) with a V8 code cache made here, in a fresh process, after
 * initialising what every command initialises (`podfn.cjs.cache`): Node 20 compiles ES modules
 * anew in every process (~20 ms for the runtime and zod, more than half the cost of a
 * CronJob's `podfn run`), and a script compiled from a cache skips parsing and reuses the
 * bytecode made while training. What a command loads lazily (the HTTP server's hono side, the
 * emulator, yaml, the manifests) is in the same script but initialised only when first used.
 * Each entry is then a CommonJS module of a few lines (`OUT/runtime/cli.js`, `index.js`,
 * `testing/index.js`, `shared-zod.js`; `OUT/runtime/package.json` says `commonjs`) re-exporting
 * that entry of the one loaded script, so the CLI and the functions share one zod, one
 * `PodfnError` class, one registry, and `node dist/runtime/cli.js` never starts Node's ES module
 * loader. Packages a command may not need are bundled from their CommonJS builds
 * (`COMMONJS_BUILDS`): they cost nothing until first required.
 *
 * Then the functions: each module of a functions folder compiled to its own CommonJS file (a
 * folder using top-level await: ES modules), whose `import "podfn"` (and `"podfn/testing"`)
 * becomes a `require` of the runtime's entry and whose `import "zod"` one of
 * `runtime/shared-zod.js` (`SHARED`).
 *
 * External packages (left to Node's resolution at run time, see `EXTERNAL`): undici, which the
 * kube transport imports part by part (runtime/kube/undici.ts); cron-parser is required lazily
 * (`LOADED_AT_RUN_TIME`). Every other dependency is bundled. zod's locales but English are not in the bundle: each is a CommonJS file of its own
 * under `OUT/runtime/zod-locales/`, required when a function calls it (see `ZOD_LOCALES_INDEX`).
 * thread-stream is left out (`LEFT_OUT`).
 *
 * Functions keep their relative path: `functions/ops/x.ts` becomes `OUT/functions/ops/x.js`,
 * where `podfn serve --functions dist/functions` finds it; it imports the runtime entries under
 * `OUT/runtime/` by relative URL, so a built functions folder stays next to its `OUT`. Relative
 * imports between modules of a functions folder stay imports (`_helpers` are compiled too; the
 * loader skips them); code outside the folders is bundled into the function that imports it.
 * A function built apart (with its own zod) still works: the runtime recognises schemas by
 * zod's interface, not by class.
 *
 * Type checking is not done here: `npm run build` runs `tsc -p tsconfig.build.json` first.
 * Type declarations are not emitted: the package's `types` conditions point at the sources.
 *
 * Usage: node scripts/build.js [--out DIR] [--functions [NAME=]DIR ...]
 *   --out        output folder (default: dist); it is emptied first
 *   --functions  a folder of TypeScript functions built into OUT/NAME (NAME default: functions);
 *                repeat it for several folders, all built in the same build (default: functions)
 */
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { randomUUID } from "node:crypto";
import { isBuiltin } from "node:module";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build, formatMessages } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");

/** Packages left to Node's resolution at run time (see the module comment). */
export const EXTERNAL = ["undici"];

/**
 * Packages the runtime loads at run time by a call esbuild cannot follow (a `createRequire`, to
 * load them only when needed), so they are not in the bundle: cron-parser (the first in-process
 * schedule). test/deploy/image-modules.test.ts checks the runtime's sources name no other.
 */
export const LOADED_AT_RUN_TIME = ["cron-parser"];

/**
 * `OUT/image-packages.json`: the packages the built code loads from node_modules at run time,
 * `EXTERNAL`, `LOADED_AT_RUN_TIME` and what the functions import (`{ "packages": [...] }`), for
 * scripts/image-modules.js to copy into the image with their dependencies, and nothing else.
 */
export const IMAGE_PACKAGES = "image-packages.json";

/** The package an import specifier names (`@scope/name/sub` → `@scope/name`), or undefined for a builtin or a path. */
function packageOf(specifier) {
  if (specifier.startsWith(".") || specifier.startsWith("/") || isBuiltin(specifier)) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** Write `OUT/IMAGE_PACKAGES` from the functions' build metafile (none: `EXTERNAL` only). */
async function writeImagePackages(out, metafile, placeholder) {
  const packages = new Set([...EXTERNAL, ...LOADED_AT_RUN_TIME]);
  for (const output of Object.values(metafile?.outputs ?? {})) {
    for (const { path, external } of output.imports) {
      if (!external || path.startsWith(placeholder)) continue;
      const name = packageOf(path);
      if (name !== undefined) packages.add(name);
    }
  }
  await writeFile(join(out, IMAGE_PACKAGES), `${JSON.stringify({ packages: [...packages].sort() }, null, 2)}\n`);
  return IMAGE_PACKAGES;
}

/**
 * Packages bundled from their CommonJS build whichever way they are imported. In one script, a
 * bundled CommonJS module is a single closure until first required, while an ES module's
 * functions and export tables are set up when the script starts, used or not (esbuild hoists
 * them): these are needed by some commands only (yaml for a kubeconfig, hono for requests off
 * the fast path), so every process would otherwise pay for them at start-up.
 */
export const COMMONJS_BUILDS = ["yaml", "hono", "@hono/node-server", "jose", "zod"];

/** An esbuild plugin resolving `COMMONJS_BUILDS` (and their subpaths) to their `require` exports. */
function commonJsBuilds() {
  const names = new RegExp(`^(${COMMONJS_BUILDS.map((n) => n.replace(/[/.]/g, "\\$&")).join("|")})(/.*)?$`);
  return {
    name: "podfn-commonjs-builds",
    setup(b) {
      b.onResolve({ filter: names }, async (args) => {
        if (args.kind === "require-call" || args.pluginData === "podfn-commonjs-builds") return undefined;
        const resolved = await b.resolve(args.path, { kind: "require-call", resolveDir: args.resolveDir, importer: args.importer, pluginData: "podfn-commonjs-builds" });
        return resolved.errors.length > 0 ? { errors: resolved.errors } : { path: resolved.path };
      });
    },
  };
}

/**
 * zod's locales index (`z.locales`): all 40-odd languages, half of zod's code (~290 KB), parsed by
 * every process that imports zod though only English (its default) is used unless a function
 * calls `z.config(z.locales.xx())`. The runtime's build keeps English and makes every other
 * locale a function that loads its own file (`LOCALES_DIR`, built from zod's module) on first
 * call: ~7 ms less start-up in every process.
 */
const ZOD_LOCALES_INDEX = /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.cjs$/;

/**
 * Packages left out of the runtime's bundle, each replaced by a function that throws what it is
 * for: thread-stream, which pino requires at load only for `pino.transport()` (log transports
 * in a worker thread), which podfn never calls.
 */
export const LEFT_OUT = { "thread-stream": "pino transports (a worker thread) are not part of podfn's build" };

/**
 * Edits of bundled dependencies, each an exact text replacement the build checks was made (a new
 * release laid out differently fails the build rather than shipping unpatched): builtins that
 * cost ~1 ms each to load at start-up, required only for a rare case, are required when needed.
 * pino reads `isMainThread` only when it makes its own file-descriptor stream (worker_threads);
 * sonic-boom calls `assert` only on a misuse (assert).
 */
export const PATCHES = [
  {
    file: /[\\/]node_modules[\\/]pino[\\/]lib[\\/]tools\.js$/,
    edits: [
      ["const { isMainThread } = require('worker_threads')", "const isMainThread = () => require('worker_threads').isMainThread"],
      ["if (!opts.sync && isMainThread) {", "if (!opts.sync && isMainThread()) {"],
    ],
  },
  {
    file: /[\\/]node_modules[\\/]sonic-boom[\\/]index\.js$/,
    edits: [["const assert = require('assert')", "function assert (ok, message) { if (!ok) require('assert')(ok, message) }"]],
  },
];

/** An esbuild plugin applying `PATCHES`; the build fails when a patched file was not bundled. */
function patchSources(applied) {
  return {
    name: "podfn-patch-sources",
    setup(b) {
      for (const patch of PATCHES) {
        b.onLoad({ filter: patch.file }, async (args) => {
          let contents = await readFile(args.path, "utf8");
          for (const [from, to] of patch.edits) {
            if (!contents.includes(from)) throw new Error(`scripts/build.js: ${args.path} no longer contains ${JSON.stringify(from)}: review PATCHES`);
            contents = contents.replace(from, to);
          }
          applied.add(patch);
          return { contents, loader: "js" };
        });
      }
    },
  };
}

/** An esbuild plugin replacing the `LEFT_OUT` packages. */
function leaveOut() {
  return {
    name: "podfn-left-out",
    setup(b) {
      b.onResolve({ filter: new RegExp(`^(${Object.keys(LEFT_OUT).join("|")})$`) }, (args) => ({ path: args.path, namespace: "podfn-left-out" }));
      b.onLoad({ filter: /.*/, namespace: "podfn-left-out" }, (args) => ({
        contents: `module.exports = function leftOut() { throw new Error(${JSON.stringify(`${args.path}: ${LEFT_OUT[args.path]}`)}); };`,
        loader: "js",
      }));
    },
  };
}

/** The runtime entry points: ES module path under OUT to its source, and its name in the bundle (`scripts/bundle-loader.cjs`). */
export const ENTRIES = {
  "runtime/cli": { source: "runtime/cli.ts", name: "cli" },
  "runtime/shared-zod": { source: "runtime/shared-zod.ts", name: "zod" },
  "runtime/index": { source: "runtime/index.ts", name: "index" },
  "runtime/testing/index": { source: "runtime/testing/index.ts", name: "testing" },
};

/** The bundle and its loader, under OUT. */
const BUNDLE = "runtime/podfn.cjs";
const LOADER = "runtime/load.cjs";
/** Where zod's other locales are written (under OUT): beside the bundle, which loads them by this relative path. */
const LOCALES_DIR = `${dirname(BUNDLE)}/zod-locales`;

/**
 * The bundle's entry module: `entries` names them, `entry(name)` initialises one (`require` of an
 * ES module bundles it lazily).
 */
function bundleEntry() {
  const names = Object.values(ENTRIES).map(({ name }) => name);
  const cases = Object.values(ENTRIES).map(({ source, name }) => `case ${JSON.stringify(name)}: return require(${JSON.stringify(`./${source}`)});`);
  return [
    `export const entries = ${JSON.stringify(names)};`,
    `export function entry(name) { switch (name) { ${cases.join(" ")} default: throw new Error(\`podfn: no runtime entry "\${name}" (known: ${names.join(", ")})\`); } }`,
    "",
  ].join("\n");
}

/**
 * An esbuild plugin giving the bundle's `runtime/dynamic-import.ts` the loader's `import()`
 * (the wrapper's `__podfnImport` argument): a script compiled by `vm` has none of its own.
 */
function loaderImport() {
  return {
    name: "podfn-loader-import",
    setup(b) {
      b.onLoad({ filter: /[\\/]runtime[\\/]dynamic-import\.ts$/ }, () => ({ contents: "export function importModule(specifier) { return __podfnImport(specifier); }\n", loader: "js" }));
    },
  };
}

/**
 * An esbuild plugin making the bundle's `runtime/zod-runtime.ts` initialise zod on first call
 * (a static import would initialise it with the module): a `require` of zod's CommonJS build,
 * the one file every `import "zod"` of the bundle resolves to (`COMMONJS_BUILDS`), so the
 * runtime and the functions share one zod.
 */
function lazyZod() {
  return {
    name: "podfn-lazy-zod",
    setup(b) {
      b.onLoad({ filter: /[\\/]runtime[\\/]zod-runtime\.ts$/ }, (args) => ({
        contents: 'export function zod() { return require("zod").z; }\n',
        loader: "js",
        resolveDir: dirname(args.path),
      }));
    },
  };
}

/**
 * Make the code cache (in a fresh Node process, as the CLI will run) and write each entry's
 * CommonJS module from the export names the loader reports. Resolves to the files written.
 */
async function writeEntries(out) {
  const names = JSON.parse(execFileSync(process.execPath, [join(out, LOADER), "--make-cache"], { encoding: "utf8", env: { PATH: process.env.PATH ?? "" } }));
  await writeFile(join(out, "runtime/package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
  const written = [`${BUNDLE}.cache`, "runtime/package.json"];
  for (const [path, { name }] of Object.entries(ENTRIES)) {
    const file = join(out, `${path}.js`);
    const loader = relativeUrl(dirname(file), join(out, LOADER));
    // CommonJS (OUT/runtime/package.json says so): `node dist/runtime/cli.js` and the built
    // functions never start Node's ES module loader (~5 ms). One `exports["name"] =` per export,
    // the form Node's CommonJS export detection reads, so ES modules can import them by name.
    const lines = [
      '"use strict";',
      `// podfn's "${name}" entry: the one runtime bundle's (see load.cjs).`,
      `const entry = require(${JSON.stringify(loader)}).entry(${JSON.stringify(name)});`,
      ...names[name].map((n) => `exports[${JSON.stringify(n)}] = entry[${JSON.stringify(n)}];`),
    ];
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${lines.join("\n")}\n`);
    written.push(`${path}.js`);
  }
  return written;
}

/**
 * What a function's `import "podfn"`, `"podfn/testing"` and `"zod"` become: the runtime entry
 * each is served by (output path under OUT, without `.js`). Written as a placeholder specifier
 * during the functions' build and replaced by the relative URL from each output file.
 */
export const SHARED = { podfn: "runtime/index", "podfn/testing": "runtime/testing/index", zod: "runtime/shared-zod" };

/**
 * `import.meta.url` in CommonJS output: the file's own URL (the bundle's folder is where
 * `OUT/runtime` files are found). It opens with the strict-mode directive ES modules have, which
 * a banner would otherwise push out of first place.
 */
const URL_BANNER = '"use strict"; var __podfnModuleUrl = require("node:url").pathToFileURL(__filename).href;';

/** The same for a function compiled to CommonJS, made only when the function reads it (most never do). */
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

/**
 * zod's locales (`name` as exported, `file` name without `.js`), read from its index, which
 * re-exports one default export per file.
 */
async function zodLocales(index) {
  const source = await readFile(index, "utf8");
  const locales = [...source.matchAll(/export \{ default as (\w+) \} from "\.\/([\w-]+)\.js";/g)].map(([, name, file]) => ({ name, file }));
  if (locales.length === 0 || !locales.some((l) => l.name === "en")) throw new Error(`scripts/build.js: unexpected layout of ${index}`);
  return locales;
}

/**
 * An esbuild plugin replacing zod's locales index (see `ZOD_LOCALES_INDEX`; zod is bundled from
 * its CommonJS build): English stays bundled; every other locale becomes a function that
 * `require`s its file from `LOCALES_DIR` (written by `buildZodLocales`) when called, and calls it
 * with the same arguments. The list of locales is read from zod's ES module index.
 */
function lazyZodLocales() {
  return {
    name: "podfn-zod-locales",
    setup(b) {
      b.onLoad({ filter: ZOD_LOCALES_INDEX }, async (args) => {
        const others = (await zodLocales(join(dirname(args.path), "index.js"))).filter((l) => l.name !== "en");
        const contents = [
          '"use strict";',
          'Object.defineProperty(exports, "__esModule", { value: true });',
          'const { createRequire } = require("node:module");',
          'exports.en = require("./en.cjs").default;',
          // __filename, not import.meta: esbuild would take the file for an ES module. In the bundle it names the bundle.
          "const load = createRequire(__filename);",
          `function locale(file) { return function loadLocale(...args) { return load(\`./${LOCALES_DIR.split("/").pop()}/\${file}.cjs\`).default(...args); }; }`,
          ...others.map((l) => `exports.${l.name} = locale(${JSON.stringify(l.file)});`),
        ].join("\n");
        return { contents, loader: "js", resolveDir: dirname(args.path) };
      });
    },
  };
}

/** Build zod's locales but English into `OUT/LOCALES_DIR`, one CommonJS file each (loaded with `require`); resolves to the files written. */
async function buildZodLocales(out) {
  const index = join(ROOT, "node_modules/zod/v4/locales/index.js");
  const others = (await zodLocales(index)).filter((l) => l.name !== "en");
  const locales = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(others.map((l) => [`${LOCALES_DIR}/${l.file}`, join(dirname(index), `${l.file}.js`)])),
    outdir: out,
    outExtension: { ".js": ".cjs" },
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    logLevel: "warning",
  });
  return Object.keys(locales.metafile.outputs);
}

/** Modules under `dir` to compile, one file each: `_` helpers too (the loader skips them); no `.` names, tests, declarations. */
async function listModules(dir, out = []) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") await listModules(path, out);
    } else if (/\.(m?ts|m?js)$/.test(entry.name) && !/\.d\.m?ts$/.test(entry.name) && !/\.(test|spec)\.m?[jt]s$/.test(entry.name)) {
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
 * Build into `out`: the runtime entries and the functions of `functions` (output folder name
 * under `out` to source folder; a string means `{ functions: dir }`). Resolves to the list of
 * files written.
 *
 * @example
 * await buildPodfn({ out: "/tmp/ws/dist", functions: { "fns-a": "/tmp/ws/a", "fns-b": "/tmp/ws/b" } });
 */
export async function buildPodfn({ out = join(ROOT, "dist"), functions = { functions: join(ROOT, "functions") } } = {}) {
  const folders = typeof functions === "string" ? { functions } : functions;
  await rm(out, { recursive: true, force: true });
  const patched = new Set();
  const runtime = await build({
    absWorkingDir: ROOT,
    stdin: { contents: bundleEntry(), resolveDir: ROOT, sourcefile: "podfn-entries.js", loader: "js" },
    outfile: join(out, BUNDLE),
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    // Every import() the bundle keeps becomes a require (a vm script has no import()); those
    // of runtime-known specifiers go through the loader's (`loaderImport`).
    supported: { "dynamic-import": false },
    external: EXTERNAL,
    plugins: [lazyZodLocales(), leaveOut(), loaderImport(), lazyZod(), commonJsBuilds(), patchSources(patched)],
    banner: { js: URL_BANNER },
    define: { "import.meta.url": "__podfnModuleUrl" },
    // Whitespace and syntax only: names stay readable in stack traces and logs.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: "linked",
    legalComments: "linked",
    metafile: true,
    logLevel: "warning",
  });
  if (patched.size !== PATCHES.length) throw new Error(`scripts/build.js: a patched dependency was not bundled: review PATCHES`);
  // The build's id ends the bundle; the code cache starts with it (see scripts/bundle-loader.cjs).
  await writeFile(join(out, BUNDLE), `\n//# podfn-build ${randomUUID()}\n`, { flag: "a" });
  const bundled = await readFile(join(out, BUNDLE), "utf8");
  if (/(?<![\w$.])import\s*\(/.test(bundled)) throw new Error(`scripts/build.js: ${BUNDLE} still calls import() (a vm script has none): use runtime/dynamic-import.ts`);
  // The loader reads the bundle as latin1: it must be ASCII (esbuild's default charset escapes the rest).
  if (/[^\x00-\x7f]/.test(bundled)) throw new Error(`scripts/build.js: ${BUNDLE} is not ASCII (keep esbuild's charset: "ascii")`);
  await copyFile(join(ROOT, "scripts/bundle-loader.cjs"), join(out, LOADER));
  const written = [...Object.keys(runtime.metafile.outputs), LOADER, ...(await writeEntries(out)), ...(await buildZodLocales(out))];
  const entries = await functionEntries(folders);
  if (Object.keys(entries).length === 0) return [...written, await writeImagePackages(out)];
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
  return [...written, ...Object.keys(fns.metafile.outputs), ...types, await writeImagePackages(out, fns.metafile, placeholder)];
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

/** The relative URL of `to` from folder `from` (`./x.js`, `../runtime/index.js`). */
function relativeUrl(from, to) {
  const path = relative(from, to).split(sep).join("/");
  return path.startsWith(".") ? path : `./${path}`;
}

/** `--functions [NAME=]DIR` values to `{ NAME: absolute DIR }`. */
function parseFolders(values) {
  return Object.fromEntries(
    values.map((v) => {
      const at = v.indexOf("=");
      return at > 0 ? [v.slice(0, at), resolve(v.slice(at + 1))] : ["functions", resolve(v)];
    }),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(ROOT, "scripts/build.js")) {
  const { values } = parseArgs({ options: { out: { type: "string" }, functions: { type: "string", multiple: true } } });
  const files = await buildPodfn({
    ...(values.out ? { out: resolve(values.out) } : {}),
    ...(values.functions ? { functions: parseFolders(values.functions) } : {}),
  });
  process.stdout.write(`podfn: built ${files.filter((f) => /\.c?js$/.test(f)).length} modules into ${values.out ?? "dist"}\n`);
}
