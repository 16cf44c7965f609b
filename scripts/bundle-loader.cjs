/**
 * @module scripts/bundle-loader (shipped as dist/runtime/load.cjs)
 * Loads the production runtime, `podfn.cjs`: one CommonJS script holding the runtime, zod and
 * the bundled dependencies, compiled with the V8 code cache `podfn.cjs.cache` that the build
 * made with this Node binary. V8 then reads compiled functions instead of parsing and compiling
 * ~1.5 MB of JavaScript, most of a short process's start-up (Node 20 has no compile cache for
 * modules; `vm.Script` takes one for a script). A cache V8 refuses (another Node version, other
 * V8 flags) is ignored and the script compiles as usual: the cache changes speed, never results.
 *
 * `entry(name)` gives the module of one runtime entry (the bundle's `entries`: "cli", "index",
 * "zod", "testing"), initialised on first call. Every ES module entry of `dist/runtime` goes through it, so a
 * process holds one copy of the runtime however its entries are reached.
 *
 * `node load.cjs --make-cache TRAINING` (run by scripts/build.js in a fresh process) compiles
 * without a cache, initialises the entries every process starts (all but `UNTRAINED`), runs a
 * `podfn run` (scripts/build/cache-training.cjs) so the cache holds the run path compiled too,
 * writes the cache, and prints the export names of every entry as JSON (the build writes the
 * entries from them).
 *
 * Under `--enable-source-maps` (on the command line or in NODE_OPTIONS) the bundle is compiled
 * by Node's CommonJS loader instead, without the cache: Node then reads the bundle's source map
 * (`podfn.cjs.map`), so the runtime's own frames in a stack trace name runtime/*.ts lines, as
 * the functions' frames do. A process asking for source maps is being debugged: start-up speed
 * matters less than a readable trace.
 *
 * V8 accepts a cache for any source of the same length. The build ends the bundle with a line
 * naming the build (`//# podfn-build <uuid>`) and the cache starts with that id: a cache from
 * another build (copied beside a newer bundle) is not used.
 */
"use strict";
const { readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { Script } = require("node:vm");
const Module = require("node:module");
const { createRequire } = Module;

const FILE = join(__dirname, "podfn.cjs");
const CACHE = `${FILE}.cache`;
/** The entries not initialised before the cache is written (the emulator: tests and local runs only). */
const UNTRAINED = ["testing"];
/**
 * The function around the bundle: CommonJS's five names, and the loader's `import()` (a script
 * compiled by `vm` has none: see runtime/dynamic-import.ts). Keep it identical where the cache
 * is made and used: the cache is of this text.
 */
const HEAD = "(function (exports, require, module, __filename, __dirname, __podfnImport) {";
const TAIL = "\n})";
/** The bundle's last line: `//# podfn-build ` and a 36-character id, which the cache starts with. */
const BUILD_MARK = "//# podfn-build ";
const ID_LENGTH = 36;

/** The build id the bundle ends with (undefined when it has none). */
function buildId(source) {
  const at = source.lastIndexOf(BUILD_MARK);
  return at < 0 ? undefined : source.slice(at + BUILD_MARK.length, at + BUILD_MARK.length + ID_LENGTH);
}

/** The bundle's exports and its script, once loaded. */
let loaded;

/** The `import()` the bundle's dynamic imports go through (this file is a real CommonJS module: it has one). */
function importModule(specifier) {
  return import(specifier);
}

/**
 * Whether Node maps stack traces through source maps (Node 20.7+ says so; before, the flag is
 * looked for on the command line and in NODE_OPTIONS, unquoted; `process.setSourceMapsEnabled`
 * called later is not seen there).
 */
function sourceMapsEnabled() {
  if (typeof process.sourceMapsEnabled === "boolean") return process.sourceMapsEnabled;
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)].includes("--enable-source-maps");
}

/**
 * The bundle compiled by Node's CommonJS loader, which registers its source map. The loader's
 * `import()` is handed over on the module and named on the first line (only that line's columns
 * move, as with `HEAD`), after a "use strict" of its own: the bundle's, no longer first, would
 * not count.
 */
function loadMapped(source, id) {
  const module = new Module(FILE, null);
  module.filename = FILE;
  module.paths = Module._nodeModulePaths(__dirname);
  module.podfnImport = importModule;
  module._compile(`"use strict";const __podfnImport = module.podfnImport;${source}`, FILE);
  return { exports: module.exports, script: undefined, id, cacheRejected: undefined };
}

function load(useCache) {
  if (loaded) return loaded;
  // The bundle is ASCII (esbuild escapes the rest; the build checks): latin1 reads it as UTF-8
  // would, without decoding (~2 ms less for 1 MB).
  const source = readFileSync(FILE, "latin1");
  const id = buildId(source);
  if (useCache && sourceMapsEnabled()) return (loaded = loadMapped(source, id));
  let cachedData;
  if (useCache) {
    try {
      const cache = readFileSync(CACHE);
      // Only this build's cache: V8 itself would take any for a source of the same length.
      if (id !== undefined && cache.toString("latin1", 0, ID_LENGTH) === id) cachedData = cache.subarray(ID_LENGTH);
    } catch {
      // no cache next to the bundle: compile it
    }
  }
  const script = new Script(HEAD + source + TAIL, { filename: FILE, cachedData });
  const module = { exports: {}, id: FILE, filename: FILE };
  script.runInThisContext()(module.exports, createRequire(FILE), module, FILE, __dirname, importModule);
  loaded = { exports: module.exports, script, id, cacheRejected: cachedData === undefined ? undefined : script.cachedDataRejected };
  return loaded;
}

/**
 * One runtime entry's module.
 *
 * @example
 * const { defineFunction } = require("./load.cjs").entry("index");
 */
function entry(name) {
  return load(true).exports.entry(name);
}

/** Whether V8 refused the code cache (undefined: none was used, for want of one of this build). */
function cacheRejected() {
  return loaded?.cacheRejected;
}

module.exports = { entry, cacheRejected };

/**
 * `--make-cache [TRAINING]`: compile without a cache, initialise the entries (all but
 * `UNTRAINED`), run TRAINING's `train(cli, loader)` if given (scripts/build/cache-training.cjs: a
 * `podfn run`, so the run path's functions are compiled when the cache is written), write the
 * cache, print the entries' export names.
 */
async function makeCache(training) {
  const { exports, script, id } = load(false);
  if (id === undefined || id.length !== ID_LENGTH) throw new Error(`podfn: ${FILE} does not end with its build id`);
  for (const name of exports.entries) if (!UNTRAINED.includes(name)) exports.entry(name);
  if (training) await require(training).train(exports.entry("cli"), __filename);
  writeFileSync(CACHE, Buffer.concat([Buffer.from(id, "latin1"), script.createCachedData()]));
  const names = Object.fromEntries(exports.entries.map((name) => [name, Object.keys(exports.entry(name))]));
  process.stdout.write(`${JSON.stringify(names)}\n`);
}

if (require.main === module && process.argv[2] === "--make-cache") {
  makeCache(process.argv[3]).catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  });
}
