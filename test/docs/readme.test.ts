import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { withOptionsTable } from "../../runtime/options-doc.js";
import { loadFunctions } from "../../runtime/loader.js";
import { servedByDeployment } from "../../runtime/requirements.js";

const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");

test("the README's options table is the one generated from the option definitions", () => {
  assert.equal(readme, withOptionsTable(readme), "README.md is stale: run `npm run docs`");
});

test("the README's quick start is the two commands", () => {
  assert.match(readme, /npm install && npm start/);
  assert.match(readme, /npm test/);
});

/** The examples the README's walkthrough table names (`| \`whoami\` | ...`, below its `| Example |` head). */
function readmeExamples(text: string): string[] {
  const table = /^\| Example \|.*\n\|[-| ]+\|\n((?:\|.*\n)+)/m.exec(text);
  return table ? [...table[1]!.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]!) : [];
}

test("the README's count of examples `serve` runs is what the loader finds in functions/", async (t) => {
  const all = await loadFunctions(fileURLToPath(new URL("../../functions", import.meta.url)));
  const examples = readmeExamples(readme);
  assert.ok(examples.length > 0, "README.md no longer has its table of examples");
  const names = all.map((f) => f.name).sort();
  // A project started from this repository replaces the examples with its own functions (README:
  // Starting your own project), and `npm test` must pass there: the README describes podfn's
  // examples, so its account of them is checked only while functions/ holds exactly those.
  if (names.join() !== [...examples].sort().join()) {
    t.skip(`functions/ holds other functions than the README's examples (${examples.join(", ")})`);
    return;
  }
  const served = servedByDeployment(all);
  const said = /: (\d+) of the (\d+) examples\)/.exec(readme);
  assert.ok(said, "README.md no longer says how many examples `serve` runs");
  assert.deepEqual([Number(said[1]), Number(said[2])], [served.length, all.length]);
});

test("the README's Testing section names every startHarness option", async () => {
  const source = await readFile(new URL("../../runtime/testing/harness.ts", import.meta.url), "utf8");
  const body = /export interface HarnessOptions \{([\s\S]*?)\n\}/.exec(source)?.[1] ?? "";
  const fields = [...body.matchAll(/^ {2}([A-Za-z]+)\??:/gm)].map((m) => m[1]!);
  assert.ok(fields.length > 0, "HarnessOptions not found in runtime/testing/harness.ts");
  const section = readme.slice(readme.indexOf("## Testing your functions"), readme.indexOf("## Command reference"));
  assert.deepEqual(fields.filter((f) => !section.includes(`startHarness({ ${f}`)), []);
});

test("every value podfn/testing exports is named in the README or the emulator's notes", async () => {
  const index = await readFile(new URL("../../runtime/testing/index.ts", import.meta.url), "utf8");
  const notes = await readFile(new URL("../../runtime/testing/README.md", import.meta.url), "utf8");
  // `export { a, b, type C } from ...`: the values, not the types (nor `export type { ... }`).
  const values = [...index.matchAll(/^export \{([^}]*)\}/gm)].flatMap((m) => m[1]!.split(",").map((s) => s.trim()).filter((s) => s !== "" && !s.startsWith("type ")));
  assert.ok(values.length > 10, "no exports found in runtime/testing/index.ts");
  const named = (name: string) => new RegExp(`\\b${name}\\b`).test(readme) || new RegExp(`\\b${name}\\b`).test(notes);
  assert.deepEqual(values.filter((name) => !named(name)), []);
});
