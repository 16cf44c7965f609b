/**
 * Pods' `spec.hostNetwork` field selector, as 1.32's pod ToSelectableFields has it:
 * strconv.FormatBool of the field, so a pod that leaves it unset is `false`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const PODS = "/api/v1/namespaces/hn/pods";

describe("spec.hostNetwork field selector", () => {
  let t: TestCluster;
  const names = async (selector: string) => {
    const res = await t.send("GET", `${PODS}?fieldSelector=${encodeURIComponent(selector)}`);
    assert.equal(res.status, 200, res.text);
    return res.body.items.map((p: any) => p.metadata.name);
  };
  before(async () => {
    t = await testCluster();
    assert.equal((await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "hn" } } })).status, 201);
    const containers = [{ name: "main", image: "busybox" }];
    for (const [name, spec] of [["host", { hostNetwork: true, containers }], ["unset", { containers }], ["off", { hostNetwork: false, containers }]] as const) {
      const res = await t.send("POST", PODS, { body: { apiVersion: "v1", kind: "Pod", metadata: { name }, spec } });
      assert.equal(res.status, 201, res.text);
    }
  });
  after(() => t.close());

  test("an unset hostNetwork selects as false", async () => {
    assert.deepEqual(await names("spec.hostNetwork=false"), ["off", "unset"]);
    assert.deepEqual(await names("spec.hostNetwork=true"), ["host"]);
    assert.deepEqual(await names("spec.hostNetwork!=false"), ["host"]);
    assert.deepEqual(await names("spec.hostNetwork="), []);
  });
});
