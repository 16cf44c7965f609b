/**
 * DELETE of a Namespace as 1.32's pkg/registry/core/namespace/storage (REST.Delete) does it:
 * preconditions checked by the namespace storage itself (`Precondition failed: ...`, on the
 * resource `namespaces`); the first delete only sets `deletionTimestamp`, the `Terminating`
 * phase and the collector's finalizers (shouldHaveOrphanFinalizer,
 * shouldHaveDeleteDependentsFinalizer: `orphanDependents: false` asks for
 * `foregroundDeletion`), never `deletionGracePeriodSeconds`; a dry run answers that update.
 * NamespaceLifecycle admission keeps default, kube-system and kube-public.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const NAMESPACES = "/api/v1/namespaces";

describe("namespace delete", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  const create = async (name: string) => (await t.send("POST", NAMESPACES, { body: { apiVersion: "v1", kind: "Namespace", metadata: { name } } })).body;
  /** Keeps the namespace Terminating: a ConfigMap in it held by a finalizer. */
  const hold = (ns: string) => t.send("POST", `${NAMESPACES}/${ns}/configmaps`, { body: { metadata: { name: "held", finalizers: ["example.com/hold"] } } });
  const release = (ns: string) => t.send("PATCH", `${NAMESPACES}/${ns}/configmaps/held`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });

  test("a precondition that does not match is the namespace storage's Conflict", async () => {
    const ns = await create("pre");
    const uid = await t.send("DELETE", `${NAMESPACES}/pre`, { body: { preconditions: { uid: "x" } } });
    assert.equal(uid.status, 409);
    assert.deepEqual(uid.body, {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
      message: `Operation cannot be fulfilled on namespaces "pre": Precondition failed: UID in precondition: x, UID in object meta: ${ns.metadata.uid}`,
      reason: "Conflict", details: { name: "pre", kind: "namespaces" }, code: 409,
    });
    const rv = await t.send("DELETE", `${NAMESPACES}/pre`, { body: { preconditions: { resourceVersion: "1" } } });
    assert.equal(rv.body.message, `Operation cannot be fulfilled on namespaces "pre": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: ${ns.metadata.resourceVersion}`);
  });

  test("default, kube-system and kube-public may not be deleted (NamespaceLifecycle's 403, dry run too); kube-node-lease may", async () => {
    for (const name of ["default", "kube-system", "kube-public"]) {
      for (const query of ["", "?dryRun=All"]) {
        const refused = await t.send("DELETE", `${NAMESPACES}/${name}${query}`);
        assert.equal(refused.status, 403);
        assert.deepEqual(refused.body, {
          kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
          message: `namespaces "${name}" is forbidden: this namespace may not be deleted`,
          reason: "Forbidden", details: { name, kind: "namespaces" }, code: 403,
        });
      }
      const kept = await t.send("GET", `${NAMESPACES}/${name}`);
      assert.equal(kept.body.metadata.deletionTimestamp, undefined);
      assert.equal(kept.body.status.phase, "Active");
    }
    // Preconditions are checked first, by the namespace storage.
    assert.equal((await t.send("DELETE", `${NAMESPACES}/default`, { body: { preconditions: { uid: "x" } } })).status, 409);
    assert.equal((await t.send("DELETE", `${NAMESPACES}/kube-node-lease?dryRun=All`)).status, 200);
  });

  test("the first delete sets deletionTimestamp and the Terminating phase, no grace period; a dry run answers the same and writes nothing", async () => {
    await create("term");
    await hold("term");
    const dry = await t.send("DELETE", `${NAMESPACES}/term?dryRun=All`);
    assert.equal(dry.status, 200);
    assert.equal(dry.body.status.phase, "Terminating");
    assert.ok(dry.body.metadata.deletionTimestamp);
    assert.equal("deletionGracePeriodSeconds" in dry.body.metadata, false);
    assert.equal((await t.send("GET", `${NAMESPACES}/term`)).body.status.phase, "Active");
    const res = await t.send("DELETE", `${NAMESPACES}/term`);
    assert.equal(res.body.status.phase, "Terminating");
    assert.equal("deletionGracePeriodSeconds" in res.body.metadata, false);
    assert.equal(res.body.metadata.finalizers, undefined);
    const again = await t.send("DELETE", `${NAMESPACES}/term`);
    assert.equal(again.body.metadata.resourceVersion, (await t.send("GET", `${NAMESPACES}/term`)).body.metadata.resourceVersion);
    await release("term");
    assert.equal((await t.send("GET", `${NAMESPACES}/term`)).status, 404);
  });

  /** NamespaceLifecycle's 403 for a create in a Terminating namespace, naming `name` of `resource`. */
  const terminatingRefusal = (ns: string, resource: string, name: string) => ({
    kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
    message: `${resource} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
    reason: "Forbidden",
    details: { name, kind: resource, causes: [{ reason: "NamespaceTerminating", message: `namespace ${ns} is being terminated`, field: "metadata.namespace" }] },
    code: 403,
  });

  test("the namespace controller's status update is recorded in managedFields under kube-controller-manager, subresource status", async () => {
    await create("held-status");
    await hold("held-status");
    await t.send("DELETE", `${NAMESPACES}/held-status`);
    const ns = (await t.send("GET", `${NAMESPACES}/held-status`)).body;
    assert.ok(ns.status.conditions.length > 0);
    const entry = ns.metadata.managedFields.find((e: any) => e.manager === "kube-controller-manager");
    assert.equal(entry?.operation, "Update", JSON.stringify(ns.metadata.managedFields));
    assert.equal(entry.subresource, "status");
    assert.ok(entry.fieldsV1["f:status"]["f:conditions"]['k:{"type":"NamespaceContentRemaining"}']);
    await release("held-status");
  });

  test("a create in a Terminating namespace names the object as admission.NewForbidden does: its name, else its generateName, else Unknown", async () => {
    await create("ending");
    await hold("ending");
    await t.send("DELETE", `${NAMESPACES}/ending`);
    for (const [metadata, name] of [[{ name: "named" }, "named"], [{ generateName: "cm-" }, "cm-"], [{}, "Unknown"]] as const) {
      const refused = await t.send("POST", `${NAMESPACES}/ending/configmaps`, { body: { metadata } });
      assert.equal(refused.status, 403);
      assert.deepEqual(refused.body, terminatingRefusal("ending", "configmaps", name));
    }
    await release("ending");
  });

  test("a subresource's create in a Terminating namespace is refused too, named as the URL names it (pods/eviction, serviceaccounts/token)", async () => {
    await create("closing");
    await hold("closing");
    await t.send("POST", `${NAMESPACES}/closing/serviceaccounts`, { body: { metadata: { name: "robot" } } });
    await t.send("DELETE", `${NAMESPACES}/closing`);
    const eviction = await t.send("POST", `${NAMESPACES}/closing/pods/web/eviction`, { body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "web" } } });
    assert.equal(eviction.status, 403);
    assert.deepEqual(eviction.body, terminatingRefusal("closing", "pods", "web"));
    const token = await t.send("POST", `${NAMESPACES}/closing/serviceaccounts/robot/token`, { body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} } });
    assert.equal(token.status, 403);
    assert.deepEqual(token.body, terminatingRefusal("closing", "serviceaccounts", "robot"));
    await release("closing");
    // A namespace that is gone: the plugin's NotFound names the namespace.
    const gone = await t.send("POST", `${NAMESPACES}/closing/pods/web/eviction`, { body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "web" } } });
    assert.equal(gone.status, 404);
    assert.equal(gone.body.message, 'namespaces "closing" not found');
  });

  test("Orphan adds `orphan`; once the collector removes it the namespace still waits on its content", async () => {
    await create("orph");
    await hold("orph");
    const res = await t.send("DELETE", `${NAMESPACES}/orph`, { body: { propagationPolicy: "Orphan" } });
    assert.deepEqual(res.body.metadata.finalizers, ["orphan"]);
    const held = await t.send("GET", `${NAMESPACES}/orph`);
    assert.equal(held.status, 200, "spec.finalizers still hold it");
    assert.equal(held.body.metadata.finalizers, undefined);
    await release("orph");
    assert.equal((await t.send("GET", `${NAMESPACES}/orph`)).status, 404);
  });

  test("orphanDependents=false asks for foregroundDeletion (202: not deleted yet)", async () => {
    await create("fg");
    await hold("fg");
    const res = await t.send("DELETE", `${NAMESPACES}/fg`, { body: { orphanDependents: false } });
    assert.equal(res.status, 202);
    assert.deepEqual(res.body.metadata.finalizers, ["foregroundDeletion"]);
    await release("fg");
    assert.equal((await t.send("GET", `${NAMESPACES}/fg`)).status, 404);
  });
});
