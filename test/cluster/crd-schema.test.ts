/**
 * A custom resource against its CRD version's schema, as 1.32's apiextensions-apiserver treats
 * it: structural pruning (with the `unknown field` paths, in 1.32's order), defaulting, and the
 * OpenAPI validation errors with 1.32's field paths and words. Expected paths and messages come
 * from kubernetes' test/integration/apiserver/field_validation_test.go and apiextensions'
 * pkg/apiserver/validation/validation_test.go where they have the case.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { JSONSchemaProps } from "kubernetes-types/apiextensions/v1.js";
import { applyDefaults, pruneUnknown, schemaErrors, type CrdSchema, type SchemaFieldError } from "../../runtime/testing/cluster/crd-schema.js";
import { invalid, type FieldError } from "../../runtime/testing/cluster/status.js";

const obj = (props: Record<string, CrdSchema>, extra: CrdSchema = {}): CrdSchema => ({ type: "object", properties: props as Record<string, JSONSchemaProps>, ...extra });
const withSpec = (props: Record<string, CrdSchema>, extra: CrdSchema = {}) => obj({ spec: obj(props, extra) });

/** The 422's message for a Widget "w1", as status.ts words it (its `Invalid` body is also TypeInvalid's). */
function message(errors: SchemaFieldError[]): string {
  const asStatus = errors.map((e) => ({ ...e, type: e.type === "TypeInvalid" ? "Invalid" : e.type }) as FieldError);
  return invalid("example.com", "Widget", "w1", asStatus).status.message!;
}

describe("pruneUnknown", () => {
  test("a field the schema does not specify is dropped and its dotted path returned", () => {
    const cr = { spec: { size: 1, extra: { deep: true } } };
    assert.deepEqual(pruneUnknown(withSpec({ size: { type: "integer" } }), cr), ["spec.extra"]);
    assert.deepEqual(cr, { spec: { size: 1 } });
  });

  test("array items are pruned by the items schema, paths indexed", () => {
    const cr = { spec: { items: [{ name: "a", bar: 1 }, { name: "b" }, { bar: 2 }] } };
    const schema = withSpec({ items: { type: "array", items: obj({ name: { type: "string" } }) } });
    assert.deepEqual(pruneUnknown(schema, cr), ["spec.items[0].bar", "spec.items[2].bar"]);
    assert.deepEqual(cr.spec.items, [{ name: "a" }, { name: "b" }, {}]);
  });

  test("additionalProperties keeps every key and prunes each value by its schema", () => {
    const cr = { spec: { byName: { x: { port: 1, junk: 1 }, y: { port: 2 } } } };
    const schema = withSpec({ byName: { type: "object", additionalProperties: obj({ port: { type: "integer" } }) } });
    assert.deepEqual(pruneUnknown(schema, cr), ["spec.byName.x.junk"]);
    assert.deepEqual(cr.spec.byName, { x: { port: 1 }, y: { port: 2 } });
  });

  test("x-kubernetes-preserve-unknown-fields keeps unknown fields; a specified nested field is still pruned by its schema", () => {
    const cr = { spec: { anything: { goes: [1] }, inner: { a: "x", drop: 2 } } };
    const schema = withSpec({ inner: obj({ a: { type: "string" } }) }, { "x-kubernetes-preserve-unknown-fields": true });
    assert.deepEqual(pruneUnknown(schema, cr), ["spec.inner.drop"]);
    assert.deepEqual(cr.spec, { anything: { goes: [1] }, inner: { a: "x" } });
  });

  test("a preserving node inside a pruned parent keeps its own unknowns only", () => {
    const cr = { spec: { gone: 1, raw: { free: { form: true } } } };
    const schema = withSpec({ raw: { type: "object", "x-kubernetes-preserve-unknown-fields": true } });
    assert.deepEqual(pruneUnknown(schema, cr), ["spec.gone"]);
    assert.deepEqual(cr.spec, { raw: { free: { form: true } } });
  });

  test("paths come sorted as Go's sort.Strings sorts them, not in document order", () => {
    const cr = { spec: { zeta: 1, unknown1: "v", ports: [{ containerPort: 80, unknownNested: "v" }] } };
    const schema = withSpec({ ports: { type: "array", items: obj({ containerPort: { type: "integer" } }) } });
    assert.deepEqual(pruneUnknown(schema, cr), ["spec.ports[0].unknownNested", "spec.unknown1", "spec.zeta"]);
  });

  test("root apiVersion, kind and metadata are not the schema's; metadata loses what ObjectMeta lacks, reported first in key order", () => {
    const cr = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w1", zz: 1, ownerReferences: [{ name: "o", uid: "u", bogus: 1 }], aa: 2 }, spec: { x: 1 } };
    assert.deepEqual(pruneUnknown(obj({ spec: obj({}) }), cr), ["metadata.aa", "metadata.ownerReferences[0].bogus", "metadata.zz", "spec.x"]);
    assert.deepEqual(cr, { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w1", ownerReferences: [{ name: "o", uid: "u" }] }, spec: {} });
  });

  // field_validation_test.go's crdSchemaBase and crdInvalidBody (duplicate keys aside: JSON.parse keeps the last).
  const ports = { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["containerPort", "protocol"], items: obj({ containerPort: { type: "integer" }, hostPort: { type: "integer" }, name: { type: "string" }, protocol: { type: "string" } }) };
  const embeddedObj = obj({ apiversion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" } }, { "x-kubernetes-embedded-resource": true });
  const crdInvalidBody = () => ({
    apiVersion: "schema.example.com/v1",
    kind: "Schema",
    metadata: { name: "n", unknownMeta: "metaVal", resourceVersion: "1" },
    spec: {
      unknown1: "val1",
      unknownDupe: "valDupe2",
      knownField1: "val2",
      ports: [{ name: "portName", containerPort: 8080, protocol: "TCP", hostPort: 8082, unknownNested: "val" }],
      embeddedObj: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "my-cm", namespace: "my-ns", unknownEmbeddedMeta: "foo" } },
    },
  });

  test("an embedded resource keeps apiVersion/kind/metadata from the schema; its metadata's unknowns come last (1.32's PostCRD warnings)", () => {
    const schema = withSpec({ knownField1: { type: "string" }, ports, embeddedObj, cronSpec: { type: "string" } });
    const cr = crdInvalidBody();
    assert.deepEqual(pruneUnknown(schema, cr), ["metadata.unknownMeta", "spec.ports[0].unknownNested", "spec.unknown1", "spec.unknownDupe", "spec.embeddedObj.metadata.unknownEmbeddedMeta"]);
    assert.deepEqual(cr.spec.embeddedObj, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "my-cm", namespace: "my-ns" } });
  });

  test("with preserve-unknown-fields on spec only the known nested and metadata unknowns go (1.32's PostCRDSchemaless warnings)", () => {
    const schema = withSpec({ knownField1: { type: "string" }, ports, embeddedObj }, { "x-kubernetes-preserve-unknown-fields": true });
    const cr = crdInvalidBody();
    assert.deepEqual(pruneUnknown(schema, cr), ["metadata.unknownMeta", "spec.ports[0].unknownNested", "spec.embeddedObj.metadata.unknownEmbeddedMeta"]);
    assert.equal(cr.spec.unknown1, "val1");
  });

  test("an embedded resource's metadata is re-serialized as ObjectMeta: empty fields and a null creationTimestamp go", () => {
    const cr = { spec: { tmpl: { metadata: { name: "p", labels: {}, creationTimestamp: null, generation: 0 } } } };
    const tmpl = obj({ metadata: { type: "object" } }, { "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true });
    assert.deepEqual(pruneUnknown(withSpec({ tmpl }), cr), []);
    assert.deepEqual(cr.spec.tmpl.metadata, { name: "p" });
  });

  test("a null in a non-nullable field without a default is removed, unreported; nullable or defaulted nulls stay", () => {
    const cr = { spec: { a: null, b: null, c: null } };
    const schema = withSpec({ a: { type: "string" }, b: { type: "string", nullable: true }, c: { type: "string", default: "x" } });
    assert.deepEqual(pruneUnknown(schema, cr), []);
    assert.deepEqual(cr.spec, { b: null, c: null });
  });
});

describe("applyDefaults", () => {
  test("an absent property gets a copy of its default; a present one is left", () => {
    const schema = withSpec({ replicas: { type: "integer", default: 1 }, tags: { type: "array", items: { type: "string" }, default: ["a"] } });
    const cr: Record<string, any> = { spec: { replicas: 3 } };
    applyDefaults(schema, cr);
    assert.deepEqual(cr, { spec: { replicas: 3, tags: ["a"] } });
    cr.spec.tags.push("b");
    assert.deepEqual((schema.properties!.spec!.properties!.tags as CrdSchema).default, ["a"]);
  });

  test("a null in a non-nullable property takes the default; in a nullable one it stays null", () => {
    const cr = { spec: { a: null, b: null } };
    applyDefaults(withSpec({ a: { type: "string", default: "x" }, b: { type: "string", nullable: true, default: "y" } }), cr);
    assert.deepEqual(cr.spec, { a: "x", b: null });
  });

  test("a defaulted object receives its own properties' defaults", () => {
    const cr = {};
    applyDefaults(obj({ spec: obj({ size: { type: "integer", default: 2 }, mode: { type: "string", default: "fast" } }, { default: {} }) }), cr);
    assert.deepEqual(cr, { spec: { size: 2, mode: "fast" } });
  });

  test("array items get their schema's defaults, and a null item the items' default", () => {
    const cr = { spec: { ports: [{ port: 80 }, null, { port: 81, protocol: "UDP" }] } };
    applyDefaults(withSpec({ ports: { type: "array", items: obj({ port: { type: "integer" }, protocol: { type: "string", default: "TCP" } }, { default: { port: 1 } }) } }), cr);
    assert.deepEqual(cr.spec.ports, [{ port: 80, protocol: "TCP" }, { port: 1, protocol: "TCP" }, { port: 81, protocol: "UDP" }]);
  });

  test("additionalProperties values are defaulted, a null value to the schema's default", () => {
    const cr = { spec: { byName: { a: {}, b: null } } };
    applyDefaults(withSpec({ byName: { type: "object", additionalProperties: obj({ weight: { type: "integer", default: 1 } }, { default: { weight: 5 } }) } }), cr);
    assert.deepEqual(cr.spec.byName, { a: { weight: 1 }, b: { weight: 5 } });
  });
});

describe("schemaErrors", () => {
  const check = (props: Record<string, CrdSchema>, spec: unknown, extra: CrdSchema = {}) => schemaErrors(withSpec(props, extra), { spec });

  test("a type mismatch is field.TypeInvalid naming the JSON type found (1.32's create message)", () => {
    const errors = check({ replicas: { type: "integer" } }, { replicas: "3" });
    assert.deepEqual(errors, [{ type: "TypeInvalid", field: "spec.replicas", value: "string", detail: 'spec.replicas in body must be of type integer: "string"' }]);
    assert.equal(message(errors), 'Widget.example.com "w1" is invalid: spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"');
  });

  test("type names: a fraction is a number, null is null unless nullable, int-or-string joins its types", () => {
    assert.deepEqual(check({ n: { type: "integer" }, o: { type: "object" }, s: { type: "string", nullable: true } }, { n: 1.5, o: null, s: null }).map((e) => e.detail), [
      'spec.n in body must be of type integer: "number"',
      'spec.o in body must be of type object: "null"',
    ]);
    assert.deepEqual(check({ port: { "x-kubernetes-int-or-string": true } }, { port: true })[0]?.detail, 'spec.port in body must be of type integer,string: "boolean"');
    assert.deepEqual(check({ port: { "x-kubernetes-int-or-string": true } }, { port: "http" }), []);
  });

  test("a missing required property is `Required value`, after the present properties' errors", () => {
    const errors = check({ size: { type: "integer" }, name: { type: "string" } }, { name: 1 }, { required: ["size"] });
    assert.deepEqual(errors.map((e) => [e.type, e.field]), [["TypeInvalid", "spec.name"], ["Required", "spec.size"]]);
    assert.equal(message([errors[1]!]), 'Widget.example.com "w1" is invalid: spec.size: Required value');
  });

  test("enum: Unsupported value with the supported values, non-strings JSON-encoded; a type error comes first", () => {
    const errors = check({ color: { type: "string", enum: ["red", "blue"] } }, { color: "pink" });
    assert.equal(message(errors), 'Widget.example.com "w1" is invalid: spec.color: Unsupported value: "pink": supported values: "red", "blue"');
    const both = check({ level: { type: "integer", enum: [1, 2] } }, { level: "x" });
    assert.deepEqual(both.map((e) => e.type), ["TypeInvalid", "NotSupported"]);
    assert.equal(message([both[1]!]), 'Widget.example.com "w1" is invalid: spec.level: Unsupported value: "x": supported values: "1", "2"');
  });

  test("enum compares after Go's conversion to the enum value's type: 1.5 converts to int64 1", () => {
    assert.deepEqual(check({ level: { type: "number", enum: [1, 2] } }, { level: 1.5 }), []);
    assert.deepEqual(check({ level: { type: "number", enum: [1, 2] } }, { level: 3.5 }).map((e) => e.rendered), ["3.5"]);
  });

  test("minimum and maximum, inclusive and exclusive", () => {
    const schema = { low: { type: "integer", minimum: 1 }, lowX: { type: "integer", minimum: 1, exclusiveMinimum: true }, high: { type: "integer", maximum: 10 }, highX: { type: "number", maximum: 10, exclusiveMaximum: true } };
    assert.equal(
      message(check(schema, { low: 0, lowX: 1, high: 11, highX: 10 })),
      'Widget.example.com "w1" is invalid: [spec.low: Invalid value: 0: spec.low in body should be greater than or equal to 1, ' +
        "spec.lowX: Invalid value: 1: spec.lowX in body should be greater than 1, " +
        "spec.high: Invalid value: 11: spec.high in body should be less than or equal to 10, " +
        "spec.highX: Invalid value: 10: spec.highX in body should be less than 10]",
    );
  });

  test("a float64 value and its bound print as Go's %v does", () => {
    const errors = check({ ratio: { type: "number", maximum: 1000000 } }, { ratio: 1000000.5 });
    assert.equal(message(errors), 'Widget.example.com "w1" is invalid: spec.ratio: Invalid value: 1.0000005e+06: spec.ratio in body should be less than or equal to 1e+06');
  });

  test("maxLength is field.TooLong in 1.32's words, counting characters; minLength and pattern are Invalid", () => {
    assert.deepEqual(check({ name: { type: "string", maxLength: 5 } }, { name: "héllo" }), []);
    const errors = check({ name: { type: "string", maxLength: 5 }, code: { type: "string", minLength: 3 }, id: { type: "string", pattern: "^[a-z]+$" } }, { name: "toolong", code: "ab", id: "A1" });
    assert.equal(
      message(errors),
      'Widget.example.com "w1" is invalid: [spec.name: Too long: may not be more than 5 bytes, ' +
        'spec.code: Invalid value: "ab": spec.code in body should be at least 3 chars long, ' +
        "spec.id: Invalid value: \"A1\": spec.id in body should match '^[a-z]+$']",
    );
  });

  test("minItems is Invalid with the count; maxItems and maxProperties are field.TooMany", () => {
    const errors = check({ few: { type: "array", minItems: 2, items: { type: "string" } }, many: { type: "array", maxItems: 2, items: { type: "string" } }, map: { type: "object", maxProperties: 1, additionalProperties: { type: "string" } } }, { few: ["a"], many: ["a", "b", "c"], map: { a: "1", b: "2" } });
    assert.deepEqual(errors, [
      { type: "Invalid", field: "spec.few", value: 1, detail: "spec.few in body should have at least 2 items" },
      { type: "TooMany", field: "spec.many", value: 3, detail: "must have at most 2 items" },
      { type: "TooMany", field: "spec.map", value: 2, detail: "must have at most 1 item" },
    ]);
  });

  test("min/maxProperties stop the object's other checks", () => {
    assert.deepEqual(check({ m: { type: "object", minProperties: 2, required: ["x"], properties: { y: { type: "string" } } } }, { m: { y: 1 } }), [
      { type: "Invalid", field: "spec.m", value: 1, detail: "spec.m in body should have at least 2 properties" },
    ]);
  });

  test("uniqueItems: one Invalid with an empty value", () => {
    assert.equal(message(check({ l: { type: "array", uniqueItems: true, items: { type: "string" } } }, { l: ["a", "a"] })), 'Widget.example.com "w1" is invalid: spec.l: Invalid value: "": spec.l in body shouldn\'t contain duplicates');
  });

  test("formats 1.32 checks (date-time, date) name the format; int32 and other unsupported formats are not checked", () => {
    const schema = { at: { type: "string", format: "date-time" }, on: { type: "string", format: "date" }, n: { type: "integer", format: "int32" } };
    assert.deepEqual(check(schema, { at: "2024-01-31T10:00:00Z", on: "2024-02-29", n: 2 ** 40 }), []);
    assert.equal(
      message(check(schema, { at: "yesterday", on: "2023-02-29" })),
      'Widget.example.com "w1" is invalid: [spec.at: Invalid value: "yesterday": spec.at in body must be of type date-time: "yesterday", ' +
        'spec.on: Invalid value: "2023-02-29": spec.on in body must be of type date: "2023-02-29"]',
    );
  });

  test("paths: array items indexed, additionalProperties keys joined with a dot", () => {
    const errors = check({ items: { type: "array", items: obj({ name: { type: "string" } }) }, labels: { type: "object", additionalProperties: { type: "string" } } }, { items: [{ name: "a" }, { name: 2 }], labels: { foo: 1 } });
    assert.deepEqual(errors.map((e) => e.field), ["spec.items[1].name", "spec.labels.foo"]);
    assert.equal(errors[1]!.detail, 'spec.labels.foo in body must be of type string: "integer"');
  });

  test("x-kubernetes-list-type set and map: the second appearance is a Duplicate, a map's key printed as Go's %#v", () => {
    const errors = check(
      { tags: { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } }, ports: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], items: obj({ name: { type: "string" } }) } },
      { tags: ["a", "b", "a", "a"], ports: [{ name: "http" }, { name: "http" }] },
    );
    assert.deepEqual(errors, [
      { type: "Duplicate", field: "spec.tags[2]", value: "a" },
      { type: "Duplicate", field: "spec.ports[1]", value: { name: "http" }, rendered: 'map[string]interface {}{"name":"http"}' },
    ]);
    assert.equal(message([errors[0]!]), 'Widget.example.com "w1" is invalid: spec.tags[2]: Duplicate value: "a"');
  });
});
