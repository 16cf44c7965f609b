/**
 * The emulated cluster's CEL environment against cel-go's and Kubernetes' libraries, expression
 * by expression: quantities held as resource.Quantity holds them, sets and indexOf comparing
 * timestamps, durations and quantities by value, Go's strings.Replace, RE2 patterns translated
 * token by token, and the built-ins replaced by renaming their calls (never in strings or comments).
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { celEnvironments, loadCel } from "../../runtime/testing/cluster/crd-cel-library.js";
import { renameBuiltins } from "../../runtime/testing/cluster/crd-cel-source.js";
import { goPattern } from "../../runtime/testing/cluster/crd-schema-regexp.js";

const evaluate = (expression: string, self: unknown = {}) => {
  try {
    return celEnvironments().plain.evaluate(renameBuiltins(expression), { self });
  } catch (error) {
    return `error: ${(error as Error).message.split("\n")[0]}`;
  }
};

before(() => loadCel());

describe("quantity", () => {
  test("isInteger and asInteger as Go's AsInt64: a value held as a fraction is not an integer", () => {
    const cases: [string, unknown][] = [
      ["quantity('2k').isInteger()", true],
      ["quantity('1000m').isInteger()", false],
      ["quantity('1.0').isInteger()", false],
      ["quantity('1.5Gi').isInteger()", false],
      ["quantity('500m').add(quantity('500m')).isInteger()", false],
      ["quantity('1e20').isInteger()", false],
      ["quantity('1Gi').asInteger()", 1073741824n],
      ["quantity('1.0').asInteger()", "error: cannot convert value to integer"],
    ];
    for (const [expression, expected] of cases) assert.equal(evaluate(expression), expected, expression);
  });

  test("values compare exactly, below a nanounit rounded up, huge exponents without huge numbers", () => {
    assert.equal(evaluate("quantity('1Gi') == quantity('1024Mi') && quantity('1.5').compareTo(quantity('1500m')) == 0"), true);
    assert.equal(evaluate("quantity('1e-10') == quantity('1n')"), true);
    const started = performance.now();
    assert.equal(evaluate("isQuantity('1e100000000') && quantity('1e100000000').isGreaterThan(quantity('1Ei')) && quantity('-1e100000000').isLessThan(quantity('1n'))"), true);
    assert.equal(evaluate("quantity('1e100000000').add(1)"), "error: quantity out of range");
    assert.ok(performance.now() - started < 1000, "no power of ten of a hundred million digits is made");
    assert.equal(evaluate("quantity('1Ki1')"), "error: unable to parse quantity's suffix");
    assert.equal(evaluate("quantity('')"), "error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  });
});

test("sets and indexOf compare timestamps, durations and quantities by value", () => {
  assert.equal(evaluate("sets.contains([timestamp('2020-01-01T00:00:00Z')], [timestamp('2024-01-01T00:00:00Z')])"), false);
  assert.equal(evaluate("sets.contains([timestamp('2024-01-01T00:00:00Z')], [timestamp('2024-01-01T00:00:00Z')])"), true);
  assert.equal(evaluate("[duration('1h')].indexOf(duration('2h'))"), -1n);
  assert.equal(evaluate("[duration('1h'), duration('60m')].lastIndexOf(duration('3600s'))"), 1n);
  assert.equal(evaluate("sets.contains([quantity('1')], [quantity('1000m')]) && sets.equivalent([1, 2, 2], [2, 1]) && !sets.intersects([1], [2])"), true);
});

test("replace is Go's strings.Replace (an empty search matches around each character)", () => {
  assert.equal(evaluate("'abc'.replace('', '-')"), "-a-b-c-");
  assert.equal(evaluate("'abc'.replace('', '-', 2)"), "-a-bc");
  assert.equal(evaluate("'aXbXc'.replace('X', '-', 1)"), "a-bXc");
});

test("RE2 patterns: escapes and brackets respected, what JavaScript lacks refused", () => {
  const matches = (pattern: string, text: string) => goPattern(pattern)?.test(text);
  assert.equal(matches("^[[:^alpha:]]+$", "12"), true);
  assert.equal(matches("^[[:^alpha:]]+$", "a"), false);
  assert.equal(matches("^[:alpha:]+$", "aha:"), true, "outside brackets it is a class of its characters");
  assert.equal(matches("^\\[:alpha:]$", "[:alpha:]"), true);
  assert.equal(matches("^\\\\pL$", "\\pL"), true, "an escaped backslash before pL");
  assert.equal(matches("^\\Q.*\\E$", ".*"), true);
  assert.equal(matches("^\\Q.*\\E$", "ab"), false);
  assert.equal(matches("^(?P<year>[0-9]{4})$", "2024"), true);
  assert.equal(matches("(?m)\\Aa$", "b\na"), false, "\\A is the text's start, even multi-line");
  assert.equal(goPattern("a(?i:b)"), null);
  assert.equal(evaluate("'Abc'.matches('(?i)^[[:alpha:]]+\\\\z') && 'É'.lowerAscii() == 'É'"), true);
});

test("calls are renamed, never inside string literals or comments", () => {
  assert.equal(renameBuiltins("self.name.matches('^a+$') && matches(self.x, 'y')"), "self.name.__k8s_matches('^a+$') && __k8s_matches(self.x, 'y')");
  assert.equal(renameBuiltins(`self.matches == 'x.matches(1)' && r'matches(' == "lowerAscii()"`), `self.matches == 'x.matches(1)' && r'matches(' == "lowerAscii()"`);
  assert.equal(renameBuiltins(`'''a ' matches(''' + self.s.lowerAscii ()`), `'''a ' matches(''' + self.s.__k8s_lowerAscii ()`);
  assert.equal(renameBuiltins("self.a.matches('a') // see '''\n&& self.b.matches('b')"), "self.a.__k8s_matches('a') // see '''\n&& self.b.__k8s_matches('b')");
  assert.equal(renameBuiltins("self.notmatches(1) + x_matches(2)"), "self.notmatches(1) + x_matches(2)");
});

test("conversions parse strings as Go does and fail in cel-go's words", () => {
  const cases: [string, unknown][] = [
    ["int('42') + int(' 4'.trim())", 46n],
    ["int('')", "error: type conversion error from 'string' to 'int'"],
    ["int('0b1')", "error: type conversion error from 'string' to 'int'"],
    ["int('9223372036854775808')", "error: type conversion error from 'string' to 'int'"],
    ["int(1.9) + int(-1.9)", 0n],
    ["int(1e30)", "error: integer overflow"],
    ["int(timestamp('2024-01-01T00:00:00Z'))", 1704067200n],
    ["uint('')", "error: type conversion error from 'string' to 'uint'"],
    ["double('1e3') == 1000.0 && double('-inf') < 0.0", true],
    ["bool('True') && !bool('0')", true],
    ["bool('yes')", "error: type conversion error from 'string' to 'bool'"],
    ["duration('0') == duration('0s') && duration('1h30m') == duration('5400s') && duration('.5s') == duration('500ms')", true],
    ["duration('1d')", "error: type conversion error from 'string' to 'google.protobuf.Duration'"],
    ["timestamp('2024-01-01 00:00:00Z')", "error: type conversion error from 'string' to 'google.protobuf.Timestamp'"],
    ["timestamp('2024-01-01T00:00:00.123456789+01:00') < timestamp('2024-01-01T00:00:00Z')", true],
    ["timestamp(1704067200) == timestamp('2024-01-01T00:00:00Z')", true],
    ["string(timestamp('2024-01-01T00:00:00.5Z')) + ' ' + string(duration('1h')) + ' ' + string(duration('1ns'))", "2024-01-01T00:00:00.5Z 3600s 0.000000001s"],
    ["duration(duration('1h')) == duration('60m') && timestamp(timestamp('2024-01-01T00:00:00Z')) == timestamp('2024-01-01T00:00:00Z')", true],
    ["timestamp('0050-06-01T00:00:00Z').getFullYear()", 50n],
    ["timestamp('0000-06-01T00:00:00Z')", "error: timestamp overflow"],
    ["timestamp('2024-06-01t00:00:00z')", "error: type conversion error from 'string' to 'google.protobuf.Timestamp'"],
    ["timestamp('2023-02-29T00:00:00Z')", "error: type conversion error from 'string' to 'google.protobuf.Timestamp'"],
    ["duration('1h\\n')", "error: type conversion error from 'string' to 'google.protobuf.Duration'"],
    ["double('1_000') + double('0x1p-2')", 1000.25],
    ["double('1e400')", "error: type conversion error from 'string' to 'double'"],
    ["double('+nan')", "error: type conversion error from 'string' to 'double'"],
    ["uint('+5')", "error: type conversion error from 'string' to 'uint'"],
    ["int(duration('1s'))", 1000000000n],
    ["string(duration('-2562047h47m16.854775807s'))", "-9223372036.854776s"],
  ];
  for (const [expression, expected] of cases) assert.equal(evaluate(expression), expected, expression);
});

test("has() of a field of an indexed element or a call's result (the library takes field chains only)", () => {
  const self = { matches: [{ path: { value: "/a" } }], labels: { a: "1" } };
  assert.equal(evaluate("has(self.matches[0].path) && !has(self.matches[0].path.type) && has(self.labels.a)", self), true);
  assert.equal(evaluate("has(self.matches.filter(m, true)[0].path)", self), true);
  assert.equal(renameBuiltins("has(self.a[0].b) && has(self.c.d) && self.x.has(1)"), "__k8s_has(self.a[0], 'b') && has(self.c.d) && self.x.has(1)");
});
