/**
 * @module require-module
 * The loader's `require` of a CommonJS function module (what the production build compiles
 * functions to), shown as `import()` would show the module; from a source checkout, first
 * having `require("podfn/testing")` give the ES module instance (bin/source-require.js); and, for
 * `podfn dev`'s reloads, forgetting the CommonJS modules of a folder so the next `require` reads
 * them again.
 */
import { createRequire } from "node:module";
import { sep } from "node:path";

/** One `require` for absolute paths (a `createRequire` per module would make a Module object each). */
const requireFile = createRequire(import.meta.url);

/**
 * Load a CommonJS module by path with `require` (no ES module loader: the production build's
 * functions are CommonJS, and a CronJob's `podfn run` then never starts Node's ES module
 * loader), seen as `import()` would show it: `module.exports` is the default export, unless the
 * module marks itself as compiled from an ES module (`__esModule`, as esbuild and tsc do), whose
 * exports are then the namespace.
 *
 * @example
 * const mod = requireModule("/app/dist/functions/cleanup.js"); // { default: <function>, ... }
 */
export function requireModule(file: string): Record<string, unknown> {
  const exports = requireFile(file) as unknown;
  if (typeof exports === "object" && exports !== null && (exports as { __esModule?: unknown }).__esModule === true) return exports as Record<string, unknown>;
  return { ...(typeof exports === "object" && exports !== null ? (exports as Record<string, unknown>) : {}), default: exports };
}

/**
 * From a source checkout (bin/source-require.js left its function on `globalThis`), import the
 * package's exported subpaths and have `require` give those instances, as it gives `podfn`'s: a
 * CommonJS module's `require("podfn/testing")` is then the module `import("podfn/testing")` is,
 * not a second copy tsx compiles. Call before requiring a CommonJS function module; elsewhere
 * (the compiled build, where `require` and `import` both load dist/) it does nothing.
 *
 * @example
 * await shareSourceSubpaths();
 * const mod = requireModule(file);
 */
export async function shareSourceSubpaths(): Promise<void> {
  const share = (globalThis as Record<symbol, unknown>)[Symbol.for("podfn.shareSourceSubpaths")];
  if (typeof share === "function") await (share as () => Promise<unknown>)();
}

/**
 * Drop every CommonJS module under `dir` (but its `node_modules`) from Node's `require` cache:
 * the function modules and the helpers they require are read afresh by the next `require`.
 *
 * @example
 * forgetModules("/app/dist/functions"); // before reloading the folder
 */
export function forgetModules(dir: string): void {
  const cache = requireFile.cache;
  const prefix = dir.endsWith(sep) ? dir : dir + sep;
  for (const file of Object.keys(cache)) {
    if (file.startsWith(prefix) && !file.slice(prefix.length).split(sep).includes("node_modules")) delete cache[file];
  }
}
