/**
 * `metadata.ownerReferences` as 1.32 takes them: exact duplicates dropped with the handlers'
 * warning (its create/update words, or its after-admission words for a patch), then
 * ValidateOwnerReferences: apiVersion with a version, kind, name and uid required, an Event may
 * not own, and at most one controller (the error's value is Go's `%#v` of the list).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const CM = "/api/v1/namespaces/own/configmaps";
const ref = (name: string, uid: string, extra: Record<string, unknown> = {}) => ({ apiVersion: "v1", kind: "ConfigMap", name, uid, ...extra });
const cm = (name: string, ownerReferences: unknown[]) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, ownerReferences }, data: { k: "v" } });
const warningOf = (headers: Record<string, string | string[] | undefined>) => String(headers.warning ?? "");

describe("owner references", () => {
  let t: TestCluster;
  let owner: { name: string; uid: string };
  before(async () => {
    t = await clusterWithNamespaces("own");
    const created = (await t.send("POST", CM, { body: cm("owner", []) })).body;
    owner = { name: "owner", uid: created.metadata.uid };
  });
  after(() => t.close());

  test("an exact duplicate is dropped with the warning; one sharing only the uid is kept", async () => {
    const same = ref(owner.name, owner.uid);
    const created = await t.send("POST", CM, { body: cm("dup", [same, same, ref(owner.name, owner.uid, { blockOwnerDeletion: true })]) });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.metadata.ownerReferences, [same, ref(owner.name, owner.uid, { blockOwnerDeletion: true })]);
    assert.equal(
      warningOf(created.headers),
      `299 - ".metadata.ownerReferences contains duplicate entries; API server dedups owner references in 1.20+, and may reject such requests as early as 1.24; please fix your requests. Duplicate UIDs: \\"${owner.uid}\\""`,
    );
    const patched = await t.send("PATCH", `${CM}/dup`, { body: { metadata: { ownerReferences: [same, same] } }, contentType: "application/merge-patch+json" });
    assert.deepEqual(patched.body.metadata.ownerReferences, [same]);
    assert.match(warningOf(patched.headers), /contains duplicate entries after mutating admission happens; API server dedups/);
  });

  test("empty fields, an Event as owner and two controllers are 422 with ValidateOwnerReferences' words", async () => {
    const empty = await t.send("POST", CM, { body: cm("empty", [{ apiVersion: "apps/", kind: "", name: "", uid: "" }]) });
    assert.equal(empty.status, 422);
    assert.equal(
      empty.body.message,
      'ConfigMap "empty" is invalid: [metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty, metadata.ownerReferences.kind: Invalid value: "": must not be empty, ' +
        'metadata.ownerReferences.name: Invalid value: "": must not be empty, metadata.ownerReferences.uid: Invalid value: "": must not be empty]',
    );
    const event = await t.send("POST", CM, { body: cm("event-owned", [{ apiVersion: "v1", kind: "Event", name: "e", uid: "u1" }]) });
    assert.equal(
      event.body.message,
      'ConfigMap "event-owned" is invalid: metadata.ownerReferences: Invalid value: v1.OwnerReference{APIVersion:"v1", Kind:"Event", Name:"e", UID:"u1", Controller:(*bool)(nil), BlockOwnerDeletion:(*bool)(nil)}: /v1, Kind=Event is disallowed from being an owner',
    );
    const two = await t.send("POST", CM, { body: cm("two", [ref("a", "u-a", { controller: true }), ref("b", "u-b", { controller: true })]) });
    assert.equal(two.status, 422);
    assert.equal(two.body.details.causes.length, 1);
    const cause = two.body.details.causes[0];
    assert.equal(cause.field, "metadata.ownerReferences");
    assert.match(cause.message, /^Invalid value: \[\]v1\.OwnerReference\{v1\.OwnerReference\{APIVersion:"v1", Kind:"ConfigMap", Name:"a", UID:"u-a", Controller:\(\*bool\)\(0xc[0-9a-f]+\), BlockOwnerDeletion:\(\*bool\)\(nil\)\}, v1\.OwnerReference\{/);
    assert.match(cause.message, /: Only one reference can have Controller set to true\. Found "true" in references for ConfigMap\/a and ConfigMap\/b$/);
    const one = await t.send("POST", CM, { body: cm("one", [ref("a", "u-a", { controller: true }), ref("b", "u-b", { controller: false })]) });
    assert.equal(one.status, 201);
  });
});
