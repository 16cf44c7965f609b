/**
 * A strategic merge patch whose list item lacks its list's merge key (a container without
 * `name`) is refused as 1.32 refuses it: strategicpatch's ErrNoMergeKey, which no code turns
 * into a Status, answered as a bare 500 with the item printed as Go's `%v` prints it. It was
 * appended: a function tested on the emulator passed, and failed on a real cluster.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { clusterWithNamespaces, type TestCluster } from "./helpers.js";

const DEPLOYS = "/apis/apps/v1/namespaces/smk/deployments";
const SMP = "application/strategic-merge-patch+json";
const bare500 = (message: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code: 500 });

describe("strategic merge keys", () => {
  let t: TestCluster;
  before(async () => {
    t = await clusterWithNamespaces("smk");
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web" },
      spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "app", image: "nginx", ports: [{ containerPort: 80 }] }] } } },
    };
    assert.equal((await t.send("POST", DEPLOYS, { body: deployment })).status, 201);
  });
  after(() => t.close());

  const patch = (containers: unknown[]) => t.send("PATCH", `${DEPLOYS}/web`, { body: { spec: { template: { spec: { containers } } } }, contentType: SMP });

  test("a container without name: 500 with ErrNoMergeKey's text, nothing changed", async () => {
    const before = (await t.send("GET", `${DEPLOYS}/web`)).body;
    const answer = await patch([{ image: "nginx:1.27" }]);
    assert.equal(answer.status, 500);
    assert.deepEqual(answer.body, bare500("map: map[image:nginx:1.27] does not contain declared merge key: name"));
    const after = (await t.send("GET", `${DEPLOYS}/web`)).body;
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
    assert.deepEqual(after.spec.template.spec.containers.map((c: { image: string }) => c.image), ["nginx"]);
  });

  test("nested lists and directives are held to it too; the item is printed with sorted keys and Go's numbers", async () => {
    assert.equal((await patch([{ name: "app", env: [{ value: "1" }] }])).body.message, "map: map[value:1] does not contain declared merge key: name");
    assert.equal((await patch([{ name: "app", ports: [{ protocol: "TCP", hostPort: 8080 }] }])).body.message, "map: map[hostPort:8080 protocol:TCP] does not contain declared merge key: containerPort");
    assert.equal((await patch([{ $patch: "delete", image: "x" }])).body.message, "map: map[$patch:delete image:x] does not contain declared merge key: name");
  });

  test("with its key the item merges as before", async () => {
    const answer = await patch([{ name: "app", image: "nginx:1.27" }]);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.spec.template.spec.containers[0].image, "nginx:1.27");
  });
});
