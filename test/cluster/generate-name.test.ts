/**
 * generateName as the real registry handles it: names.SimpleNameGenerator cuts the prefix to 58
 * bytes (MaxGeneratedNameLength) before the 5 random characters; the generated name and the
 * prefix are both validated (ValidateObjectMetaAccessor: generateName with a masked trailing
 * dash, then the name), and the 422 names the generated name.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { nameProblems } from "../../runtime/testing/cluster/validation.js";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/gn/configmaps";
const SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const SUFFIX = /^[bcdfghjklmnpqrstvwxz2456789]{5}$/;

describe("generateName", () => {
  let t: TestCluster;
  const create = (generateName: string) => t.send("POST", CM, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { generateName } } });
  before(async () => {
    t = await clusterWithNamespaces("gn");
  });
  after(() => t.close());

  test("a prefix over 58 characters is cut to 58 before the 5-character suffix; generateName is kept whole", async () => {
    const prefix = `${"a".repeat(70)}-`;
    const created = await create(prefix);
    assert.equal(created.status, 201, created.text);
    const name: string = created.body.metadata.name;
    assert.equal(name.length, 63);
    assert.equal(name.slice(0, 58), "a".repeat(58));
    assert.match(name.slice(58), SUFFIX);
    assert.equal(created.body.metadata.generateName, prefix);
  });

  test("an invalid generateName: both it and the generated name are reported, under the generated name", async () => {
    const refused = await create("Bad_");
    assert.equal(refused.status, 422);
    const name: string = refused.body.details.name;
    assert.match(name, /^Bad_[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.equal(refused.body.message, `ConfigMap "${name}" is invalid: [metadata.generateName: Invalid value: "Bad_": ${SUBDOMAIN}, metadata.name: Invalid value: "${name}": ${SUBDOMAIN}]`);
    assert.deepEqual(refused.body.details.causes, [
      { reason: "FieldValueInvalid", message: `Invalid value: "Bad_": ${SUBDOMAIN}`, field: "metadata.generateName" },
      { reason: "FieldValueInvalid", message: `Invalid value: "${name}": ${SUBDOMAIN}`, field: "metadata.name" },
    ]);
  });

  test("a generateName given beside a name is validated too", async () => {
    const refused = await t.send("POST", CM, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "fine", generateName: "Bad." } } });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.message, `ConfigMap "fine" is invalid: metadata.generateName: Invalid value: "Bad.": ${SUBDOMAIN}`);
  });

  test("an update may change or remove generateName (rest.BeforeUpdate and ValidateObjectMetaUpdate leave it alone); a new one is validated", async () => {
    const created = await t.send("POST", CM, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "renamed", generateName: "old-" } } });
    const merge = (generateName: string | null) => t.send("PATCH", `${CM}/renamed`, { body: { metadata: { generateName } }, contentType: "application/merge-patch+json" });
    const changed = await merge("new-");
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.metadata.generateName, "new-");
    assert.notEqual(changed.body.metadata.resourceVersion, created.body.metadata.resourceVersion);
    const removed = await merge(null);
    assert.equal(removed.status, 200, removed.text);
    assert.equal(removed.body.metadata.generateName, undefined);
    assert.notEqual(removed.body.metadata.resourceVersion, changed.body.metadata.resourceVersion);
    const refused = await merge("Bad.");
    assert.equal(refused.status, 422);
    assert.equal(refused.body.message, `ConfigMap "renamed" is invalid: metadata.generateName: Invalid value: "Bad.": ${SUBDOMAIN}`);
  });

  test("maskTrailingDash replaces the dash and the character before it with 'a'", () => {
    // "A-" masks to "a" (valid as a prefix), "a.-" to "aa"; the name made from them is checked on its own.
    assert.deepEqual(nameProblems("A-", "subdomain", true), []);
    assert.deepEqual(nameProblems("a.-", "subdomain", true), []);
    assert.deepEqual(nameProblems("run-", "label", true), []);
    // Path-segment prefixes are checked for '/' and '%' only.
    assert.deepEqual(nameProblems("..", "segment", true), []);
    assert.deepEqual(nameProblems("..", "segment"), ["may not be '..'"]);
  });
});
