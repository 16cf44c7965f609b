/**
 * When a watch that allows bookmarks gets them, with the default frequency (a minute, as 1.32's
 * cacher): a plain watch starts as if its bookmark was sent and a watch list's end bookmark comes
 * with its initial events, so the first scheduled one is 2 s before the watch's deadline
 * (nextBookmarkTime), sent only when the version moved past the watch's start. A quiet watch got
 * a BOOKMARK at its own version within a second, and any watch one a second in: neither happens.
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

  test("a quiet watch from the current version gets no bookmark at all", async () => {
    const rv = await currentVersion(t);
    const s = await watch(t, agent, `${CMS}?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=3`);
    assert.deepEqual(await s.rest(), []);
  });

  test("after a change, the first bookmark is the one 2 s before the deadline, for a watch and a watch list alike", async () => {
    const rv = await currentVersion(t);
    const started = Date.now();
    const plain = await watch(t, agent, `${CMS}?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=4`);
    const list = await watch(t, agent, `${CMS}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=4`);
    // The namespace's own objects (its kube-root-ca.crt), then the end bookmark.
    let end = (await list.next(1))[0];
    while (end.type === "ADDED") end = (await list.next(1))[0];
    assert.equal(end.type, "BOOKMARK");
    assert.equal(end.object.metadata.annotations["k8s.io/initial-events-end"], "true");
    const created = await t.send("POST", CMS, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "moved" } } });
    const newer = created.body.metadata.resourceVersion;
    const read = async (s: typeof plain) => {
      const [added, bookmark] = await s.next(2);
      return { added: added.type, bookmark: [bookmark.type, bookmark.object.metadata.resourceVersion], at: Date.now() - started, rest: await s.rest() };
    };
    const [a, b] = await Promise.all([read(plain), read(list)]);
    for (const seen of [a, b]) {
      assert.deepEqual([seen.added, seen.bookmark, seen.rest], ["ADDED", ["BOOKMARK", newer], []]);
      assert.ok(seen.at >= 1900, `the bookmark waits for 2 s before the deadline (${seen.at} ms)`);
    }
    assert.ok(Date.now() - started >= 3900, "the streams end at their timeout");
  });
});
