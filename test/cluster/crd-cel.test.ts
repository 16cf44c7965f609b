/**
 * A CRD's `x-kubernetes-validations` rules (CEL) on its custom resources, as a 1.32 server runs
 * them (apiextensions-apiserver schema/cel/validation.go and the strategy): the error of a false
 * rule at its node with the schema type as the value, `message`, `messageExpression`, `reason`
 * and `fieldPath`; a failing rule's `... evaluating rule: ...`; transition rules on updates only
 * (and map-list items by their keys); no rule run after a blocking schema error; and a warning
 * naming each rule the emulated cluster does not evaluate.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { crd, testCluster, type TestCluster } from "./helpers.js";
import { escapeProperty } from "../../runtime/testing/cluster/crd-cel-values.js";

const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const PATH = "/apis/example.com/v1/namespaces/default/widgets";
const PREFIX = 'Widget.example.com "w1" is invalid: ';

const SCHEMA = {
  type: "object",
  "x-kubernetes-validations": [{ rule: "self.metadata.name.startsWith('w')" }],
  properties: {
    spec: {
      type: "object",
      required: ["size"],
      "x-kubernetes-validations": [
        { rule: "!has(self.min) || !has(self.max) || self.min <= self.max" },
        { rule: "self.size % 2 == 0", message: "size must be even", reason: "FieldValueForbidden", fieldPath: ".size" },
        { rule: "self.mode == oldSelf.mode", message: "mode is immutable" },
        { rule: "!has(self.owner) || self.owner.size() > 2", messageExpression: "'owner ' + self.owner + ' is too short'" },
      ],
      properties: {
        size: { type: "integer", enum: [2, 3, 4, 6, 8] },
        min: { type: "integer" },
        max: { type: "integer" },
        mode: { type: "string", default: "fast" },
        owner: { type: "string" },
        ratio: { type: "number", "x-kubernetes-validations": [{ rule: "self <= 1.0" }] },
        "team-name": { type: "string" },
        tags: { type: "array", items: { type: "string" }, "x-kubernetes-validations": [{ rule: "self.isSorted()", message: "tags must be sorted" }] },
        ports: {
          type: "array",
          "x-kubernetes-list-type": "map",
          "x-kubernetes-list-map-keys": ["name"],
          items: {
            type: "object",
            required: ["name"],
            properties: { name: { type: "string" }, port: { type: "integer" } },
            "x-kubernetes-validations": [{ rule: "self.port >= oldSelf.port", message: "a port may only grow" }],
          },
        },
        labels: { type: "object", additionalProperties: { type: "string", "x-kubernetes-validations": [{ rule: "self.find('[0-9]+') != ''", message: "needs a digit" }] } },
        lookup: { type: "object", properties: { key: { type: "string" } }, "x-kubernetes-validations": [{ rule: "self.missing == 1" }] },
      },
    },
    status: { type: "object", properties: { phase: { type: "string", "x-kubernetes-validations": [{ rule: "oldSelf != 'Done' || self == 'Done'", message: "Done is final" }] } } },
  },
};

const widget = (name: string, spec: Record<string, unknown>, status?: Record<string, unknown>) => ({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name }, spec, ...(status ? { status } : {}) });

describe("CEL rules of a CRD", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    const created = await t.send("POST", CRDS, { body: crd("widgets", "Widget", { version: { schema: { openAPIV3Schema: SCHEMA }, subresources: { status: {} } } }) });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.warning, undefined, "every rule of this CRD is evaluated");
  });
  after(() => t.close());

  async function refused(body: unknown): Promise<{ message: string; causes: unknown[] }> {
    const answer = await t.send("POST", PATH, { body });
    assert.equal(answer.status, 422, answer.text);
    assert.equal(answer.body.reason, "Invalid");
    return { message: answer.body.message, causes: answer.body.details.causes };
  }

  test("a false rule: its node, the schema type as the value, `failed rule: <rule>`", async () => {
    const { message, causes } = await refused(widget("w1", { size: 2, min: 3, max: 1 }));
    assert.equal(message, `${PREFIX}spec: Invalid value: "object": failed rule: !has(self.min) || !has(self.max) || self.min <= self.max`);
    assert.deepEqual(causes, [{ reason: "FieldValueInvalid", message: 'Invalid value: "object": failed rule: !has(self.min) || !has(self.max) || self.min <= self.max', field: "spec" }]);
  });

  test("a rule on the root names the nil path; metadata is only name and generateName", async () => {
    const answer = await t.send("POST", PATH, { body: widget("x1", { size: 2 }) });
    assert.equal(answer.body.message, `Widget.example.com "x1" is invalid: <nil>: Invalid value: "object": failed rule: self.metadata.name.startsWith('w')`);
  });

  test("reason and fieldPath choose the error and its field; message and messageExpression its text", async () => {
    const { message, causes } = await refused(widget("w1", { size: 3, owner: "ab" }));
    assert.equal(message, `${PREFIX}[spec.size: Forbidden: size must be even, spec: Invalid value: "object": owner ab is too short]`);
    assert.deepEqual(causes.map((c) => (c as { reason: string }).reason), ["FieldValueForbidden", "FieldValueInvalid"]);
  });

  test("rules of children run after their parent's, on numbers as doubles, lists and map values", async () => {
    const { message } = await refused(widget("w1", { size: 2, ratio: 1.5, tags: ["b", "a"], labels: { app: "web" } }));
    assert.equal(
      message,
      `${PREFIX}[spec.labels[app]: Invalid value: "string": needs a digit, spec.ratio: Invalid value: "number": failed rule: self <= 1.0, spec.tags: Invalid value: "array": tags must be sorted]`,
    );
    assert.equal((await t.send("POST", PATH, { body: widget("w-ok", { size: 2, ratio: 1, tags: ["a", "b"], labels: { app: "web-2" } }) })).status, 201);
  });

  test("a rule that fails to evaluate says why, with the rule", async () => {
    const { message } = await refused(widget("w1", { size: 2, lookup: { key: "k" } }));
    assert.equal(message, `${PREFIX}spec.lookup: Invalid value: "object": no such key: missing evaluating rule: self.missing == 1`);
  });

  test("a blocking schema error keeps every rule from running, and says so", async () => {
    const { message } = await refused(widget("w1", { size: 5, min: 3, max: 1 }));
    assert.equal(
      message,
      `${PREFIX}[spec.size: Unsupported value: 5: supported values: "2", "3", "4", "6", "8", <nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation]`,
    );
  });

  test("transition rules run on updates only: oldSelf of objects by key, of map-list items by their keys", async () => {
    const created = await t.send("POST", PATH, { body: widget("w2", { size: 2, mode: "slow", ports: [{ name: "http", port: 80 }] }) });
    assert.equal(created.status, 201, "no oldSelf on create: the transition rules are skipped");
    const stored = created.body;
    const put = (spec: Record<string, unknown>) => t.send("PUT", `${PATH}/w2`, { body: { ...stored, spec } });
    const changedMode = await put({ ...stored.spec, mode: "fast" });
    assert.equal(changedMode.body.message, 'Widget.example.com "w2" is invalid: spec: Invalid value: "object": mode is immutable');
    const shrunk = await put({ ...stored.spec, ports: [{ name: "http", port: 79 }] });
    assert.equal(shrunk.body.message, 'Widget.example.com "w2" is invalid: spec.ports[0]: Invalid value: "object": a port may only grow');
    // A new key has no old item: its rule is skipped.
    const added = await put({ ...stored.spec, ports: [{ name: "metrics", port: 1 }, { name: "http", port: 81 }] });
    assert.equal(added.status, 200, added.text);
  });

  test("a status update runs the status rules against the stored object", async () => {
    const created = await t.send("POST", PATH, { body: widget("w3", { size: 2 }) });
    const done = await t.send("PUT", `${PATH}/w3/status`, { body: { ...created.body, status: { phase: "Done" } } });
    assert.equal(done.status, 200, done.text);
    const back = await t.send("PUT", `${PATH}/w3/status`, { body: { ...done.body, status: { phase: "Running" } } });
    assert.equal(back.status, 422);
    assert.equal(back.body.message, 'Widget.example.com "w3" is invalid: status.phase: Invalid value: "string": Done is final');
  });
});

describe("rules the emulated cluster does not evaluate", () => {
  test("a CRD write warns, naming each one; its resources are written without it", async () => {
    const t = await testCluster();
    try {
      const schema = {
        type: "object",
        properties: {
          spec: {
            type: "object",
            properties: { limit: { type: "string", "x-kubernetes-validations": [{ rule: "quantity(self).isLessThan(quantity('1Gi'))" }, { rule: "self != ''" }] } },
          },
        },
      };
      const created = await t.send("POST", CRDS, { body: crd("gadgets", "Gadget", { version: { schema: { openAPIV3Schema: schema } } }) });
      assert.equal(created.status, 201, created.text);
      const warning = String(created.headers.warning);
      assert.match(warning, /spec\.versions\[0\]\.schema\.openAPIV3Schema\.properties\[spec\]\.properties\[limit\]\.x-kubernetes-validations\[0\]\.rule: not evaluated by the emulated cluster \(found no matching overload for 'quantity\(dyn\)'\)/);
      assert.doesNotMatch(warning, /x-kubernetes-validations\[1\]/);
      const gadget = (limit: string) => ({ apiVersion: "example.com/v1", kind: "Gadget", metadata: { name: `g${limit.length}` }, spec: { limit } });
      assert.equal((await t.send("POST", "/apis/example.com/v1/namespaces/default/gadgets", { body: gadget("2Gi") })).status, 201);
      const empty = await t.send("POST", "/apis/example.com/v1/namespaces/default/gadgets", { body: gadget("") });
      assert.equal(empty.body.message, `Gadget.example.com "g0" is invalid: spec.limit: Invalid value: "string": failed rule: self != ''`, "the other rule still runs");
    } finally {
      await t.close();
    }
  });
});

describe("a CRD's rule entries, checked as the CRD is written", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  /** The 422 message of a one-version CRD whose spec schema has these rules (and a list of items with `itemRules`). */
  async function message(rules: unknown[], itemRules: unknown[] = [], listType?: string): Promise<string> {
    const spec = {
      type: "object",
      "x-kubernetes-validations": rules,
      properties: {
        size: { type: "integer" },
        labels: { type: "object", additionalProperties: { type: "string" } },
        items: { type: "array", ...(listType ? { "x-kubernetes-list-type": listType, "x-kubernetes-list-map-keys": ["name"] } : {}), items: { type: "object", required: listType === "map" ? ["name"] : [], properties: { name: { type: "string" } }, "x-kubernetes-validations": itemRules } },
      },
    };
    const answer = await t.send("POST", CRDS, { body: crd("widgets", "Widget", { version: { schema: { openAPIV3Schema: { type: "object", properties: { spec } } } } }) });
    if (answer.status === 201) {
      await t.send("DELETE", `${CRDS}/widgets.example.com`);
      return "created";
    }
    assert.equal(answer.status, 422, answer.text);
    return answer.body.message.replace('CustomResourceDefinition.apiextensions.k8s.io "widgets.example.com" is invalid: ', "");
  }
  const P = "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations";

  test("the rule, its message and messageExpression", async () => {
    assert.equal(await message([{ rule: " " }]), `${P}[0].rule: Required value: rule is not specified`);
    assert.equal(await message([{ rule: "self.size > 0", message: " " }]), `${P}[0].message: Invalid value: " ": message must be non-empty if specified`);
    assert.equal(await message([{ rule: "self.size > 0", message: "a\nb" }]), `${P}[0].message: Invalid value: "a\\nb": message must not contain line breaks`);
    assert.equal(await message([{ rule: "self.size > 0 &&\nself.size < 9" }]), `${P}[0].message: Required value: message must be specified if rule contains line breaks`);
    assert.equal(await message([{ rule: "self.size > 0", messageExpression: "  " }]), `${P}[0].messageExpression: Required value: messageExpression must be non-empty if specified`);
  });

  test("reason and fieldPath", async () => {
    assert.equal(await message([{ rule: "self.size > 0", reason: "FieldValueBad" }]), `${P}[0].reason: Unsupported value: "FieldValueBad": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"`);
    assert.equal(await message([{ rule: "self.size > 0", fieldPath: ".nope" }]), `${P}[0].fieldPath: Invalid value: ".nope": fieldPath must be a valid path`);
    assert.equal(await message([{ rule: "self.size > 0", fieldPath: ".size" }, { rule: "true", fieldPath: ".labels['any-key']" }, { rule: "true", fieldPath: ".items[0].name" }]), "created");
  });

  test("oldSelf: not under a list without keys; optionalOldSelf only with it", async () => {
    assert.equal(
      await message([], [{ rule: "self.name == oldSelf.name" }]),
      `${P.replace(".x-kubernetes-validations", "")}.properties[items].items.x-kubernetes-validations[0].rule: Invalid value: "self.name == oldSelf.name": oldSelf cannot be used on the uncorrelatable portion of the schema within spec.validation.openAPIV3Schema.properties[spec].properties[items]`,
    );
    assert.equal(await message([], [{ rule: "self.name == oldSelf.name" }], "map"), "created", "a map list's items have old values");
    assert.equal(await message([{ rule: "self.size > 0", optionalOldSelf: true }]), `${P}[0].optionalOldSelf: Invalid value: true: may not be set if oldSelf is not used in rule`);
  });
});

test("property names as CEL sees them (escaping.go)", () => {
  assert.deepEqual(
    ["foo-bar", "a.b/c", "x__y", "namespace", "int", "9lives", "has space", ""].map(escapeProperty),
    ["foo__dash__bar", "a__dot__b__slash__c", "x__underscores__y", "__namespace__", "int", undefined, undefined, undefined],
  );
});
