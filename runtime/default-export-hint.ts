/**
 * @module default-export-hint
 * What the loader adds to "needs a default export made by defineFunction(...)": what the module
 * exports instead, and what to write (a named export to make the default, a handler or plain
 * definition to wrap, `defineFunction` itself to call, or a helper to name `_*` so it is skipped).
 */
import { basename } from "node:path";
import { isPodfnFunction } from "./function.js";

/**
 * The hint for `mod`, the module at `file` whose default export is no function definition,
 * starting with a space (`" (found a named export: make it `export default`)"`).
 *
 * @example
 * defaultExportHint({ shout }, "functions/helpers.ts"); // " (it exports no definition: a helper module is named _helpers.ts, ...)"
 */
export function defaultExportHint(mod: Record<string, unknown>, file: string): string {
  if (Object.values(mod).some(isPodfnFunction)) return " (found a named export: make it `export default`)";
  const value = mod.default;
  // A CommonJS helper's default is its `exports` object: one that is no definition is a helper too.
  const definitionLike = typeof value === "object" && value !== null && ("handler" in value || "name" in value);
  if (value === undefined || (typeof value === "object" && !definitionLike)) return ` (it exports no definition: a helper module is named _${basename(file)}, or kept in a _folder, to be skipped)`;
  if (typeof value === "function") {
    return value.name === "defineFunction"
      ? " (it exports defineFunction itself: call it, export default defineFunction({ name, ..., handler }))"
      : " (it exports a function: make it the handler, export default defineFunction({ name, http, schedule or watch, handler }))";
  }
  if (definitionLike) return " (it exports an object: pass it to defineFunction, export default defineFunction({ ... }))";
  return "";
}
