/**
 * A DELETE without a body reads its DeleteOptions from the query through the parameter codec
 * (Convert_url_Values_To_v1_DeleteOptions): `orphanDependents` is Convert_Slice_string_To_Pointer_bool
 * (false only for `0` and `false`, any case; `True`, `1` and empty are true), `gracePeriodSeconds`
 * Convert_Slice_string_To_Pointer_int64 (strconv.ParseInt), whose error handlers/delete.go answers
 * as a 400 BadRequest before it looks the object up: nothing is deleted.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/dqo/configmaps";

describe("DeleteOptions from the query", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "dqo" } } });
  });
  after(() => t.close());

  /** An owner and one dependent; returns nothing. */
  async function family(name: string): Promise<void> {
    const owner = (await t.send("POST", CM, { body: { metadata: { name } } })).body;
    const ref = { apiVersion: "v1", kind: "ConfigMap", name, uid: owner.metadata.uid };
    await t.send("POST", CM, { body: { metadata: { name: `${name}-child`, ownerReferences: [ref] } } });
  }

  test("orphanDependents is true unless it is 0 or false in any case: True, 1 and empty orphan", async () => {
    for (const [name, value] of [["upper", "True"], ["one", "1"], ["empty", ""]]) {
      await family(name!);
      const res = await t.send("DELETE", `${CM}/${name}?orphanDependents=${value}`);
      assert.equal(res.status, 200, `${value}: ${res.text}`);
      const child = await t.send("GET", `${CM}/${name}-child`);
      assert.equal(child.status, 200, `orphanDependents=${value} orphans`);
      assert.equal(child.body.metadata.ownerReferences, undefined);
    }
    for (const [name, value] of [["false-upper", "FALSE"], ["zero", "0"]]) {
      await family(name!);
      assert.equal((await t.send("DELETE", `${CM}/${name}?orphanDependents=${value}`)).status, 200);
      assert.equal((await t.send("GET", `${CM}/${name}-child`)).status, 404, `orphanDependents=${value} cascades`);
    }
  });

  test("a gracePeriodSeconds that does not parse is a 400 with ParseInt's error, before the object is looked up; nothing is deleted", async () => {
    await t.send("POST", CM, { body: { metadata: { name: "victim" } } });
    for (const [path, raw] of [[`${CM}/victim?gracePeriodSeconds=abc`, "abc"], [`${CM}/victim?gracePeriodSeconds=`, ""], [`${CM}/missing?gracePeriodSeconds=1.5`, "1.5"], [`${CM}?gracePeriodSeconds=abc`, "abc"]]) {
      const res = await t.send("DELETE", path!);
      assert.equal(res.status, 400, path);
      assert.deepEqual(res.body, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`, reason: "BadRequest", code: 400 });
    }
    assert.equal((await t.send("GET", `${CM}/victim`)).status, 200);
    assert.equal((await t.send("DELETE", `${CM}/victim?gracePeriodSeconds=0`)).status, 200);
  });
});
