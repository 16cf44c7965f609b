/**
 * A JSON null for a typed field of a built-in kind is what 1.32's decoder makes of it, not a
 * stored null:
 * - a struct field's null is the field left unset (sigs.k8s.io/json decode.go literalStore:
 *   null sets a pointer, slice or map to nil and is ignored for a string, number or bool, left
 *   at the fresh object's zero value), so an omitempty field is not written back and defaults
 *   apply as to a field never sent (`imagePullPolicy`, `replicas`, `securityContext`, an
 *   `emptyDir: null` volume defaulted to `emptyDir: {}` by SetDefaults_Volume);
 * - a list or map element's null is its type's zero value: `""` in `args`, a Quantity's `"0"`
 *   (Quantity.UnmarshalJSON of null), and a `[]byte` map value (a Secret's `data`, a
 *   ConfigMap's `binaryData`) — nil when decoded — reads back as `""` once stored, the gogo
 *   protobuf map decoder starting each value at `[]byte{}`;
 * - the strategic merge patch's converter (runtime.DefaultUnstructuredConverter
 *   fromUnstructured: an invalid value is set to the zero value) does the same.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { decodeTyped } from "../../runtime/testing/cluster/field-decoding.js";
import { rawFromText } from "../../runtime/testing/cluster/raw-json.js";
import { convertUnstructured } from "../../runtime/testing/cluster/unstructured-conversion.js";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const NS = "/api/v1/namespaces/typed-nulls";

describe("a null in a typed field of a built-in kind", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("typed-nulls");
  });
  after(() => t.close());

  test("a ConfigMap's null string and bool fields are not written back", async () => {
    const created = await t.send("POST", `${NS}/configmaps`, { body: { metadata: { name: "c", generateName: null, namespace: null }, immutable: null, data: { a: "1" } } });
    assert.equal(created.status, 201, created.text);
    assert.equal("generateName" in created.body.metadata, false, created.text);
    assert.equal(created.body.metadata.namespace, "typed-nulls");
    assert.equal("immutable" in created.body, false, created.text);
    const read = await t.send("GET", `${NS}/configmaps/c`);
    assert.equal("generateName" in read.body.metadata, false, read.text);
    assert.equal("immutable" in read.body, false, read.text);
  });

  test("a PUT's nulls likewise", async () => {
    const created = await t.send("POST", `${NS}/configmaps`, { body: { metadata: { name: "put" }, data: { a: "1" } } });
    const put = await t.send("PUT", `${NS}/configmaps/put`, { body: { metadata: { name: "put", resourceVersion: created.body.metadata.resourceVersion, generateName: null, labels: null }, immutable: null, data: null } });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(Object.keys(put.body).sort(), ["apiVersion", "kind", "metadata"]);
    assert.equal("generateName" in put.body.metadata, false, put.text);
    assert.equal("labels" in put.body.metadata, false, put.text);
  });

  test("a JSON patch adding null leaves the field unset", async () => {
    await t.send("POST", `${NS}/configmaps`, { body: { metadata: { name: "patched" }, data: { a: "1" } } });
    const patched = await t.send("PATCH", `${NS}/configmaps/patched`, { body: [{ op: "add", path: "/immutable", value: null }, { op: "add", path: "/metadata/generateName", value: null }], contentType: "application/json-patch+json" });
    assert.equal(patched.status, 200, patched.text);
    assert.equal("immutable" in patched.body, false, patched.text);
    assert.equal("generateName" in patched.body.metadata, false, patched.text);
  });

  test("a Pod's null fields are defaulted as if never sent, a null list element is \"\"", async () => {
    const body = {
      metadata: { name: "p" },
      spec: {
        securityContext: null,
        restartPolicy: null,
        volumes: [{ name: "scratch", emptyDir: null }],
        containers: [{ name: "main", image: "busybox:1.36", imagePullPolicy: null, terminationMessagePath: null, args: ["a", null], resources: null, tty: null }],
      },
    };
    const created = await t.send("POST", `${NS}/pods`, { body });
    assert.equal(created.status, 201, created.text);
    const spec = created.body.spec;
    const c = spec.containers[0];
    assert.equal(c.imagePullPolicy, "IfNotPresent");
    assert.equal(c.terminationMessagePath, "/dev/termination-log");
    assert.deepEqual(c.args, ["a", ""]);
    assert.deepEqual(c.resources, {});
    assert.equal("tty" in c, false, created.text);
    assert.deepEqual(spec.securityContext, {});
    assert.equal(spec.restartPolicy, "Always");
    assert.deepEqual(spec.volumes.find((v: { name: string }) => v.name === "scratch"), { name: "scratch", emptyDir: {} });
  });

  test("a Deployment's null replicas is defaulted to 1", async () => {
    const template = { metadata: { labels: { app: "d" } }, spec: { containers: [{ name: "main", image: "busybox:1.36" }] } };
    const created = await t.send("POST", "/apis/apps/v1/namespaces/typed-nulls/deployments", { body: { metadata: { name: "d" }, spec: { replicas: null, selector: { matchLabels: { app: "d" } }, template } } });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.spec.replicas, 1);
  });

  test("a null []byte map value reads back as \"\" (Secret data, ConfigMap binaryData)", async () => {
    const secret = await t.send("POST", `${NS}/secrets`, { body: { metadata: { name: "s" }, data: { k: null, v: "eA==" } } });
    assert.equal(secret.status, 201, secret.text);
    assert.deepEqual(secret.body.data, { k: "", v: "eA==" });
    assert.deepEqual((await t.send("GET", `${NS}/secrets/s`)).body.data, { k: "", v: "eA==" });
    const cm = await t.send("POST", `${NS}/configmaps`, { body: { metadata: { name: "b" }, binaryData: { b: null } } });
    assert.equal(cm.status, 201, cm.text);
    assert.deepEqual(cm.body.binaryData, { b: "" });
  });
});

describe("decoding and converting a null", () => {
  test("the JSON decoder: struct fields unset, elements zero, a repeated key's null ignored for a string and nil for a map", () => {
    const text = JSON.stringify({
      metadata: { name: "p", generateName: null },
      spec: { containers: [{ name: "main", image: null, args: [null], resources: { limits: { cpu: null } }, ports: [null] }], nodeSelector: null },
    });
    const { value, error, strict } = decodeTyped("V1Pod", rawFromText(text), {});
    assert.equal(error, undefined);
    assert.deepEqual(strict, []);
    assert.deepEqual(value, { metadata: { name: "p" }, spec: { containers: [{ name: "main", args: [""], resources: { limits: { cpu: "0" } }, ports: [{}] }] } });
    const repeated = decodeTyped("V1ConfigMap", rawFromText('{"metadata":{"name":"a","name":null,"labels":{"x":"1"},"labels":null}}'), {});
    assert.deepEqual(repeated.value, { metadata: { name: "a" } });
    assert.deepEqual(repeated.strict, ['duplicate field "metadata.name"', 'duplicate field "metadata.labels"']);
  });

  test("the strategic merge patch's converter", () => {
    const converted = convertUnstructured("V1Secret", { metadata: { name: "s", generateName: null }, type: null, data: { k: null }, immutable: null });
    assert.equal(converted.error, undefined);
    assert.deepEqual(converted.value, { metadata: { name: "s" }, data: { k: "" } });
  });
});
