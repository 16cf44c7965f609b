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
 * does) to find it in the `require` cache.
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
 * instance the CLI shares with ES module functions when `command` loads functions. A module that
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
  if (!LOADS_NO_FUNCTIONS.has(command)) {
    const entry = new URL(sourceOf("podfn"), root);
    const cached = new Module(fileURLToPath(entry));
    cached.filename = cached.id;
    cached.exports = await import(entry.href);
    cached.loaded = true;
    Module._cache[cached.filename] = cached;
  }
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function resolveSourceFilename(request, parent, ...rest) {
    const source = (request === "podfn" || request.startsWith("podfn/")) && isOurs(parent) ? sourceOf(request) : undefined;
    return source === undefined ? resolveFilename.call(this, request, parent, ...rest) : fileURLToPath(new URL(source, root));
  };
}
