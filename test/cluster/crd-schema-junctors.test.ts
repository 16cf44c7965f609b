/**
 * A custom resource against its schema's allOf, anyOf, oneOf and not, as 1.32 reports them
 * (kube-openapi's schema_props.go, apiextensions' kubeOpenAPIResultToFieldErrors): the junctor's
 * own error at the nil field path `<nil>`, then the errors of the failed branch with the most
 * passed checks. Expected texts: a real API server's answer quoted in velero's CSI design doc
 * ("Found 2 valid alternatives"), controller-tools' oneOf test ("Found none valid, ….c: Required
 * value") and the OpenShift ingress operator's e2e test (anyOf, then the first bound's error).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { JSONSchemaProps } from "kubernetes-types/apiextensions/v1.js";
import { schemaErrors, type CrdSchema } from "../../runtime/testing/cluster/crd-schema.js";
import { invalid, type FieldError } from "../../runtime/testing/cluster/status.js";
import { crd, testCluster } from "./helpers.js";

const obj = (props: Record<string, CrdSchema>, extra: CrdSchema = {}): CrdSchema => ({ type: "object", properties: props as Record<string, JSONSchemaProps>, ...extra });
const withSpec = (props: Record<string, CrdSchema>, extra: CrdSchema = {}) => obj({ spec: obj(props, extra) });

/** The 422's message for a VolumeSnapshot "snap", as status.ts words it. */
function message(schema: CrdSchema, spec: unknown): string {
  const errors = schemaErrors(schema, { spec }).map((e) => ({ ...e, type: e.type === "TypeInvalid" ? "Invalid" : e.type }) as FieldError);
  return invalid("snapshot.storage.k8s.io", "VolumeSnapshot", "snap", errors).status.message!;
}

const PREFIX = 'VolumeSnapshot.snapshot.storage.k8s.io "snap" is invalid: ';

/** VolumeSnapshot's source: exactly one of the two names. */
const source = withSpec({
  source: obj(
    { persistentVolumeClaimName: { type: "string" }, volumeSnapshotContentName: { type: "string" } },
    { oneOf: [{ required: ["persistentVolumeClaimName"] }, { required: ["volumeSnapshotContentName"] }] },
  ),
});

describe("oneOf", () => {
  test("two valid alternatives: the junctor's error alone, at <nil> with an empty value", () => {
    assert.equal(
      message(source, { source: { persistentVolumeClaimName: "pvc", volumeSnapshotContentName: "vsc" } }),
      `${PREFIX}<nil>: Invalid value: "": "spec.source" must validate one and only one schema (oneOf). Found 2 valid alternatives`,
    );
    assert.deepEqual(schemaErrors(source, { spec: { source: { persistentVolumeClaimName: "pvc", volumeSnapshotContentName: "vsc" } } }), [
      { type: "Invalid", field: "<nil>", value: "", detail: '"spec.source" must validate one and only one schema (oneOf). Found 2 valid alternatives' },
    ]);
  });

  test("none valid: the junctor's error, then the best failure's (branches tied: the first)", () => {
    assert.equal(
      message(source, { source: {} }),
      `${PREFIX}[<nil>: Invalid value: "": "spec.source" must validate one and only one schema (oneOf). Found none valid, spec.source.persistentVolumeClaimName: Required value]`,
    );
  });

  test("exactly one valid: no error", () => {
    assert.deepEqual(schemaErrors(source, { spec: { source: { volumeSnapshotContentName: "vsc" } } }), []);
  });
});

describe("anyOf", () => {
  // OpenShift's IngressController tuningOptions.maxConnections: -1, 0, or 2000..2000000.
  const tuning = withSpec({
    tuningOptions: obj(
      { maxConnections: { type: "integer" } },
      {
        anyOf: [
          { properties: { maxConnections: { minimum: -1, maximum: -1 } } },
          { properties: { maxConnections: { minimum: 0, maximum: 0 } } },
          { properties: { maxConnections: { minimum: 2000, maximum: 2000000 } } },
        ],
      },
    ),
  });

  test("none valid: the junctor's error, then the first of equally good failures", () => {
    assert.deepEqual(schemaErrors(tuning, { spec: { tuningOptions: { maxConnections: -2 } } }), [
      { type: "Invalid", field: "<nil>", value: "", detail: '"spec.tuningOptions" must validate at least one schema (anyOf)' },
      { type: "Invalid", field: "spec.tuningOptions.maxConnections", value: -2, detail: "spec.tuningOptions.maxConnections in body should be greater than or equal to -1" },
    ]);
    assert.deepEqual(schemaErrors(tuning, { spec: { tuningOptions: { maxConnections: 1999 } } }).map((e) => e.detail), [
      '"spec.tuningOptions" must validate at least one schema (anyOf)',
      "spec.tuningOptions.maxConnections in body should be less than or equal to -1",
    ]);
    assert.deepEqual(schemaErrors(tuning, { spec: { tuningOptions: { maxConnections: 2000 } } }), []);
  });

  test("the failed branch with the most passed checks is the one reported, not the first", () => {
    // The second branch checks a present number (more checks pass on the way) and fails on it.
    const schema = withSpec({ b: { type: "integer" } }, { anyOf: [{ required: ["a"] }, { properties: { b: { maximum: 0 } } }] });
    assert.deepEqual(schemaErrors(schema, { spec: { b: 1 } }).map((e) => `${e.field}: ${e.detail ?? e.type}`), [
      '<nil>: "spec" must validate at least one schema (anyOf)',
      "spec.b: spec.b in body should be less than or equal to 0",
    ]);
  });

  test("an int-or-string field's anyOf of the two types: the type error, the junctor's, then the first branch's", () => {
    const schema = withSpec({ port: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] } });
    assert.deepEqual(schemaErrors(schema, { spec: { port: "http" } }), []);
    assert.deepEqual(schemaErrors(schema, { spec: { port: 8080 } }), []);
    assert.deepEqual(schemaErrors(schema, { spec: { port: true } }).map((e) => e.detail), [
      'spec.port in body must be of type integer,string: "boolean"',
      '"spec.port" must validate at least one schema (anyOf)',
      'spec.port in body must be of type integer: "boolean"',
    ]);
  });
});

describe("allOf and not", () => {
  test("allOf: every failed branch's errors, then the junctor's; '. None validated' when none did", () => {
    const schema = withSpec({ size: { type: "integer" } }, { allOf: [{ required: ["size"] }, { properties: { size: { minimum: 1 } } }] });
    assert.deepEqual(schemaErrors(schema, { spec: { size: 0 } }).map((e) => e.detail ?? `${e.field}: ${e.type}`), [
      "spec.size in body should be greater than or equal to 1",
      '"spec" must validate all the schemas (allOf)',
    ]);
    assert.deepEqual(schemaErrors(schema, { spec: {} }).map((e) => e.detail ?? `${e.field}: ${e.type}`), ["spec.size: Required", '"spec" must validate all the schemas (allOf)']);
    const neither = withSpec({}, { allOf: [{ required: ["size"] }, { required: ["name"] }] });
    assert.deepEqual(schemaErrors(neither, { spec: {} }).map((e) => e.detail ?? `${e.field}: ${e.type}`), [
      "spec.size: Required",
      "spec.name: Required",
      '"spec" must validate all the schemas (allOf). None validated',
    ]);
  });

  test("an error a branch repeats from the main schema is reported once, where it came first", () => {
    const schema = withSpec({ size: { type: "integer" } }, { required: ["size"], allOf: [{ required: ["size"] }] });
    assert.deepEqual(schemaErrors(schema, { spec: {} }).map((e) => e.detail ?? `${e.field}: ${e.type}`), [
      "spec.size: Required",
      '"spec" must validate all the schemas (allOf). None validated',
    ]);
  });

  test("not: an error when the value validates the schema; a null value is not checked by junctors", () => {
    const schema = withSpec({ mode: { type: "string", not: { enum: ["legacy"] }, nullable: true } });
    assert.deepEqual(schemaErrors(schema, { spec: { mode: "legacy" } }).map((e) => e.detail), ['"spec.mode" must not validate the schema (not)']);
    assert.deepEqual(schemaErrors(schema, { spec: { mode: "fast" } }), []);
    assert.deepEqual(schemaErrors(schema, { spec: { mode: null } }), []);
  });
});

test("through the API: the 422 names <nil> in its message and causes", async () => {
  const t = await testCluster();
  try {
    const body = crd("volumesnapshots", "VolumeSnapshot", { version: { schema: { openAPIV3Schema: source } } });
    assert.equal((await t.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body })).status, 201);
    const created = await t.send("POST", "/apis/example.com/v1/namespaces/default/volumesnapshots", {
      body: { apiVersion: "example.com/v1", kind: "VolumeSnapshot", metadata: { name: "snap" }, spec: { source: { persistentVolumeClaimName: "pvc", volumeSnapshotContentName: "vsc" } } },
    });
    assert.equal(created.status, 422);
    assert.equal(created.body.message, 'VolumeSnapshot.example.com "snap" is invalid: <nil>: Invalid value: "": "spec.source" must validate one and only one schema (oneOf). Found 2 valid alternatives');
    assert.deepEqual(created.body.details.causes, [{ reason: "FieldValueInvalid", message: 'Invalid value: "": "spec.source" must validate one and only one schema (oneOf). Found 2 valid alternatives', field: "<nil>" }]);
  } finally {
    await t.close();
  }
});
