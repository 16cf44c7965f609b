/**
 * A function watching a custom resource, tested the way its README says: the CRD applied to the
 * emulated cluster with `applyObjects` (then its resources, found through discovery), the
 * function deployed with its generated RBAC, and its calls made for the resources' changes.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { applyObjects, startHarness, until, type Harness } from "../../runtime/testing/index.js";
import { loaded } from "../schedule/helpers.js";

const BACKUPS_CRD = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "backups.ops.example.com" },
  spec: {
    group: "ops.example.com",
    scope: "Namespaced",
    names: { plural: "backups", kind: "Backup" },
    versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { target: { type: "string" } } } } } } }],
  },
};

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.stop());

test("a watch of a custom resource whose CRD applyObjects installed is called for its changes", async () => {
  const seen: string[] = [];
  const fn = loaded({
    name: "on-backup",
    watch: { resource: { group: "ops.example.com", version: "v1", resource: "backups", namespaced: true } },
    handler({ trigger }) {
      if (trigger.type === "watch") seen.push(`${trigger.event} ${trigger.object.metadata!.name} ${(trigger.object as { spec?: { target?: string } }).spec?.target}`);
    },
  });
  const deployed = await h.deploy(fn);
  await applyObjects(deployed.admin, [BACKUPS_CRD]);
  // An object literal with its kind's own fields, as the README shows it; the stored objects come back.
  const [created] = await applyObjects(deployed.admin, [{ apiVersion: "ops.example.com/v1", kind: "Backup", metadata: { name: "nightly", namespace: deployed.namespace }, spec: { target: "db" } }]);
  assert.equal(created.metadata.uid?.length, 36);
  const watching = deployed.watch();
  await watching.ready;
  // Objects of several kinds: each result is typed as the object given in its place.
  const [replaced, settings] = await applyObjects(deployed.admin, [
    { apiVersion: "ops.example.com/v1", kind: "Backup", metadata: { name: "nightly", namespace: deployed.namespace }, spec: { target: "files" } },
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "backup-settings", namespace: deployed.namespace }, data: { keep: "7" } },
  ]);
  assert.equal(replaced.spec.target, "files");
  assert.equal(settings.data.keep, "7");
  assert.ok(settings.metadata.resourceVersion);
  await until(() => seen.length === 2, "the list's ADDED and the replace's MODIFIED");
  await watching.stop();
  assert.deepEqual(seen, ["ADDED nightly db", "MODIFIED nightly files"]);
  assert.deepEqual(watching.failures, []);
});

test("applyObjects names a kind no served version has, as kubectl's REST mapper does", async () => {
  const deployed = await h.deploy(loaded({ name: "noop", http: { path: "/noop", auth: "none" }, handler() {} }));
  await assert.rejects(applyObjects(deployed.admin, [{ apiVersion: "nope.example.com/v1", kind: "Nope", metadata: { name: "x" } }]), {
    code: "unsupported_kind",
    message: 'cannot apply kind Nope: no matches for kind "Nope" in version "nope.example.com/v1" (is its CustomResourceDefinition applied, and established, first?)',
  });
});
