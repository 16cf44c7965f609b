/**
 * CustomResourceDefinitions through the API, as 1.32 serves them: the create's answer (status
 * reset, storage version recorded, defaults), the controllers' conditions and accepted names,
 * the custom resources served once established and gone with the CRD, the finalizer that holds
 * a deleted CRD while its resources' own finalizers do, the 405 for a create meanwhile, and the
 * names another CRD of the group already holds.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Agent } from "undici";
import { crd, testCluster, watch, type TestCluster } from "./helpers.js";

const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

describe("CustomResourceDefinitions", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  test("a create answers the CRD before its controllers run: defaults, generation 1, an empty status but the storage version", async () => {
    const created = await t.send("POST", CRDS, { body: { ...crd("gizmos", "Gizmo"), status: { storedVersions: ["v9"] } } });
    assert.equal(created.status, 201);
    assert.equal(created.body.metadata.generation, 1);
    assert.deepEqual(created.body.spec.names, { plural: "gizmos", kind: "Gizmo", singular: "gizmo", listKind: "GizmoList" });
    assert.deepEqual(created.body.spec.conversion, { strategy: "None" });
    assert.deepEqual(created.body.status, { conditions: null, acceptedNames: { plural: "", kind: "" }, storedVersions: ["v1"] });
  });

  test("the naming and establishing controllers accept the names and establish it, one status write each", async () => {
    const agent = new Agent({ connect: { ca: t.cluster.caPem } });
    const listed = await t.send("GET", CRDS);
    const stream = await watch(t, agent, `${CRDS}?watch=1&resourceVersion=${listed.body.metadata.resourceVersion}`);
    await t.send("POST", CRDS, { body: crd("sprockets", "Sprocket", { shortNames: ["spr"] }) });
    const events = await stream.next(3);
    stream.close();
    await agent.close();
    assert.deepEqual(events.map((e) => e.type), ["ADDED", "MODIFIED", "MODIFIED"]);
    const conditions = (e: any) => (e.object.status.conditions ?? []).map((c: any) => [c.type, c.status, c.reason, c.message]);
    assert.deepEqual(conditions(events[1]), [["NamesAccepted", "True", "NoConflicts", "no conflicts found"], ["Established", "False", "Installing", "the initial names have been accepted"]]);
    assert.deepEqual(conditions(events[2]), [["NamesAccepted", "True", "NoConflicts", "no conflicts found"], ["Established", "True", "InitialNamesAccepted", "the initial names have been accepted"]]);
    assert.deepEqual(events[2].object.status.acceptedNames, { plural: "sprockets", singular: "sprocket", shortNames: ["spr"], kind: "Sprocket", listKind: "SprocketList" });
  });

  test("an established CRD's resources are served: create, list with kind and apiVersion, the status subresource", async () => {
    await t.send("POST", CRDS, { body: crd("widgets", "Widget", { version: { subresources: { status: {} } } }) });
    const path = "/apis/example.com/v1/namespaces/default/widgets";
    const created = await t.send("POST", path, { body: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w1" }, spec: { size: 1 }, status: { ok: true } } });
    assert.equal(created.status, 201);
    assert.equal(created.body.status, undefined, "the status subresource's type starts without the sent status");
    const status = await t.send("PUT", `${path}/w1/status`, { body: { ...created.body, status: { ok: true } } });
    assert.deepEqual(status.body.status, { ok: true });
    assert.equal(status.body.metadata.generation, 1);
    const list = await t.send("GET", "/apis/example.com/v1/widgets");
    assert.equal(list.body.kind, "WidgetList");
    assert.deepEqual(list.body.items.map((i: any) => [i.apiVersion, i.kind, i.metadata.name]), [["example.com/v1", "Widget", "w1"]]);
  });

  test("without the status subresource, status is written with the object and bumps the generation; /status is the resource's 404", async () => {
    await t.send("POST", CRDS, { body: crd("doodads", "Doodad") });
    const path = "/apis/example.com/v1/namespaces/default/doodads";
    const created = await t.send("POST", path, { body: { apiVersion: "example.com/v1", kind: "Doodad", metadata: { name: "d1" }, status: { phase: "new" } } });
    assert.deepEqual(created.body.status, { phase: "new" });
    const updated = await t.send("PUT", `${path}/d1`, { body: { ...created.body, status: { phase: "done" } } });
    assert.equal(updated.body.metadata.generation, 2);
    const sub = await t.send("GET", `${path}/d1/status`);
    assert.equal(sub.status, 404);
    assert.deepEqual(sub.body, {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: 'doodads.example.com "d1" not found', reason: "NotFound",
      details: { name: "d1", group: "example.com", kind: "doodads" }, code: 404,
    });
  });

  test("a delete marks the CRD; its resources go, a finalizer holds the CRD and blocks creates with 405 until it is removed", async () => {
    await t.send("POST", CRDS, { body: crd("gadgets", "Gadget") });
    const path = "/apis/example.com/v1/namespaces/default/gadgets";
    await t.send("POST", path, { body: { apiVersion: "example.com/v1", kind: "Gadget", metadata: { name: "held", finalizers: ["example.com/hold"] } } });
    await t.send("POST", path, { body: { apiVersion: "example.com/v1", kind: "Gadget", metadata: { name: "free" } } });
    const deleted = await t.send("DELETE", `${CRDS}/gadgets.example.com`);
    assert.equal(deleted.status, 200);
    assert.ok(deleted.body.metadata.deletionTimestamp);
    assert.deepEqual(deleted.body.metadata.finalizers, ["customresourcecleanup.apiextensions.k8s.io"]);
    const terminating = deleted.body.status.conditions.find((c: any) => c.type === "Terminating");
    assert.deepEqual([terminating.status, terminating.reason, terminating.message], ["True", "InstanceDeletionPending", "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon"]);
    const left = await t.send("GET", path);
    assert.deepEqual(left.body.items.map((i: any) => i.metadata.name), ["held"]);
    assert.ok(left.body.items[0].metadata.deletionTimestamp);
    const stored = await t.send("GET", `${CRDS}/gadgets.example.com`);
    const now = stored.body.status.conditions.find((c: any) => c.type === "Terminating");
    assert.deepEqual([now.status, now.reason], ["True", "InstanceDeletionInProgress"]);
    const refused = await t.send("POST", path, { body: { apiVersion: "example.com/v1", kind: "Gadget", metadata: { name: "late" } } });
    assert.deepEqual(refused.body, {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "create not allowed while custom resource definition is terminating", reason: "MethodNotAllowed",
      details: { group: "example.com", kind: "gadgets" }, code: 405,
    });
    const discovered = await t.send("GET", "/apis/example.com/v1");
    assert.deepEqual(discovered.body.resources.find((r: any) => r.name === "gadgets").verbs, ["delete", "deletecollection", "get", "list", "watch"]);
    await t.send("PATCH", `${path}/held`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
    assert.equal((await t.send("GET", `${CRDS}/gadgets.example.com`)).status, 404);
    assert.equal((await t.send("GET", path)).status, 404);
  });

  test("a CRD's delete takes its uid and resourceVersion preconditions in its storage's words", async () => {
    await t.send("POST", CRDS, { body: crd("thingies", "Thingy") });
    const stale = await t.send("DELETE", `${CRDS}/thingies.example.com`, { body: { preconditions: { uid: "not-it" } } });
    assert.equal(stale.status, 409);
    const uid = (await t.send("GET", `${CRDS}/thingies.example.com`)).body.metadata.uid;
    assert.equal(stale.body.message, `Operation cannot be fulfilled on customresourcedefinitions.apiextensions.k8s.io "thingies.example.com": Precondition failed: UID in precondition: not-it, UID in object meta: ${uid}`);
    const dry = await t.send("DELETE", `${CRDS}/thingies.example.com?dryRun=All`);
    assert.deepEqual(dry.body.metadata.finalizers, ["customresourcecleanup.apiextensions.k8s.io"]);
    assert.equal((await t.send("GET", `${CRDS}/thingies.example.com`)).body.metadata.deletionTimestamp, undefined);
  });

  test("names another CRD of the group holds are refused by the naming controller (the last conflict named), and the CRD is not served", async () => {
    await t.send("POST", CRDS, { body: crd("cogs", "Cog", { group: "names.example.com" }) });
    await t.send("POST", CRDS, { body: crd("cogwheels", "Cog", { group: "names.example.com" }) });
    const second = (await t.send("GET", `${CRDS}/cogwheels.names.example.com`)).body;
    const accepted = second.status.conditions.find((c: any) => c.type === "NamesAccepted");
    // The singular (`cog`, from the kind), the kind and the listKind clash: each conflict found overwrites the one before.
    assert.deepEqual([accepted.status, accepted.reason, accepted.message], ["False", "ListKindConflict", '"CogList" is already in use']);
    assert.deepEqual(second.status.acceptedNames, { plural: "cogwheels", kind: "" });
    assert.deepEqual(second.status.conditions.find((c: any) => c.type === "Established").reason, "NotAccepted");
    assert.equal((await t.send("GET", "/apis/names.example.com/v1/cogwheels")).status, 404);
    assert.equal((await t.send("GET", "/apis/names.example.com/v1/cogs")).status, 200);
  });
});
