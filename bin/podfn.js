#!/usr/bin/env node
/**
 * @module bin/podfn
 * The `podfn` executable. Uses the compiled CLI (`dist/`, made by `npm run build` and in the
 * container image) when it exists; otherwise runs the TypeScript sources through tsx, so a
 * fresh clone works with no build step.
 */
import { existsSync } from "node:fs";
import { register } from "node:module";

const compiled = new URL("../dist/runtime/cli.js", import.meta.url);
if (existsSync(compiled) && process.env.PODFN_FROM_SOURCE !== "1") {
  await import(compiled.href);
} else {
  // Resolve `podfn` and `podfn/testing` to the sources, and load .ts through tsx.
  register("./source-conditions.js", import.meta.url);
  const { register: registerTsx } = await import("tsx/esm/api");
  registerTsx();
  await import(new URL("../runtime/cli.ts", import.meta.url).href);
}
