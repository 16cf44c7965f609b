/**
 * When a watch that allows bookmarks gets them, with the default frequency (a minute, as 1.32's
 * cacher): a first BOOKMARK within about a second (a new cacheWatcher is scheduled at once), then
 * one 2 s before the watch's deadline (nextBookmarkTime), sent only when the version moved past
 * the watch's start. A short watch (`timeoutSeconds=5`) got none: they came every fixed 5 s.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Agent } from "undici";
import { clusterWithNamespaces, watch, type TestCluster } from "./helpers.js";

const CMS = "/api/v1/namespaces/wbs/configmaps";
const currentVersion = async (t: TestCluster) => (await t.send("GET", CMS)).body.metadata.resourceVersion as string;

describe("watch bookmark schedule", () => {
  let t: TestCluster;
  let agent: Agent;
  before(async () => {
    t = await clusterWithNamespaces("wbs");
    agent = new Agent({ connect: { ca: t.cluster.caPem } });
  });
  after(async () => {
    await agent.close();
    await t.close();
  });

  test("a first bookmark at the start's version, one 2 s before the deadline at the newer one, then the end", async () => {
    const rv = await currentVersion(t);
    const started = Date.now();
    const s = await watch(t, agent, `${CMS}?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=4`);
    // The first event, before anything changed: the first bookmark (within about a second).
    const [first] = await s.next(1);
    assert.equal(first.type, "BOOKMARK");
    assert.equal(first.object.metadata.resourceVersion, rv);
    const created = await t.send("POST", CMS, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "moved" } } });
    const [added, beforeDeadline] = await s.next(2);
    const bookmarkAt = Date.now() - started;
    assert.equal(added.type, "ADDED");
    assert.equal(beforeDeadline.type, "BOOKMARK");
    assert.equal(beforeDeadline.object.metadata.resourceVersion, created.body.metadata.resourceVersion);
    assert.ok(bookmarkAt >= 1900, `the second bookmark waits for 2 s before the deadline (${bookmarkAt} ms)`);
    assert.deepEqual(await s.rest(), []);
    assert.ok(Date.now() - started >= 3900, "the stream ends at its timeout");
  });

  test("with no newer version, nothing before the deadline: the first bookmark only", async () => {
    const rv = await currentVersion(t);
    const s = await watch(t, agent, `${CMS}?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=4`);
    const events = await s.rest();
    assert.deepEqual(events.map((e) => [e.type, e.object.metadata.resourceVersion]), [["BOOKMARK", rv]]);
  });
});
