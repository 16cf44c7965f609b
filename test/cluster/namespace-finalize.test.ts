/**
 * A Namespace's strategies as 1.32's pkg/registry/core/namespace: create resets the status and
 * appends `kubernetes`; a PUT or PATCH cannot change `spec.finalizers` nor `status`; a status
 * update keeps the spec and its phase must match `deletionTimestamp`; `PUT .../finalize` takes
 * `spec.finalizers` (each checked) and keeps the status, and removing the last finalizer of a
 * Terminating namespace deletes it; RBAC names that subresource `namespaces/finalize`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Agent } from "undici";
import { testCluster, watch, type TestCluster } from "./helpers.js";

const NAMESPACES = "/api/v1/namespaces";
const NOT_QUALIFIED = "name is neither a standard finalizer name nor is it fully qualified";
const namespace = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name }, ...extra });
const notQualified = (field: string, value: string) => ({ reason: "FieldValueInvalid", message: `Invalid value: "${value}": ${NOT_QUALIFIED}`, field });
const invalid = (name: string, message: string, causes: unknown[]) => ({
  kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `Namespace "${name}" is invalid: ${message}`, reason: "Invalid", details: { name, kind: "Namespace", causes }, code: 422,
});
const ROUTE_405 = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server does not allow this method on the requested resource", reason: "MethodNotAllowed", details: {}, code: 405 };

describe("namespace strategies and the finalize subresource", () => {
  let t: TestCluster;
  const create = async (name: string, extra: Record<string, unknown> = {}) => (await t.send("POST", NAMESPACES, { body: namespace(name, extra) })).body;
  const get = (name: string) => t.send("GET", `${NAMESPACES}/${name}`);
  const finalize = (name: string, body: unknown, query = "") => t.send("PUT", `${NAMESPACES}/${name}/finalize${query}`, { body });
  /** A Terminating namespace: a ConfigMap's finalizer keeps it from being emptied. */
  const terminating = async (name: string, extra: Record<string, unknown> = {}) => {
    await create(name, extra);
    await t.send("POST", `${NAMESPACES}/${name}/configmaps`, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "held", finalizers: ["example.com/hold"] } } });
    assert.equal((await t.send("DELETE", `${NAMESPACES}/${name}`)).status, 200);
    const ns = (await get(name)).body;
    assert.equal(ns.status.phase, "Terminating");
    return ns;
  };
  before(async () => {
    t = await testCluster();
  });
  after(() => t.close());

  test("create: the status is reset to Active and `kubernetes` appended to spec.finalizers (PrepareForCreate)", async () => {
    const res = await t.send("POST", NAMESPACES, { body: namespace("created", { spec: { finalizers: ["example.com/first"] }, status: { phase: "Terminating" } }) });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body.spec, { finalizers: ["example.com/first", "kubernetes"] });
    assert.deepEqual(res.body.status, { phase: "Active" });
    assert.deepEqual((await t.send("POST", NAMESPACES, { body: namespace("listed", { spec: { finalizers: ["kubernetes", "example.com/x"] } }) })).body.spec, { finalizers: ["kubernetes", "example.com/x"] });
  });

  test("a PUT or PATCH keeps the stored spec.finalizers and status, and takes the rest (PrepareForUpdate)", async () => {
    const ns = await create("kept");
    const put = await t.send("PUT", `${NAMESPACES}/kept`, {
      body: { ...ns, metadata: { ...ns.metadata, labels: { ...ns.metadata.labels, team: "a" } }, spec: { finalizers: ["example.com/mine"] }, status: { phase: "Terminating" } },
    });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body.spec, { finalizers: ["kubernetes"] });
    assert.deepEqual(put.body.status, { phase: "Active" });
    assert.equal(put.body.metadata.labels.team, "a");
    const patched = await t.send("PATCH", `${NAMESPACES}/kept`, { body: { spec: { finalizers: null }, status: { phase: "Terminating" } }, contentType: "application/merge-patch+json" });
    assert.equal(patched.status, 200);
    assert.deepEqual([patched.body.spec, patched.body.status], [{ finalizers: ["kubernetes"] }, { phase: "Active" }]);
    const stored = (await get("kept")).body;
    assert.deepEqual([stored.spec, stored.status], [{ finalizers: ["kubernetes"] }, { phase: "Active" }]);
  });

  test("an update checks metadata.finalizers as ValidateNamespace then ValidateNamespaceUpdate (the cause twice)", async () => {
    const ns = await create("twice");
    const res = await t.send("PUT", `${NAMESPACES}/twice`, { body: { ...ns, metadata: { ...ns.metadata, finalizers: ["hold"] } } });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body, invalid("twice", `metadata.finalizers[0]: Invalid value: "hold": ${NOT_QUALIFIED}`, [notQualified("metadata.finalizers[0]", "hold"), notQualified("metadata.finalizers[0]", "hold")]));
  });

  test("PUT finalize takes spec.finalizers and the metadata, keeps the status; a later update keeps what it set", async () => {
    const ns = await create("fin");
    const agent = new Agent({ connect: { ca: t.cluster.caPem } });
    const events = await watch(t, agent, `${NAMESPACES}?watch=1&fieldSelector=metadata.name%3Dfin&resourceVersion=${ns.metadata.resourceVersion}`);
    try {
      const res = await finalize("fin", { ...ns, metadata: { ...ns.metadata, labels: { ...ns.metadata.labels, stage: "two" } }, spec: { finalizers: ["example.com/a"] }, status: { phase: "Terminating" } });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.spec, { finalizers: ["example.com/a"] });
      assert.deepEqual(res.body.status, { phase: "Active" });
      assert.equal(res.body.metadata.labels.stage, "two");
      assert.notEqual(res.body.metadata.resourceVersion, ns.metadata.resourceVersion);
      // The create's entry (the metadata.name label its defaulting set), then the finalize's.
      assert.deepEqual(res.body.metadata.managedFields.map((m: any) => [m.operation, m.subresource]), [["Update", undefined], ["Update", "finalize"]]);
      assert.deepEqual((await get("fin")).body, res.body);
      const [event] = await events.next(1);
      assert.deepEqual([event.type, event.object.spec], ["MODIFIED", { finalizers: ["example.com/a"] }]);
    } finally {
      events.close();
      await agent.close();
    }
    // No finalizer: the spec is empty (omitempty); an Active namespace stays.
    const emptied = await finalize("fin", { ...(await get("fin")).body, spec: { finalizers: [] } });
    assert.equal(emptied.status, 200);
    assert.deepEqual(emptied.body.spec, {});
    // The main resource's update keeps it so: nothing puts `kubernetes` back.
    const relabelled = await t.send("PUT", `${NAMESPACES}/fin`, { body: { ...emptied.body, metadata: { ...emptied.body.metadata, labels: { ...emptied.body.metadata.labels, stage: "three" } }, spec: { finalizers: ["kubernetes"] } } });
    assert.equal(relabelled.status, 200);
    assert.deepEqual(relabelled.body.spec, {});
    assert.deepEqual((await get("fin")).body.spec, {});
  });

  test("PUT finalize checks each spec.finalizers[i] after the metadata (ValidateNamespaceFinalizeUpdate)", async () => {
    const ns = await create("checked");
    const res = await finalize("checked", { ...ns, metadata: { ...ns.metadata, finalizers: ["hold"] }, spec: { finalizers: ["kubernetes", "wait"] } });
    assert.equal(res.status, 422);
    assert.deepEqual(
      res.body,
      invalid("checked", `[metadata.finalizers[0]: Invalid value: "hold": ${NOT_QUALIFIED}, spec.finalizers[1]: Invalid value: "wait": ${NOT_QUALIFIED}]`, [notQualified("metadata.finalizers[0]", "hold"), notQualified("spec.finalizers[1]", "wait")]),
    );
    assert.deepEqual((await get("checked")).body.spec, { finalizers: ["kubernetes"] });
  });

  test("finalize: PUT only (405 otherwise), namespaces only, a missing namespace 404, the name checked, dryRun stores nothing", async () => {
    const ns = await create("routes");
    for (const method of ["GET", "PATCH", "POST", "DELETE"]) {
      const res = await t.send(method, `${NAMESPACES}/routes/finalize`, method === "PATCH" ? { body: { spec: {} }, contentType: "application/merge-patch+json" } : method === "POST" ? { body: ns } : {});
      assert.equal(res.status, 405, method);
      assert.deepEqual(res.body, ROUTE_405, method);
    }
    await t.send("POST", `${NAMESPACES}/routes/configmaps`, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } } });
    assert.equal((await t.send("PUT", `${NAMESPACES}/routes/configmaps/c/finalize`, { body: ns })).status, 404);
    const missing = await finalize("nowhere", namespace("nowhere"));
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'namespaces "nowhere" not found');
    const misnamed = await finalize("routes", namespace("other"));
    assert.equal(misnamed.status, 400);
    assert.equal(misnamed.body.message, "the name of the object (other) does not match the name on the URL (routes)");
    const unnamed = await finalize("routes", { apiVersion: "v1", kind: "Namespace", metadata: {} });
    assert.equal(unnamed.status, 400);
    assert.equal(unnamed.body.message, "the name of the object (routes based on URL) was undeterminable: name must be provided");
    const dry = await finalize("routes", { ...ns, spec: { finalizers: ["example.com/dry"] } }, "?dryRun=All");
    assert.equal(dry.status, 200);
    assert.deepEqual(dry.body.spec, { finalizers: ["example.com/dry"] });
    assert.deepEqual((await get("routes")).body, ns);
  });

  test("a Terminating namespace stays while spec.finalizers remain; the finalize that removes the last one deletes it", async () => {
    const ns = await terminating("ending", { metadata: { name: "ending", finalizers: ["example.com/ns"] } });
    // Without its metadata finalizer it still waits for `kubernetes` (ShouldDeleteNamespaceDuringUpdate).
    const released = await t.send("PATCH", `${NAMESPACES}/ending`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
    assert.equal(released.status, 200);
    assert.equal(released.body.metadata.finalizers, undefined);
    const stored = (await get("ending")).body;
    assert.deepEqual([stored.spec, stored.status.phase], [ns.spec, "Terminating"]);
    const dry = await finalize("ending", { ...stored, spec: {} }, "?dryRun=All");
    assert.equal(dry.status, 200);
    assert.equal((await get("ending")).status, 200);
    const res = await finalize("ending", { ...stored, spec: { finalizers: [] } });
    assert.equal(res.status, 200);
    // deleteWithoutFinalizers answers the object as the update made it, with the resourceVersion it had.
    assert.deepEqual(res.body.spec, {});
    // The status as stored: Terminating, with the namespace controller's conditions (a ConfigMap remains).
    assert.equal(res.body.status.phase, "Terminating");
    assert.deepEqual(res.body.status, stored.status);
    assert.equal(stored.status.conditions.find((c: { type: string }) => c.type === "NamespaceContentRemaining").status, "True");
    assert.equal(res.body.metadata.resourceVersion, stored.metadata.resourceVersion);
    assert.ok(res.body.metadata.deletionTimestamp);
    assert.equal((await get("ending")).status, 404);
  });

  test("the namespace controller removes only `kubernetes`: other finalizers keep a deleted namespace Terminating", async () => {
    await create("waiting", { spec: { finalizers: ["example.com/x"] } });
    assert.equal((await t.send("DELETE", `${NAMESPACES}/waiting`)).status, 200);
    const ns = (await get("waiting")).body;
    assert.deepEqual([ns.spec, ns.status.phase], [{ finalizers: ["example.com/x"] }, "Terminating"]);
    assert.equal((await finalize("waiting", { ...ns, spec: {} })).status, 200);
    assert.equal((await get("waiting")).status, 404);

    await create("meta-held", { metadata: { name: "meta-held", finalizers: ["example.com/m"] } });
    assert.equal((await t.send("DELETE", `${NAMESPACES}/meta-held`)).status, 200);
    const held = (await get("meta-held")).body;
    assert.deepEqual([held.spec, held.status.phase, held.metadata.finalizers], [{}, "Terminating", ["example.com/m"]]);
    assert.equal((await t.send("PATCH", `${NAMESPACES}/meta-held`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" })).status, 200);
    assert.equal((await get("meta-held")).status, 404);
  });

  test("the namespace controller's status.conditions while content remains, then once it is gone (deletion's status_condition_utils)", async () => {
    await create("conditions", { spec: { finalizers: ["example.com/ns"] } });
    const cm = (name: string, finalizers: string[]) => t.send("POST", `${NAMESPACES}/conditions/configmaps`, { body: { metadata: { name, finalizers } } });
    await cm("one", ["example.com/hold"]);
    await cm("two", ["example.com/hold", "example.com/other"]);
    await t.send("POST", `${NAMESPACES}/conditions/secrets`, { body: { metadata: { name: "plain" } } });
    assert.equal((await t.send("DELETE", `${NAMESPACES}/conditions`)).status, 200);
    const ok = [
      ["NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered", "All resources successfully discovered"],
      ["NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions", "All legacy kube types successfully parsed"],
      ["NamespaceDeletionContentFailure", "False", "ContentDeleted", "All content successfully deleted, may be waiting on finalization"],
    ];
    const conditions = async () => {
      const listed = (await get("conditions")).body.status.conditions as Record<string, string>[];
      for (const c of listed) assert.match(c.lastTransitionTime!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.deepEqual(listed.map((c) => Object.keys(c)), listed.map(() => ["type", "status", "lastTransitionTime", "reason", "message"]));
      return listed.map((c) => [c.type, c.status, c.reason, c.message]);
    };
    assert.deepEqual(await conditions(), [
      ...ok,
      ["NamespaceContentRemaining", "True", "SomeResourcesRemain", "Some resources are remaining: configmaps. has 2 resource instances"],
      ["NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain", "Some content in the namespace has finalizers remaining: example.com/hold in 2 resource instances, example.com/other in 1 resource instances"],
    ]);
    await t.send("PATCH", `${NAMESPACES}/conditions/configmaps/one`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
    assert.deepEqual((await conditions()).slice(3), [
      ["NamespaceContentRemaining", "True", "SomeResourcesRemain", "Some resources are remaining: configmaps. has 1 resource instances"],
      ["NamespaceFinalizersRemaining", "True", "SomeFinalizersRemain", "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances, example.com/other in 1 resource instances"],
    ]);
    await t.send("PATCH", `${NAMESPACES}/conditions/configmaps/two`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
    // The content is gone; the namespace waits on its own finalizer, every condition the "ok" one.
    assert.deepEqual(await conditions(), [
      ...ok,
      ["NamespaceContentRemaining", "False", "ContentRemoved", "All content successfully removed"],
      ["NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers", "All content-preserving finalizers finished"],
    ]);
    assert.deepEqual((await get("conditions")).body.spec, { finalizers: ["example.com/ns"] });
  });

  test("the namespace controller deletes the content in one pass, then writes the conditions once, for what remains", async () => {
    const ns = await create("onepass", { spec: { finalizers: ["example.com/ns"] } });
    for (const name of ["a", "b", "c", "d", "e"]) await t.send("POST", `${NAMESPACES}/onepass/configmaps`, { body: { metadata: { name } } });
    await t.send("POST", `${NAMESPACES}/onepass/configmaps`, { body: { metadata: { name: "held", finalizers: ["example.com/hold"] } } });
    const agent = new Agent({ connect: { ca: t.cluster.caPem } });
    const events = await watch(t, agent, `${NAMESPACES}?watch=1&fieldSelector=metadata.name%3Donepass&resourceVersion=${ns.metadata.resourceVersion}`);
    try {
      assert.equal((await t.send("DELETE", `${NAMESPACES}/onepass`)).status, 200);
      const remaining = (e: any) => e.object.status.conditions?.find((c: { type: string }) => c.type === "NamespaceContentRemaining")?.message;
      // The DELETE's update, then the pass's one status update: only the held ConfigMap is left
      // (a status update per removal counted the ConfigMaps down: has 7, 6, 5...).
      const [terminated, pass] = await events.next(2);
      assert.deepEqual([terminated.type, terminated.object.status.phase, remaining(terminated)], ["MODIFIED", "Terminating", undefined]);
      assert.deepEqual([pass.type, remaining(pass)], ["MODIFIED", "Some resources are remaining: configmaps. has 1 resource instances"]);
      await t.send("PATCH", `${NAMESPACES}/onepass/configmaps/held`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
      const [emptied] = await events.next(1);
      assert.deepEqual([emptied.type, remaining(emptied)], ["MODIFIED", "All content successfully removed"]);
      assert.deepEqual((await t.send("GET", `${NAMESPACES}/onepass/configmaps`)).body.items, []);
    } finally {
      events.close();
      await agent.close();
    }
  });

  test("status: the spec is kept, an empty phase is Active, and the phase must match deletionTimestamp", async () => {
    const ns = await create("phased");
    const wrong = await t.send("PUT", `${NAMESPACES}/phased/status`, { body: { ...ns, status: { phase: "Terminating" } } });
    assert.equal(wrong.status, 422);
    assert.deepEqual(wrong.body, invalid("phased", 'status.Phase: Invalid value: "Terminating": may only be \'Active\' if `deletionTimestamp` is empty', [{ reason: "FieldValueInvalid", message: 'Invalid value: "Terminating": may only be \'Active\' if `deletionTimestamp` is empty', field: "status.Phase" }]));
    const defaulted = await t.send("PUT", `${NAMESPACES}/phased/status`, { body: { ...ns, spec: { finalizers: [] }, status: { conditions: [{ type: "NamespaceDeletionDiscoveryFailure", status: "False" }] } } });
    assert.equal(defaulted.status, 200);
    assert.deepEqual(defaulted.body.spec, { finalizers: ["kubernetes"] });
    // NamespaceCondition's lastTransitionTime is a metav1.Time value: encoding/json writes its zero as null.
    assert.deepEqual(defaulted.body.status, { conditions: [{ type: "NamespaceDeletionDiscoveryFailure", status: "False", lastTransitionTime: null }], phase: "Active" });

    await terminating("phased-out");
    const active = await t.send("PATCH", `${NAMESPACES}/phased-out/status`, { body: { status: { phase: "Active" } }, contentType: "application/merge-patch+json" });
    assert.equal(active.status, 422);
    assert.equal(active.body.message, 'Namespace "phased-out" is invalid: status.Phase: Invalid value: "Active": may only be \'Terminating\' if `deletionTimestamp` is not empty');
  });

  test("RBAC names the subresource namespaces/finalize (verb update)", async () => {
    await create("guarded");
    const sa = await t.cluster.serviceAccount("robots", "finalizer");
    const user = "system:serviceaccount:robots:finalizer";
    const rbac = "/apis/rbac.authorization.k8s.io/v1";
    await t.send("POST", `${rbac}/clusterroles`, { body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "ns-writer" }, rules: [{ apiGroups: [""], resources: ["namespaces"], verbs: ["get", "update"] }] } });
    await t.send("POST", `${rbac}/clusterrolebindings`, {
      body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "ns-writer" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "ns-writer" }, subjects: [{ kind: "ServiceAccount", name: "finalizer", namespace: "robots" }] },
    });
    const ns = (await get("guarded")).body;
    const denied = await t.send("PUT", `${NAMESPACES}/guarded/finalize`, { token: sa.token, body: { ...ns, spec: {} } });
    assert.equal(denied.status, 403);
    assert.deepEqual(denied.body, {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
      message: `namespaces "guarded" is forbidden: User "${user}" cannot update resource "namespaces/finalize" in API group "" in the namespace "guarded"`,
      reason: "Forbidden", details: { name: "guarded", kind: "namespaces" }, code: 403,
    });
    const role = (await t.send("GET", `${rbac}/clusterroles/ns-writer`)).body;
    await t.send("PUT", `${rbac}/clusterroles/ns-writer`, { body: { ...role, rules: [...role.rules, { apiGroups: [""], resources: ["namespaces/finalize"], verbs: ["update"] }] } });
    const allowed = await t.send("PUT", `${NAMESPACES}/guarded/finalize`, { token: sa.token, body: { ...ns, spec: {} } });
    assert.equal(allowed.status, 200);
    assert.deepEqual(allowed.body.spec, {});
  });
});
