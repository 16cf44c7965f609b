/**
 * Pod log options as 1.32's LogREST.Get validates them (ValidatePodLogOptions) before it looks
 * the pod up: one 422 `PodLogOptions "p1" is invalid: ...` (no group, kind PodLogOptions) naming
 * a negative tailLines, a limitBytes or sinceSeconds below 1, or both sinceTime and
 * sinceSeconds (a Forbidden at the root path, whose cause names no field) — for a missing pod
 * too, where valid options get its 404. Before that, the parameter codec's 400: an int64 option
 * or sinceTime that does not parse, the first in PodLogOptions' field order; booleans never fail.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { pod, testCluster, type TestCluster } from "./helpers.js";

const PODS = "/api/v1/namespaces/default/pods";

function invalid(name: string, message: string, causes: unknown[]): Record<string, unknown> {
  return {
    kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `PodLogOptions "${name}" is invalid: ${message}`,
    reason: "Invalid", details: { name, kind: "PodLogOptions", causes }, code: 422,
  };
}

/** errors.NewBadRequest of the conversion error: no details. */
function badRequest(message: string): Record<string, unknown> {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "BadRequest", code: 400 };
}

describe("pod log options", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    assert.equal((await t.send("POST", PODS, { body: pod("p1") })).status, 201);
  });
  after(() => t.close());

  test("each bad option is the 422 of ValidatePodLogOptions", async () => {
    const cases: Array<[string, string, unknown[]]> = [
      ["tailLines=-1", "tailLines: Invalid value: -1: must be greater than or equal to 0", [{ reason: "FieldValueInvalid", message: "Invalid value: -1: must be greater than or equal to 0", field: "tailLines" }]],
      ["limitBytes=0", "limitBytes: Invalid value: 0: must be greater than 0", [{ reason: "FieldValueInvalid", message: "Invalid value: 0: must be greater than 0", field: "limitBytes" }]],
      ["sinceSeconds=-5", "sinceSeconds: Invalid value: -5: must be greater than 0", [{ reason: "FieldValueInvalid", message: "Invalid value: -5: must be greater than 0", field: "sinceSeconds" }]],
      [
        "sinceSeconds=10&sinceTime=2024-01-01T00:00:00Z",
        ": Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified",
        [{ reason: "FieldValueForbidden", message: "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified" }],
      ],
    ];
    for (const [query, message, causes] of cases) {
      const res = await t.send("GET", `${PODS}/p1/log?${query}`);
      assert.equal(res.status, 422, query);
      assert.deepEqual(res.body, invalid("p1", message, causes), query);
    }
  });

  test("every error at once, in ValidatePodLogOptions' order; int64 values printed exactly", async () => {
    const res = await t.send("GET", `${PODS}/p1/log?sinceSeconds=0&limitBytes=-9223372036854775808&tailLines=-9007199254740993`);
    assert.equal(res.status, 422);
    assert.equal(
      res.body.message,
      'PodLogOptions "p1" is invalid: [tailLines: Invalid value: -9007199254740993: must be greater than or equal to 0, limitBytes: Invalid value: -9223372036854775808: must be greater than 0, sinceSeconds: Invalid value: 0: must be greater than 0]',
    );
    assert.deepEqual(res.body.details.causes.map((c: any) => c.field), ["tailLines", "limitBytes", "sinceSeconds"]);
  });

  test("options are checked before the pod is looked up; valid ones pass on", async () => {
    const missing = await t.send("GET", `${PODS}/nope/log?tailLines=-1`);
    assert.equal(missing.status, 422);
    assert.equal(missing.body.message, 'PodLogOptions "nope" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0');
    assert.equal((await t.send("GET", `${PODS}/nope/log?tailLines=0&limitBytes=1&sinceSeconds=1`)).status, 404);
    assert.equal((await t.send("GET", `${PODS}/p1/log?tailLines=0&sinceTime=2024-01-01T00:00:00Z`)).status, 204);
  });

  test("a value the parameter codec cannot convert is its 400, before validation and the pod lookup", async () => {
    const time = (text: string, rest: string, elem: string) => `parsing time "${text}" as "2006-01-02T15:04:05Z07:00": cannot parse "${rest}" as "${elem}"`;
    const cases: Array<[string, string]> = [
      ["tailLines=abc", 'strconv.ParseInt: parsing "abc": invalid syntax'],
      ["limitBytes=", 'strconv.ParseInt: parsing "": invalid syntax'],
      ["sinceSeconds=1.5", 'strconv.ParseInt: parsing "1.5": invalid syntax'],
      ["tailLines=-", 'strconv.ParseInt: parsing "-": invalid syntax'],
      ["sinceSeconds=9223372036854775808", 'strconv.ParseInt: parsing "9223372036854775808": value out of range'],
      ["tailLines=-9223372036854775809", 'strconv.ParseInt: parsing "-9223372036854775809": value out of range'],
      // ParseUint overflows before it reaches the stray character.
      ["limitBytes=99999999999999999999x", 'strconv.ParseInt: parsing "99999999999999999999x": value out of range'],
      ["sinceTime=notatime", time("notatime", "notatime", "2006")],
      ["sinceTime=2024-01-01", time("2024-01-01", "", "T")],
      // autoConvert_url_Values_To_v1_PodLogOptions' field order: sinceSeconds, sinceTime, tailLines, limitBytes.
      ["limitBytes=x&tailLines=y&sinceTime=z&sinceSeconds=w", 'strconv.ParseInt: parsing "w": invalid syntax'],
      ["limitBytes=x&tailLines=y&sinceTime=z", time("z", "z", "2006")],
      ["limitBytes=x&tailLines=y", 'strconv.ParseInt: parsing "y": invalid syntax'],
      // Decoded before ValidatePodLogOptions: the 422 of tailLines=-1 is not reached.
      ["tailLines=-1&limitBytes=abc", 'strconv.ParseInt: parsing "abc": invalid syntax'],
    ];
    for (const [query, message] of cases) {
      for (const name of ["p1", "nope"]) {
        const res = await t.send("GET", `${PODS}/${name}/log?${query}`);
        assert.equal(res.status, 400, `${name} ${query}`);
        assert.deepEqual(res.body, badRequest(message), `${name} ${query}`);
      }
    }
  });

  test("booleans, an empty or null sinceTime and a signed int64 convert", async () => {
    // Convert_Slice_string_To_bool: anything but 0 or false is true; UnmarshalQueryParameter: "" and null are the zero time.
    for (const query of ["timestamps=maybe&previous=yes&follow=2&insecureSkipTLSVerifyBackend=", "sinceTime=", "sinceTime=null", "tailLines=%2B3&limitBytes=007"]) {
      assert.equal((await t.send("GET", `${PODS}/p1/log?${query}`)).status, 204, query);
    }
    // A zero sinceTime is still given: with sinceSeconds it is the Forbidden of ValidatePodLogOptions.
    assert.equal((await t.send("GET", `${PODS}/p1/log?sinceTime=null&sinceSeconds=5`)).status, 422);
  });
});
