/**
 * A JSON patch body as 1.32's jsonPatcher.applyJSPatch reads it (handlers/patch.go): with
 * fieldValidation Warn (the default) or Strict, strictly into `[]jsonPatchOp` first, a failure
 * a 400 `error decoding patch: <err>`; then (alone with Ignore) jsonpatch.DecodePatch, a 400 with
 * its error. A null body is an empty patch.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/default/configmaps";
const JP = "application/json-patch+json";
const badRequest = (message: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "BadRequest", code: 400 });
const GENERIC_422 = "the server rejected our request due to an error in our request";

describe("a JSON patch body as the patch handler decodes it", () => {
  let t: TestCluster;
  const patch = (body: string, query = "") => t.send("PATCH", `${CM}/jp${query}`, { body, contentType: JP });
  before(async () => {
    t = await testCluster();
    await t.send("POST", CM, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "jp" }, data: { k: "v" } } });
  });
  after(() => t.close());

  test("a body that is no array: the strict decoding's type error into []handlers.jsonPatchOp", async () => {
    const into = "into Go value of type []handlers.jsonPatchOp";
    assert.deepEqual((await patch('{"op":"add","path":"/data/x","value":"1"}')).body, badRequest(`error decoding patch: json: cannot unmarshal object ${into}`));
    assert.deepEqual((await patch('{"op":"add"}', "?fieldValidation=Strict")).body, badRequest(`error decoding patch: json: cannot unmarshal object ${into}`));
    assert.deepEqual((await patch('"x"')).body, badRequest(`error decoding patch: json: cannot unmarshal string ${into}`));
    assert.deepEqual((await patch("7")).body, badRequest(`error decoding patch: json: cannot unmarshal number ${into}`));
    assert.deepEqual((await patch("true")).body, badRequest(`error decoding patch: json: cannot unmarshal bool ${into}`));
  });

  test("an operation that is no object, or whose op, path or from is no string", async () => {
    assert.deepEqual((await patch('["add"]')).body, badRequest("error decoding patch: json: cannot unmarshal string into Go value of type handlers.jsonPatchOp"));
    assert.deepEqual((await patch('[{"op":1,"path":"/data/x"}]')).body, badRequest("error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string"));
    assert.deepEqual((await patch('[{"op":"add","path":["data"],"value":"1"}]')).body, badRequest("error decoding patch: json: cannot unmarshal array into Go struct field jsonPatchOp.path of type string"));
    assert.deepEqual((await patch('[{"op":"copy","from":{},"path":"/data/y"}]')).body, badRequest("error decoding patch: json: cannot unmarshal object into Go struct field jsonPatchOp.from of type string"));
    // The first type error in document order; a value may be anything.
    assert.deepEqual((await patch('[{"op":"add","path":"/data/x","value":{"a":1}},{"path":false,"op":2}]')).body, badRequest("error decoding patch: json: cannot unmarshal bool into Go struct field jsonPatchOp.path of type string"));
    // A null op or path decodes; the library then fails the operation (the generic 422).
    const nullOp = await patch('[{"op":null,"path":"/data/x"}]');
    assert.equal(nullOp.status, 422);
    assert.equal(nullOp.body.message, GENERIC_422);
  });

  test("with fieldValidation=Ignore only the library decodes: its type errors alone, a non-string op the generic 422", async () => {
    assert.deepEqual((await patch('{"op":"add"}', "?fieldValidation=Ignore")).body, badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch"));
    assert.deepEqual((await patch('"x"', "?fieldValidation=Ignore")).body, badRequest("json: cannot unmarshal string into Go value of type jsonpatch.Patch"));
    assert.deepEqual((await patch("[3]", "?fieldValidation=Ignore")).body, badRequest("json: cannot unmarshal number into Go value of type jsonpatch.Operation"));
    assert.deepEqual((await patch("{bad", "?fieldValidation=Ignore")).body, badRequest("invalid character 'b' looking for beginning of object key string"));
    const res = await patch('[{"op":1,"path":"/data/x"}]', "?fieldValidation=Ignore");
    assert.equal(res.status, 422);
    assert.equal(res.body.message, GENERIC_422);
  });

  test("a null body is an empty patch", async () => {
    const res = await patch("null");
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data, { k: "v" });
  });
});
