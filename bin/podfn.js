#!/usr/bin/env node
/**
 * @module bin/podfn
 * The `podfn` executable. In a source checkout (runtime/cli.ts present) it runs the TypeScript
 * sources through tsx, so a fresh clone works with no build step and functions may be .ts;
 * where only the compiled `dist/` exists (a published package) it runs that. The container
 * image does not use this file: its entrypoint is `node dist/runtime/cli.js`.
 */
import { existsSync } from "node:fs";
import { register } from "node:module";

const source = new URL("../runtime/cli.ts", import.meta.url);
if (existsSync(source)) {
  // Resolve `podfn` and `podfn/testing` to the sources, and load .ts through tsx.
  register("./source-conditions.js", import.meta.url);
  const [{ register: registerTsx }, { register: registerTsxRequire }, { requireSources }] = await Promise.all([import("tsx/esm/api"), import("tsx/cjs/api"), import("./source-require.js")]);
  registerTsx();
  // A .ts function in a CommonJS package (no "type": "module") is `require`d: tsx compiles it too.
  registerTsxRequire();
  // A CommonJS function's `require("podfn")` gets the CLI's own runtime too (bin/source-require.js).
  await requireSources(new URL("../", import.meta.url), process.argv[2]);
  await import(source.href);
} else {
  await import(new URL("../dist/runtime/cli.js", import.meta.url).href);
}
