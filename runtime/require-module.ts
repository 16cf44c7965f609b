/**
 * @module require-module
 * The loader's `require` of a CommonJS function module (what the production build compiles
 * functions to), shown as `import()` would show the module.
 */
import { createRequire } from "node:module";

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
  const exports = createRequire(file)(file) as unknown;
  if (typeof exports === "object" && exports !== null && (exports as { __esModule?: unknown }).__esModule === true) return exports as Record<string, unknown>;
  return { ...(typeof exports === "object" && exports !== null ? (exports as Record<string, unknown>) : {}), default: exports };
}
