/**
 * Server-side apply through `/status` and `/scale` is an Apply, as 1.32's field manager makes
 * it: the applier's entry has operation Apply and the subresource, and a field another manager
 * owns that the apply would change is a 409 naming it (force=true takes it). Through `/scale` the
 * apply is made to the Scale (ScaleHandler.ToSubresource gives it the managers of
 * `.spec.replicas`, at autoscaling/v1) and its entries go back to the parent (ToParent).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { crd, deploymentsOf, testCluster, type TestCluster } from "./helpers.js";

const DEPLOYS = "/apis/apps/v1/namespaces/ssa/deployments";
const APPLY = "application/apply-patch+yaml";

describe("server-side apply through a subresource", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "ssa" } } });
  });
  after(() => t.close());

  const create = (name: string) => deploymentsOf(t, "ssa").create(name);
  const entries = (name: string) => deploymentsOf(t, "ssa").entries(name);
  const applyStatus = (name: string, manager: string, status: Record<string, unknown>, query = "") =>
    t.send("PATCH", `${DEPLOYS}/${name}/status?fieldManager=${manager}${query}`, { body: JSON.stringify({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name }, status }), contentType: APPLY });
  const applyScale = (name: string, manager: string, replicas: number, query = "") =>
    t.send("PATCH", `${DEPLOYS}/${name}/scale?fieldManager=${manager}${query}`, { body: JSON.stringify({ apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name }, spec: { replicas } }), contentType: APPLY });

  test("an apply through /status is recorded as an Apply with subresource status, its spec ignored", async () => {
    await create("st");
    const res = await applyStatus("st", "status-applier", { observedGeneration: 1, replicas: 2 });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status.replicas, 2);
    const entry = (await entries("st")).find((e) => e.manager === "status-applier");
    assert.deepEqual({ ...entry, time: undefined }, {
      manager: "status-applier", operation: "Apply", apiVersion: "apps/v1", time: undefined, fieldsType: "FieldsV1",
      fieldsV1: { "f:status": { "f:observedGeneration": {}, "f:replicas": {} } }, subresource: "status",
    });
    assert.ok(entry!.time);
  });

  test("an apply through /status conflicts with another manager's status fields; force=true takes them", async () => {
    await create("st2");
    const first = await applyStatus("st2", "one", { replicas: 2 });
    assert.equal(first.status, 200, first.text);
    const res = await applyStatus("st2", "two", { replicas: 3 });
    assert.equal(res.status, 409, res.text);
    assert.equal(res.body.message, 'Apply failed with 1 conflict: conflict with "one" with subresource "status": .status.replicas');
    assert.deepEqual(res.body.details.causes, [{ reason: "FieldManagerConflict", message: 'conflict with "one" with subresource "status"', field: ".status.replicas" }]);
    const forced = await applyStatus("st2", "two", { replicas: 3 }, "&force=true");
    assert.equal(forced.status, 200, forced.text);
    assert.equal(forced.body.status.replicas, 3);
    const managers = (await entries("st2")).map((e) => e.manager);
    assert.ok(!managers.includes("one"), "one lost its only field");
    const same = await applyStatus("st2", "one", { replicas: 3 });
    assert.equal(same.status, 200, "the same value is no conflict");
  });

  test("an apply through /scale conflicts with the manager of .spec.replicas, named at autoscaling/v1", async () => {
    await create("sc");
    const res = await applyScale("sc", "scaler", 4);
    assert.equal(res.status, 409, res.text);
    assert.equal(res.body.message, 'Apply failed with 1 conflict: conflict with "creator" using autoscaling/v1: .spec.replicas');
    const forced = await applyScale("sc", "scaler", 4, "&force=true");
    assert.equal(forced.status, 200, forced.text);
    assert.equal(forced.body.spec.replicas, 4);
    const after = await entries("sc");
    const entry = after.find((e) => e.manager === "scaler");
    assert.deepEqual(entry, { manager: "scaler", operation: "Apply", apiVersion: "apps/v1", fieldsType: "FieldsV1", fieldsV1: { "f:spec": { "f:replicas": {} } }, subresource: "scale" });
    assert.equal(after.find((e) => e.manager === "creator")!.fieldsV1["f:spec"]["f:replicas"], undefined, "the creator no longer owns the replicas");
    const again = await applyScale("sc", "scaler", 5);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.spec.replicas, 5);
    const other = await applyScale("sc", "other", 6);
    assert.equal(other.status, 409, other.text);
    assert.equal(other.body.message, 'Apply failed with 1 conflict: conflict with "scaler" with subresource "scale": .spec.replicas');
  });

  test("a main-resource apply of the replicas conflicts with the scale applier", async () => {
    await create("sm");
    assert.equal((await applyScale("sm", "scaler", 2, "&force=true")).status, 200);
    const config = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "sm" }, spec: { replicas: 5 } };
    const res = await t.send("PATCH", `${DEPLOYS}/sm?fieldManager=ci`, { body: JSON.stringify(config), contentType: APPLY });
    assert.equal(res.status, 409, res.text);
    assert.equal(res.body.message, 'Apply failed with 1 conflict: conflict with "scaler" with subresource "scale": .spec.replicas');
  });

  test("a custom resource's scale and status applies are Applies too, at its replicas path", async () => {
    const def = crd("gizmos", "Gizmo", { group: "ssa.example.com" });
    def.spec.versions = [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } }, subresources: { status: {}, scale: { specReplicasPath: ".spec.size", statusReplicasPath: ".status.size" } } }];
    assert.equal((await t.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: def })).status, 201);
    const GIZMOS = "/apis/ssa.example.com/v1/namespaces/ssa/gizmos";
    const created = await t.send("POST", `${GIZMOS}?fieldManager=maker`, { body: { apiVersion: "ssa.example.com/v1", kind: "Gizmo", metadata: { name: "g" }, spec: { size: 1, color: "red" } } });
    assert.equal(created.status, 201, created.text);
    const scale = (replicas: number, query = "") =>
      t.send("PATCH", `${GIZMOS}/g/scale?fieldManager=scaler${query}`, { body: JSON.stringify({ apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "g" }, spec: { replicas } }), contentType: APPLY });
    const refused = await scale(3);
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.body.message, 'Apply failed with 1 conflict: conflict with "maker" using autoscaling/v1: .spec.replicas');
    assert.equal((await scale(3, "&force=true")).status, 200);
    const object = (await t.send("GET", `${GIZMOS}/g`)).body;
    assert.equal(object.spec.size, 3);
    assert.deepEqual(object.metadata.managedFields.map((e: any) => [e.manager, e.operation, e.subresource ?? "", e.fieldsV1]), [
      ["scaler", "Apply", "scale", { "f:spec": { "f:size": {} } }],
      ["maker", "Update", "", { "f:spec": { ".": {}, "f:color": {} } }],
    ]);
    const status = await t.send("PATCH", `${GIZMOS}/g/status?fieldManager=reporter`, { body: JSON.stringify({ apiVersion: "ssa.example.com/v1", kind: "Gizmo", metadata: { name: "g" }, status: { size: 3 } }), contentType: APPLY });
    assert.equal(status.status, 200, status.text);
    const entry = status.body.metadata.managedFields.find((e: any) => e.manager === "reporter");
    assert.deepEqual([entry.operation, entry.subresource, entry.fieldsV1], ["Apply", "status", { "f:status": { "f:size": {} } }]);
  });
});
