/**
 * Watch streams: the recorded stream shape, events after a resourceVersion, synthetic ADDED from
 * "0", label selectors (an object leaving the selection is DELETED), bookmarks, the server-side
 * timeout, and 410 Expired for a resourceVersion older than the event window.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Agent } from "undici";
import { fixture, pod, testCluster, watch, type TestCluster } from "./helpers.js";

const cm = (name: string, data: Record<string, string>, labels: Record<string, string> = {}) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, labels }, data });

describe("watch", () => {
  let t: TestCluster;
  let agent: Agent;
  before(async () => {
    t = await testCluster({ eventWindow: 20, bookmarkIntervalMs: 50 });
    agent = new Agent({ connect: { ca: t.cluster.caPem } });
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "w" } } });
  });
  after(async () => {
    await agent.close();
    await t.close();
  });

  test("from a resourceVersion: ADDED, MODIFIED, DELETED as the recorded stream", async () => {
    const list = await t.send("GET", "/api/v1/namespaces/w/configmaps");
    const s = await watch(t, agent, `/api/v1/namespaces/w/configmaps?watch=1&resourceVersion=${list.body.metadata.resourceVersion}&timeoutSeconds=5`);
    assert.equal(s.status, 200);
    assert.equal(s.contentType, fixture("watch-configmaps").response.contentType);
    await t.send("POST", "/api/v1/namespaces/w/configmaps", { body: cm("watched", { k: "v" }) });
    await t.send("PATCH", "/api/v1/namespaces/w/configmaps/watched", { body: { data: { k: "w" } }, contentType: "application/merge-patch+json" });
    await t.send("DELETE", "/api/v1/namespaces/w/configmaps/watched");
    const events = await s.next(3);
    s.close();
    const recorded = fixture("watch-configmaps").response.body as { type: string; object: any }[];
    assert.deepEqual(events.map((e) => e.type), recorded.map((e) => e.type));
    assert.deepEqual(events.map((e) => e.object.data), recorded.map((e) => e.object.data));
    assert.deepEqual(Object.keys(events[0].object), Object.keys(recorded[0]!.object));
    // A ConfigMap is not deleted gracefully: its DELETED object carries no deletion marks.
    const marks = (o: { metadata: Record<string, unknown> }) => [o.metadata.deletionTimestamp, o.metadata.deletionGracePeriodSeconds];
    assert.deepEqual(events.map((e) => marks(e.object)), recorded.map((e) => marks(e.object)));
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    assert.ok(rvs[0]! < rvs[1]! && rvs[1]! < rvs[2]!, "each change has a newer resourceVersion");
  });

  test("from 0: the current objects first, as ADDED", async () => {
    await t.send("POST", "/api/v1/namespaces/w/pods", { body: pod("worker-0") });
    await t.send("POST", "/api/v1/namespaces/w/pods", { body: pod("worker-1") });
    const s = await watch(t, agent, "/api/v1/namespaces/w/pods?watch=1&resourceVersion=0&timeoutSeconds=5");
    const events = await s.next(2);
    s.close();
    assert.deepEqual(events.map((e) => [e.type, e.object.metadata.name]), [["ADDED", "worker-0"], ["ADDED", "worker-1"]]);
    assert.equal(events[0].object.kind, "Pod");
    assert.equal(events[0].object.status.phase, "Pending");
  });

  test("a label selector applies: leaving the selection is DELETED (as it last matched, at the change's version), entering it ADDED", async () => {
    const rv = (await t.send("GET", "/api/v1/namespaces/w/configmaps")).body.metadata.resourceVersion;
    const s = await watch(t, agent, `/api/v1/namespaces/w/configmaps?watch=1&resourceVersion=${rv}&labelSelector=team%3Dblue`);
    await t.send("POST", "/api/v1/namespaces/w/configmaps", { body: cm("red", { a: "1" }, { team: "red" }) });
    await t.send("POST", "/api/v1/namespaces/w/configmaps", { body: cm("blue", { a: "1" }, { team: "blue" }) });
    await t.send("PATCH", "/api/v1/namespaces/w/configmaps/blue", { body: { metadata: { labels: { team: "green" } } }, contentType: "application/merge-patch+json" });
    await t.send("PATCH", "/api/v1/namespaces/w/configmaps/red", { body: { metadata: { labels: { team: "blue" } } }, contentType: "application/merge-patch+json" });
    const events = await s.next(3);
    s.close();
    assert.deepEqual(events.map((e) => [e.type, e.object.metadata.name]), [["ADDED", "blue"], ["DELETED", "blue"], ["ADDED", "red"]]);
    // The cacher's convertToWatchEvent: the previous object (the one that matched), the new version.
    const now = (await t.send("GET", "/api/v1/namespaces/w/configmaps/blue")).body;
    assert.deepEqual(events[1].object.metadata.labels, { team: "blue" });
    assert.equal(events[1].object.metadata.resourceVersion, now.metadata.resourceVersion);
  });

  test("allowWatchBookmarks sends BOOKMARKs with the current resourceVersion once it passed the start's", async () => {
    const rv = (await t.send("GET", "/api/v1/namespaces/w/configmaps")).body.metadata.resourceVersion;
    const s = await watch(t, agent, `/api/v1/namespaces/w/configmaps?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true`);
    const created = await t.send("POST", "/api/v1/namespaces/w/configmaps", { body: cm("bookmarked", { a: "1" }) });
    const [added, bookmark] = await s.next(2);
    s.close();
    assert.equal(added.type, "ADDED");
    assert.equal(bookmark.type, "BOOKMARK");
    assert.deepEqual(bookmark.object, { kind: "ConfigMap", apiVersion: "v1", metadata: { resourceVersion: created.body.metadata.resourceVersion, creationTimestamp: null } });
  });

  test("timeoutSeconds ends the stream cleanly", async () => {
    const rv = (await t.send("GET", "/api/v1/namespaces/w/configmaps")).body.metadata.resourceVersion;
    const s = await watch(t, agent, `/api/v1/namespaces/w/secrets?watch=1&resourceVersion=${rv}&timeoutSeconds=1`);
    assert.deepEqual(await s.rest(), []);
  });

  test("a negative timeoutSeconds is a timeout already past: the stream ends at once", { timeout: 10_000 }, async () => {
    const rv = (await t.send("GET", "/api/v1/namespaces/w/configmaps")).body.metadata.resourceVersion;
    const s = await watch(t, agent, `/api/v1/namespaces/w/secrets?watch=1&resourceVersion=${rv}&timeoutSeconds=-1`);
    assert.equal(s.status, 200);
    assert.deepEqual(await s.rest(), []);
  });

  test("a resourceVersion older than the event window gets an ERROR event with 410 Expired", async () => {
    const old = (await t.send("GET", "/api/v1/namespaces/w/configmaps")).body.metadata.resourceVersion;
    for (let i = 0; i < 25; i++) await t.send("POST", "/api/v1/namespaces/w/configmaps", { body: cm(`filler-${i}`, { i: String(i) }) });
    const s = await watch(t, agent, `/api/v1/namespaces/w/configmaps?watch=1&resourceVersion=${old}`);
    assert.equal(s.status, 200);
    const events = await s.rest();
    assert.equal(events.length, 1);
    assert.equal(events[0].type, "ERROR");
    const status = events[0].object;
    assert.deepEqual({ ...status, message: undefined }, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: undefined, reason: "Expired", code: 410 });
    assert.match(status.message, new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`));
  });
});
