/**
 * Which Table an Accept header gets, as 1.32 negotiates it (NegotiateMediaTypeOptions,
 * AllowsMediaTypeTransform, transformResponseObject): `as=Table;v=v1beta1;g=meta.k8s.io` is a
 * `meta.k8s.io/v1beta1` Table whose rows' PartialObjectMetadata is v1beta1 too, for gets, lists
 * and watches, with the same columns and cells as v1 and Content-Type `application/json`; the
 * clauses are tried by quality, and one asking for a Table the server cannot print (no group or
 * version, another version, protobuf) is passed over for the next.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Agent } from "undici";
import { testCluster, watch, type TestCluster } from "./helpers.js";

const V1 = "application/json;as=Table;v=v1;g=meta.k8s.io";
const V1BETA1 = "application/json;as=Table;v=v1beta1;g=meta.k8s.io";
const PATH = "/api/v1/namespaces/tv/configmaps";
/** The namespace's ConfigMaps but the `kube-root-ca.crt` every namespace holds. */
const LIST = `${PATH}?fieldSelector=metadata.name%21%3Dkube-root-ca.crt`;

describe("meta.k8s.io/v1beta1 Tables and Table negotiation", () => {
  let t: TestCluster;
  let agent: Agent;
  let cm: any;
  const get = async (path: string, accept: string) => {
    const res = await t.send("GET", path, { accept });
    assert.equal(res.status, 200, res.text);
    return res;
  };

  before(async () => {
    // A still clock: the AGE cells of two requests are compared, and must not straddle a second.
    const started = Date.now();
    t = await testCluster({ now: () => started });
    agent = new Agent({ connect: { ca: t.cluster.caPem } });
    assert.equal((await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "tv" } } })).status, 201);
    const res = await t.send("POST", PATH, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" }, data: { a: "1", b: "2" } } });
    assert.equal(res.status, 201, res.text);
    cm = res.body;
  });
  after(async () => {
    await t.close();
    await agent.close();
  });

  test("a v1beta1 Table of a list and of one object: the same columns and cells, apiVersion meta.k8s.io/v1beta1, Content-Type application/json", async () => {
    const v1 = (await get(LIST, V1)).body;
    for (const path of [LIST, `${PATH}/cm`]) {
      const res = await get(path, `${V1BETA1},application/json`);
      assert.equal(res.headers["content-type"], "application/json");
      assert.equal(res.body.kind, "Table");
      assert.equal(res.body.apiVersion, "meta.k8s.io/v1beta1");
      assert.deepEqual(res.body.columnDefinitions, v1.columnDefinitions);
      assert.deepEqual(res.body.rows.map((r: any) => r.cells), v1.rows.map((r: any) => r.cells));
      assert.deepEqual(res.body.rows[0].object, { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1beta1", metadata: cm.metadata });
    }
    // The version asked for last is not remembered for the next request.
    const again = await get(LIST, V1);
    assert.equal(again.body.apiVersion, "meta.k8s.io/v1");
    assert.equal(again.body.rows[0].object.apiVersion, "meta.k8s.io/v1");
  });

  test("clauses are tried by quality, the first the server can print wins", async () => {
    const version = async (accept: string) => (await get(LIST, accept)).body.apiVersion;
    assert.equal(await version(`${V1},${V1BETA1},application/json`), "meta.k8s.io/v1");
    assert.equal(await version(`${V1BETA1},${V1},application/json`), "meta.k8s.io/v1beta1");
    assert.equal(await version(`${V1};q=0.5, ${V1BETA1}`), "meta.k8s.io/v1beta1");
    assert.equal(await version(`*/*;as=Table;v=v1beta1;g=meta.k8s.io`), "meta.k8s.io/v1beta1");
  });

  test("a Table clause the server cannot print is passed over for the next clause", async () => {
    for (const accept of [
      "application/json;as=Table,application/json",
      "application/json;as=Table;v=v2;g=meta.k8s.io,application/json",
      "application/json;as=Table;v=v1;g=example.com,application/json",
      "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json",
    ]) {
      const res = await get(LIST, accept);
      assert.equal(res.body.kind, "ConfigMapList", accept);
    }
    const res = await get(LIST, `application/json;as=Table;v=v2;g=meta.k8s.io,${V1BETA1}`);
    assert.equal(res.body.apiVersion, "meta.k8s.io/v1beta1");
  });

  test("a watch asked for v1beta1 Tables sends each object as a meta.k8s.io/v1beta1 Table", async () => {
    const s = await watch(t, agent, `${LIST}&watch=1&timeoutSeconds=5`, `${V1BETA1},application/json`);
    assert.equal(s.status, 200);
    assert.equal(s.contentType, "application/json");
    const [added] = await s.next(1);
    assert.equal(added.type, "ADDED");
    assert.equal(added.object.kind, "Table");
    assert.equal(added.object.apiVersion, "meta.k8s.io/v1beta1");
    assert.deepEqual(added.object.columnDefinitions.map((c: any) => c.name), ["Name", "Data", "Age"]);
    assert.deepEqual(added.object.rows[0].object, { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1beta1", metadata: cm.metadata });
    assert.equal((await t.send("POST", PATH, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "later" } } })).status, 201);
    const [next] = await s.next(1);
    assert.equal(next.object.apiVersion, "meta.k8s.io/v1beta1");
    assert.equal(next.object.columnDefinitions, null);
    assert.deepEqual(next.object.rows[0].cells.slice(0, 2), ["later", 0]);
    s.close();

    const v1 = await watch(t, agent, `${LIST}&watch=1&timeoutSeconds=5`, `${V1},${V1BETA1},application/json`);
    const [first] = await v1.next(1);
    assert.equal(first.object.apiVersion, "meta.k8s.io/v1");
    v1.close();
  });
});
