/**
 * Watch semantics beyond the basic stream, as 1.32's cacher: watch lists (`sendInitialEvents`,
 * WatchList on by default) with their option rules, a start version the server has not reached
 * (changes up to it are not sent; a watch list waits 3 s, then an ERROR event with 504), and a
 * named watch whose field selector names another object.
 */
// own process: counts the process's timers (a watch list's wait leaves none behind) (scripts/run-tests.js).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Agent, request } from "undici";
import { crd, testCluster, watch, type TestCluster } from "./helpers.js";

const CMS = "/api/v1/namespaces/wl/configmaps";
const cm = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { n: name } });
/** A list blueprint annotation's value: the list's JSON as Go's json.Encoder writes it (a trailing newline), base64. */
const blueprint = (json: string) => Buffer.from(`${json}\n`).toString("base64");
const currentVersion = async (t: TestCluster) => Number((await t.send("GET", CMS)).body.metadata.resourceVersion);

describe("watch lists and start versions", () => {
  let t: TestCluster;
  let agent: Agent;
  before(async () => {
    t = await testCluster({ bookmarkIntervalMs: 50 });
    agent = new Agent({ connect: { ca: t.cluster.caPem } });
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "wl" } } });
    await t.send("POST", CMS, { body: cm("first") });
  });
  after(async () => {
    await agent.close();
    await t.close();
  });

  test("sendInitialEvents=true: the current state, then a BOOKMARK marking its end", async () => {
    const s = await watch(t, agent, `${CMS}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`);
    const [added, rootCa, end] = await s.next(3);
    s.close();
    assert.deepEqual([added.type, added.object.metadata.name], ["ADDED", "first"]);
    assert.deepEqual([rootCa.type, rootCa.object.metadata.name], ["ADDED", "kube-root-ca.crt"], "every namespace holds its kube-root-ca.crt");
    assert.equal(end.type, "BOOKMARK");
    assert.deepEqual(end.object.metadata.annotations, { "k8s.io/initial-events-end": "true", "kubernetes.io/initial-events-list-blueprint": blueprint('{"kind":"ConfigMapList","apiVersion":"v1","metadata":{},"items":null}') });
  });

  test("the end BOOKMARK's list blueprint is an empty list of the watched type and version: a custom resource's is an UnstructuredList", async () => {
    assert.equal((await t.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: crd("gadgets", "Gadget") })).status, 201);
    let end: any;
    // The CRD's storage is served once established: until then its watch is a 404.
    while (!end) {
      const s = await watch(t, agent, "/apis/example.com/v1/namespaces/wl/gadgets?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1");
      end = s.status === 200 ? (await s.rest()).find((e) => e.type === "BOOKMARK") : undefined;
      if (s.status !== 200) s.close();
    }
    assert.equal(end.object.metadata.annotations["kubernetes.io/initial-events-list-blueprint"], blueprint('{"apiVersion":"example.com/v1","items":[],"kind":"GadgetList"}'));
  });

  test("a plain watch=true from resourceVersion \"\" or \"0\" is defaulted to a watch list: with bookmarks, its initial events end with the annotated BOOKMARK", async () => {
    for (const rv of ["", "&resourceVersion=0"]) {
      const s = await watch(t, agent, `${CMS}?watch=1&allowWatchBookmarks=true&timeoutSeconds=1${rv}`);
      const events = await s.rest();
      assert.deepEqual(events.map((e) => e.type), ["ADDED", "ADDED", "BOOKMARK"], rv);
      assert.equal(events[2].object.metadata.annotations["k8s.io/initial-events-end"], "true", rv);
      assert.equal(events[2].object.metadata.resourceVersion, String(await currentVersion(t)), rv);
    }
    // Without bookmarks there is no end to mark; a version ("00" parses to 0 but is not "0") is no watch list.
    const legacy = await watch(t, agent, `${CMS}?watch=1&allowWatchBookmarks=true&resourceVersion=00&timeoutSeconds=1`);
    assert.deepEqual((await legacy.rest()).map((e) => e.type), ["ADDED", "ADDED"]);
  });

  test("a /watch/ path without watch=true is not defaulted, and its options are validated as a list's", async () => {
    const plain = await watch(t, agent, `/api/v1/watch/namespaces/wl/configmaps?allowWatchBookmarks=true&timeoutSeconds=1`);
    assert.deepEqual((await plain.rest()).map((e) => e.type), ["ADDED", "ADDED"]);
    const listRules = await t.send("GET", "/api/v1/watch/namespaces/wl/configmaps?sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=0&timeoutSeconds=1");
    assert.deepEqual([listRules.status, listRules.body.message], [422, 'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list']);
    // A list may name a resourceVersionMatch beside a version; the watch served ignores it.
    const rv = await currentVersion(t);
    const matched = await watch(t, agent, `/api/v1/watch/namespaces/wl/configmaps?resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`);
    assert.equal(matched.status, 200);
    await t.send("POST", CMS, { body: cm("seen-by-path-watch") });
    const [event] = await matched.next(1);
    matched.close();
    assert.deepEqual([event.type, event.object.metadata.name], ["ADDED", "seen-by-path-watch"]);
  });

  test("sendInitialEvents=false: no current state, the changes from now on", async () => {
    for (const rv of ["", "&resourceVersion=0"]) {
      const s = await watch(t, agent, `${CMS}?watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan${rv}`);
      const name = `later${rv ? "-0" : ""}`;
      await t.send("POST", CMS, { body: cm(name) });
      const [event] = await s.next(1);
      s.close();
      assert.deepEqual([event.type, event.object.metadata.name], ["ADDED", name], rv);
    }
  });

  test("watch options are validated as 1.32's validateWatchOptions: 422 ListOptions", async () => {
    const refused = async (query: string) => {
      const answer = await t.send("GET", `${CMS}?watch=1&${query}`);
      assert.equal(answer.status, 422, query);
      return answer.body.message as string;
    };
    assert.equal(await refused("sendInitialEvents=true"), 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan');
    assert.equal(await refused("resourceVersion=1&resourceVersionMatch=NotOlderThan"), 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided');
    assert.equal(
      await refused("sendInitialEvents=true&resourceVersionMatch=Exact&resourceVersion=1"),
      'ListOptions.meta.k8s.io "" is invalid: [resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"]',
    );
  });

  test("from a version not reached yet: only changes after it are sent", async () => {
    const rv = await currentVersion(t);
    const s = await watch(t, agent, `${CMS}?watch=1&resourceVersion=${rv + 2}`);
    for (const name of ["f1", "f2", "f3"]) await t.send("POST", CMS, { body: cm(name) });
    const [event] = await s.next(1);
    s.close();
    assert.deepEqual([event.type, event.object.metadata.name], ["ADDED", "f3"]);
  });

  test("a watch list from a version not reached waits for it: a write in time lets it through", async () => {
    const rv = await currentVersion(t);
    const pending = watch(t, agent, `${CMS}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=${rv + 1}`);
    // Whether the write lands before or while the server holds the request, the stream starts at it.
    await t.send("POST", CMS, { body: cm("awaited") });
    const s = await pending;
    const events: { type: string; object: any }[] = [];
    while (!events.some((e) => e.type === "BOOKMARK")) events.push(...(await s.next(1)));
    s.close();
    assert.ok(events.some((e) => e.type === "ADDED" && e.object.metadata.name === "awaited"));
    assert.equal(events.at(-1)!.object.metadata.resourceVersion, String(rv + 1));
  });

  test("... and none: after 3 s an ERROR event with the cache's 504 Too large resource version", async () => {
    const rv = await currentVersion(t);
    const s = await watch(t, agent, `${CMS}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=${rv + 5}`);
    assert.equal(s.status, 200);
    const events = await s.rest();
    assert.equal(events.length, 1);
    assert.equal(events[0].type, "ERROR");
    assert.deepEqual(events[0].object, {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: `Timeout: Too large resource version: ${rv + 5}, current: ${rv}`,
      reason: "Timeout",
      details: { causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }], retryAfterSeconds: 1 },
      code: 504,
    });
  });

  test("a watch list waiting for a version ends its wait when the client goes: a later write starts no stream for it, nothing is left behind", { timeout: 15_000 }, async () => {
    const rv = await currentVersion(t);
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = timers();
    const controller = new AbortController();
    const path = `${CMS}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=${rv + 1}`;
    const pending = request(`${t.cluster.url}${path}`, { headers: { authorization: `Bearer ${t.cluster.adminToken}` }, signal: controller.signal, dispatcher: agent }).catch(() => undefined);
    // The server holds it (it answers nothing until the version is reached; its 3 s timer runs): then the client goes.
    while (timers() === before) await new Promise((r) => setImmediate(r));
    controller.abort();
    await pending;
    // The version the watch wanted is reached after the client left: no stream may start for it.
    await t.send("POST", CMS, { body: cm("after-leaving") });
    // The request is recorded once the server is done with it (a stream started on the dead
    // connection would never end: this poll would run into the test's timeout).
    while (!t.cluster.requests.some((r) => r.path.includes(`resourceVersion=${rv + 1}`))) await new Promise((r) => setTimeout(r, 10));
    assert.equal(timers(), before, "no wait timer, no stream timer");
  });

  test("a named watch whose field selector names another object is the handler's 400", async () => {
    const answer = await t.send("GET", "/api/v1/watch/namespaces/wl/configmaps/first?fieldSelector=metadata.name%3Dother");
    assert.equal(answer.status, 400);
    assert.equal(answer.body.message, "fieldSelector metadata.name doesn't match requested name");
    const same = await watch(t, agent, "/api/v1/watch/namespaces/wl/configmaps/first?fieldSelector=metadata.name%3Dfirst&timeoutSeconds=1");
    assert.equal(same.status, 200);
    same.close();
  });

  test("a named watch's field selector must pin its name (RequiresExactMatch): one that pins none is the 400 too", async () => {
    for (const selector of ["metadata.namespace%3Dwl", "metadata.name!%3Dother", "metadata.name%3Da,metadata.name%3Dfirst"]) {
      const answer = await t.send("GET", `/api/v1/watch/namespaces/wl/configmaps/first?fieldSelector=${selector}`);
      assert.deepEqual([answer.status, answer.body.message], [400, "fieldSelector metadata.name doesn't match requested name"], selector);
    }
    // The first metadata.name= term in sorted order is the one read; other terms may stand beside it.
    for (const selector of ["metadata.name%3Dfirst,metadata.namespace%3Dwl", "metadata.name!%3Da,metadata.name%3Dfirst", ","]) {
      const s = await watch(t, agent, `/api/v1/watch/namespaces/wl/configmaps/first?fieldSelector=${selector}&timeoutSeconds=1`);
      assert.equal(s.status, 200, selector);
      s.close();
    }
    // ListResource's order: ValidateListOptions' 422 before the field labels' 400, which comes before the name's.
    const invalid = await t.send("GET", "/api/v1/watch/namespaces/wl/configmaps/first?fieldSelector=spec.x%3D1&resourceVersionMatch=NotOlderThan");
    assert.equal(invalid.status, 422);
    const unknown = await t.send("GET", "/api/v1/watch/namespaces/wl/configmaps/first?fieldSelector=spec.x%3D1");
    assert.deepEqual([unknown.status, unknown.body.message], [400, '"spec.x" is not a known field selector: only "metadata.name", "metadata.namespace"']);
  });

  test("a watch from the current version gets no BOOKMARK at it, only at newer ones", async () => {
    const rv = await currentVersion(t);
    const s = await watch(t, agent, `${CMS}?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true`);
    await t.send("POST", CMS, { body: cm("newer") });
    const [added, next] = await s.next(2);
    s.close();
    assert.equal(added.type, "ADDED");
    assert.equal(next.type, "BOOKMARK");
    assert.equal(next.object.metadata.resourceVersion, String(rv + 1));
  });
});
