/**
 * Lists etcd reads at a revision answer the state at that version, as etcd3's GetList: the
 * pages of one paginated list are one consistent snapshot (an object created after the first
 * page is not on the next, one deleted or changed meanwhile is, as it was), and so is an
 * `Exact` list or a `limit` with a resourceVersion (the legacy exact case). A version older
 * than the event window is a compacted revision: 410 with etcd3's messages.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const CMS = "/api/v1/namespaces/snap/configmaps";
const cm = (name: string, n = "0") => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { n } });
type Item = { metadata: { name: string }; data: { n: string } };
/** The test's ConfigMaps as `name=n`: the namespace's `kube-root-ca.crt`, which the root CA publisher puts back when a delete takes it, is left out (it sorts last). */
const shown = (body: { items: Item[] }) => body.items.filter((i) => i.metadata.name !== "kube-root-ca.crt").map((i) => `${i.metadata.name}=${i.data.n}`);
const MERGE = "application/merge-patch+json";

describe("lists at a resourceVersion", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster({ eventWindow: 50 });
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "snap" } } });
  });
  after(() => t.close());

  /** A fresh set of ConfigMaps a..e, none other in the namespace but its `kube-root-ca.crt`. */
  async function fiveConfigMaps(): Promise<void> {
    await t.send("DELETE", CMS);
    for (const name of ["a", "b", "c", "d", "e"]) assert.equal((await t.send("POST", CMS, { body: cm(name) })).status, 201);
  }

  test("the pages of one list are one snapshot: writes after the first page are not seen", async () => {
    await fiveConfigMaps();
    const p1 = await t.send("GET", `${CMS}?limit=2`);
    assert.deepEqual(shown(p1.body), ["a=0", "b=0"]);
    const rv = p1.body.metadata.resourceVersion;
    assert.equal((await t.send("POST", CMS, { body: cm("bb") })).status, 201);
    assert.equal((await t.send("PATCH", `${CMS}/c`, { body: { data: { n: "1" } }, contentType: MERGE })).status, 200);
    assert.equal((await t.send("DELETE", `${CMS}/d`)).status, 200);
    const p2 = await t.send("GET", `${CMS}?limit=2&continue=${p1.body.metadata.continue}`);
    assert.equal(p2.status, 200);
    assert.deepEqual(shown(p2.body), ["c=0", "d=0"], "c as it was, d still there, bb not yet");
    assert.equal(p2.body.metadata.resourceVersion, rv);
    assert.equal(p2.body.metadata.remainingItemCount, 2, "e and kube-root-ca.crt");
    const p3 = await t.send("GET", `${CMS}?limit=2&continue=${p2.body.metadata.continue}`);
    assert.deepEqual(shown(p3.body), ["e=0"]);
    assert.equal(p3.body.metadata.continue, undefined);
    // A new list sees the writes.
    assert.deepEqual(shown((await t.send("GET", CMS)).body), ["a=0", "b=0", "bb=0", "c=1", "e=0"]);
  });

  test("resourceVersionMatch=Exact answers the state then, with that resourceVersion", async () => {
    await fiveConfigMaps();
    const rv = (await t.send("GET", CMS)).body.metadata.resourceVersion as string;
    await t.send("POST", CMS, { body: cm("later") });
    await t.send("DELETE", `${CMS}/a`);
    await t.send("PUT", `${CMS}/b`, { body: cm("b", "2") });
    const exact = await t.send("GET", `${CMS}?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    assert.equal(exact.status, 200);
    assert.deepEqual(shown(exact.body), ["a=0", "b=0", "c=0", "d=0", "e=0"]);
    assert.equal(exact.body.metadata.resourceVersion, rv);
    // The same version paged: a limit with a resourceVersion reads there too (the legacy exact case).
    const legacy = await t.send("GET", `${CMS}?resourceVersion=${rv}&limit=3`);
    assert.deepEqual(shown(legacy.body), ["a=0", "b=0", "c=0"]);
    assert.equal(legacy.body.metadata.resourceVersion, rv);
    const rest = await t.send("GET", `${CMS}?limit=3&continue=${legacy.body.metadata.continue}`);
    assert.deepEqual(shown(rest.body), ["d=0", "e=0"]);
    // Without a limit or a match, a resourceVersion is "not older than": the watch cache's current state.
    const notOlder = await t.send("GET", `${CMS}?resourceVersion=${rv}`);
    assert.deepEqual(shown(notOlder.body), ["b=2", "c=0", "d=0", "e=0", "later=0"]);
    assert.notEqual(notOlder.body.metadata.resourceVersion, rv);
  });

  test("a label selector is applied to the state then, not now", async () => {
    await fiveConfigMaps();
    await t.send("PATCH", `${CMS}/c`, { body: { metadata: { labels: { keep: "yes" } } }, contentType: MERGE });
    const rv = (await t.send("GET", CMS)).body.metadata.resourceVersion as string;
    await t.send("PATCH", `${CMS}/c`, { body: { metadata: { labels: { keep: "no" } } }, contentType: MERGE });
    await t.send("PATCH", `${CMS}/d`, { body: { metadata: { labels: { keep: "yes" } } }, contentType: MERGE });
    const then = await t.send("GET", `${CMS}?labelSelector=keep%3Dyes&resourceVersion=${rv}&resourceVersionMatch=Exact`);
    assert.deepEqual(shown(then.body), ["c=0"]);
    const now = await t.send("GET", `${CMS}?labelSelector=keep%3Dyes`);
    assert.deepEqual(shown(now.body), ["d=0"]);
  });

  test("a version older than the event window is compacted: 410 with etcd3's message", async () => {
    await fiveConfigMaps();
    const rv = (await t.send("GET", CMS)).body.metadata.resourceVersion as string;
    for (let i = 0; i < 60; i++) await t.send("PATCH", `${CMS}/e`, { body: { data: { n: String(i) } }, contentType: MERGE });
    const gone = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "The resourceVersion for the provided list is too old.", reason: "Expired", code: 410 };
    assert.deepEqual((await t.send("GET", `${CMS}?resourceVersion=${rv}&resourceVersionMatch=Exact`)).body, gone);
    assert.deepEqual((await t.send("GET", `${CMS}?resourceVersion=${rv}&limit=2`)).body, gone);
    // resourceVersion=0 and "not older than" lists are the cache's: never too old.
    assert.equal((await t.send("GET", `${CMS}?resourceVersion=${rv}`)).status, 200);
    assert.equal((await t.send("GET", `${CMS}?resourceVersion=0&limit=2`)).status, 200);
  });

  test("a continue token naming a version the server has not reached is etcd's future-revision error", async () => {
    const current = Number((await t.send("GET", CMS)).body.metadata.resourceVersion);
    const token = Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: current + 100, start: "a\u0000" })).toString("base64url");
    const answer = await t.send("GET", `${CMS}?limit=2&continue=${token}`);
    assert.equal(answer.status, 500);
    assert.equal(answer.body.message, "etcdserver: mvcc: required revision is a future revision");
  });
});
