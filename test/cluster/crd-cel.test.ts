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

describe("CEL values and functions as cel-go and Kubernetes' libraries have them", () => {
  let t: TestCluster;
  const GIZMOS = "/apis/example.com/v1/namespaces/default/gizmos";
  const spec = {
    type: "object",
    properties: {
      start: { type: "string", format: "date-time" },
      end: { type: "string", format: "date-time", "x-kubernetes-validations": [{ rule: "self > timestamp('2020-01-01T00:00:00Z')", message: "after 2020" }] },
      day: { type: "string", format: "date", "x-kubernetes-validations": [{ rule: "self.getFullYear() >= 2020", message: "a day from 2020" }] },
      timeout: { type: "string", format: "duration", "x-kubernetes-validations": [{ rule: "self <= duration('1h')", message: "at most an hour" }] },
      name: { type: "string", "x-kubernetes-validations": [{ rule: "self.matches('(?i)^[a-z]+$') && self.matches(r'^\\pL+$') && self.matches(r'^[[:alpha:]]+\\z')", message: "letters only" }] },
      title: { type: "string", "x-kubernetes-validations": [{ rule: "self.lowerAscii() == self", message: "lower case" }, { rule: "self.find('[0-9]+') == ''", messageExpression: "'no digits: ' + self + '\\n'" }] },
      count: { type: "integer", "x-kubernetes-validations": [{ rule: "100 % self >= 0" }] },
      labels: { type: "object", additionalProperties: { type: "string" } },
      limit: { type: "string", "x-kubernetes-validations": [{ rule: "self == '' || quantity(self).isLessThan(quantity('1Gi'))", message: "under 1Gi" }] },
      zones: { type: "array", items: { type: "string" }, "x-kubernetes-validations": [{ rule: "sets.contains(['a', 'b', 'c'], self)", message: "zones a, b, c only" }] },
    },
    "x-kubernetes-validations": [
      { rule: "!has(self.start) || !has(self.end) || self.start < self.end", message: "start before end" },
      { rule: "!has(self.labels) || size(self.labels) < 3", message: "at most two labels", fieldPath: ".labels.extra" },
    ],
  };
  const gizmo = (name: string, s: Record<string, unknown>) => ({ apiVersion: "example.com/v1", kind: "Gizmo", metadata: { name }, spec: s });
  before(async () => {
    t = await testCluster();
    const created = await t.send("POST", CRDS, { body: crd("gizmos", "Gizmo", { version: { schema: { openAPIV3Schema: { type: "object", properties: { spec } } } } }) });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.headers.warning, undefined, "every rule here is evaluated");
  });
  after(() => t.close());

  const messageOf = async (s: Record<string, unknown>) => {
    const answer = await t.send("POST", GIZMOS, { body: gizmo("g", s) });
    return answer.status === 201 ? ((await t.send("DELETE", `${GIZMOS}/g`)), "created") : (answer.body.message as string).replace('Gizmo.example.com "g" is invalid: ', "");
  };

  test("date-time, date and duration strings are timestamps and durations", async () => {
    assert.equal(await messageOf({ start: "2024-01-01T10:00:00+05:00", end: "2024-01-01T06:00:00Z", day: "2024-02-29", timeout: "30m" }), "created", "10:00+05:00 is 05:00Z");
    assert.equal(await messageOf({ start: "2024-01-01T06:00:00Z", end: "2024-01-01T10:00:00+05:00" }), 'spec: Invalid value: "object": start before end');
    assert.equal(await messageOf({ day: "2019-12-31", timeout: "2h" }), '[spec.day: Invalid value: "string": a day from 2020, spec.timeout: Invalid value: "string": at most an hour]');
    assert.equal(await messageOf({ timeout: "1d" }), 'spec.timeout: Invalid value: "string": at most an hour', "strfmt's units");
    assert.equal(await messageOf({ start: "2024-01-01T00:00:00.123456+01:00", end: "2024-01-01T00:00:00.123456789Z" }), "created", "a fraction past milliseconds");
    assert.equal(await messageOf({ start: "2024-01-01t10:00:00z", end: "2024-01-01T09:30:00Z" }), 'spec: Invalid value: "object": start before end', "t and z in lower case");
  });

  test("regular expressions in RE2's syntax; lowerAscii leaves other letters; a messageExpression is trimmed", async () => {
    assert.equal(await messageOf({ name: "Abc" }), "created");
    assert.equal(await messageOf({ name: "ab1" }), 'spec.name: Invalid value: "string": letters only');
    assert.equal(await messageOf({ title: "café" }), "created");
    assert.equal(await messageOf({ title: "Café 42" }), '[spec.title: Invalid value: "string": lower case, spec.title: Invalid value: "string": no digits: Café 42]');
  });

  test("an evaluation error in cel-go's words; fieldPath on a map is a key", async () => {
    assert.equal(await messageOf({ count: 0 }), 'spec.count: Invalid value: "integer": modulus by zero evaluating rule: 100 % self >= 0');
    assert.equal(await messageOf({ labels: { a: "1", b: "2", c: "3" } }), 'spec.labels[extra]: Invalid value: "object": at most two labels');
  });

  test("Kubernetes' quantity library and cel-go's sets", async () => {
    assert.equal(await messageOf({ limit: "512Mi", zones: ["b", "a"] }), "created");
    assert.equal(await messageOf({ limit: "1.5Gi" }), 'spec.limit: Invalid value: "string": under 1Gi');
    assert.equal(
      await messageOf({ limit: "1x" }),
      `spec.limit: Invalid value: "string": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' evaluating rule: under 1Gi`,
    );
    assert.equal(await messageOf({ zones: ["a", "d"] }), 'spec.zones: Invalid value: "array": zones a, b, c only');
  });
});

describe("ratcheting: an update may keep a value that fails a rule added since", () => {
  test("unchanged: a warning, the write done; changed, or a transition rule: the error", async () => {
    const t = await testCluster();
    try {
      const containers = (rules: unknown[]) => ({ type: "array", items: { type: "object", properties: { name: { type: "string" }, resources: { type: "object", properties: { cpu: { type: "integer" } }, "x-kubernetes-validations": rules } } } });
      const schema = (rules: unknown[], itemRules: unknown[] = []) => ({
        openAPIV3Schema: { type: "object", properties: { spec: { type: "object", "x-kubernetes-validations": rules, properties: { replicas: { type: "integer" }, mode: { type: "string" }, containers: containers(itemRules) } } } },
      });
      const created = await t.send("POST", CRDS, { body: crd("gadgets", "Gadget", { version: { schema: schema([]) } }) });
      assert.equal(created.status, 201, created.text);
      const path = "/apis/example.com/v1/namespaces/default/gadgets";
      const stored = (await t.send("POST", path, { body: { apiVersion: "example.com/v1", kind: "Gadget", metadata: { name: "g", finalizers: ["example.com/keep"] }, spec: { replicas: 7, mode: "a", containers: [{ name: "c", resources: { cpu: 9 } }] } } })).body;
      const current = (await t.send("GET", `${CRDS}/gadgets.example.com`)).body;
      current.spec.versions[0].schema = schema([{ rule: "self.replicas <= 5", message: "at most 5 replicas" }], [{ rule: "self.cpu <= 5", message: "at most 5 CPUs" }]);
      assert.equal((await t.send("PUT", `${CRDS}/gadgets.example.com`, { body: current })).status, 200);
      const labelled = await t.send("PUT", `${path}/g`, { body: { ...stored, metadata: { ...stored.metadata, labels: { a: "b" } } } });
      assert.equal(labelled.status, 200, labelled.text);
      // An item of a list without keys is judged by its index (the list's own correlation).
      assert.deepEqual(labelled.headers.warning, ['299 - "spec: Invalid value: \\"object\\": at most 5 replicas"', '299 - "spec.containers[0].resources: Invalid value: \\"object\\": at most 5 CPUs"']);
      const changed = await t.send("PUT", `${path}/g`, { body: { ...labelled.body, spec: { ...labelled.body.spec, mode: "b" } } });
      assert.equal(changed.status, 422, "spec changed: the rule's error");
      assert.equal(changed.body.message, 'Gadget.example.com "g" is invalid: spec: Invalid value: "object": at most 5 replicas', "the unchanged container still only warns");
      // The finalizer can still be removed, so the object can go.
      assert.equal((await t.send("DELETE", `${path}/g`)).status, 200);
      const released = await t.send("PATCH", `${path}/g`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
      assert.equal(released.status, 200, released.text);
    } finally {
      await t.close();
    }
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
            properties: { limit: { type: "string", "x-kubernetes-validations": [{ rule: "isURL(self)" }, { rule: "self != ''" }] } },
          },
        },
      };
      const created = await t.send("POST", CRDS, { body: crd("gadgets", "Gadget", { version: { schema: { openAPIV3Schema: schema } } }) });
      assert.equal(created.status, 201, created.text);
      const warning = String(created.headers.warning);
      assert.match(warning, /spec\.versions\[0\]\.schema\.openAPIV3Schema\.properties\[spec\]\.properties\[limit\]\.x-kubernetes-validations\[0\]\.rule: not evaluated by the emulated cluster \(found no matching overload for 'isURL\(dyn\)'\)/);
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
    // ValidFieldPath: `.name` and `['name']` steps (single quotes), no list index.
    assert.equal(await message([{ rule: "self.size > 0", fieldPath: ".items[0].name" }]), `${P}[0].fieldPath: Invalid value: ".items[0].name": fieldPath must be a valid path`);
    assert.equal(await message([{ rule: "self.size > 0", fieldPath: '.labels["k"]' }]), `${P}[0].fieldPath: Invalid value: ".labels[\\"k\\"]": fieldPath must be a valid path`);
    assert.equal(await message([{ rule: "self.size > 0", fieldPath: ".size" }, { rule: "true", fieldPath: ".labels['any-key']" }, { rule: "true", fieldPath: "['size']" }, { rule: "true", fieldPath: ".labels.k" }]), "created");
    assert.equal(await message([{ rule: "self.size > 0", fieldPath: " .size" }]), `${P}[0].fieldPath: Invalid value: " .size": fieldPath must be a valid path`, "not trimmed");
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
