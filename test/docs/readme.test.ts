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

test("the README's count of examples `serve` runs is what the loader finds in functions/", async () => {
  const all = await loadFunctions(fileURLToPath(new URL("../../functions", import.meta.url)));
  const served = servedByDeployment(all);
  const said = /: (\d+) of the (\d+) examples\)/.exec(readme);
  assert.ok(said, "README.md no longer says how many examples `serve` runs");
  assert.deepEqual([Number(said[1]), Number(said[2])], [served.length, all.length]);
});
