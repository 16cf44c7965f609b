/**
 * A merge or strategic patch body that is no JSON object, as 1.32 reads it into a
 * map[string]interface{}: the merge patch's strict read (the default fieldValidation, Warn)
 * answers 400 `error decoding patch: json: cannot unmarshal array into Go value of type
 * map[string]interface {}`; strategicPatchObject the decoder's error alone, malformed JSON too.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/default/configmaps";
const badRequest = (message: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "BadRequest", code: 400 });

describe("a patch body that is no object", () => {
  let t: TestCluster;
  const patch = (body: string, contentType: string, query = "") => t.send("PATCH", `${CM}/p${query}`, { body, contentType });
  before(async () => {
    t = await testCluster();
    await t.send("POST", CM, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "p" }, data: { k: "v" } } });
  });
  after(() => t.close());

  test("merge patch: error decoding patch and the decoder's type error", async () => {
    const MP = "application/merge-patch+json";
    assert.deepEqual((await patch("[]", MP)).body, badRequest("error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}"));
    assert.deepEqual((await patch("[]", MP, "?fieldValidation=Strict")).body, badRequest("error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}"));
    assert.deepEqual((await patch('"x"', MP)).body, badRequest("error decoding patch: json: cannot unmarshal string into Go value of type map[string]interface {}"));
    assert.deepEqual((await patch("{bad", MP)).body, badRequest("error decoding patch: invalid character 'b' looking for beginning of object key string"));
  });

  test("strategic merge patch: the decoder's error alone", async () => {
    const SP = "application/strategic-merge-patch+json";
    assert.deepEqual((await patch("[]", SP)).body, badRequest("json: cannot unmarshal array into Go value of type map[string]interface {}"));
    assert.deepEqual((await patch("[]", SP, "?fieldValidation=Ignore")).body, badRequest("json: cannot unmarshal array into Go value of type map[string]interface {}"));
    assert.deepEqual((await patch("true", SP)).body, badRequest("json: cannot unmarshal bool into Go value of type map[string]interface {}"));
    assert.deepEqual((await patch("{bad", SP)).body, badRequest("invalid character 'b' looking for beginning of object key string"));
  });
});
