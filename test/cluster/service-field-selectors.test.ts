/**
 * Services' field selectors, as 1.32's AddFieldLabelConversionsForService and the service
 * strategy's SelectableFields have them: `spec.clusterIP` and `spec.type` besides
 * `metadata.name` and `metadata.namespace`; any other label is the conversion's own 400
 * `field label not supported: X`.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { testCluster, type TestCluster } from "./helpers.js";

const SVCS = "/api/v1/namespaces/sf/services";

describe("Service field selectors", () => {
  let t: TestCluster;
  const names = async (selector: string) => {
    const res = await t.send("GET", `${SVCS}?fieldSelector=${encodeURIComponent(selector)}`);
    assert.equal(res.status, 200, res.text);
    return res.body.items.map((s: any) => s.metadata.name);
  };
  before(async () => {
    t = await testCluster();
    assert.equal((await t.send("POST", "/api/v1/namespaces", { body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "sf" } } })).status, 201);
    const ports = [{ port: 80 }];
    const services = [
      { metadata: { name: "plain" }, spec: { ports } },
      { metadata: { name: "headless" }, spec: { clusterIP: "None", ports } },
      { metadata: { name: "node" }, spec: { type: "NodePort", ports } },
      { metadata: { name: "ext" }, spec: { type: "ExternalName", externalName: "example.com" } },
    ];
    for (const svc of services) {
      const res = await t.send("POST", SVCS, { body: { apiVersion: "v1", kind: "Service", ...svc } });
      assert.equal(res.status, 201, res.text);
    }
  });
  after(() => t.close());

  test("spec.type selects by the (defaulted) type", async () => {
    assert.deepEqual(await names("spec.type=ClusterIP"), ["headless", "plain"]);
    assert.deepEqual(await names("spec.type=NodePort"), ["node"]);
    assert.deepEqual(await names("spec.type!=ClusterIP"), ["ext", "node"]);
  });

  test("spec.clusterIP selects by the allocated address, None, or empty", async () => {
    assert.deepEqual(await names("spec.clusterIP=None"), ["headless"]);
    assert.deepEqual(await names("spec.clusterIP="), ["ext"]);
    const plain = (await t.send("GET", `${SVCS}/plain`)).body;
    assert.deepEqual(await names(`spec.clusterIP=${plain.spec.clusterIP},metadata.name=plain`), ["plain"]);
  });

  test("an unsupported label is the conversion's 400", async () => {
    const res = await t.send("GET", `${SVCS}?fieldSelector=spec.selector%3Dx`);
    assert.equal(res.status, 400);
    assert.equal(res.body.message, "field label not supported: spec.selector");
  });
});
