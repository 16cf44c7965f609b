/**
 * Every function in functions/ (the examples, or whichever a project keeps and adds) declares in
 * `env` each variable it reads from process.env, so `podfn manifests` puts in its pods the values
 * its permissions were computed from (github-webhook-env.test.ts shows one). Not an example's
 * test: it checks whatever functions/ holds.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { resolveDefinition } from "../../runtime/definition-schema.js";
import { isPodfnFunction } from "../../runtime/function.js";
import { findFunctionFiles } from "../../runtime/loader.js";

const files = findFunctionFiles(new URL("../../functions", import.meta.url).pathname);

test("every function in functions/ declares in env each variable it reads from process.env", async () => {
  for (const file of files) {
    const names = [...(await readFile(file, "utf8")).matchAll(/process\.env\.([A-Z0-9_]+)/g)].map((m) => m[1]!);
    const mod = (await import(pathToFileURL(file).href)) as { default: unknown };
    assert.ok(isPodfnFunction(mod.default), file);
    const resolved = resolveDefinition(mod.default, file);
    assert.ok(resolved.ok, file);
    for (const name of names) assert.ok(resolved.fn.env.includes(name), `${file} reads ${name} but does not declare it in env`);
  }
});
