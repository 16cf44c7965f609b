/**
 * Label-selector parse errors worded as 1.32's labels.Parse words them (the server calls it with
 * no field path): errors inside a requirement wrapped as "unable to parse requirement: ...", a bad
 * key as "<nil>: Invalid value: ...", NewRequirement's errors aggregated; errors between
 * requirements bare, as the recorded list-pods-bad-label-selector answer.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseLabelSelector } from "../../runtime/testing/cluster/label-selector.js";
import { labelValueErrors } from "../../runtime/testing/cluster/label-rules.js";
import { fixture, testCluster, type TestCluster } from "./helpers.js";

const NAME_PART = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const CASES: [string, string][] = [
  ["app in web", "unable to parse requirement: found 'web' expected: '('"],
  ["-x", `unable to parse requirement: <nil>: Invalid value: "-x": ${NAME_PART}`],
  ["app=we$b", `unable to parse requirement: values[0][app]: Invalid value: "we$b": ${LABEL_VALUE}`],
  ["a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
  ["a in (x y)", "unable to parse requirement: found 'y', expected: ',' or ')'"],
  ["a in (x,=)", "unable to parse requirement: found '=', expected: ',', or identifier"],
  ["a=(", "unable to parse requirement: found '(', expected: identifier"],
  ["!,a", "unable to parse requirement: found ',', expected: identifier"],
];

describe("label selector errors", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  for (const [selector, message] of CASES) {
    test(`labelSelector ${JSON.stringify(selector)} is the real 400`, async () => {
      const answer = await t.send("GET", `/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(selector)}`);
      assert.equal(answer.status, 400);
      assert.deepEqual(answer.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "BadRequest", code: 400 });
    });
  }

  test("errors between requirements stay bare, as recorded", async () => {
    const recorded = fixture("list-pods-bad-label-selector");
    const answer = await t.send("GET", recorded.request.path.replace("/golden/", "/default/"));
    assert.equal(answer.status, recorded.response.status);
    assert.deepEqual(answer.body, recorded.response.body);
    assert.throws(() => parseLabelSelector("!a=b"), { message: "found '=', expected: ',' or 'end of string'" });
  });

  test("NewRequirement's errors: Gt/Lt integers first, each sorted value's label check, aggregated", () => {
    assert.throws(() => parseLabelSelector("a>x$"), {
      message: `unable to parse requirement: [values[0]: Invalid value: "x$": for 'Gt', 'Lt' operators, the value must be an integer, values[0][a]: Invalid value: "x$": ${LABEL_VALUE}]`,
    });
    assert.throws(() => parseLabelSelector("a in (z$,b$)"), {
      message: `unable to parse requirement: [values[0][a]: Invalid value: "b$": ${LABEL_VALUE}, values[1][a]: Invalid value: "z$": ${LABEL_VALUE}]`,
    });
    assert.deepEqual(parseLabelSelector("a>5,b in (y,x,y)"), [{ key: "a", op: ">", values: ["5"] }, { key: "b", op: "in", values: ["x", "y"] }]);
  });

  test("only space, tab, CR and LF separate; a value both too long and malformed gets both messages", () => {
    assert.throws(() => parseLabelSelector("a\u000b=b"), { message: /unable to parse requirement: <nil>: Invalid value: "a\\u000b"/ });
    assert.deepEqual(labelValueErrors(`${"x".repeat(63)}$`), ["must be no more than 63 characters", LABEL_VALUE]);
  });
});
