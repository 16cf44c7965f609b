/**
 * A write through `/scale` is recorded as its own manager identity, under subresource `scale`
 * (ScaleHandler.ToParent): the writer's entry owns `.spec.replicas` (taken from the managers
 * that owned it), apart from any main-resource entry of the same manager, and carries the time
 * the parent's entry for that identity had: none for a new one. A later server-side apply of
 * the replicas by another manager conflicts with it by that identity (printManager).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { deploymentsOf, testCluster, type TestCluster } from "./helpers.js";

const DEPLOYS = "/apis/apps/v1/namespaces/smf/deployments";

describe("managedFields of a write through /scale", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "smf" } } });
  });
  after(() => t.close());

  const create = (name: string) => deploymentsOf(t, "smf").create(name);
  const entries = (name: string) => deploymentsOf(t, "smf").entries(name);

  test("the scale writer's entry has subresource scale, no time, and takes .spec.replicas; the same manager's main-resource write is another entry", async () => {
    await create("web");
    const scaled = await t.send("PATCH", `${DEPLOYS}/web/scale?fieldManager=kubectl`, { body: { spec: { replicas: 3 } }, contentType: "application/merge-patch+json" });
    assert.equal(scaled.status, 200, scaled.text);
    const afterScale = await entries("web");
    const scaleEntry = afterScale.find((e) => e.manager === "kubectl");
    assert.deepEqual(scaleEntry, { manager: "kubectl", operation: "Update", apiVersion: "apps/v1", fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:replicas": {} } }, subresource: "scale" });
    assert.equal(afterScale.find((e) => e.manager === "creator")!.fieldsV1["f:spec"]["f:replicas"], undefined, "the creator no longer owns the replicas");
    assert.deepEqual(afterScale.map((e) => e.manager), ["kubectl", "creator"], "sorted by time: none first");

    const put = await t.send("PUT", `${DEPLOYS}/web/scale?fieldManager=kubectl`, { body: { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "web", namespace: "smf" }, spec: { replicas: 4 } } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual((await entries("web")).find((e) => e.manager === "kubectl"), scaleEntry, "again: the same entry, still without a time");

    const labelled = await t.send("PATCH", `${DEPLOYS}/web?fieldManager=kubectl`, { body: { metadata: { labels: { a: "b" } } }, contentType: "application/merge-patch+json" });
    assert.equal(labelled.status, 200, labelled.text);
    const both = (await entries("web")).filter((e) => e.manager === "kubectl");
    assert.deepEqual(both.map((e) => [e.subresource ?? "", Boolean(e.time)]), [["scale", false], ["", true]]);
  });

  test("an apply of the replicas by another manager conflicts with the scale writer by its subresource", async () => {
    await create("applied");
    await t.send("PATCH", `${DEPLOYS}/applied/scale?fieldManager=kubectl`, { body: { spec: { replicas: 3 } }, contentType: "application/merge-patch+json" });
    const config = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "applied" }, spec: { replicas: 5 } };
    const res = await t.send("PATCH", `${DEPLOYS}/applied?fieldManager=ci`, { body: JSON.stringify(config), contentType: "application/apply-patch+yaml" });
    assert.equal(res.status, 409, res.text);
    assert.equal(res.body.message, 'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');
    assert.deepEqual(res.body.details.causes.map((c: any) => [c.message, c.field]), [['conflict with "kubectl" with subresource "scale" using apps/v1', ".spec.replicas"]]);
  });
});
