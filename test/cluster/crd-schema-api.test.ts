/**
 * A custom resource written and read through its CRD version's schema, as 1.32 does: unknown
 * fields pruned with a warning each (Strict: the decoder's 400, a patch's 422 naming `patch`),
 * defaults applied on write and on read (a default added to the CRD later shows on older
 * objects), and the schema's errors as the 422 with their field paths.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { crd, testCluster, type TestCluster } from "./helpers.js";

const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const PATH = "/apis/example.com/v1/namespaces/default/widgets";
const SCHEMA = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      required: ["size"],
      properties: { size: { type: "integer", minimum: 1 }, color: { type: "string", enum: ["red", "blue"] }, mode: { type: "string", default: "fast" } },
    },
  },
};

const widget = (name: string, spec: Record<string, unknown>) => ({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name }, spec });

describe("a custom resource and its schema", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    assert.equal((await t.send("POST", CRDS, { body: crd("widgets", "Widget", { version: { schema: { openAPIV3Schema: SCHEMA } } }) })).status, 201);
  });
  after(() => t.close());

  test("unknown fields are dropped with a warning each, defaults filled in", async () => {
    const created = await t.send("POST", PATH, { body: { ...widget("w1", { size: 2, extra: true }), other: 1 } });
    assert.equal(created.status, 201);
    assert.deepEqual(created.headers.warning, ['299 - "unknown field \\"other\\""', '299 - "unknown field \\"spec.extra\\""']);
    assert.deepEqual(created.body.spec, { size: 2, mode: "fast" });
    assert.equal(created.body.other, undefined);
  });

  test("Strict refuses unknown fields: the decoder's 400 on create, a 422 naming the patch", async () => {
    const create = await t.send("POST", `${PATH}?fieldValidation=Strict`, { body: widget("w2", { size: 2, extra: true }) });
    assert.equal(create.status, 400);
    assert.equal(create.body.message, 'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.extra"');
    const patch = await t.send("PATCH", `${PATH}/w1?fieldValidation=Strict`, { body: { spec: { bogus: 1 } }, contentType: "application/merge-patch+json" });
    assert.equal(patch.status, 422);
    assert.match(patch.body.message, /^ "" is invalid: patch: Invalid value: "\{.*\}": strict decoding error: unknown field "spec.bogus"$/);
  });

  test("server-side apply refuses a field the schema does not declare, as its type converter does (500)", async () => {
    const applied = await t.send("PATCH", `${PATH}/w9?fieldManager=me`, { body: JSON.stringify(widget("w9", { size: 1, bogus: 1 })), contentType: "application/apply-patch+yaml" });
    assert.equal(applied.status, 500);
    assert.equal(applied.body.message, "failed to create typed patch object (/w9; example.com/v1, Kind=Widget): .spec.bogus: field not declared in schema");
    assert.equal((await t.send("PATCH", `${PATH}/w9?fieldManager=me`, { body: JSON.stringify(widget("w9", { size: 1 })), contentType: "application/apply-patch+yaml" })).status, 201);
  });

  test("the schema's errors are the 422, with their paths and 1.32's wording", async () => {
    const bad = await t.send("POST", PATH, { body: widget("w3", { size: "big", color: "pink" }) });
    assert.equal(bad.status, 422);
    assert.equal(
      bad.body.message,
      'Widget.example.com "w3" is invalid: [spec.size: Invalid value: "string": spec.size in body must be of type integer: "string", spec.color: Unsupported value: "pink": supported values: "red", "blue"]',
    );
    assert.deepEqual(bad.body.details.causes.map((c: any) => c.reason), ["FieldValueTypeInvalid", "FieldValueNotSupported"]);
    const missing = await t.send("POST", PATH, { body: widget("w4", { size: 0 }) });
    assert.equal(missing.body.message, 'Widget.example.com "w4" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1');
    const required = await t.send("POST", PATH, { body: widget("w5", {}) });
    assert.equal(required.body.message, 'Widget.example.com "w5" is invalid: spec.size: Required value');
  });

  test("a default added to the CRD later is read on objects written before it", async () => {
    const current = (await t.send("GET", `${CRDS}/widgets.example.com`)).body;
    current.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.tier = { type: "string", default: "gold" };
    assert.equal((await t.send("PUT", `${CRDS}/widgets.example.com`, { body: current })).status, 200);
    const read = await t.send("GET", `${PATH}/w1`);
    assert.deepEqual(read.body.spec, { size: 2, mode: "fast", tier: "gold" });
  });
});

test("ratcheting: an update may keep a value the schema has since come to refuse; a changed one is checked", async () => {
  const t = await testCluster();
  try {
    const schema = (spec: Record<string, unknown>) => ({ openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: spec } } } });
    const loose = { name: { type: "string" }, size: { type: "integer" }, tags: { type: "array", items: { type: "string" } } };
    assert.equal((await t.send("POST", CRDS, { body: crd("gadgets", "Gadget", { version: { schema: schema(loose) } }) })).status, 201);
    const path = "/apis/example.com/v1/namespaces/default/gadgets";
    const stored = (await t.send("POST", path, { body: { apiVersion: "example.com/v1", kind: "Gadget", metadata: { name: "g", finalizers: ["example.com/keep"] }, spec: { name: "much-too-long", size: 1, tags: ["x", "yy"] } } })).body;
    const current = (await t.send("GET", `${CRDS}/gadgets.example.com`)).body;
    current.spec.versions[0].schema = schema({ name: { type: "string", maxLength: 4 }, size: { type: "integer", enum: [1, 2] }, tags: { type: "array", maxItems: 1, items: { type: "string", maxLength: 1 } } });
    assert.equal((await t.send("PUT", `${CRDS}/gadgets.example.com`, { body: current })).status, 200);
    const labelled = await t.send("PUT", `${path}/g`, { body: { ...stored, metadata: { ...stored.metadata, labels: { a: "b" } } } });
    assert.equal(labelled.status, 200, labelled.text);
    // A sibling changed: the unchanged name and tags keep their errors out.
    const resized = await t.send("PUT", `${path}/g`, { body: { ...labelled.body, spec: { ...labelled.body.spec, size: 2 } } });
    assert.equal(resized.status, 200, resized.text);
    const renamed = await t.send("PUT", `${path}/g`, { body: { ...resized.body, spec: { ...resized.body.spec, name: "still-too-long" } } });
    assert.equal(renamed.body.message, 'Gadget.example.com "g" is invalid: spec.name: Too long: may not be more than 4 bytes');
    const retagged = await t.send("PUT", `${path}/g`, { body: { ...resized.body, spec: { ...resized.body.spec, tags: ["x", "zz"] } } });
    assert.equal(retagged.status, 422, "a list without a type correlates by index: its changed item, and the list, are checked");
    // A new map key named like an Object.prototype property has no old value.
    const props = schema({ ...loose, m: { type: "object", additionalProperties: { type: "object", required: ["v"], properties: { v: { type: "string" } } } } });
    const withMap = (await t.send("GET", `${CRDS}/gadgets.example.com`)).body;
    withMap.spec.versions[0].schema = props;
    assert.equal((await t.send("PUT", `${CRDS}/gadgets.example.com`, { body: withMap })).status, 200);
    const proto = await t.send("PUT", `${path}/g`, { body: { ...resized.body, spec: { ...resized.body.spec, m: { ["__proto__"]: {} } } } });
    assert.equal(proto.body.message, 'Gadget.example.com "g" is invalid: spec.m.__proto__.v: Required value');
    assert.equal((await t.send("DELETE", `${path}/g`)).status, 200);
    const released = await t.send("PATCH", `${path}/g`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
    assert.equal(released.status, 200, released.text);
  } finally {
    await t.close();
  }
});

test("ratcheting compares as 1.32 does: a set list in order, an object with undeclared fields never unchanged", async () => {
  const t = await testCluster();
  try {
    const schema = (strict: boolean) => ({
      openAPIV3Schema: {
        type: "object",
        properties: {
          spec: {
            type: "object",
            properties: {
              tags: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string", ...(strict ? { maxLength: 1 } : {}) } },
              inner: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { name: { type: "string" } }, ...(strict ? { required: ["name"] } : {}) },
            },
          },
        },
      },
    });
    assert.equal((await t.send("POST", CRDS, { body: crd("gizmos", "Gizmo", { version: { schema: schema(false) } }) })).status, 201);
    const path = "/apis/example.com/v1/namespaces/default/gizmos";
    const stored = (await t.send("POST", path, { body: { apiVersion: "example.com/v1", kind: "Gizmo", metadata: { name: "g" }, spec: { tags: ["aa", "bb"], inner: { extra: 1 } } } })).body;
    const current = (await t.send("GET", `${CRDS}/gizmos.example.com`)).body;
    current.spec.versions[0].schema = schema(true);
    assert.equal((await t.send("PUT", `${CRDS}/gizmos.example.com`, { body: current })).status, 200);
    const same = await t.send("PUT", `${path}/g`, { body: { ...stored, spec: { ...stored.spec, inner: { name: "n", extra: 1 } } } });
    assert.equal(same.status, 200, same.text);
    const reordered = await t.send("PUT", `${path}/g`, { body: { ...same.body, spec: { ...same.body.spec, tags: ["bb", "aa"] } } });
    assert.equal(reordered.body.message, 'Gizmo.example.com "g" is invalid: [spec.tags[0]: Too long: may not be more than 1 byte, spec.tags[1]: Too long: may not be more than 1 byte]');
    const unnamed = await t.send("PUT", `${path}/g`, { body: { ...same.body, spec: { ...same.body.spec, inner: { extra: 1 } } } });
    assert.equal(unnamed.body.message, 'Gizmo.example.com "g" is invalid: spec.inner.name: Required value');
  } finally {
    await t.close();
  }
});
