/**
 * Writes: update conflicts, the patch formats (merge, JSON patch with test, strategic by merge
 * key, server-side apply), dryRun persisting nothing, delete preconditions, finalizers holding
 * an object, ownerReferences cascading (background, orphan, foreground) and namespace deletion.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { fixture, testCluster, type TestCluster } from "./helpers.js";

const NS = "/api/v1/namespaces/wr";
const DEPLOY = "/apis/apps/v1/namespaces/wr/deployments";
const cm = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, ...extra }, data: { k: "v" } });
const deployment = (name: string) => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "main", image: "nginx:1.27", env: [{ name: "A", value: "1" }] }, { name: "side", image: "busybox" }] } } },
});

describe("writes", () => {
  let t: TestCluster;
  const rv = async () => (await t.send("GET", "/api/v1/namespaces")).body.metadata.resourceVersion as string;
  before(async () => {
    t = await testCluster();
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "wr" } } });
  });
  after(() => t.close());

  test("a PUT of a missing object creates it where the real registry allows it (Lease, Role), else 404", async () => {
    const lease = { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "leader" }, spec: { holderIdentity: "pod-a", leaseDurationSeconds: 15 } };
    const created = await t.send("PUT", "/apis/coordination.k8s.io/v1/namespaces/wr/leases/leader", { body: lease });
    assert.equal(created.status, 201);
    assert.equal(created.body.spec.holderIdentity, "pod-a");
    assert.ok(created.body.metadata.uid && created.body.metadata.resourceVersion);
    const updated = await t.send("PUT", "/apis/coordination.k8s.io/v1/namespaces/wr/leases/leader", { body: { ...created.body, spec: { ...created.body.spec, holderIdentity: "pod-b" } } });
    assert.equal(updated.status, 200);
    const role = { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "reader" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] };
    assert.equal((await t.send("PUT", "/apis/rbac.authorization.k8s.io/v1/namespaces/wr/roles/reader", { body: role })).status, 201);
    const misnamed = await t.send("PUT", "/apis/coordination.k8s.io/v1/namespaces/wr/leases/other", { body: lease });
    assert.equal(misnamed.status, 400);
    assert.equal(misnamed.body.message, "the name of the object (leader) does not match the name on the URL (other)");
    const unnamed = await t.send("PUT", "/apis/coordination.k8s.io/v1/namespaces/wr/leases/unnamed", { body: { ...lease, metadata: {} } });
    assert.equal(unnamed.status, 400);
    assert.equal(unnamed.body.message, "the name of the object (unnamed based on URL) was undeterminable: name must be provided");
    const missing = await t.send("PUT", `${NS}/configmaps/nowhere`, { body: cm("nowhere") });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'configmaps "nowhere" not found');
  });

  test("a method the route does not serve (POST to an object, PUT or PATCH of a collection) is go-restful's 405", async () => {
    const expected = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server does not allow this method on the requested resource", reason: "MethodNotAllowed", details: {}, code: 405 };
    await t.send("POST", `${NS}/configmaps`, { body: cm("routed") });
    for (const [method, path] of [["POST", `${NS}/configmaps/routed`], ["PUT", `${NS}/configmaps`], ["PATCH", `${NS}/configmaps`]] as const) {
      const res = await t.send(method, path, { body: method === "PATCH" ? { data: {} } : cm("routed"), ...(method === "PATCH" ? { contentType: "application/merge-patch+json" } : {}) });
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.deepEqual(res.body, expected, `${method} ${path}`);
    }
  });

  test("an update with a stale resourceVersion is 409 Conflict with the real message", async () => {
    const created = (await t.send("POST", DEPLOY, { body: deployment("web") })).body;
    const first = await t.send("PUT", `${DEPLOY}/web`, { body: { ...created, spec: { ...created.spec, replicas: 2 } } });
    assert.equal(first.status, 200);
    assert.equal(first.body.metadata.generation, 2, "a spec change bumps generation");
    const stale = await t.send("PUT", `${DEPLOY}/web`, { body: { ...created, spec: { ...created.spec, replicas: 3 } } });
    assert.equal(stale.status, 409);
    assert.deepEqual(stale.body, fixture("update-deployment-stale").response.body);
  });

  test("a metadata-only patch leaves generation alone, a patch that changes nothing keeps the resourceVersion, and a Deployment's annotations bump it (DeploymentStrategy.PrepareForUpdate)", async () => {
    const created = (await t.send("POST", DEPLOY, { body: deployment("gen") })).body;
    const merge = { contentType: "application/merge-patch+json" };
    const labelled = await t.send("PATCH", `${DEPLOY}/gen`, { body: { metadata: { labels: { q: "r" } } }, ...merge });
    assert.equal(labelled.status, 200);
    assert.equal(labelled.body.metadata.generation, 1, "labels are metadata: no new generation");
    assert.notEqual(labelled.body.metadata.resourceVersion, created.metadata.resourceVersion);
    const noop = await t.send("PATCH", `${DEPLOY}/gen`, { body: {}, ...merge });
    assert.equal(noop.body.metadata.resourceVersion, labelled.body.metadata.resourceVersion, "nothing changed: the same resourceVersion");
    assert.equal(noop.body.metadata.generation, 1);
    const annotated = await t.send("PATCH", `${DEPLOY}/gen`, { body: { metadata: { annotations: { q: "s" } } }, ...merge });
    assert.equal(annotated.body.metadata.generation, 2, "a Deployment's annotations are copied to its ReplicaSets: a new generation");
    await t.send("POST", `${NS}/configmaps`, { body: cm("same") });
    const before = (await t.send("GET", `${NS}/configmaps/same`)).body;
    const smpNoop = await t.send("PATCH", `${NS}/configmaps/same`, { body: { data: { k: "v" } }, contentType: "application/strategic-merge-patch+json" });
    assert.equal(smpNoop.body.metadata.resourceVersion, before.metadata.resourceVersion);
  });

  test("an update by a manager new to the object that changes nothing is no write: same resourceVersion, no manager entry, no watch event", async () => {
    const created = (await t.send("POST", `${NS}/configmaps?fieldManager=maker`, { body: cm("quiet") })).body;
    const merged = await t.send("PATCH", `${NS}/configmaps/quiet?fieldManager=newcomer`, { body: { data: { k: "v" } }, contentType: "application/merge-patch+json" });
    const put = await t.send("PUT", `${NS}/configmaps/quiet?fieldManager=other`, { body: created });
    for (const answer of [merged, put]) {
      assert.equal(answer.status, 200);
      assert.equal(answer.body.metadata.resourceVersion, created.metadata.resourceVersion);
      assert.deepEqual(answer.body.metadata.managedFields.map((e: { manager: string }) => e.manager), ["maker"]);
    }
    // A watch from the create's version replays every event since: there is none.
    const watch = await t.send("GET", `${NS}/configmaps?watch=1&fieldSelector=metadata.name=quiet&resourceVersion=${created.metadata.resourceVersion}&timeoutSeconds=1`);
    assert.equal(watch.text, "", "no event after the create");
    // Apply records its applier even when the values are already there: ownership is shared.
    const applied = await t.send("PATCH", `${NS}/configmaps/quiet?fieldManager=applier`, { body: cm("quiet"), contentType: "application/apply-patch+yaml" });
    assert.notEqual(applied.body.metadata.resourceVersion, created.metadata.resourceVersion);
    // Entries are sorted as the server sorts them: Apply before Update.
    assert.deepEqual(applied.body.metadata.managedFields.map((e: { manager: string }) => e.manager), ["applier", "maker"]);
  });

  test("merge, JSON (with test) and strategic patches", async () => {
    await t.send("POST", `${NS}/configmaps`, { body: cm("p") });
    const merged = await t.send("PATCH", `${NS}/configmaps/p`, { body: { data: { k: null, n: "1" } }, contentType: "application/merge-patch+json" });
    assert.deepEqual(merged.body.data, { n: "1" });
    const json = await t.send("PATCH", `${NS}/configmaps/p`, { body: [{ op: "test", path: "/data/n", value: "1" }, { op: "replace", path: "/data/n", value: "2" }], contentType: "application/json-patch+json" });
    assert.deepEqual(json.body.data, { n: "2" });
    const failed = await t.send("PATCH", `${NS}/configmaps/p`, { body: [{ op: "test", path: "/data/n", value: "9" }], contentType: "application/json-patch+json" });
    assert.equal(failed.status, 422);
    assert.equal(failed.body.reason, "Invalid");
    await t.send("POST", DEPLOY, { body: deployment("smp") });
    const smp = await t.send("PATCH", `${DEPLOY}/smp`, {
      body: { spec: { template: { spec: { containers: [{ name: "main", image: "nginx:1.28", env: [{ name: "B", value: "2" }] }, { name: "side", $patch: "delete" }] } } } },
      contentType: "application/strategic-merge-patch+json",
    });
    assert.equal(smp.status, 200);
    const containers = smp.body.spec.template.spec.containers;
    assert.deepEqual(containers.map((c: { name: string; image: string }) => [c.name, c.image]), [["main", "nginx:1.28"]]);
    // strategicpatch's mergeSortedSlice: an item the server did not have comes before server-only ones.
    assert.deepEqual(containers[0].env, [{ name: "B", value: "2" }, { name: "A", value: "1" }]);
    const unsupported = await t.send("PATCH", `${NS}/configmaps/p`, { body: "{}", contentType: "text/plain" });
    assert.deepEqual(unsupported.body, fixture("patch-unsupported-type").response.body);
  });

  test("server-side apply creates (201), then updates (200), and needs a fieldManager", async () => {
    const body = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "applied" }, data: { k: "v" } });
    const created = await t.send("PATCH", `${NS}/configmaps/applied?fieldManager=podfn`, { body, contentType: "application/apply-patch+yaml" });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.metadata.managedFields.map((m: { manager: string; operation: string }) => [m.manager, m.operation]), [["podfn", "Apply"]]);
    const updated = await t.send("PATCH", `${NS}/configmaps/applied?fieldManager=podfn`, { body: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: w\n", contentType: "application/apply-patch+yaml" });
    assert.equal(updated.status, 200);
    assert.deepEqual(updated.body.data, { k: "w" });
    const missing = await t.send("PATCH", `${NS}/configmaps/applied`, { body, contentType: "application/apply-patch+yaml" });
    assert.deepEqual(missing.body, fixture("apply-without-fieldmanager").response.body);
  });

  test("dryRun=All answers as if written and persists nothing", async () => {
    const before = await rv();
    const created = await t.send("POST", `${NS}/configmaps?dryRun=All`, { body: cm("preview") });
    assert.equal(created.status, 201);
    assert.equal(created.body.metadata.resourceVersion, undefined);
    assert.equal((await t.send("GET", `${NS}/configmaps/preview`)).status, 404);
    await t.send("POST", `${NS}/configmaps`, { body: cm("kept") });
    const afterCreate = await rv();
    const patched = await t.send("PATCH", `${NS}/configmaps/kept?dryRun=All`, { body: { data: { k: "changed" } }, contentType: "application/merge-patch+json" });
    assert.equal(patched.body.data.k, "changed");
    const deleted = await t.send("DELETE", `${NS}/configmaps/kept?dryRun=All`);
    assert.equal(deleted.status, 200);
    const invalid = await t.send("POST", `${NS}/configmaps?dryRun=All`, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: {} } });
    assert.equal(invalid.status, 422, "dry runs validate");
    // Any dryRun value but All is refused in the verb's options, the whole list printed as Go does.
    const odd = await t.send("POST", `${NS}/configmaps?dryRun=Foo`, { body: cm("odd") });
    assert.equal(odd.status, 422);
    assert.equal(odd.body.message, 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Foo"}: supported values: "All"');
    const both = await t.send("DELETE", `${NS}/configmaps/kept?dryRun=All&dryRun=Foo`);
    assert.equal(both.body.message, 'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"All", "Foo"}: supported values: "All"');
    assert.equal(await rv(), afterCreate);
    assert.equal((await t.send("GET", `${NS}/configmaps/kept`)).body.data.k, "v");
    assert.notEqual(before, afterCreate);
  });

  test("a DELETE with a body is read from the body alone, as the real handler reads it: its query's dryRun is not", async () => {
    await t.send("POST", `${NS}/configmaps`, { body: cm("body-dry") });
    const dry = await t.send("DELETE", `${NS}/configmaps/body-dry?dryRun=Foo`, { body: { apiVersion: "v1", kind: "DeleteOptions", dryRun: ["All"] } });
    assert.equal(dry.status, 200, "the query is not read: its odd dryRun neither");
    assert.equal((await t.send("GET", `${NS}/configmaps/body-dry`)).status, 200, "a dry run in the body");
    const odd = await t.send("DELETE", `${NS}/configmaps/body-dry`, { body: { apiVersion: "v1", kind: "DeleteOptions", dryRun: ["Nope"], propagationPolicy: "Sideways" } });
    assert.equal(odd.status, 422);
    assert.equal(odd.body.message, 'DeleteOptions.meta.k8s.io "" is invalid: [propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil", dryRun: Unsupported value: []string{"Nope"}: supported values: "All"]');
    // A body without dryRun is a real delete, whatever the query says.
    const real = await t.send("DELETE", `${NS}/configmaps/body-dry?dryRun=All`, { body: { apiVersion: "v1", kind: "DeleteOptions" } });
    assert.equal(real.status, 200);
    assert.equal((await t.send("GET", `${NS}/configmaps/body-dry`)).status, 404);
  });

  test("an unknown propagationPolicy in the query is ValidateDeleteOptions' 422, its supported values ending with \"nil\"", async () => {
    await t.send("POST", `${NS}/configmaps`, { body: cm("odd-policy") });
    const odd = await t.send("DELETE", `${NS}/configmaps/odd-policy?propagationPolicy=Foo`);
    assert.equal(odd.status, 422);
    const detail = 'Unsupported value: "Foo": supported values: "Foreground", "Background", "Orphan", "nil"';
    assert.equal(odd.body.message, `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: ${detail}`);
    assert.deepEqual(odd.body.details.causes, [{ reason: "FieldValueNotSupported", message: detail, field: "propagationPolicy" }]);
    assert.equal((await t.send("GET", `${NS}/configmaps/odd-policy`)).status, 200);
  });

  test("delete preconditions are answered as rest.BeforeDelete words them: the Kind, not the resource", async () => {
    const created = await t.send("POST", `${NS}/configmaps`, { body: cm("pre") });
    const { uid, resourceVersion } = created.body.metadata;
    const res = await t.send("DELETE", `${NS}/configmaps/pre`, { body: { apiVersion: "v1", kind: "DeleteOptions", preconditions: { uid: "nope" } } });
    assert.equal(res.status, 409);
    assert.deepEqual(res.body, {
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
      message: `Operation cannot be fulfilled on ConfigMap "pre": the UID in the precondition (nope) does not match the UID in record (${uid}). The object might have been deleted and then recreated`,
      reason: "Conflict", details: { name: "pre", kind: "ConfigMap" }, code: 409,
    });
    const stale = await t.send("DELETE", `${NS}/configmaps/pre`, { body: { preconditions: { resourceVersion: "1" } } });
    assert.equal(stale.body.message, `Operation cannot be fulfilled on ConfigMap "pre": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (${resourceVersion}). The object might have been modified`);
    await t.send("POST", "/apis/apps/v1/namespaces/wr/deployments", { body: fixture("create-deployment-defaults").request.body });
    const deployment = await t.send("DELETE", "/apis/apps/v1/namespaces/wr/deployments/web", { body: { preconditions: { uid: "nope" } } });
    assert.match(deployment.body.message, /^Operation cannot be fulfilled on Deployment\.apps "web": the UID in the precondition \(nope\)/);
    assert.deepEqual({ ...deployment.body.details }, { name: "web", group: "apps", kind: "Deployment" });
  });

  test("DELETE with orphanDependents=false of an object a finalizer holds answers 202 (handlers/delete.go); deleted at once, 200", async () => {
    await t.send("POST", `${NS}/configmaps`, { body: cm("cascade", { finalizers: ["example.com/hold"] }) });
    const held = await t.send("DELETE", `${NS}/configmaps/cascade`, { body: { orphanDependents: false } });
    assert.equal(held.status, 202);
    assert.ok(held.body.metadata.deletionTimestamp);
    await t.send("POST", `${NS}/configmaps`, { body: cm("cascade-free") });
    assert.equal((await t.send("DELETE", `${NS}/configmaps/cascade-free?orphanDependents=false`)).status, 200);
    await t.send("PATCH", `${NS}/configmaps/cascade`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
  });

  test("finalizers hold a deleted object until they are removed", async () => {
    await t.send("POST", `${NS}/configmaps`, { body: cm("held", { finalizers: ["example.com/hold"] }) });
    const deleting = await t.send("DELETE", `${NS}/configmaps/held`);
    assert.equal(deleting.status, 200);
    assert.equal(deleting.body.kind, "ConfigMap");
    assert.ok(deleting.body.metadata.deletionTimestamp);
    assert.equal((await t.send("GET", `${NS}/configmaps/held`)).status, 200);
    // Its name stays taken: the store's AlreadyExists says why (registry/generic/registry/store.go).
    for (const query of ["", "?dryRun=All"]) {
      const again = await t.send("POST", `${NS}/configmaps${query}`, { body: cm("held") });
      assert.equal(again.status, 409);
      assert.deepEqual(again.body, {
        kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
        message: 'object is being deleted: configmaps "held" already exists',
        reason: "AlreadyExists", details: { name: "held", kind: "configmaps" }, code: 409,
      });
    }
    const released = await t.send("PATCH", `${NS}/configmaps/held`, { body: { metadata: { finalizers: null } }, contentType: "application/merge-patch+json" });
    assert.equal(released.status, 200);
    assert.equal((await t.send("GET", `${NS}/configmaps/held`)).status, 404);
  });

  test("ownerReferences: background deletes dependents, orphan keeps them without the reference", async () => {
    const owner = (await t.send("POST", `${NS}/configmaps`, { body: cm("owner") })).body;
    const ref = { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata.uid };
    await t.send("POST", `${NS}/configmaps`, { body: cm("child", { ownerReferences: [ref] }) });
    const status = await t.send("DELETE", `${NS}/configmaps/owner`, { body: { propagationPolicy: "Background" } });
    assert.deepEqual(status.body, { ...fixture("delete-configmap").response.body, details: { name: "owner", kind: "configmaps", uid: owner.metadata.uid } });
    assert.equal((await t.send("GET", `${NS}/configmaps/child`)).status, 404);

    const owner2 = (await t.send("POST", `${NS}/configmaps`, { body: cm("owner2") })).body;
    await t.send("POST", `${NS}/configmaps`, { body: cm("child2", { ownerReferences: [{ ...ref, name: "owner2", uid: owner2.metadata.uid }] }) });
    const orphaning = await t.send("DELETE", `${NS}/configmaps/owner2`, { body: { propagationPolicy: "Orphan" } });
    assert.deepEqual(orphaning.body.metadata.finalizers, ["orphan"]);
    assert.equal((await t.send("GET", `${NS}/configmaps/owner2`)).status, 404);
    const child2 = await t.send("GET", `${NS}/configmaps/child2`);
    assert.equal(child2.status, 200);
    assert.equal(child2.body.metadata.ownerReferences, undefined);
  });

  test("a deleted namespace takes its objects with it", async () => {
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "doomed" } } });
    await t.send("POST", "/api/v1/namespaces/doomed/configmaps", { body: cm("x") });
    const res = await t.send("DELETE", "/api/v1/namespaces/doomed");
    assert.equal(res.status, 200);
    assert.equal(res.body.status.phase, "Terminating");
    assert.equal((await t.send("GET", "/api/v1/namespaces/doomed")).status, 404);
    const created = await t.send("POST", "/api/v1/namespaces/doomed/configmaps", { body: cm("y") });
    assert.equal(created.status, 404);
    assert.deepEqual(created.body, { ...fixture("create-in-missing-namespace").response.body, message: 'namespaces "doomed" not found', details: { name: "doomed", kind: "namespaces" } });
  });
});
