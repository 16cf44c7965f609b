import { test } from "node:test";
import assert from "node:assert/strict";
import { closestName, editDistance } from "../../runtime/edit-distance.js";

test("editDistance counts a swap of two adjacent letters as one edit (optimal string alignment), and insertions, deletions and substitutions as Levenshtein does", () => {
  for (const [a, b, d] of [
    ["vaule", "value", 1],
    ["valeu", "value", 1],
    ["kye", "key", 1],
    ["ab", "ba", 1],
    ["value", "value", 0],
    ["", "abc", 3],
    ["abc", "", 3],
    ["valu", "value", 1],
    ["kitten", "sitting", 3],
    // No substring edited twice: "ca" to "abc" is 3 here (2 with unrestricted Damerau).
    ["ca", "abc", 3],
    ["abcd", "badc", 2],
  ] as const) {
    assert.equal(editDistance(a, b), d, `${a} -> ${b}`);
    assert.equal(editDistance(b, a), d, `${b} -> ${a}`);
  }
});

test("closestName suggests a short name with two letters swapped within a floor of 1, and nothing for a name like none", () => {
  assert.equal(closestName("vaule", ["key", "value"], 1), "value");
  assert.equal(closestName("kye", ["key", "value"], 1), "key");
  assert.equal(closestName("colour", ["key", "value"], 1), undefined);
  assert.equal(closestName("VALUE", ["key", "value"], 1), "value");
});
