/**
 * Metadata-only answers (`Accept: application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1`,
 * client-go's metadata client), as 1.32's asPartialObjectMetadata(List) make them, and the 406s
 * of a conversion the server refuses.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Agent } from "undici";
import { crd, testCluster, watch, type TestCluster } from "./helpers.js";

const CMS = "/api/v1/namespaces/default/configmaps";
const POM = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
const POM_LIST = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
const ACCEPTED = "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf";

const notAcceptable = (message: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "NotAcceptable", code: 406 });

describe("PartialObjectMetadata answers", () => {
  let t: TestCluster;
  let meta: Record<string, any>;
  before(async () => {
    t = await testCluster();
    const created = await t.send("POST", CMS, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "one", labels: { app: "a" } }, data: { k: "v" } } });
    meta = created.body.metadata;
  });
  after(() => t.close());

  test("a GET is the object's metadata as a meta.k8s.io/v1 PartialObjectMetadata", async () => {
    const got = await t.send("GET", `${CMS}/one`, { accept: POM });
    assert.equal(got.status, 200);
    assert.equal(got.headers["content-type"], "application/json");
    assert.deepEqual(got.body, { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: meta });
  });

  test("v1beta1 is served too, and the first acceptable clause wins", async () => {
    const got = await t.send("GET", `${CMS}/one`, { accept: "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1,application/json" });
    assert.deepEqual(got.body, { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1beta1", metadata: meta });
    const fallback = await t.send("GET", `${CMS}/one`, { accept: "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v2,application/json" });
    assert.equal(fallback.body.kind, "ConfigMap");
  });

  test("a LIST is a PartialObjectMetadataList with the list's resourceVersion and continue; no items is items: null", async () => {
    const listed = await t.send("GET", `${CMS}?labelSelector=app%3Da`, { accept: POM_LIST });
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body, {
      kind: "PartialObjectMetadataList", apiVersion: "meta.k8s.io/v1", metadata: { resourceVersion: listed.body.metadata.resourceVersion },
      items: [{ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: meta }],
    });
    const paged = await t.send("GET", `${CMS}?limit=1`, { accept: POM_LIST });
    assert.equal(typeof paged.body.metadata.continue, "string");
    assert.equal(paged.body.items.length, 1);
    const none = await t.send("GET", `${CMS}?labelSelector=app%3Dnone`, { accept: POM_LIST });
    assert.equal(none.body.items, null);
  });

  test("a watch sends each event's object as a PartialObjectMetadata", async () => {
    const agent = new Agent({ connect: { ca: t.cluster.caPem } });
    const stream = await watch(t, agent, `${CMS}?watch=1&fieldSelector=metadata.name=two`, POM);
    const created = await t.send("POST", CMS, { body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "two" } } });
    const [event] = await stream.next(1);
    stream.close();
    await agent.close();
    assert.deepEqual(event, { type: "ADDED", object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: created.body.metadata } });
  });

  test("a metadata-only watch list's end BOOKMARK carries a PartialObjectMetadataList blueprint", async () => {
    const agent = new Agent({ connect: { ca: t.cluster.caPem } });
    const stream = await watch(t, agent, `${CMS}?watch=1&allowWatchBookmarks=true&timeoutSeconds=1`, "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1");
    const end = (await stream.rest()).find((e) => e.type === "BOOKMARK");
    await agent.close();
    assert.equal(end.object.kind, "PartialObjectMetadata");
    const text = Buffer.from(end.object.metadata.annotations["kubernetes.io/initial-events-list-blueprint"], "base64").toString();
    assert.equal(text, '{"kind":"PartialObjectMetadataList","apiVersion":"meta.k8s.io/v1beta1","metadata":{},"items":null}\n');
  });

  test("a list asked for as PartialObjectMetadata, or an object as PartialObjectMetadataList, is the 406 naming the registry's Go type", async () => {
    const list = await t.send("GET", CMS, { accept: POM });
    assert.equal(list.status, 406);
    assert.deepEqual(list.body, notAcceptable("you requested PartialObjectMetadata, but the requested object is a list (*core.ConfigMapList)"));
    assert.equal(list.text, JSON.stringify(list.body, null, 2));
    const one = await t.send("GET", `${CMS}/one`, { accept: `${POM_LIST},application/json` });
    assert.deepEqual(one.body, notAcceptable("you requested PartialObjectMetadataList, but the requested object is not a list (*core.ConfigMap)"));
    assert.equal(one.text, JSON.stringify(one.body));
    const deployments = await t.send("GET", "/apis/apps/v1/namespaces/default/deployments", { accept: POM });
    assert.equal(deployments.body.message, "you requested PartialObjectMetadata, but the requested object is a list (*apps.DeploymentList)");
  });

  test("an Accept header with no acceptable clause (another kind, group or version) is the negotiation's 406", async () => {
    for (const accept of ["application/json;as=Foo;g=meta.k8s.io;v=v1", "application/json;as=PartialObjectMetadata;g=example.com;v=v1", "text/plain"]) {
      const got = await t.send("GET", `${CMS}/one`, { accept });
      assert.equal(got.status, 406, accept);
      assert.deepEqual(got.body, notAcceptable(ACCEPTED));
      assert.equal(got.text, JSON.stringify(got.body, null, 2));
    }
  });

  test("custom resources answer metadata only too; their type is unstructured", async () => {
    assert.equal((await t.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: crd("gadgets", "Gadget") })).status, 201);
    const created = await t.send("POST", "/apis/example.com/v1/namespaces/default/gadgets", { body: { apiVersion: "example.com/v1", kind: "Gadget", metadata: { name: "g" }, spec: {} } });
    const got = await t.send("GET", "/apis/example.com/v1/namespaces/default/gadgets/g", { accept: POM });
    assert.deepEqual(got.body, { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: created.body.metadata });
    const list = await t.send("GET", "/apis/example.com/v1/namespaces/default/gadgets", { accept: POM });
    assert.equal(list.body.message, "you requested PartialObjectMetadata, but the requested object is a list (*unstructured.UnstructuredList)");
  });
});
