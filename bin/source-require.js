/**
 * @module bin/source-require
 * The CommonJS side of bin/source-conditions.js, for running from a source checkout: a
 * `require("podfn")` (a .cts or .cjs function, or a .ts one in a CommonJS package, compiled by
 * tsx's require hook) gets the CLI's own ES module instance of runtime/index.ts, and
 * `require("podfn/...")` the package's `source` export. Left to Node, `require` took the
 * package's default condition, the compiled dist/: a second copy of the runtime (whose error
 * classes are not the CLI's: `instanceof KubeNotFoundError` failed, an HttpError(404) became a
 * 500), or nothing before a build. Node 20 takes export conditions for `require` only from
 * `--conditions` at start-up, `register()` hooks see ES module resolution only, and even the
 * sources `require`d would be a copy (tsx compiles them again, as CommonJS): so the entry is
 * imported before the CLI runs, and `Module._resolveFilename` wrapped (as tsx's require hook
 * does) to find it in the `require` cache. The other exported subpaths (`podfn/testing`, ~0.5 s
 * to load from source) are imported and cached the same way only when the loader is about to
 * `require` a CommonJS function module (`shareSourceSubpaths` in runtime/require-module.ts
 * calls the function left on `globalThis` under `SHARE_SUBPATHS`): `require` cannot wait for an
 * import, and an ES module folder needs none of it. A CommonJS helper that an ES module function
 * imports is not such a module: its `require("podfn/testing")` is still a copy.
 */
import Module from "node:module";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Commands that load no function module: they do not import the entry first (~0.4 s of
 * compiling and loading the runtime from source, which the others spend anyway on the
 * functions' own `import "podfn"`).
 */
const LOADS_NO_FUNCTIONS = new Set([undefined, "new", "cluster", "help", "--help", "-h", "--version", "-v"]);

/** Where the function importing and caching the exported subpaths is left for the runtime's loader. */
const SHARE_SUBPATHS = Symbol.for("podfn.shareSourceSubpaths");

/**
 * The folder of the `podfn` package a module in `dir` would `require`, as Node looks for it: the
 * package the module is in, when that is podfn (a self-reference), else node_modules folders up
 * from `dir`. Undefined when there is none.
 */
function podfnPackageFor(dir) {
  for (let at = dir; ; at = dirname(at)) {
    const file = join(at, "package.json");
    if (existsSync(file)) {
      const { name, exports } = JSON.parse(readFileSync(file, "utf8"));
      if (name === "podfn" && exports !== undefined) return at;
      break;
    }
    if (dirname(at) === at) break;
  }
  return Module._nodeModulePaths(dir).map((folder) => join(folder, "podfn")).find((folder) => existsSync(join(folder, "package.json")));
}

/**
 * Make `require("podfn")` and `require("podfn/*")`, from a module that would find the package at
 * `root` (a URL ending in /), resolve to its `source` exports; `podfn` itself to the ES module
 * instance the CLI shares with ES module functions when `command` loads functions, and the
 * subpaths too once the loader has called `globalThis[SHARE_SUBPATHS]`. A module that
 * would find another podfn, or none, is left to Node.
 */
export async function requireSources(root, command) {
  const { exports } = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
  const sourceOf = (request) => exports[request === "podfn" ? "." : `.${request.slice("podfn".length)}`]?.source;
  const ours = realpathSync(fileURLToPath(root));
  /** Folder of a requiring module → whether its `podfn` is the package at `root`. */
  const findsOurs = new Map();
  const isOurs = (parent) => {
    const dir = parent?.filename ? dirname(parent.filename) : process.cwd();
    if (!findsOurs.has(dir)) {
      const found = podfnPackageFor(dir);
      findsOurs.set(dir, found !== undefined && realpathSync(found) === ours);
    }
    return findsOurs.get(dir);
  };
  /** Put the ES module instance of `request`'s source export in the `require` cache, where `require` finds it. */
  const cacheInstance = async (request) => {
    const entry = new URL(sourceOf(request), root);
    const filename = fileURLToPath(entry);
    if (Module._cache[filename]) return;
    const cached = new Module(filename);
    cached.filename = filename;
    cached.exports = await import(entry.href);
    cached.loaded = true;
    Module._cache[filename] = cached;
  };
  if (!LOADS_NO_FUNCTIONS.has(command)) {
    await cacheInstance("podfn");
    const subpaths = Object.keys(exports).filter((key) => key.startsWith("./")).map((key) => `podfn${key.slice(1)}`);
    let shared;
    globalThis[SHARE_SUBPATHS] = () => (shared ??= Promise.all(subpaths.map(cacheInstance)));
  }
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function resolveSourceFilename(request, parent, ...rest) {
    const source = (request === "podfn" || request.startsWith("podfn/")) && isOurs(parent) ? sourceOf(request) : undefined;
    return source === undefined ? resolveFilename.call(this, request, parent, ...rest) : fileURLToPath(new URL(source, root));
  };
}
