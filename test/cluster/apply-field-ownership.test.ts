/**
 * Server-side apply tracks field ownership as a real 1.32 server does (structured-merge-diff v4
 * under fieldmanager): an Apply entry holds exactly its configuration's fields, an Update entry
 * the fields its writes changed (`"."` on what it created: a map, a list item); a changed field
 * leaves every other manager; an apply that would change another manager's field is a 409
 * (`Apply failed with ...`, one FieldManagerConflict cause per field) unless `force=true`, which
 * takes the field; the same value is shared ownership; fields an applier stops applying go,
 * unless another manager still owns them; a manager of a version the type cannot be converted
 * to (one not served) goes on the next write.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { fixture, testCluster, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/default/configmaps";
const DEPLOYS = "/apis/apps/v1/namespaces/default/deployments";
const AP = "application/apply-patch+yaml";

const conflict = (message: string, causes: Array<[string, string]>) => ({
  kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "Conflict",
  details: { causes: causes.map(([manager, field]) => ({ reason: "FieldManagerConflict", message: `conflict with ${manager}`, field })) },
  code: 409,
});

/** Each entry's manager, operation and fieldsV1. */
const owners = (body: any) => body.metadata.managedFields.map((e: any) => [e.manager, e.operation, e.fieldsV1]);

describe("server-side apply's field ownership", () => {
  let t: TestCluster;
  const cm = (name: string, data: Record<string, string> | undefined, extra: Record<string, unknown> = {}) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, ...extra }, ...(data ? { data } : {}) });
  const apply = (name: string, manager: string, body: unknown, force = false) => t.send("PATCH", `${CM}/${name}?fieldManager=${manager}${force ? "&force=true" : ""}`, { body, contentType: AP });
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  test("an apply's entry is its configuration's fields: no \".\" on data, as the recorded server answered", async () => {
    const created = await apply("recorded", "podfn", cm("recorded", { k: "v" }));
    assert.equal(created.status, 201);
    const entry = fixture("apply-configmap").response.body.metadata.managedFields[0];
    assert.deepEqual(owners(created.body), [[entry.manager, entry.operation, entry.fieldsV1]]);
  });

  test("an update owns what it changed, with \".\" on the map and items it created; the fields it changed leave the applier", async () => {
    await apply("upd", "applier", cm("upd", { k: "v", j: "1" }));
    const patched = await t.send("PATCH", `${CM}/upd?fieldManager=editor`, { body: { data: { k: "w", n: "2" }, metadata: { labels: { a: "b" } } }, contentType: "application/merge-patch+json" });
    assert.deepEqual(owners(patched.body), [
      ["applier", "Apply", { "f:data": { "f:j": {} } }],
      ["editor", "Update", { "f:data": { "f:k": {}, "f:n": {} }, "f:metadata": { "f:labels": { ".": {}, "f:a": {} } } }],
    ]);
    // A write of the same values changes nothing, and no entry.
    const again = await t.send("PATCH", `${CM}/upd?fieldManager=other`, { body: { data: { k: "w" } }, contentType: "application/merge-patch+json" });
    assert.equal(again.body.metadata.resourceVersion, patched.body.metadata.resourceVersion);
    assert.deepEqual(owners(again.body).map((o: string[]) => o[0]), ["applier", "editor"]);
  });

  test("applying another manager's field with a new value is a 409 naming it (an Update manager with its apiVersion)", async () => {
    await t.send("POST", `${CM}?fieldManager=maker`, { body: cm("c1", { k: "v", j: "1" }) });
    const one = await apply("c1", "applier", cm("c1", { k: "other" }));
    assert.deepEqual(one.body, conflict('Apply failed with 1 conflict: conflict with "maker" using v1: .data.k', [['"maker" using v1', ".data.k"]]));
    const two = await apply("c1", "applier", cm("c1", { k: "other", j: "2" }));
    assert.deepEqual(two.body, conflict('Apply failed with 2 conflicts: conflicts with "maker" using v1:\n- .data.j\n- .data.k', [['"maker" using v1', ".data.j"], ['"maker" using v1', ".data.k"]]));
    assert.deepEqual((await t.send("GET", `${CM}/c1`)).body.data, { k: "v", j: "1" }, "nothing written");
  });

  test("conflicts with several managers: grouped by manager in identifier order; an applier printed without apiVersion", async () => {
    await apply("c2", "zeta", cm("c2", { z: "1" }));
    await t.send("PATCH", `${CM}/c2?fieldManager=alpha`, { body: { data: { a: "1" } }, contentType: "application/merge-patch+json" });
    const res = await apply("c2", "me", cm("c2", { a: "2", z: "2" }));
    assert.deepEqual(res.body, conflict('Apply failed with 2 conflicts: conflicts with "alpha" using v1:\n- .data.a\nconflicts with "zeta":\n- .data.z', [['"alpha" using v1', ".data.a"], ['"zeta"', ".data.z"]]));
  });

  test("the same value is shared ownership, no conflict", async () => {
    await t.send("POST", `${CM}?fieldManager=maker`, { body: cm("shared", { k: "v" }) });
    const res = await apply("shared", "applier", cm("shared", { k: "v" }));
    assert.equal(res.status, 200);
    assert.deepEqual(owners(res.body), [["applier", "Apply", { "f:data": { "f:k": {} } }], ["maker", "Update", { "f:data": { ".": {}, "f:k": {} } }]]);
  });

  test("force=true takes the conflicting fields; a manager left with nothing loses its entry", async () => {
    await t.send("POST", `${CM}?fieldManager=maker`, { body: cm("forced", { k: "v" }) });
    const res = await apply("forced", "applier", cm("forced", { k: "w" }), true);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data, { k: "w" });
    // maker keeps the map it created (a member with nothing below it is written {}).
    assert.deepEqual(owners(res.body), [["applier", "Apply", { "f:data": { "f:k": {} } }], ["maker", "Update", { "f:data": {} }]]);
    const taken = await apply("forced", "solo", cm("forced", { k: "x" }), true);
    assert.deepEqual(owners(taken.body), [["solo", "Apply", { "f:data": { "f:k": {} } }], ["maker", "Update", { "f:data": {} }]]);
  });

  test("fields an applier stops applying are removed, unless another manager owns them too", async () => {
    await apply("pruned", "one", cm("pruned", { a: "1", b: "2", c: "3" }, { labels: { x: "y" } }));
    await apply("pruned", "two", cm("pruned", { b: "2" }));
    const res = await apply("pruned", "one", cm("pruned", { c: "3" }));
    assert.deepEqual(res.body.data, { b: "2", c: "3" });
    assert.equal(res.body.metadata.labels, undefined);
    // Entries of one operation are sorted by their time (in seconds), then manager: "one" re-applied
    // a second after "two" comes after it, so the entries are compared by manager.
    const byManager = owners(res.body).sort((a: string[], b: string[]) => (a[0]! < b[0]! ? -1 : 1));
    assert.deepEqual(byManager, [["one", "Apply", { "f:data": { "f:c": {} } }], ["two", "Apply", { "f:data": { "f:b": {} } }]]);
  });

  test("entries of one operation come sorted by their time's second, then manager (sortEncodedManagedFields)", async () => {
    const entries = (await apply("pruned", "zeta", cm("pruned", { z: "26" }))).body.metadata.managedFields as Array<{ manager: string; time?: string }>;
    // An entry without a time ("two" applied only what was there) counts as second 0.
    const key = (e: { manager: string; time?: string }) => [e.time ? Math.floor(Date.parse(e.time) / 1000) : 0, e.manager] as const;
    const sorted = [...entries].sort((a, b) => key(a)[0] - key(b)[0] || (key(a)[1] < key(b)[1] ? -1 : key(a)[1] > key(b)[1] ? 1 : 0));
    assert.deepEqual(entries.map((e) => e.manager), sorted.map((e) => e.manager));
    assert.equal(entries.at(-1)!.manager, "zeta", "the newest apply, in the latest second, comes last");
  });

  test("force on a patch that is no apply is refused", async () => {
    const res = await t.send("PATCH", `${CM}/pruned?force=true`, { body: { data: {} }, contentType: "application/merge-patch+json" });
    assert.equal(res.status, 422);
    assert.equal(res.body.message, 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
  });

  test("an applied object may not carry managedFields", async () => {
    const res = await apply("mf", "m", cm("mf", { k: "v" }, { managedFields: [] }));
    assert.deepEqual([res.status, res.body.message], [400, "metadata.managedFields must be nil"]);
  });

  test("associative lists: an item is owned by its keys, a conflict names it by them; an item no longer applied goes", async () => {
    const container = (name: string, image: string) => ({ name, image });
    const deploy = (containers: unknown[], replicas?: number) => ({
      apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" },
      spec: { ...(replicas ? { replicas } : {}), selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers } } },
    });
    const created = await t.send("POST", `${DEPLOYS}?fieldManager=kubectl-create`, { body: deploy([container("main", "nginx")]) });
    assert.equal(created.status, 201);
    const path = `${DEPLOYS}/web?fieldManager=ci`;
    const clash = await t.send("PATCH", path, { body: deploy([container("main", "nginx:2")], 3), contentType: AP });
    assert.deepEqual(clash.body, conflict('Apply failed with 2 conflicts: conflicts with "kubectl-create" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="main"].image', [
      ['"kubectl-create" using apps/v1', ".spec.replicas"], ['"kubectl-create" using apps/v1', '.spec.template.spec.containers[name="main"].image'],
    ]));
    const added = await t.send("PATCH", path, { body: deploy([container("main", "nginx"), container("side", "busybox")]), contentType: AP });
    assert.equal(added.status, 200, added.text);
    const ci = added.body.metadata.managedFields.find((e: any) => e.manager === "ci");
    assert.deepEqual(ci.fieldsV1["f:spec"]["f:template"]["f:spec"]["f:containers"], {
      'k:{"name":"main"}': { ".": {}, "f:image": {}, "f:name": {} },
      'k:{"name":"side"}': { ".": {}, "f:image": {}, "f:name": {} },
    });
    const dropped = await t.send("PATCH", path, { body: deploy([container("main", "nginx")]), contentType: AP });
    assert.deepEqual(dropped.body.spec.template.spec.containers.map((c: any) => c.name), ["main"], "the side container only ci owned is gone");
  });

  test("a manager recorded under a version the type is not served in is dropped by the write that meets it", async () => {
    const entry = (manager: string, apiVersion: string, label: string) => ({ manager, operation: "Update", apiVersion, time: "2024-01-01T00:00:00Z", fieldsType: "FieldsV1", fieldsV1: { "f:metadata": { "f:labels": { [`f:${label}`]: {} } } } });
    const created = await t.send("POST", CM, { body: cm("versions", { k: "v" }, { labels: { old: "1", kept: "1" } }) });
    assert.equal(created.status, 201, created.text);
    // An update sending managedFields starts from them: the v1beta1 one cannot be converted (core has only v1).
    const sent = { ...created.body, metadata: { ...created.body.metadata, managedFields: [entry("ancient", "v1beta1", "old"), entry("current", "v1", "kept")] } };
    const put = await t.send("PUT", `${CM}/versions?fieldManager=writer`, { body: { ...sent, data: { k: "w" } } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body.metadata.managedFields.map((e: any) => [e.manager, e.apiVersion]), [["current", "v1"], ["writer", "v1"]]);
    // A write that changes nothing drops it too (Updater.update converts every other manager's set).
    const again = await t.send("PUT", `${CM}/versions?fieldManager=writer`, { body: { ...put.body, metadata: { ...put.body.metadata, managedFields: [entry("ancient", "v1beta1", "old"), entry("current", "v1", "kept")] } } });
    assert.deepEqual(again.body.metadata.managedFields.map((e: any) => e.manager), ["current"]);
    const applied = await apply("versions", "applier", cm("versions", { k: "w" }));
    assert.equal(applied.status, 200, applied.text);
    assert.deepEqual(applied.body.metadata.managedFields.map((e: any) => [e.manager, e.apiVersion]), [["applier", "v1"], ["current", "v1"]]);
  });
});
