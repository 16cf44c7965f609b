/**
 * A CRD's resources have a watch cache of their own, started by listing at the version their
 * storage is built at, as the cacher the apiextensions handler builds for them: a watch from
 * before that version is 410 naming it, and so is one resumed from before a change of the CRD
 * that tore the storage down and built it again.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Agent } from "undici";
import { crd, testCluster, watch, type TestCluster } from "./helpers.js";

const MERGE = "application/merge-patch+json";

describe("a CRD's watch cache", () => {
  let t: TestCluster;
  let agent: Agent;
  before(async () => {
    t = await testCluster();
    agent = new Agent({ connect: { ca: t.cluster.caPem } });
    await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "w" } } });
  });
  after(async () => {
    await agent.close();
    await t.close();
  });

  const latest = async (): Promise<number> => Number((await t.send("GET", "/api/v1/namespaces/w/configmaps")).body.metadata.resourceVersion);
  // A watch expected to fail carries a timeout: served instead, it ends with no events rather than never.
  const expired = (message: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "Expired", code: 410 });

  test("a CRD's resources are watched back to the version their storage was built at; from before it, or before a change that rebuilt it, 410 naming that version", async () => {
    const definition = crd("widgets", "Widget", { group: "window.example.com" });
    await t.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: definition });
    const built = await latest();
    const widgets = "/apis/window.example.com/v1/namespaces/w/widgets";
    const early = await watch(t, agent, `${widgets}?watch=1&resourceVersion=${built - 1}&timeoutSeconds=2`);
    assert.deepEqual(await early.rest(), [{ type: "ERROR", object: expired(`too old resource version: ${built - 1} (${built})`) }]);
    const served = await watch(t, agent, `${widgets}?watch=1&resourceVersion=${built}`);
    const created = await t.send("POST", widgets, { body: { apiVersion: "window.example.com/v1", kind: "Widget", metadata: { name: "one" } } });
    const [added] = await served.next(1);
    assert.deepEqual([added.type, added.object.metadata.name], ["ADDED", "one"]);
    // A change of the CRD's spec tears its storage down (the watch ends); the new one's cache lists anew.
    const crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.window.example.com";
    const changed = await t.send("PATCH", crdPath, { body: { spec: { names: { shortNames: ["wd"] } } }, contentType: MERGE });
    assert.equal(changed.status, 200);
    assert.deepEqual(await served.rest(), []);
    const rebuilt = await latest();
    const resumed = await watch(t, agent, `${widgets}?watch=1&resourceVersion=${created.body.metadata.resourceVersion}&timeoutSeconds=2`);
    assert.deepEqual(await resumed.rest(), [{ type: "ERROR", object: expired(`too old resource version: ${created.body.metadata.resourceVersion} (${rebuilt})`) }]);
  });
});
