/**
 * A strategic merge patch's `$patch` directive that strategicpatch does not take, as 1.32
 * answers it: `merge` in a list item is mergeSliceWithSpecialElements' "merging lists cannot
 * yet be specified in the patch", any other unknown one mergepatch.ErrBadPatchType (the item
 * printed as Go's `%v`); interpretStrategicMergePatchError passes both on, so the client gets
 * a bare 500 (no reason) and nothing is written. They were ignored.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const DEPLOYS = "/apis/apps/v1/namespaces/spd/deployments";
const SMP = "application/strategic-merge-patch+json";
const bare500 = (message: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code: 500 });

describe("strategic patch directives", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("spd");
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", labels: { app: "web" } },
      spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "a", image: "nginx" }] } } },
    };
    assert.equal((await t.send("POST", DEPLOYS, { body: deployment })).status, 201);
  });
  after(() => t.close());

  const patch = (body: unknown) => t.send("PATCH", `${DEPLOYS}/web`, { body, contentType: SMP });
  const containers = (items: unknown[]) => ({ spec: { template: { spec: { containers: items } } } });

  test('"$patch": "merge" in a list: 500 merging lists cannot yet be specified in the patch', async () => {
    const before = (await t.send("GET", `${DEPLOYS}/web`)).body.metadata.resourceVersion;
    const res = await patch(containers([{ name: "a", image: "nginx:2", $patch: "merge" }]));
    assert.equal(res.status, 500);
    assert.deepEqual(res.body, bare500("merging lists cannot yet be specified in the patch"));
    assert.equal((await t.send("GET", `${DEPLOYS}/web`)).body.metadata.resourceVersion, before);
  });

  test("an unknown $patch in a list: 500 unknown patch type, the item as Go prints it", async () => {
    const res = await patch(containers([{ name: "a", $patch: "bogus" }]));
    assert.equal(res.status, 500);
    assert.deepEqual(res.body, bare500("unknown patch type: bogus in map: map[$patch:bogus name:a]"));
    const numeric = await patch(containers([{ name: "a", $patch: 1 }]));
    assert.deepEqual(numeric.body, bare500("unknown patch type: %!s(float64=1) in map: map[$patch:1 name:a]"));
  });

  test("the directives are read before the items' merge keys", async () => {
    const res = await patch(containers([{ image: "x" }, { name: "a", $patch: "bogus" }]));
    assert.deepEqual(res.body, bare500("unknown patch type: bogus in map: map[$patch:bogus name:a]"));
  });

  test("an unknown $patch in a map merged into a stored one: the same 500", async () => {
    const res = await patch({ metadata: { labels: { $patch: "merge" } } });
    assert.equal(res.status, 500);
    assert.deepEqual(res.body, bare500("unknown patch type: merge in map: map[$patch:merge]"));
  });
});
