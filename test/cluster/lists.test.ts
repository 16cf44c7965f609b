/**
 * Lists: pagination with limit/continue (opaque tokens, remainingItemCount, the real 400 for a
 * bad token), label and field selectors with the real parse errors, and all-namespaces lists.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { fixture, pod, testCluster, type TestCluster } from "./helpers.js";

const names = (body: { items: { metadata: { name: string } }[] }) => body.items.map((i) => i.metadata.name);

describe("lists", () => {
  let t: TestCluster;
  before(async () => {
    t = await testCluster();
    for (const ns of ["l1", "l2"]) await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } } });
    for (const [name, labels] of [["a", { app: "web", tier: "front" }], ["b", { app: "web" }], ["c", { app: "db" }], ["d", { app: "cache" }], ["e", {}]] as const) {
      assert.equal((await t.send("POST", "/api/v1/namespaces/l1/pods", { body: pod(name, labels) })).status, 201);
    }
    await t.send("POST", "/api/v1/namespaces/l2/pods", { body: pod("z") });
  });
  after(() => t.close());

  test("three pages of two, with continue tokens and remainingItemCount", async () => {
    const p1 = await t.send("GET", "/api/v1/namespaces/l1/pods?limit=2");
    assert.deepEqual(names(p1.body), ["a", "b"]);
    assert.equal(p1.body.metadata.remainingItemCount, 3);
    assert.equal(typeof p1.body.metadata.continue, "string");
    assert.equal(p1.body.items[0].kind, undefined, "list items carry no kind, as the real server's");
    // As etcd3 encodes it (fixture list-pods-page-1): the last key relative to the namespace's prefix.
    assert.deepEqual(JSON.parse(Buffer.from(p1.body.metadata.continue, "base64url").toString()), { v: "meta.k8s.io/v1", rv: Number(p1.body.metadata.resourceVersion), start: "b\u0000" });
    const all = await t.send("GET", "/api/v1/pods?limit=1");
    assert.match(JSON.parse(Buffer.from(all.body.metadata.continue, "base64url").toString()).start, /^[a-z0-9-]+\/[a-z0-9-]+\u0000$/, "across namespaces: namespace/name");
    const p2 = await t.send("GET", `/api/v1/namespaces/l1/pods?limit=2&continue=${p1.body.metadata.continue}`);
    assert.deepEqual(names(p2.body), ["c", "d"]);
    assert.equal(p2.body.metadata.remainingItemCount, 1);
    assert.equal(p2.body.metadata.resourceVersion, p1.body.metadata.resourceVersion);
    const p3 = await t.send("GET", `/api/v1/namespaces/l1/pods?limit=2&continue=${p2.body.metadata.continue}`);
    assert.deepEqual(names(p3.body), ["e"]);
    assert.equal(p3.body.metadata.continue, undefined);
    assert.equal(p3.body.metadata.remainingItemCount, undefined);
  });

  test("a full filtered page has a continue whenever any key follows it, selected or not, as etcd3 pages", async () => {
    const p1 = await t.send("GET", "/api/v1/namespaces/l1/pods?limit=2&labelSelector=app%3Dweb");
    assert.deepEqual(names(p1.body), ["a", "b"]);
    assert.equal(p1.body.metadata.remainingItemCount, undefined, "a selector's page counts nothing");
    // etcd3's GetList: the last key taken, with c, d and e after it (none of them selected).
    assert.equal(JSON.parse(Buffer.from(p1.body.metadata.continue, "base64url").toString()).start, "b\u0000");
    const p2 = await t.send("GET", `/api/v1/namespaces/l1/pods?limit=2&labelSelector=app%3Dweb&continue=${p1.body.metadata.continue}`);
    assert.equal(p2.status, 200);
    assert.deepEqual(names(p2.body), []);
    assert.equal(p2.body.metadata.continue, undefined);
    assert.equal(p2.body.metadata.resourceVersion, p1.body.metadata.resourceVersion);
    // A page not full read every key: no continue; nor has one that took the last key.
    assert.equal((await t.send("GET", "/api/v1/namespaces/l1/pods?limit=3&labelSelector=app%3Dweb")).body.metadata.continue, undefined);
    const last = await t.send("GET", "/api/v1/namespaces/l1/pods?limit=1&labelSelector=%21app");
    assert.deepEqual([names(last.body), last.body.metadata.continue], [["e"], undefined]);
  });

  test("timeoutSeconds and limit are decoded as int64s: one that does not parse is the codec's 400, timeoutSeconds first", async () => {
    for (const [query, raw, why] of [
      ["timeoutSeconds=abc", "abc", "invalid syntax"], ["limit=1e3", "1e3", "invalid syntax"], ["limit=x&timeoutSeconds=y", "y", "invalid syntax"],
      // An empty value is parsed too (the codec converts the value given, not its absence).
      ["limit=", "", "invalid syntax"], ["timeoutSeconds=", "", "invalid syntax"], ["limit=9223372036854775808", "9223372036854775808", "value out of range"],
    ]) {
      for (const watch of ["", "&watch=1"]) {
        const answer = await t.send("GET", `/api/v1/namespaces/l1/pods?${query}${watch}`);
        assert.equal(answer.status, 400, query + watch);
        assert.equal(answer.body.message, `strconv.ParseInt: parsing "${raw}": ${why}`, query + watch);
      }
    }
    assert.equal((await t.send("GET", "/api/v1/namespaces/l1/pods?limit=-9223372036854775808")).body.items.length, 5, "the smallest int64 is no limit");
    assert.equal((await t.send("GET", "/api/v1/namespaces/l1/pods?limit=%2B2")).body.items.length, 2);
  });

  test("a continue token that is not one is the real 400", async () => {
    const bad = await t.send("GET", "/api/v1/namespaces/l1/pods?limit=2&continue=abc");
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, fixture("list-bad-continue").response.body);
  });

  test("a continue token is read as storage.DecodeContinue reads it: Go's JSON errors and types, its version, its start key", async () => {
    const token = (json: string) => Buffer.from(json).toString("base64url");
    const refused = async (json: string) => {
      const answer = await t.send("GET", `/api/v1/namespaces/l1/pods?limit=2&continue=${token(json)}`);
      assert.equal(answer.status, 400, json);
      return (answer.body.message as string).replace("invalid continue token: continue key is not valid: ", "");
    };
    // A token cut short is Go's end of input; trailing bytes are after the top-level value.
    assert.equal(await refused('{"v":"meta.k8s.io/v1","rv":5'), "unexpected end of JSON input");
    assert.equal(await refused('{"v" x'), "invalid character 'x' after object key");
    assert.equal(await refused("{} x"), "invalid character 'x' after top-level value");
    assert.equal(await refused("tr"), "invalid character ' ' in literal true (expecting 'u')");
    // Values of the wrong type are the decoder's, the first one found.
    assert.equal(await refused('"x"'), "json: cannot unmarshal string into Go value of type storage.continueToken");
    assert.equal(await refused('{"v":1,"rv":"2"}'), "json: cannot unmarshal number into Go struct field continueToken.v of type string");
    assert.equal(await refused('{"v":"meta.k8s.io/v1","rv":1.5,"start":"a"}'), "json: cannot unmarshal number 1.5 into Go struct field continueToken.rv of type int64");
    // null leaves every field empty: no version; an unknown version is named as it is.
    assert.equal(await refused("null"), "server does not recognize this encoded version ");
    assert.equal(await refused('{"v":"meta.k8s.io/v2","rv":1,"start":"a"}'), "server does not recognize this encoded version meta.k8s.io/v2");
    // A start key path.Clean would change is refused, named as given.
    assert.equal(await refused('{"v":"meta.k8s.io/v1","rv":-1,"start":"x/../b"}'), "x/../b");
    assert.equal(await refused('{"v":"meta.k8s.io/v1","rv":-1,"start":"b/"}'), "b/");
    // Keys match whatever their case; the start key is where the page begins, itself included.
    const from = await t.send("GET", `/api/v1/namespaces/l1/pods?limit=2&continue=${token('{"V":"meta.k8s.io/v1","RV":-1,"Start":"/b"}')}`);
    assert.equal(from.status, 200);
    assert.deepEqual(names(from.body), ["b", "c"]);
  });

  test("label selectors: =, !=, in, notin, exists, !key", async () => {
    const q = async (s: string) => names((await t.send("GET", `/api/v1/namespaces/l1/pods?labelSelector=${encodeURIComponent(s)}`)).body);
    assert.deepEqual(await q("app=web"), ["a", "b"]);
    assert.deepEqual(await q("app==web,tier!=front"), ["b"]);
    assert.deepEqual(await q("app in (db,cache)"), ["c", "d"]);
    assert.deepEqual(await q("app notin (web)"), ["c", "d", "e"]);
    assert.deepEqual(await q("tier"), ["a"]);
    assert.deepEqual(await q("!app"), ["e"]);
    const bad = await t.send("GET", "/api/v1/namespaces/l1/pods?labelSelector=app%3D%3Dx%3D");
    assert.deepEqual(bad.body, fixture("list-pods-bad-label-selector").response.body);
  });

  test("field selectors the real server supports, and its 400 for others", async () => {
    const q = async (path: string, s: string) => (await t.send("GET", `${path}?fieldSelector=${encodeURIComponent(s)}`));
    assert.deepEqual(names((await q("/api/v1/namespaces/l1/pods", "metadata.name=c")).body), ["c"]);
    assert.deepEqual(names((await q("/api/v1/namespaces/l1/pods", "status.phase!=Running,metadata.name!=a")).body), ["b", "c", "d", "e"]);
    assert.deepEqual(names((await q("/api/v1/namespaces/l1/pods", "spec.nodeName=node-1")).body), []);
    const bad = await q("/api/v1/namespaces/l1/configmaps", "data.k=v");
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, fixture("list-configmaps-bad-field").response.body);
    const badPod = await q("/api/v1/namespaces/l1/pods", "spec.image=x");
    assert.equal(badPod.status, 400);
    assert.equal(badPod.body.message, "field label not supported: spec.image");
  });

  test("all-namespaces lists span namespaces in key order", async () => {
    const all = await t.send("GET", "/api/v1/pods?labelSelector=!app");
    assert.deepEqual(all.body.items.map((p: { metadata: { namespace: string; name: string } }) => `${p.metadata.namespace}/${p.metadata.name}`), ["l1/e", "l2/z"]);
  });

  test("kubectl's Table accept header gets a Table with the configmap columns", async () => {
    const table = await t.send("GET", "/api/v1/namespaces/l1/configmaps", { accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json" });
    assert.equal(table.body.kind, "Table");
    assert.deepEqual(table.body.columnDefinitions.map((c: { name: string }) => c.name), ["Name", "Data", "Age"]);
  });
  test("every answer carries an Audit-Id and Cache-Control: no-cache, private, as a real server's", async () => {
    for (const path of ["/api/v1/namespaces/l1/configmaps", "/api/v1/namespaces/l1/configmaps/nowhere"]) {
      const res = await t.send("GET", path);
      assert.match(String(res.headers["audit-id"]), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, path);
      assert.equal(res.headers["cache-control"], "no-cache, private", path);
    }
  });

  test("list options the real server refuses are 422 ListOptions, with its messages", async () => {
    const path = "/api/v1/namespaces/l1/configmaps";
    const refused = async (query: string) => {
      const res = await t.send("GET", `${path}?${query}`);
      assert.equal(res.status, 422, query);
      assert.equal(res.body.details.kind, "ListOptions");
      return res.body.message as string;
    };
    assert.equal(await refused("resourceVersionMatch=NotOlderThan"), 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
    assert.equal(await refused("resourceVersion=1&resourceVersionMatch=Foo"), 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "Foo": supported values: "Exact", "NotOlderThan", ""');
    assert.equal(await refused("resourceVersion=0&resourceVersionMatch=Exact"), 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
    assert.equal(await refused("sendInitialEvents=true"), 'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list');
  });

  test("resourceVersionMatch: NotOlderThan answers the current state; Exact the state at its version (list-snapshot.test.ts)", async () => {
    const path = "/api/v1/namespaces/l1/configmaps";
    const rv = (await t.send("GET", path)).body.metadata.resourceVersion as string;
    assert.equal((await t.send("GET", `${path}?resourceVersion=${rv}&resourceVersionMatch=Exact`)).status, 200);
    assert.equal((await t.send("GET", `${path}?resourceVersion=1&resourceVersionMatch=NotOlderThan`)).status, 200);
    await t.send("POST", path, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "later" } } });
    const exact = await t.send("GET", `${path}?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    // The namespace's kube-root-ca.crt is there from its creation on.
    assert.deepEqual({ rv: exact.body.metadata.resourceVersion, names: names(exact.body) }, { rv, names: ["kube-root-ca.crt"] });
    const notOlder = await t.send("GET", `${path}?resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`);
    assert.deepEqual(names(notOlder.body), ["kube-root-ca.crt", "later"]);
  });
});
