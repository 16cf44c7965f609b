/**
 * The apiextensions controllers around a CRD's life, as 1.32 runs them: a CRD refused a name
 * another held is accepted once that one goes (the naming controller requeues the group),
 * every clashing short name is named, watches of a CRD's resources end when its spec changes
 * or it goes (the storage is torn down; clients watch again), and a collection delete of CRDs
 * is the generic store's (no cleanup: their resources are back with the CRD).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Agent } from "undici";
import { crd, testCluster, watch, type TestCluster } from "./helpers.js";

const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

describe("CRD controllers", () => {
  let t: TestCluster;
  let agent: Agent;
  before(async () => {
    t = await testCluster();
    agent = new Agent({ connect: { ca: t.cluster.caPem } });
  });
  after(async () => {
    await agent.close();
    await t.close();
  });

  const conditionOf = async (name: string, type: string) => (await t.send("GET", `${CRDS}/${name}`)).body.status.conditions?.find((c: any) => c.type === type);

  test("every clashing short name is named; the CRD is accepted and served once the holder goes", async () => {
    await t.send("POST", CRDS, { body: crd("foos", "Foo", { group: "clash.example.com", shortNames: ["f", "fo"] }) });
    await t.send("POST", CRDS, { body: crd("bars", "Bar", { group: "clash.example.com", shortNames: ["f", "fo", "b"] }) });
    const refused = await conditionOf("bars.clash.example.com", "NamesAccepted");
    assert.deepEqual([refused.status, refused.reason, refused.message], ["False", "ShortNamesConflict", '["f" is already in use, "fo" is already in use]']);
    assert.equal((await t.send("GET", "/apis/clash.example.com/v1/bars")).status, 404);
    await t.send("DELETE", `${CRDS}/foos.clash.example.com`);
    const accepted = await conditionOf("bars.clash.example.com", "NamesAccepted");
    assert.deepEqual([accepted.status, accepted.reason], ["True", "NoConflicts"]);
    assert.equal((await conditionOf("bars.clash.example.com", "Established")).status, "True");
    assert.equal((await t.send("GET", "/apis/clash.example.com/v1/bars")).status, 200);
  });

  test("a watch of a CRD's resources ends when the CRD's spec changes, and when it goes", async () => {
    await t.send("POST", CRDS, { body: crd("zips", "Zip") });
    const path = "/apis/example.com/v1/namespaces/default/zips";
    const first = await watch(t, agent, `${path}?watch=1`);
    const status = (await t.send("GET", `${CRDS}/zips.example.com`)).body;
    assert.equal((await t.send("PUT", `${CRDS}/zips.example.com`, { body: status })).status, 200);
    const quiet = await t.send("GET", `${CRDS}/zips.example.com`);
    assert.equal(quiet.body.metadata.generation, 1);
    // A merge patch of its labels rewrites the spec with sorted keys: the same spec all the same.
    await t.send("PATCH", `${CRDS}/zips.example.com`, { body: { metadata: { labels: { team: "ops" } } }, contentType: "application/merge-patch+json" });
    await t.send("POST", path, { body: { apiVersion: "example.com/v1", kind: "Zip", metadata: { name: "z0" } } });
    assert.deepEqual((await first.next(1)).map((e) => [e.type, e.object.metadata.name]), [["ADDED", "z0"]], "updates that change neither spec nor names leave the watch open");
    const changed = (await t.send("GET", `${CRDS}/zips.example.com`)).body;
    changed.spec.names.shortNames = ["zp"];
    assert.equal((await t.send("PUT", `${CRDS}/zips.example.com`, { body: changed })).status, 200);
    assert.deepEqual(await first.rest(), [], "the stream ended without an event");
    const second = await watch(t, agent, `${path}?watch=1`);
    await t.send("POST", path, { body: { apiVersion: "example.com/v1", kind: "Zip", metadata: { name: "z1" } } });
    // Without a resourceVersion the new watch starts with the objects there (z0), then changes.
    assert.deepEqual((await second.next(2)).map((e) => [e.type, e.object.metadata.name]), [["ADDED", "z0"], ["ADDED", "z1"]]);
    await t.send("DELETE", `${CRDS}/zips.example.com`);
    assert.deepEqual((await second.rest()).map((e) => [e.type, e.object.metadata.name]).sort(), [["DELETED", "z0"], ["DELETED", "z1"]]);
  });

  test("a name released by a collection delete is taken up with one naming write and one establishing write", async () => {
    await t.send("POST", CRDS, { body: crd("reds", "Red", { group: "release.example.com", shortNames: ["r"] }) });
    await t.send("POST", CRDS, { body: crd("roses", "Rose", { group: "release.example.com", shortNames: ["r"] }) });
    const listed = await t.send("GET", CRDS);
    const stream = await watch(t, agent, `${CRDS}?watch=1&resourceVersion=${listed.body.metadata.resourceVersion}&fieldSelector=metadata.name%3Droses.release.example.com`);
    await t.send("DELETE", `${CRDS}?fieldSelector=metadata.name%3Dreds.release.example.com`);
    await t.send("POST", CRDS, { body: crd("marker", "Marker", { group: "release.example.com" }) });
    const events = await stream.next(2);
    stream.close();
    const conditions = (e: any) => e.object.status.conditions.map((c: any) => `${c.type}=${c.status}`).join(",");
    assert.deepEqual(events.map((e) => [e.type, conditions(e)]), [["MODIFIED", "NamesAccepted=True,Established=False"], ["MODIFIED", "NamesAccepted=True,Established=True"]]);
    const after = await t.send("GET", `${CRDS}?resourceVersion=0&fieldSelector=metadata.name%3Droses.release.example.com`);
    assert.equal(after.body.items[0].metadata.resourceVersion, events[1].object.metadata.resourceVersion, "no third write");
  });

  test("a collection delete of CRDs is the generic store's: gone at once, their resources back when recreated", async () => {
    await t.send("POST", CRDS, { body: crd("logs", "Log", { group: "coll.example.com" }) });
    await t.send("POST", "/apis/coll.example.com/v1/namespaces/default/logs", { body: { apiVersion: "coll.example.com/v1", kind: "Log", metadata: { name: "l1" } } });
    const deleted = await t.send("DELETE", `${CRDS}?fieldSelector=metadata.name%3Dlogs.coll.example.com`);
    assert.deepEqual(deleted.body.items.map((i: any) => i.metadata.name), ["logs.coll.example.com"]);
    assert.equal((await t.send("GET", `${CRDS}/logs.coll.example.com`)).status, 404);
    assert.equal((await t.send("GET", "/apis/coll.example.com/v1/logs")).status, 404);
    await t.send("POST", CRDS, { body: crd("logs", "Log", { group: "coll.example.com" }) });
    const back = await t.send("GET", "/apis/coll.example.com/v1/logs");
    assert.deepEqual(back.body.items.map((i: any) => i.metadata.name), ["l1"]);
  });

  test("in a CRD's group version, a resource it does not serve is the chain's plain 404; a wrong kind the validator's 422", async () => {
    await t.send("POST", CRDS, { body: crd("parts", "Part", { group: "kinds.example.com" }) });
    const missing = await t.send("GET", "/apis/kinds.example.com/v1/namespaces/default/nopes");
    assert.deepEqual([missing.status, missing.text], [404, "404 page not found\n"]);
    const wrong = await t.send("POST", "/apis/kinds.example.com/v1/namespaces/default/parts", { body: { apiVersion: "kinds.example.com/v1", kind: "Other", metadata: { name: "x" } } });
    assert.equal(wrong.status, 422);
    assert.equal(wrong.body.message, 'Part.kinds.example.com "x" is invalid: kind: Invalid value: "Other": must be Part');
    const array = crd("bolts", "Bolt", { group: "kinds.example.com" });
    array.spec.versions[0].schema = { openAPIV3Schema: [] };
    const refused = await t.send("POST", CRDS, { body: array });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.message, 'CustomResourceDefinition in version "v1" cannot be handled as a CustomResourceDefinition: json: cannot unmarshal array into Go struct field CustomResourceValidation.spec.versions.schema.openAPIV3Schema of type v1.JSONSchemaProps');
  });
});
