import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { withOptionsTable } from "../../runtime/options-doc.js";

const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");

test("the README's options table is the one generated from the option definitions", () => {
  assert.equal(readme, withOptionsTable(readme), "README.md is stale: run `npm run docs`");
});

test("the README's quick start is the two commands", () => {
  assert.match(readme, /npm install && npm start/);
  assert.match(readme, /npm test/);
});
