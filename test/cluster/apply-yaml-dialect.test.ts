/**
 * An apply body is read as the apply handler reads it: sigs.k8s.io/yaml over go-yaml v2
 * (YAML 1.1). A repeated key is allowed and the last one wins (yaml.Unmarshal); then
 * yaml.UnmarshalStrict's errors for it are a warning each (`line 7: key "k" already set in
 * map`, fieldValidation Warn, the default), the 400 `error strict decoding YAML: ...` (Strict),
 * or nothing (Ignore). `yes`/`no`/`on`/`off`/`y`/`n` are booleans; a timestamp or a base-60
 * number stays a string. Numbers are go-yaml v2's (strconv.ParseInt with base 0 over the text
 * without underscores: `0o17`, `0X1F`; `08` the float 8; `1.2.3` text), `.inf` and `.nan` the
 * JSON encoder's 400, and a merge key sets its keys over the ones before it.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readApplyYaml, readYamlDocuments } from "../../runtime/testing/cluster/apply-yaml.js";
import { testCluster, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/ayd/configmaps";
const APPLY = "application/apply-patch+yaml";

describe("the YAML of an apply", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "ayd" } } });
  });
  after(() => t.close());

  const apply = (name: string, rest: string, query = "") => t.send("PATCH", `${CM}/${name}?fieldManager=m${query}`, { body: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${rest}`, contentType: APPLY });

  test("a repeated key: the last value wins, with go-yaml's strict error as a warning (Warn, the default)", async () => {
    const res = await apply("repeated", "data:\n  k: a\n  k: b\n");
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.data, { k: "b" });
    assert.equal(res.headers.warning, '299 - "line 7: key \\"k\\" already set in map"');
    const ignored = await apply("repeated-ignored", "data:\n  k: a\n  k: b\n", "&fieldValidation=Ignore");
    assert.equal(ignored.status, 201);
    assert.equal(ignored.headers.warning, undefined);
  });

  test("several: a repeated key's value's own first, then the key's, at the line its value starts", async () => {
    const res = await apply("nested", "data:\n  a: p\n  a: q\ndata:\n  b: p\n  b: q\n");
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.data, { b: "q" }, "the last data wins whole");
    assert.deepEqual(res.headers.warning, [
      '299 - "line 7: key \\"a\\" already set in map"',
      '299 - "line 10: key \\"b\\" already set in map"',
      '299 - "line 9: key \\"data\\" already set in map"',
    ]);
  });

  test("Strict: the 400 error strict decoding YAML, and nothing is written", async () => {
    const res = await apply("strict", "data:\n  k: a\n  k: b\n  j: a\n  j: b\n", "&fieldValidation=Strict");
    assert.equal(res.status, 400);
    assert.deepEqual(res.body, {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
      message: 'error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  line 7: key "k" already set in map\n  line 9: key "j" already set in map',
      reason: "BadRequest", code: 400,
    });
    assert.equal((await t.send("GET", `${CM}/strict`)).status, 404);
  });

  test("YAML 1.1 scalars: yes, on, y are booleans (a label refuses them as it refuses true); a timestamp and a base-60 number are strings", async () => {
    const refusal = await apply("bool-true", "  labels:\n    enabled: true\n");
    assert.notEqual(refusal.status, 201);
    for (const word of ["yes", "on", "y", "No", "OFF", "n"]) {
      const res = await apply("bool-word", `  labels:\n    enabled: ${word}\n`);
      assert.deepEqual([res.status, res.body.message], [refusal.status, refusal.body.message.replace(/true/g, word === "yes" || word === "on" || word === "y" ? "true" : "false")], word);
    }
    const quoted = await apply("bool-quoted", '  labels:\n    enabled: "yes"\n');
    assert.equal(quoted.status, 201, quoted.text);
    const strings = await apply("strings", "data:\n  day: 2001-12-14\n  clock: 1:20\n  octal: 017\n");
    assert.equal(strings.status, 400, "017 is the integer 15, not a string");
    const texts = await apply("texts", "data:\n  day: 2001-12-14\n  clock: 1:20\n");
    assert.equal(texts.status, 201, texts.text);
    assert.deepEqual(texts.body.data, { day: "2001-12-14", clock: "1:20" });
  });

  test("a merge key sets its map's keys over the ones before it (yaml.Unmarshal), each one set again a strict error", async () => {
    const res = await apply("merged", "  labels: &l\n    a: one\n    b: two\ndata:\n  a: zero\n  <<: *l\n  c: three\n");
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.data, { a: "one", b: "two", c: "three" });
    assert.equal(res.headers.warning, '299 - "line 6: key \\"a\\" already set in map"');
  });

  test(".inf and .nan are the JSON encoder's unsupported values: 400, nothing written", async () => {
    for (const [word, printed] of [[".inf", "+Inf"], ["-.Inf", "-Inf"], [".NaN", "NaN"]]) {
      const res = await apply("infinite", `  annotations:\n    x: ${word}\n`);
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.message, `error decoding YAML: error converting YAML to JSON: json: unsupported value: ${printed}`);
    }
    assert.equal((await t.send("GET", `${CM}/infinite`)).status, 404);
  });

  test("go-yaml v2's numbers: 0o17 and 0X1F are ints (data refuses them), 1.2.3 and 1e400 are text", async () => {
    const texts = await apply("versions", "data:\n  version: 1.2.3\n  huge: 1e400\n  dashed: 1-2\n");
    assert.equal(texts.status, 201, texts.text);
    assert.deepEqual(texts.body.data, { version: "1.2.3", huge: "1e400", dashed: "1-2" });
    const refusal = await apply("number", "data:\n  n: 15\n");
    assert.equal(refusal.status, 400, refusal.text);
    for (const word of ["0o17", "0X0F", "0_17", "+0b1111"]) {
      const res = await apply("number", `data:\n  n: ${word}\n`);
      assert.deepEqual([res.status, res.body.message], [refusal.status, refusal.body.message], word);
    }
  });
});

test("readApplyYaml resolves plain scalars as go-yaml v2's resolve.go does", () => {
  const cases: [string, unknown][] = [
    ["y", true], ["Y", true], ["YES", true], ["On", true], ["n", false], ["No", false], ["OFF", false], ["yEs", "yEs"], ["oN", "oN"],
    ["0755", 493], ["08", 8], ["0o17", 15], ["0O17", 15], ["0x1F", 31], ["0X1F", 31], ["-0x1A", -26], ["+0b101", 5], ["1_000", 1000],
    ["1e3", 1000], ["1.", 1], [".5", 0.5], ["+.5", 0.5], ["1:20", "1:20"], ["1.2.3", "1.2.3"], ["1e400", "1e400"], ["0x", "0x"], ["._5", "._5"],
    ["~", null], ["null", null], ["NULL", null], ["", null], ["2001-12-14", "2001-12-14"],
  ];
  for (const [text, expected] of cases) assert.deepEqual(readApplyYaml(`k: ${text}\n`).value, { k: expected }, text);
  assert.deepEqual(readApplyYaml("k: '0755'\n").value, { k: "0755" }, "quoted");
  assert.deepEqual(readApplyYaml("m: {1: a, yes: b, 1.5: c, 1e6: d}\n").value, { m: { "1": "a", true: "b", "1.5": "c", "1e+06": "d" } }, "keys as sigs.k8s.io/yaml makes them strings");
  assert.deepEqual((readApplyYaml("x: &x {a: 1}\nz: &z {a: 2, c: 3}\nm:\n  <<: [*x, *z]\n").value as { m: unknown }).m, { a: 1, c: 3 }, "the first merged map wins");
  assert.throws(() => readApplyYaml("m:\n  <<: 3\n"), /map merge requires map or sequence of maps as the value/);
  assert.deepEqual(readApplyYaml("blob: !!binary aGVsbG8=\n").value, { blob: "hello" }, "!!binary is its decoded text, as go-yaml gives it to an interface{}");
});

test("readYamlDocuments reads each document of a stream as readApplyYaml reads one, and names the document that fails", () => {
  assert.deepEqual(readYamlDocuments("a: 0644\n---\nb: yes\n").map((d) => d.value), [{ a: 420 }, { b: true }]);
  assert.throws(() => readYamlDocuments("a: 1\n---\nb: .inf\n"), (error: Error & { documentIndex?: number }) => error.documentIndex === 1 && /unsupported value: \+Inf/.test(error.message));
});
