/**
 * Events are one resource in two versions: an Event written through events.k8s.io/v1 reads
 * back through core/v1 (and the other way round) with the apiserver's field conversion, field
 * selectors use each version's labels, watches of one version see writes through the other,
 * and RBAC is checked per group.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Agent } from "undici";
import { fixture, testCluster, watch, type TestCluster } from "./helpers.js";

const CORE = "/api/v1/namespaces/ev/events";
const V1 = "/apis/events.k8s.io/v1/namespaces/ev/events";

const v1Event = (name: string, podName: string) => ({
  apiVersion: "events.k8s.io/v1",
  kind: "Event",
  metadata: { name },
  eventTime: "2026-01-02T03:04:05.123456Z",
  reportingController: "podfn.dev/cleanup",
  reportingInstance: "cleanup-1",
  action: "Delete",
  reason: "Deleted",
  regarding: { apiVersion: "v1", kind: "Pod", name: podName, namespace: "ev" },
  note: "deleted by cleanup",
  type: "Normal",
});

const coreEvent = (name: string, jobName: string) => ({
  apiVersion: "v1",
  kind: "Event",
  metadata: { name },
  involvedObject: { apiVersion: "batch/v1", kind: "Job", name: jobName, namespace: "ev" },
  reason: "Started",
  message: "job started",
  type: "Warning",
  source: { component: "podfn", host: "node-1" },
  firstTimestamp: "2026-01-02T03:04:05Z",
  lastTimestamp: "2026-01-02T03:05:05Z",
  count: 3,
});

const names = (body: any): string[] => body.items.map((i: any) => i.metadata.name);

describe("events: core/v1 and events.k8s.io/v1 share one storage", () => {
  let t: TestCluster;
  let agent: Agent;
  before(async () => {
    t = await testCluster();
    agent = new Agent({ connect: { ca: t.cluster.caPem } });
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "ev" } } });
    assert.equal((await t.send("POST", V1, { body: v1Event("from-v1", "web-1") })).status, 201);
    assert.equal((await t.send("POST", CORE, { body: coreEvent("from-core", "nightly") })).status, 201);
  });
  after(async () => {
    await agent.close();
    await t.close();
  });

  test("a core Event is answered in the recorded layout", async () => {
    const f = fixture("create-event-core");
    const recorded = f.request.body as Record<string, any>;
    // The event's namespace must be its object's (legacyValidateEvent): both are "ev" here.
    const body = { ...recorded, metadata: { name: "layout" }, involvedObject: { ...recorded.involvedObject, name: "layout", namespace: "ev" } };
    const res = await t.send("POST", "/api/v1/namespaces/ev/events", { body });
    assert.equal(res.status, 201);
    assert.deepEqual(Object.keys(res.body), Object.keys(f.response.body));
    const { metadata: _m, ...rest } = res.body;
    const { metadata: _f, ...expected } = f.response.body;
    assert.deepEqual(rest, { ...expected, involvedObject: { ...expected.involvedObject, name: "layout", namespace: "ev" } });
  });

  test("an events.k8s.io/v1 Event reads through core/v1 with the core fields", async () => {
    const res = await t.send("GET", `${CORE}/from-v1`);
    assert.equal(res.status, 200);
    const { metadata, ...rest } = res.body;
    assert.equal(metadata.name, "from-v1");
    assert.deepEqual(rest, {
      kind: "Event",
      apiVersion: "v1",
      involvedObject: { apiVersion: "v1", kind: "Pod", name: "web-1", namespace: "ev" },
      reason: "Deleted",
      message: "deleted by cleanup",
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      type: "Normal",
      eventTime: "2026-01-02T03:04:05.123456Z",
      action: "Delete",
      reportingComponent: "podfn.dev/cleanup",
      reportingInstance: "cleanup-1",
    });
    assert.equal(metadata.managedFields[0].apiVersion, "events.k8s.io/v1");
  });

  test("a core/v1 Event reads through events.k8s.io/v1 with the deprecated fields", async () => {
    const res = await t.send("GET", `${V1}/from-core`);
    assert.equal(res.status, 200);
    const { metadata: _m, ...rest } = res.body;
    assert.deepEqual(rest, {
      kind: "Event",
      apiVersion: "events.k8s.io/v1",
      eventTime: null,
      reason: "Started",
      regarding: { apiVersion: "batch/v1", kind: "Job", name: "nightly", namespace: "ev" },
      note: "job started",
      type: "Warning",
      deprecatedSource: { component: "podfn", host: "node-1" },
      deprecatedFirstTimestamp: "2026-01-02T03:04:05Z",
      deprecatedLastTimestamp: "2026-01-02T03:05:05Z",
      deprecatedCount: 3,
    });
    const list = await t.send("GET", V1);
    assert.equal(list.body.kind, "EventList");
    assert.deepEqual(names(list.body).filter((n) => n.startsWith("from-")), ["from-core", "from-v1"]);
  });

  test("field selectors use each version's labels", async () => {
    const core = async (sel: string) => names((await t.send("GET", `${CORE}?fieldSelector=${encodeURIComponent(sel)}`)).body);
    const v1 = async (sel: string) => t.send("GET", `${V1}?fieldSelector=${encodeURIComponent(sel)}`);
    assert.deepEqual(await core("involvedObject.kind=Pod"), ["from-v1"]);
    assert.deepEqual(await core("reportingComponent=podfn.dev/cleanup,reason=Deleted"), ["from-v1"]);
    assert.deepEqual(await core("source=podfn,type=Warning"), ["from-core"]);
    assert.deepEqual(names((await v1("regarding.name=nightly,regarding.namespace=ev")).body), ["from-core"]);
    assert.deepEqual(names((await v1("reportingController=podfn.dev/cleanup")).body), ["from-v1"]);
    assert.deepEqual(names((await v1("source=podfn,type=Warning")).body), ["from-core"]);
    // ToSelectableFields: `source` is the source's component, else the reporting controller, in either version.
    assert.deepEqual(await core("source=podfn.dev/cleanup"), ["from-v1"]);
    assert.deepEqual(names((await v1("source=podfn.dev/cleanup")).body), ["from-v1"]);
    assert.deepEqual(await core("source="), []);
    const bad = await v1("involvedObject.kind=Pod");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, "field label not supported: involvedObject.kind");
  });

  test("watches of one version see writes through the other, converted", async () => {
    const rv = (await t.send("GET", CORE)).body.metadata.resourceVersion;
    const v1Watch = await watch(t, agent, `${V1}?watch=1&resourceVersion=${rv}`);
    const coreWatch = await watch(t, agent, `${CORE}?watch=1&resourceVersion=${rv}`);
    try {
      await t.send("POST", CORE, { body: coreEvent("watched-core", "w") });
      await t.send("POST", V1, { body: v1Event("watched-v1", "w") });
      await t.send("DELETE", `${V1}/watched-core`);
      const seenByV1 = await v1Watch.next(3);
      assert.deepEqual(seenByV1.map((e) => [e.type, e.object.apiVersion, e.object.metadata.name]), [
        ["ADDED", "events.k8s.io/v1", "watched-core"], ["ADDED", "events.k8s.io/v1", "watched-v1"], ["DELETED", "events.k8s.io/v1", "watched-core"],
      ]);
      assert.equal(seenByV1[0].object.note, "job started");
      const seenByCore = await coreWatch.next(3);
      assert.deepEqual(seenByCore.map((e) => [e.type, e.object.apiVersion, e.object.metadata.name]), [
        ["ADDED", "v1", "watched-core"], ["ADDED", "v1", "watched-v1"], ["DELETED", "v1", "watched-core"],
      ]);
      assert.equal(seenByCore[1].object.message, "deleted by cleanup");
      assert.equal((await t.send("GET", `${CORE}/watched-core`)).status, 404);
    } finally {
      v1Watch.close();
      coreWatch.close();
    }
  });

  test("RBAC is checked per group", async () => {
    const sa = await t.cluster.serviceAccount("ev", "reader");
    await t.send("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/ev/roles", {
      body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "core-events" }, rules: [{ apiGroups: [""], resources: ["events"], verbs: ["list"] }] },
    });
    await t.send("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/ev/rolebindings", {
      body: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "reader" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "core-events" }, subjects: [{ kind: "ServiceAccount", name: "reader", namespace: "ev" }] },
    });
    assert.equal((await t.send("GET", CORE, { token: sa.token })).status, 200);
    const denied = await t.send("GET", V1, { token: sa.token });
    assert.equal(denied.status, 403);
    assert.match(denied.body.message, /cannot list resource "events" in API group "events.k8s.io" in the namespace "ev"/);
  });
});
