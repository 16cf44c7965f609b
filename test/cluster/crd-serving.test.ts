/**
 * How an established CRD's versions are served: discovery as its discovery controller writes it
 * (verbs in its order, status then scale, versions by kube-aware priority, response kinds naming
 * the group version), objects of one storage read in every served version, and the Table its
 * printer columns make (typed cells, JSONPath filters, the default Age).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { crd, testCluster, type TestCluster } from "./helpers.js";

const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";
const SCHEMA = { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } };

describe("serving a CRD's versions", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    const multi = crd("backups", "Backup", { group: "ops.example.com", shortNames: ["bk"] });
    multi.spec.names.categories = ["all"];
    multi.spec.versions = [
      { name: "v1alpha1", served: true, storage: false, schema: SCHEMA },
      { name: "v1", served: true, storage: true, schema: SCHEMA, subresources: { status: {}, scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" } } },
      { name: "v1beta1", served: true, storage: false, schema: SCHEMA },
      { name: "v2alpha1", served: false, storage: false, schema: SCHEMA },
    ];
    multi.spec.versions[1].additionalPrinterColumns = [
      { name: "Target", type: "string", jsonPath: ".spec.target" },
      { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: "Keep", type: "integer", jsonPath: ".spec.keep", priority: 1, description: "Days kept." },
      { name: "Paused", type: "boolean", jsonPath: ".spec.paused" },
      { name: "Labels", type: "string", jsonPath: ".metadata.labels" },
      { name: "Last", type: "date", jsonPath: ".status.lastRun" },
    ];
    assert.equal((await t.send("POST", CRDS, { body: multi })).status, 201);
  });
  after(() => t.close());

  test("the group lists its served versions by kube-aware priority, the first preferred", async () => {
    const group = await t.send("GET", "/apis/ops.example.com");
    assert.deepEqual(group.body.versions.map((v: any) => v.version), ["v1", "v1beta1", "v1alpha1"]);
    assert.deepEqual(group.body.preferredVersion, { groupVersion: "ops.example.com/v1", version: "v1" });
    assert.equal((await t.send("GET", "/apis/ops.example.com/v2alpha1")).status, 404);
  });

  test("a version's resources: the CRD's verb order, status then scale", async () => {
    const list = await t.send("GET", "/apis/ops.example.com/v1");
    assert.deepEqual(list.body.resources, [
      { name: "backups", singularName: "backup", namespaced: true, kind: "Backup", verbs: ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"], shortNames: ["bk"], categories: ["all"] },
      { name: "backups/status", singularName: "", namespaced: true, kind: "Backup", verbs: ["get", "patch", "update"] },
      { name: "backups/scale", singularName: "", namespaced: true, group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"] },
    ]);
    assert.deepEqual((await t.send("GET", "/apis/ops.example.com/v1beta1")).body.resources.map((r: any) => r.name), ["backups"]);
  });

  test("aggregated discovery names the group version in a CRD's response kinds", async () => {
    const agg = await t.send("GET", "/apis", { accept: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList" });
    const item = agg.body.items.find((i: any) => i.metadata.name === "ops.example.com");
    assert.deepEqual(item.versions.map((v: any) => v.version), ["v1", "v1beta1", "v1alpha1"]);
    const backups = item.versions[0].resources[0];
    assert.deepEqual(backups.responseKind, { group: "ops.example.com", version: "v1", kind: "Backup" });
    assert.deepEqual(backups.subresources, [
      { subresource: "status", responseKind: { group: "ops.example.com", version: "v1", kind: "Backup" }, verbs: ["get", "patch", "update"] },
      { subresource: "scale", responseKind: { group: "autoscaling", version: "v1", kind: "Scale" }, verbs: ["get", "patch", "update"] },
    ]);
    assert.equal(agg.body.items.at(-1).metadata.name, "ops.example.com", "custom groups come after the built-in ones");
  });

  test("an object written in one version is read in every served one, stored in the storage version", async () => {
    const created = await t.send("POST", "/apis/ops.example.com/v1beta1/namespaces/default/backups", { body: { apiVersion: "ops.example.com/v1beta1", kind: "Backup", metadata: { name: "b1" }, spec: { target: "db" } } });
    assert.equal(created.status, 201);
    assert.equal(created.body.apiVersion, "ops.example.com/v1beta1");
    const read = await t.send("GET", "/apis/ops.example.com/v1/namespaces/default/backups/b1");
    assert.equal(read.body.apiVersion, "ops.example.com/v1");
    assert.deepEqual(read.body.spec, { target: "db" });
    const alpha = await t.send("GET", "/apis/ops.example.com/v1alpha1/backups");
    assert.deepEqual(alpha.body.items.map((i: any) => i.apiVersion), ["ops.example.com/v1alpha1"]);
  });

  test("the Table: Name, then the version's columns, typed cells from their JSONPath, missing values null", async () => {
    const path = "/apis/ops.example.com/v1/namespaces/default/backups";
    const lastRun = new Date(Date.now() - 3 * 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");
    await t.send("POST", path, { body: { apiVersion: "ops.example.com/v1", kind: "Backup", metadata: { name: "nightly", labels: { tier: "db", app: "pg" } }, spec: { target: "pg", keep: 7.9, paused: false } } });
    await t.send("PATCH", `${path}/nightly/status`, {
      body: { status: { lastRun, conditions: [{ type: "Synced", status: "True" }, { type: "Ready", status: "False" }] } },
      contentType: "application/merge-patch+json",
    });
    const table = (await t.send("GET", `${path}/nightly`, { accept: TABLE })).body;
    assert.deepEqual(table.columnDefinitions.map((c: any) => [c.name, c.type, c.priority, c.description]), [
      ["Name", "string", 0, table.columnDefinitions[0].description],
      ["Target", "string", 0, "Custom resource definition column (in JSONPath format): .spec.target"],
      ["Ready", "string", 0, 'Custom resource definition column (in JSONPath format): .status.conditions[?(@.type=="Ready")].status'],
      ["Keep", "integer", 1, "Days kept."],
      ["Paused", "boolean", 0, "Custom resource definition column (in JSONPath format): .spec.paused"],
      ["Labels", "string", 0, "Custom resource definition column (in JSONPath format): .metadata.labels"],
      ["Last", "date", 0, "Custom resource definition column (in JSONPath format): .status.lastRun"],
    ]);
    // A string column prints a map or list as client-go's jsonpath does: JSON, keys sorted.
    assert.deepEqual(table.rows[0].cells, ["nightly", "pg", "False", 7, false, '{"app":"pg","tier":"db"}', "3h"]);
    const other = (await t.send("GET", `${path}/b1`, { accept: TABLE })).body;
    assert.deepEqual(other.rows[0].cells, ["b1", "db", null, null, null, null, null]);
  });

  test("the Table's string cells as jsonpath prints them (a null is <no value>, a list or map JSON), other types as cellForJSONValue", async () => {
    const path = "/apis/ops.example.com/v1/namespaces/kube-public/backups";
    const make = (name: string, spec: unknown, status: unknown) => t.send("POST", path, { body: { apiVersion: "ops.example.com/v1", kind: "Backup", metadata: { name }, spec } }).then(() =>
      t.send("PATCH", `${path}/${name}/status`, { body: { status }, contentType: "application/merge-patch+json" }));
    await make("odd", { target: null, keep: 2.5, paused: "yes" }, { lastRun: "null", conditions: [{ type: "Ready", status: 1.5 }] });
    await make("mapped", { target: { note: "x<y", hosts: ["a", "b"] }, keep: "7" }, { lastRun: "yesterday", conditions: [{ type: "Ready", status: ["x", 2] }] });
    const rows = (await t.send("GET", path, { accept: TABLE })).body.rows.map((r: any) => r.cells);
    assert.deepEqual(rows, [
      ["mapped", '{"hosts":["a","b"],"note":"x\\u003cy"}', '["x",2]', null, null, null, "<invalid>"],
      ["odd", "<no value>", "1.5", 2, null, null, "<unknown>"],
    ]);
  });

  test("a version without columns prints Name and Age, the age of its creation", async () => {
    const table = (await t.send("GET", "/apis/ops.example.com/v1beta1/namespaces/default/backups", { accept: TABLE })).body;
    assert.deepEqual(table.columnDefinitions.map((c: any) => [c.name, c.type]), [["Name", "string"], ["Age", "date"]]);
    assert.match(table.columnDefinitions[1].description, /^CreationTimestamp is a timestamp/);
    assert.deepEqual(table.rows.map((r: any) => r.cells[0]), ["b1", "nightly"]);
    assert.match(table.rows[0].cells[1], /^\d+s$/);
  });

  test("the scale subresource reads and writes the version's paths, as its registry does", async () => {
    const path = "/apis/ops.example.com/v1/namespaces/default/backups";
    await t.send("POST", path, { body: { apiVersion: "ops.example.com/v1", kind: "Backup", metadata: { name: "scaled" }, spec: { target: "x" } } });
    const missing = await t.send("GET", `${path}/scaled/scale`);
    assert.equal(missing.status, 500);
    assert.equal(missing.body.message, 'Internal error occurred: the spec replicas field ".spec.replicas" does not exist');
    const empty = await t.send("PATCH", `${path}/scaled/scale`, { body: { metadata: { labels: { a: "b" } } }, contentType: "application/merge-patch+json" });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.message, 'the spec replicas field ".spec.replicas" cannot be empty');
    const scaled = await t.send("PATCH", `${path}/scaled/scale`, { body: { spec: { replicas: 3 } }, contentType: "application/merge-patch+json" });
    assert.equal(scaled.status, 200, scaled.text);
    assert.deepEqual([scaled.body.kind, scaled.body.spec, scaled.body.status], ["Scale", { replicas: 3 }, { replicas: 0 }]);
    const stored = (await t.send("GET", `${path}/scaled`)).body;
    assert.deepEqual([stored.spec.replicas, stored.metadata.generation], [3, 2]);
    const negative = await t.send("PATCH", `${path}/scaled/scale`, { body: { spec: { replicas: -1 } }, contentType: "application/merge-patch+json" });
    assert.equal(negative.status, 422);
    assert.equal(negative.body.message, 'Backup.ops.example.com "scaled" is invalid: .spec.replicas: Invalid value: -1: should be a non-negative integer');
    // A missing object: the custom resource store's own NotFound (ScaleREST passes it on), not a `backups/scale` one.
    for (const [method, body, contentType] of [["GET"], ["PATCH", { spec: { replicas: 1 } }, "application/merge-patch+json"], ["PUT", { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "gone" }, spec: { replicas: 1 } }]] as const) {
      const gone = await t.send(method, `${path}/gone/scale`, { body, contentType });
      assert.equal(gone.status, 404, method);
      assert.deepEqual(gone.body, {
        kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
        message: 'backups.ops.example.com "gone" not found',
        reason: "NotFound", details: { name: "gone", group: "ops.example.com", kind: "backups" }, code: 404,
      });
    }
  });

  test("the scale paths are checked on every write of the resource, the status ones on a status write", async () => {
    const path = "/apis/ops.example.com/v1/namespaces/default/backups";
    const big = await t.send("POST", path, { body: { apiVersion: "ops.example.com/v1", kind: "Backup", metadata: { name: "big" }, spec: { replicas: 2147483648 } } });
    assert.equal(big.status, 422);
    assert.equal(big.body.message, 'Backup.ops.example.com "big" is invalid: .spec.replicas: Invalid value: 2147483648: should be less than or equal to 2147483647');
    const text = await t.send("POST", path, { body: { apiVersion: "ops.example.com/v1", kind: "Backup", metadata: { name: "text" }, spec: { replicas: "two" } } });
    assert.equal(text.body.message, 'Backup.ops.example.com "text" is invalid: .spec.replicas: Invalid value: 0: .spec.replicas accessor error: two is of the type string, expected int64');
    await t.send("POST", path, { body: { apiVersion: "ops.example.com/v1", kind: "Backup", metadata: { name: "ok" }, spec: { replicas: 1 } } });
    const status = await t.send("PATCH", `${path}/ok/status`, { body: { status: { replicas: -2 } }, contentType: "application/merge-patch+json" });
    assert.equal(status.status, 422);
    assert.equal(status.body.message, 'Backup.ops.example.com "ok" is invalid: .status.replicas: Invalid value: -2: should be a non-negative integer');
    // A status update checks the status paths only (ValidateStatusUpdate): a spec the scale check would refuse is not its business.
    await t.send("POST", path.replace("/v1/", "/v1beta1/"), { body: { apiVersion: "ops.example.com/v1beta1", kind: "Backup", metadata: { name: "legacy" }, spec: { replicas: -1 } } });
    const legacy = await t.send("PATCH", `${path}/legacy/status`, { body: { status: { replicas: 0 } }, contentType: "application/merge-patch+json" });
    assert.equal(legacy.status, 200, legacy.text);
  });

  test("a version's selectable fields are field labels; others are not supported", async () => {
    const selectable = crd("pipes", "Pipe", { group: "fields.example.com", version: { selectableFields: [{ jsonPath: ".spec.color" }] } });
    await t.send("POST", CRDS, { body: selectable });
    const path = "/apis/fields.example.com/v1/namespaces/default/pipes";
    for (const [name, color] of [["p1", "red"], ["p2", "blue"]]) await t.send("POST", path, { body: { apiVersion: "fields.example.com/v1", kind: "Pipe", metadata: { name }, spec: { color } } });
    const red = await t.send("GET", `${path}?fieldSelector=spec.color%3Dred`);
    assert.deepEqual(red.body.items.map((i: any) => i.metadata.name), ["p1"]);
    const other = await t.send("GET", `${path}?fieldSelector=spec.size%3D1`);
    assert.equal(other.status, 400);
    assert.equal(other.body.message, "field label not supported: spec.size");
  });
});
