/**
 * A CustomResourceDefinition's validation, in 1.32's words and field paths: the name and group,
 * versions and names, a schema's structural root, printer columns and scale paths at the folded
 * (internal) paths of a single-version CRD, the protected groups' approval annotation, and what
 * an update may not change.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { crd, testCluster, type TestCluster } from "./helpers.js";

const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

describe("CustomResourceDefinition validation", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  const refused = async (body: unknown) => {
    const answer = await t.send("POST", CRDS, { body });
    assert.equal(answer.status, 422, answer.text);
    return answer.body;
  };

  test("a name that is not plural.group and a group without a dot", async () => {
    const wrong = crd("widgets", "Widget", { group: "example" });
    wrong.metadata.name = "widgets.example.com";
    const status = await refused(wrong);
    assert.equal(
      status.message,
      'CustomResourceDefinition.apiextensions.k8s.io "widgets.example.com" is invalid: [metadata.name: Invalid value: "widgets.example.com": must be spec.names.plural+"."+spec.group, spec.group: Invalid value: "example": should be a domain with at least one dot]',
    );
    assert.deepEqual(status.details.causes.map((c: any) => [c.reason, c.field]), [["FieldValueInvalid", "metadata.name"], ["FieldValueInvalid", "spec.group"]]);
  });

  test("scope, storage versions, names and a missing schema, in the validator's order", async () => {
    const bad = crd("Widgets", "widget kind", { scope: "Global" });
    bad.metadata.name = "Widgets.example.com";
    bad.spec.versions = [
      { name: "v1", served: true, storage: false },
      { name: "V2", served: true, storage: false, schema: { openAPIV3Schema: { type: "object" } } },
    ];
    const status = await refused(bad);
    assert.deepEqual(
      status.details.causes.map((c: any) => `${c.field}: ${c.message}`),
      [
        "metadata.name: Invalid value: \"Widgets.example.com\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
        "spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required",
        "spec.versions[1].name: Invalid value: \"V2\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        "spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{...}: must have exactly one version marked as storage version",
        "spec.names.plural: Invalid value: \"Widgets\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        "spec.names.singular: Invalid value: \"widget kind\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        "spec.names.kind: Invalid value: \"widget kind\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        "spec.names.listKind: Invalid value: \"widget kindList\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        // No storage version: none recorded, which the stored-versions check refuses too.
        "status.storedVersions: Invalid value: []string(nil): must have at least one stored version",
      ],
    );
  });

  test("a single version's schema, columns and scale paths are checked at the folded paths", async () => {
    const bad = crd("widgets", "Widget", {
      version: {
        schema: { openAPIV3Schema: { type: "object", properties: { spec: { properties: { size: { type: "integer" } } } } } },
        subresources: { scale: { specReplicasPath: ".status.replicas", statusReplicasPath: "status.replicas" } },
        additionalPrinterColumns: [{ name: "Size", type: "int", jsonPath: "spec.size" }],
      },
    });
    const status = await refused(bad);
    assert.deepEqual(status.details.causes.map((c: any) => `${c.field}: ${c.message}`), [
      "spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields",
      'spec.subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec',
      'spec.subresources.scale.statusReplicasPath: Invalid value: "status.replicas": must be a simple json path starting with .',
      'spec.additionalPrinterColumns[0].type: Invalid value: "int": must be one of boolean,date,integer,number,string',
      'spec.additionalPrinterColumns[0].JSONPath: Invalid value: "spec.size": must be a simple json path starting with .',
    ]);
  });

  test("list types: a known type, map keys only on a map list, a map list's keys and object items", async () => {
    const lists = {
      type: "object",
      properties: {
        spec: {
          type: "object",
          properties: {
            ports: { type: "array", "x-kubernetes-list-type": "map", items: { type: "string" } },
            tags: { type: "array", "x-kubernetes-list-type": "bag", items: { type: "string" } },
            hosts: { type: "array", "x-kubernetes-list-map-keys": ["name"], items: { type: "object", properties: { name: { type: "string" } } } },
          },
        },
      },
    };
    const status = await refused(crd("widgets", "Widget", { version: { schema: { openAPIV3Schema: lists } } }));
    const p = "spec.validation.openAPIV3Schema.properties[spec]";
    assert.deepEqual(status.details.causes.map((c: any) => `${c.field}: ${c.message}`), [
      `${p}.properties[ports].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map`,
      `${p}.properties[ports].items.type: Invalid value: "string": must be object if parent array's x-kubernetes-list-type is map`,
      `${p}.properties[tags].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"`,
      `${p}.properties[hosts].x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty`,
    ]);
  });

  test("forbidden schema forms: items as a list (upstream's own test case), $ref, type null", async () => {
    const slice = { type: "object", properties: { slice: { type: "array", items: [{ type: "string" }, { type: "integer" }] } } };
    const status = await refused(crd("widgets", "Widget", { version: { schema: { openAPIV3Schema: slice } } }));
    assert.deepEqual(status.details.causes.map((c: any) => `${c.field}: ${c.message}`), ["spec.validation.openAPIV3Schema.properties[slice].items: Forbidden: items must be a schema object and not an array"]);
    const other = { type: "object", properties: { a: { $ref: "#/x" }, b: { type: "null" } } };
    const more = await refused(crd("widgets", "Widget", { version: { schema: { openAPIV3Schema: other } } }));
    assert.deepEqual(more.details.causes.map((c: any) => `${c.field}: ${c.message}`), [
      "spec.validation.openAPIV3Schema.properties[a].$ref: Forbidden: $ref is not supported",
      "spec.validation.openAPIV3Schema.properties[a].type: Required value: must not be empty for specified object fields",
      "spec.validation.openAPIV3Schema.properties[b].type: Forbidden: type cannot be set to null, use nullable as an alternative",
    ]);
  });

  test("junctors restrict values only: what they may not say, in validateStructural's words and sorted order", async () => {
    const schema = {
      type: "object",
      properties: {
        spec: {
          type: "object",
          properties: { size: { type: "integer" }, port: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] } },
          oneOf: [{ type: "object", required: ["size"] }, { description: "no size", nullable: true, properties: { metadata: {} } }],
          not: { "x-kubernetes-preserve-unknown-fields": true, default: {}, additionalProperties: false },
        },
      },
    };
    const status = await refused(crd("widgets", "Widget", { version: { schema: { openAPIV3Schema: schema } } }));
    const p = "spec.validation.openAPIV3Schema.properties[spec]";
    assert.deepEqual(status.details.causes.map((c: any) => `${c.field}: ${c.message}`), [
      `${p}.not.additionalProperties: Forbidden: must be undefined to be structural`,
      `${p}.not.default: Forbidden: must be undefined to be structural`,
      `${p}.not.x-kubernetes-preserve-unknown-fields: Forbidden: must be false to be structural`,
      `${p}.oneOf[0].type: Forbidden: must be empty to be structural`,
      `${p}.oneOf[1].description: Forbidden: must be empty to be structural`,
      `${p}.oneOf[1].nullable: Forbidden: must be false to be structural`,
      `${p}.oneOf[1].properties[metadata]: Forbidden: must not be specified in a nested context`,
    ]);
  });

  test("a property the root's junctors name must be specified outside them; controller-gen's int-or-string forms pass", async () => {
    const schema = {
      type: "object",
      properties: {
        spec: { type: "object", properties: { port: { "x-kubernetes-int-or-string": true, allOf: [{ anyOf: [{ type: "integer" }, { type: "string" }] }, { pattern: "^[0-9a-z]+$" }] } } },
      },
      anyOf: [{ required: ["spec"] }, { properties: { spec: { properties: { replicas: { minimum: 1 } } }, status: {} } }],
    };
    const status = await refused(crd("widgets", "Widget", { version: { schema: { openAPIV3Schema: schema } } }));
    const p = "spec.validation.openAPIV3Schema";
    assert.deepEqual(status.details.causes.map((c: any) => `${c.field}: ${c.message}`), [
      `${p}.properties[spec].properties[replicas]: Required value: because it is defined in ${p}.anyOf[1].properties[spec].properties[replicas]`,
      `${p}.properties[status]: Required value: because it is defined in ${p}.anyOf[1].properties[status]`,
    ]);
    delete (schema as { anyOf?: unknown }).anyOf;
    assert.equal((await t.send("POST", CRDS, { body: crd("gadgets", "Gadget", { version: { schema: { openAPIV3Schema: schema } } }) })).status, 201);
  });

  test("the OpenAPI schema rules: properties with additionalProperties, uniqueItems, preserve-unknown-fields false", async () => {
    const schema = {
      type: "object",
      properties: {
        spec: { type: "object", properties: { size: { type: "integer" } }, additionalProperties: false },
        tags: { type: "array", uniqueItems: true, items: { type: "string" } },
        extra: { type: "object", "x-kubernetes-preserve-unknown-fields": false },
      },
    };
    const status = await refused(crd("widgets", "Widget", { version: { schema: { openAPIV3Schema: schema } } }));
    const p = "spec.validation.openAPIV3Schema";
    assert.deepEqual(status.details.causes.map((c: any) => `${c.field}: ${c.message}`).sort(), [
      `${p}.properties[extra].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`,
      `${p}.properties[spec].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
      `${p}.properties[tags].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`,
    ]);
    // additionalProperties: true beside properties says nothing the properties do not.
    const open = { type: "object", properties: { spec: { type: "object", properties: { size: { type: "integer" } }, additionalProperties: true } } };
    assert.equal((await t.send("POST", CRDS, { body: crd("gizmos", "Gizmo", { version: { schema: { openAPIV3Schema: open } } }) })).status, 201);
  });

  test("embedded resources and the root's metadata, in validateStructural's words", async () => {
    const schema = {
      type: "object",
      additionalProperties: { type: "string" },
      properties: {
        metadata: { type: "object", properties: { name: { type: "string", maxLength: 10 }, labels: { type: "object" } } },
        kind: { type: "integer" },
        template: { "x-kubernetes-embedded-resource": true },
        raw: { type: "object", "x-kubernetes-embedded-resource": true, additionalProperties: { type: "string" } },
        typed: { type: "string", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true },
      },
    };
    const status = await refused(crd("widgets", "Widget", { version: { schema: { openAPIV3Schema: schema } } }));
    const p = "spec.validation.openAPIV3Schema";
    assert.deepEqual(status.details.causes.map((c: any) => `${c.field}: ${c.message}`), [
      `${p}.additionalProperties: Forbidden: must not be used at the root`,
      `${p}.properties[kind].type: Invalid value: "integer": must be string`,
      `${p}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
      `${p}.properties[raw].additionalProperties: Forbidden: must not be used if x-kubernetes-embedded-resource is set`,
      `${p}.properties[raw].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`,
      `${p}.properties[template].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`,
      `${p}.properties[template].type: Required value: must be object if x-kubernetes-embedded-resource is true`,
      `${p}.properties[typed].type: Invalid value: "string": must be object if x-kubernetes-embedded-resource is true`,
      // The OpenAPI schema rules follow validateStructural's (sorted) errors.
      `${p}.additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
    ]);
    // name and generateName may be restricted; an embedded resource with preserve-unknown-fields needs no properties.
    const fine = {
      type: "object",
      properties: {
        metadata: { type: "object", properties: { name: { type: "string", maxLength: 10 }, generateName: { type: "string" } } },
        template: { type: "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true },
      },
    };
    const created = await t.send("POST", CRDS, { body: crd("gimbals", "Gimbal", { version: { schema: { openAPIV3Schema: fine } } }) });
    assert.equal(created.status, 201, created.text);
  });

  test("a root that is not an object", async () => {
    const status = await refused(crd("widgets", "Widget", { version: { schema: { openAPIV3Schema: { type: "array", items: { type: "string" } } } } }));
    assert.deepEqual(status.details.causes.map((c: any) => `${c.field}: ${c.message}`), ['spec.validation.openAPIV3Schema.type: Invalid value: "array": must be object at the root']);
  });

  test("a protected group needs the approval annotation", async () => {
    const status = await refused(crd("widgets", "Widget", { group: "widgets.k8s.io" }));
    assert.deepEqual(status.details.causes.map((c: any) => `${c.field}: ${c.message}`), [
      'metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111',
    ]);
    const approved = crd("widgets", "Widget", { group: "widgets.k8s.io" });
    approved.metadata.annotations = { "api-approved.kubernetes.io": "unapproved, testing only" };
    assert.equal((await t.send("POST", CRDS, { body: approved })).status, 201);
  });

  test("an update may not change the group or plural, nor the scope or kind once established; a new storage version is recorded", async () => {
    const created = (await t.send("POST", CRDS, { body: crd("gears", "Gear") })).body;
    const current = (await t.send("GET", `${CRDS}/gears.example.com`)).body;
    const changed = structuredClone(current);
    changed.spec.scope = "Cluster";
    changed.spec.names.kind = "Cog";
    const answer = await t.send("PUT", `${CRDS}/gears.example.com`, { body: changed });
    assert.equal(answer.status, 422);
    assert.deepEqual(answer.body.details.causes.map((c: any) => `${c.field}: ${c.message}`), ['spec.scope: Invalid value: "Cluster": field is immutable', 'spec.names.kind: Invalid value: "Cog": field is immutable']);
    const next = structuredClone(current);
    next.spec.versions = [{ ...current.spec.versions[0], storage: false }, { name: "v2", served: true, storage: true, schema: current.spec.versions[0].schema }];
    const updated = await t.send("PUT", `${CRDS}/gears.example.com`, { body: next });
    assert.equal(updated.status, 200, updated.text);
    assert.deepEqual(updated.body.status.storedVersions, ["v1", "v2"]);
    assert.equal(updated.body.metadata.generation, created.metadata.generation + 1);
    const dropped = structuredClone(updated.body);
    dropped.spec.versions = [dropped.spec.versions[1]];
    const refusedDrop = await t.send("PUT", `${CRDS}/gears.example.com`, { body: dropped });
    assert.deepEqual(refusedDrop.body.details.causes.map((c: any) => c.message), [
      'Invalid value: "v1": missing from spec.versions; v1 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v1 and removes v1 from status.storedVersions',
    ]);
  });
});
